"""Person specifications: criteria as data, and the coder's evidence mapped to them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from portfolio.models import Evidence
from portfolio.pid import validate_no_identifiers


class PersonSpecification(models.Model):
    """An organisation's person specification for a post: criteria as data."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="specifications"
    )
    title = models.CharField(max_length=200, validators=[validate_no_identifiers])
    slug = models.SlugField(max_length=120, unique=True)
    band = models.CharField(
        max_length=40,
        blank=True,
        help_text="For example, Band 4.",
        validators=[validate_no_identifiers],
    )
    source = models.CharField(
        max_length=300,
        blank=True,
        help_text="Where the criteria come from.",
        validators=[validate_no_identifiers],
    )
    version = models.PositiveIntegerField(default=1)
    locked_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="Set when a submitted application first uses this version.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation__name", "title", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "title", "version"], name="spec_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    def get_absolute_url(self) -> str:
        return reverse("specs:matrix", args=[self.slug])

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


# How a sentence names each route: "Applies to the ACC route only".
ROUTE_NAMES = {"acc": "ACC route", "portfolio": "portfolio route"}


class Criterion(models.Model):
    """One line of a person specification, optionally with a rule the app can check."""

    class Category(models.TextChoices):
        SKILLS = "skills", "Skills"
        KNOWLEDGE = "knowledge", "Knowledge"
        EXPERIENCE = "experience", "Experience"
        QUALIFICATIONS = "qualifications", "Qualifications"

    class Requirement(models.TextChoices):
        ESSENTIAL = "essential", "Essential"
        DESIRABLE = "desirable", "Desirable"

    class Route(models.TextChoices):
        """Who a criterion applies to: every applicant, or those applying by one
        route (the listing's "NCCQ Accredited Clinical Coder (ACC)" or "a
        well-evidenced coding portfolio")."""

        ALL = "", "Every applicant"
        ACC = "acc", "ACC route only"
        PORTFOLIO = "portfolio", "Portfolio route only"

    class RuleKind(models.TextChoices):
        ACCURACY = "accuracy", "Sustained accuracy"
        EXPERIENCE_YEARS = "experience_years", "Years of coding experience"
        HOLDS_ACC = "holds_acc", "Holds ACC"
        SPECIALTY_COUNT = "specialty_count", "Number of specialties"
        ITEM_COUNT = "item_count", "Number of items of a kind"
        REFRESHER_WITHIN = "refresher_within", "Standards Refresher within N years"
        ANY_OF = "any_of", "Any one of several rules"
        ALL_OF = "all_of", "All of several rules"

    specification = models.ForeignKey(
        PersonSpecification, on_delete=models.CASCADE, related_name="criteria"
    )
    category = models.CharField(max_length=20, choices=Category.choices)
    requirement = models.CharField(max_length=20, choices=Requirement.choices)
    route = models.CharField(
        max_length=20, choices=Route.choices, default="", blank=True
    )
    text = models.TextField(validators=[validate_no_identifiers])
    order = models.PositiveIntegerField(default=0)
    rule_kind = models.CharField(
        max_length=30, choices=RuleKind.choices, blank=True, default=""
    )
    rule_params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["specification", "order", "id"]
        verbose_name_plural = "criteria"

    def __str__(self) -> str:
        return self.text

    def applies_to(self, route: str) -> bool:
        """Whether the criterion applies to an applicant by `route` ("acc",
        "portfolio"; "" when none is chosen yet, so only the criteria for every
        applicant apply). The one place that decides it: coverage, the draft, the
        submission check and the snapshot all ask here."""
        return not self.route or self.route == route

    def not_applicable_reason(self, route: str) -> str:
        """Why the criterion does not apply to `route`; "" when it does."""
        if self.applies_to(route):
            return ""
        return f"Applies to the {ROUTE_NAMES[self.route]} only"

    def clean_fields(self, exclude=None) -> None:
        # rule_kind and rule_params are one rule: clean() checks them together.
        super().clean_fields(exclude={*(exclude or ()), "rule_kind", "rule_params"})

    def clean(self) -> None:
        """Check the rule (its kind and parameters). Errors are keyed "rule", the
        name the spec format and CriterionForm give it: a ModelForm of Criterion
        (the admin's too) needs that field, or Django raises ValueError on a bad
        rule. Looks up a named case type (a query)."""
        # rules.py reads Criterion.RuleKind, so it cannot be imported at the top.
        from specifications.rules import clean_rule

        super().clean()
        if self.rule_kind != "" or self.rule_params:
            try:
                clean_rule(self.rule_kind, self.rule_params)
            except ValidationError as error:
                raise ValidationError({"rule": error.messages}) from None

    @property
    def rule(self) -> dict | None:
        """The rule as in the spec format: None, or {"kind": ..., **params}."""
        if not self.rule_kind:
            return None
        return {"kind": self.rule_kind, **self.rule_params}

    @rule.setter
    def rule(self, rule: dict | None) -> None:
        """Set the rule from its spec-format dict; clean() checks kind and params.

        Raises ValidationError if it is neither None nor an object with a kind."""
        if rule is None:
            self.rule_kind, self.rule_params = "", {}
            return
        if not isinstance(rule, dict) or "kind" not in rule:
            raise ValidationError(
                'A rule must be null or an object with a "kind".', code="rule_shape"
            )
        self.rule_kind = rule["kind"]
        self.rule_params = {k: v for k, v in rule.items() if k != "kind"}


class EvidenceLink(models.Model):
    """A coder's claim that an item of evidence meets a criterion, and why."""

    evidence = models.ForeignKey(
        Evidence, on_delete=models.CASCADE, related_name="links"
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="links"
    )
    rationale = models.CharField(
        max_length=500,
        help_text="A sentence on how this evidence meets the criterion.",
        validators=[validate_no_identifiers],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["evidence", "criterion"], name="evidence_link_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evidence} → {self.criterion}"
