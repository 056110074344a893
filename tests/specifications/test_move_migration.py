"""Specifications moved from the portfolio app to their own: existing rows survive."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import make_coder

BEFORE_THE_MOVE = [
    ("portfolio", "0005_audit_constraint_messages"),
    ("applications", "0001_initial"),
    ("specifications", None),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(
        [target for target in targets if target[1]]
    ).apps


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_keeps_its_specs_links_and_applications():
    old = _migrate(BEFORE_THE_MOVE)
    Organisation = old.get_model("accounts", "Organisation")
    User = old.get_model("accounts", "User")
    Spec = old.get_model("portfolio", "PersonSpecification")
    Criterion = old.get_model("portfolio", "Criterion")
    EvidenceLink = old.get_model("portfolio", "EvidenceLink")
    Evidence = old.get_model("portfolio", "Evidence")
    Vacancy = old.get_model("applications", "Vacancy")
    Application = old.get_model("applications", "Application")
    Statement = old.get_model("applications", "Statement")

    trust = Organisation.objects.create(name="Moved Trust", ods_code="RMV")
    # The user table is not part of the move: made with today's model.
    coder = User.objects.get(pk=make_coder(email="mover@example.nhs.uk").pk)
    spec = Spec.objects.create(
        organisation=trust, title="Coder", slug="moved-coder", version=1
    )
    criterion = Criterion.objects.create(
        specification=spec,
        category="experience",
        requirement="essential",
        text="Three years of coding",
        order=1,
        rule_kind="experience_years",
        rule_params={"years": 3},
    )
    item = Evidence.objects.create(
        owner=coder, kind="cpd", title="Refresher", date=datetime.date(2026, 1, 5)
    )
    EvidenceLink.objects.create(evidence=item, criterion=criterion, rationale="Why")
    vacancy = Vacancy.objects.create(
        organisation=trust,
        title="Coder",
        reference="MV-1",
        closing_date=datetime.date(2026, 12, 31),
        specification=spec,
    )
    application = Application.objects.create(
        vacancy=vacancy, applicant=coder, candidate_number="C100001"
    )
    statement = Statement.objects.create(
        application=application, criterion=criterion, text="I have."
    )
    statement.evidence.add(item)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from applications.models import Statement as NewStatement
    from specifications.models import Criterion as NewCriterion
    from specifications.models import EvidenceLink as NewLink
    from specifications.models import PersonSpecification

    moved = PersonSpecification.objects.get(slug="moved-coder")
    assert moved.organisation.name == "Moved Trust"
    assert [c.rule for c in moved.criteria.all()] == [
        {"kind": "experience_years", "years": 3}
    ]
    link = NewLink.objects.get(criterion__specification=moved)
    assert (link.evidence.title, link.rationale) == ("Refresher", "Why")
    assert moved.vacancies.get().reference == "MV-1"
    kept = NewStatement.objects.get(criterion=NewCriterion.objects.get(pk=criterion.pk))
    assert kept.text == "I have."
    assert [e.title for e in kept.evidence.all()] == ["Refresher"]
    tables = set(connection.introspection.table_names())
    assert {"specifications_personspecification", "specifications_criterion"} <= tables
    assert "portfolio_criterion" not in tables
