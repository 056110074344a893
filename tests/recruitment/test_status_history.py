"""Every change of an application's status is kept: who, when, from, to and why.
Coders submit and withdraw; the lead recruiter sets the outcome."""

import pytest
from django.core.exceptions import ValidationError

from applications.models import Application, OutcomeRefused, StatusChange
from tests.recruitment.helpers import submit

NHS_NUMBER = "Seen for 943 476 5919"


def history(application: Application) -> list[tuple]:
    return [
        (c.changed_by, c.from_status, c.to_status, c.reason)
        for c in application.status_changes.all()
    ]


def test_submitting_and_withdrawing_are_recorded_as_the_coders_own(alice, vacancy):
    application = submit(alice, vacancy)
    application.withdraw()
    assert history(application) == [
        (alice, "draft", "submitted", ""),
        (alice, "submitted", "withdrawn", ""),
    ]
    first, second = application.status_changes.all()
    assert first.at == application.submitted_at
    assert second.at == application.withdrawn_at


def test_the_lead_sets_and_changes_an_outcome_each_kept(submitted, rachel):
    submitted.set_outcome(Application.Status.NOT_SHORTLISTED, by=rachel, reason="Gaps.")
    submitted.set_outcome(Application.Status.SHORTLISTED, by=rachel, reason="")
    submitted.refresh_from_db()
    assert submitted.status == Application.Status.SHORTLISTED
    assert history(submitted)[1:] == [
        (rachel, "submitted", "not_shortlisted", "Gaps."),
        (rachel, "not_shortlisted", "shortlisted", ""),
    ]


def test_not_shortlisting_needs_a_reason(submitted, rachel):
    with pytest.raises(OutcomeRefused, match="Give the reason"):
        submitted.set_outcome(Application.Status.NOT_SHORTLISTED, by=rachel, reason=" ")
    submitted.refresh_from_db()
    assert submitted.status == Application.Status.SUBMITTED
    assert submitted.status_changes.count() == 1


def test_a_reason_with_patient_identifiers_is_refused(submitted, rachel):
    with pytest.raises(ValidationError, match="NHS number"):
        submitted.set_outcome(
            Application.Status.NOT_SHORTLISTED, by=rachel, reason=NHS_NUMBER
        )
    submitted.refresh_from_db()
    assert submitted.status == Application.Status.SUBMITTED


def test_a_draft_or_withdrawn_application_has_no_outcome(alice, bob, vacancy, rachel):
    draft, _ = Application.objects.start(vacancy, bob)
    withdrawn = submit(alice, vacancy)
    withdrawn.withdraw()
    for application in (draft, withdrawn):
        with pytest.raises(OutcomeRefused, match="it has no outcome"):
            application.set_outcome(Application.Status.SHORTLISTED, by=rachel)
    assert not StatusChange.objects.filter(
        to_status=Application.Status.SHORTLISTED
    ).exists()


def test_a_decided_application_cannot_be_withdrawn(submitted, rachel):
    from applications.models import WithdrawalRefused

    submitted.set_outcome(Application.Status.SHORTLISTED, by=rachel)
    with pytest.raises(WithdrawalRefused):
        submitted.withdraw()
    assert submitted.status_changes.count() == 2


def test_only_an_outcome_can_be_set(submitted, rachel):
    with pytest.raises(ValueError, match="Not an outcome"):
        submitted.set_outcome(Application.Status.WITHDRAWN, by=rachel)
