"""The lead sets each outcome (not shortlisted with a reason); the coder sees it
on their applications page and is e-mailed; every status change is shown. The lead
finalises the shortlist once the vacancy has closed and every application has an
outcome: names show from then on, and the reveal is logged."""

from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from applications.models import Application
from recruitment.models import AccessLog
from tests.recruitment.helpers import close


def set_outcome(client, application, outcome: str, reason: str = ""):
    return client.post(
        reverse("recruitment:outcome", args=[application.pk]),
        {"outcome": outcome, "reason": reason},
    )


def test_the_lead_sets_an_outcome_and_the_coder_is_emailed_and_sees_it(
    client,
    rachel,
    alice,
    panel,
    submitted,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client.force_login(rachel)
    with django_capture_on_commit_callbacks(execute=True):
        response = set_outcome(
            client, submitted, "not_shortlisted", "Too few specialties evidenced."
        )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Application.Status.NOT_SHORTLISTED
    [email] = mailoutbox
    assert email.to == ["alice@example.nhs.uk"]
    assert email.subject == "Your application for Clinical Coder (CC-1)"
    assert "Outcome: Not shortlisted." in email.body
    assert "Reason: Too few specialties evidenced." in email.body
    assert "http://testserver/applications/" in email.body

    client.force_login(alice)
    response = client.get(reverse("applications:coder_home"))
    assertContains(response, "Not shortlisted</strong>")
    assertContains(response, "Too few specialties evidenced.")


def test_the_history_shows_who_when_from_and_to(client, rachel, panel, submitted):
    client.force_login(rachel)
    set_outcome(client, submitted, "shortlisted")
    response = client.get(reverse("recruitment:application", args=[submitted.pk]))
    history = response.context["history"]
    assert [(c.from_status, c.to_status) for c in history] == [
        ("draft", "submitted"),
        ("submitted", "shortlisted"),
    ]
    assertContains(response, "The candidate")  # not their name, yet
    assertContains(response, "Rachel Reed")
    assertContains(response, f"{history[1].at:%-d %b %Y}")


def test_not_shortlisting_needs_a_reason(client, rachel, panel, submitted, mailoutbox):
    client.force_login(rachel)
    response = set_outcome(client, submitted, "not_shortlisted", "  ")
    assertContains(
        response, "Give the reason the candidate is not shortlisted.", status_code=400
    )
    submitted.refresh_from_db()
    assert submitted.status == Application.Status.SUBMITTED
    assert mailoutbox == []


def test_it_handles_bad_input(client, rachel, panel, submitted):
    client.force_login(rachel)
    response = set_outcome(client, submitted, "withdrawn")
    assertContains(response, "Select a valid choice.", status_code=400)
    response = set_outcome(
        client, submitted, "not_shortlisted", "Seen for 943 476 5919"
    )
    assertContains(response, "This looks like an NHS number", status_code=400)
    submitted.refresh_from_db()
    assert submitted.status == Application.Status.SUBMITTED


def test_a_withdrawn_application_gets_no_outcome(client, rachel, panel, submitted):
    submitted.withdraw()
    client.force_login(rachel)
    response = set_outcome(client, submitted, "shortlisted")
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Application.Status.WITHDRAWN


def finalise(client, vacancy):
    return client.post(reverse("recruitment:finalise", args=[vacancy.pk]))


def test_finalising_waits_for_the_closing_date_and_every_outcome(
    client, rachel, panel, vacancy, submitted
):
    client.force_login(rachel)
    finalise(client, vacancy)
    response = client.get(reverse("recruitment:longlist", args=[vacancy.pk]))
    assertContains(response, "once the vacancy has closed")
    close(vacancy)
    finalise(client, vacancy)
    response = client.get(reverse("recruitment:longlist", args=[vacancy.pk]))
    assertContains(response, "1 application still needs an outcome.")
    panel.refresh_from_db()
    assert not panel.is_finalised


def test_finalising_reveals_names_and_is_logged(
    client, rachel, petra, panel, vacancy, submitted
):
    submitted.set_outcome(Application.Status.SHORTLISTED, by=rachel)
    close(vacancy)
    client.force_login(rachel)
    response = finalise(client, vacancy)
    assert response.status_code == 302
    panel.refresh_from_db()
    assert panel.is_finalised
    [reveal] = AccessLog.objects.filter(action=AccessLog.Action.REVEAL)
    assert (reveal.user, reveal.vacancy) == (rachel, vacancy)

    client.force_login(petra)
    response = client.get(reverse("recruitment:longlist", args=[vacancy.pk]))
    assertContains(response, f"Alice Archer ({submitted.candidate_number})")
    response = client.get(reverse("recruitment:application", args=[submitted.pk]))
    assertContains(response, "Alice Archer (the candidate)")
    assertNotContains(response, "Your score for C1")

    # Outcomes are final too.
    client.force_login(rachel)
    set_outcome(client, submitted, "not_shortlisted", "Changed my mind.")
    submitted.refresh_from_db()
    assert submitted.status == Application.Status.SHORTLISTED
    finalise(client, vacancy)
    assert AccessLog.objects.filter(action=AccessLog.Action.REVEAL).count() == 1
