import datetime

from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    PermissionsMixin,
)
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class Organisation(models.Model):
    """An NHS organisation (usually a trust) that employs recruiters."""

    name = models.CharField(max_length=200, unique=True)
    ods_code = models.CharField(
        "ODS code",
        max_length=10,
        blank=True,
        help_text="The organisation's NHS ODS code, for example R0D.",
    )
    # How long withdrawn and unsuccessful applications are kept once decided
    # (applications' purge_applications command removes them after it).
    retention_months = models.PositiveSmallIntegerField(
        "keep unsuccessful applications for (months)",
        default=12,
        # In the table too: rows written without the field (older code, a
        # migration's historical model) get it.
        db_default=12,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="Withdrawn and not shortlisted applications, and their packs, "
        "are deleted this many months after their last change.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ods_code"],
                condition=~models.Q(ods_code=""),
                name="organisation_ods_code_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        """The whole address in lower case: one account per address, however
        it is typed."""
        return super().normalize_email(email).lower()

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("Users must have an email address.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username: str):
        # Sign-in is case-insensitive: emails are stored in lower case. An
        # address longer than any stored one matches none, and is not sent to
        # the database (SQLite refuses a LIKE pattern over 50,000 characters).
        if len(username) > self.model._meta.get_field("email").max_length:
            raise self.model.DoesNotExist
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address: a coder or a recruiter."""

    class Role(models.TextChoices):
        CODER = "coder", "Clinical coder"
        RECRUITER = "recruiter", "Recruiter"

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CODER)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        help_text="Required for recruiters: the organisation they recruit for.",
    )
    is_staff = models.BooleanField(
        "staff status",
        default=False,
        help_text="Whether the user can sign in to the admin site.",
    )
    is_active = models.BooleanField("active", default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.CheckConstraint(
                condition=~models.Q(role="recruiter")
                | models.Q(organisation__isnull=False),
                name="recruiter_has_organisation",
                violation_error_message="A recruiter must belong to an organisation.",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_coder(self) -> bool:
        return self.role == self.Role.CODER

    @property
    def is_recruiter(self) -> bool:
        return self.role == self.Role.RECRUITER

    @property
    def is_awaiting_confirmation(self) -> bool:
        """Signed up but not yet through the emailed link: inactive, never signed
        in. (An account an administrator switched off has signed in before, or was
        never self-made; a link cannot switch it back on.)"""
        return not self.is_active and self.last_login is None


class SignUpQuerySet(models.QuerySet):
    def within_the_hour(self, address: str) -> "SignUpQuerySet":
        since = timezone.now() - datetime.timedelta(hours=1)
        return self.filter(address=address, created_at__gte=since)


class SignUp(models.Model):
    """A sign-up sent from an address, kept for an hour: sign-ups are throttled per
    address (settings.SIGN_UPS_PER_HOUR), across every web process."""

    address = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    objects = SignUpQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["address", "created_at"])]

    def __str__(self) -> str:
        return f"{self.address} at {self.created_at:%Y-%m-%d %H:%M}"

    @classmethod
    def record(cls, address: str) -> None:
        """Count one more sign-up from `address`; forget those over an hour old."""
        hour_ago = timezone.now() - datetime.timedelta(hours=1)
        cls.objects.filter(created_at__lt=hour_ago).delete()
        cls.objects.create(address=address[:64])
