"""A vacancy has a lead recruiter, who chooses the panel from the recruiters of the
same organisation."""

from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from recruitment.models import Panel, Score
from tests.factories import make_recruiter
from tests.recruitment.helpers import close


def panel_url(vacancy) -> str:
    return reverse("recruitment:panel", args=[vacancy.pk])


def members(vacancy) -> set[str]:
    return {m.recruiter.full_name for m in vacancy.panel.members.all()}


def test_a_recruiter_takes_the_lead_of_a_vacancy_without_one(client, quentin, vacancy):
    client.force_login(quentin)
    response = client.get(panel_url(vacancy))
    assertContains(response, "Nobody leads this vacancy's shortlisting yet.")
    client.post(reverse("recruitment:take_lead", args=[vacancy.pk]))
    vacancy.refresh_from_db()
    assert vacancy.panel.lead == quentin
    assert members(vacancy) == {"Quentin Quill"}


def test_a_vacancy_has_one_lead(client, quentin, panel, vacancy):
    client.force_login(quentin)
    response = client.post(
        reverse("recruitment:take_lead", args=[vacancy.pk]), follow=True
    )
    assertContains(response, "already has a lead")
    assert Panel.objects.get().lead.full_name == "Rachel Reed"


def test_the_lead_chooses_the_members_of_their_own_organisation(
    client, rachel, petra, quentin, oscar, panel, vacancy
):
    client.force_login(rachel)
    response = client.get(panel_url(vacancy))
    assertContains(response, "Quentin Quill (quentin@trust-a.nhs.uk)")
    assertNotContains(response, "Oscar")
    response = client.post(panel_url(vacancy), {"members": [quentin.pk]})
    assert response.status_code == 302
    assert members(vacancy) == {"Rachel Reed", "Quentin Quill"}


def test_a_recruiter_of_another_organisation_cannot_be_chosen(
    client, rachel, oscar, panel, vacancy
):
    client.force_login(rachel)
    response = client.post(panel_url(vacancy), {"members": [oscar.pk]})
    assertContains(response, "Select a valid choice.", status_code=400)
    assert members(vacancy) == {"Rachel Reed", "Petra Price"}


def test_a_member_who_has_scored_stays(client, rachel, petra, panel, submitted):
    Score.objects.create(application=submitted, member=petra, criterion="C1", score=1)
    client.force_login(rachel)
    response = client.post(panel_url(submitted.vacancy), {"members": []}, follow=True)
    assertContains(response, "Petra Price has scored applications")
    assert members(submitted.vacancy) == {"Rachel Reed", "Petra Price"}


def test_a_member_sees_the_panel_and_cannot_change_it(
    client, petra, quentin, panel, vacancy
):
    client.force_login(petra)
    response = client.get(panel_url(vacancy))
    assertContains(response, "Rachel Reed")
    assertNotContains(response, "Save the panel")
    assert client.post(panel_url(vacancy), {"members": [quentin.pk]}).status_code == (
        404
    )


def test_the_panel_cannot_change_once_the_shortlist_is_final(
    client, rachel, quentin, panel, vacancy
):
    close(vacancy)
    client.force_login(rachel)
    client.post(reverse("recruitment:finalise", args=[vacancy.pk]))
    response = client.post(panel_url(vacancy), {"members": [quentin.pk]}, follow=True)
    assertContains(response, "The shortlist is final: the panel can no longer change.")
    assert members(vacancy) == {"Rachel Reed", "Petra Price"}


def test_an_inactive_recruiter_is_not_offered(client, rachel, panel, vacancy, trust_a):
    make_recruiter(trust_a, full_name="Gone Away", is_active=False)
    client.force_login(rachel)
    assertNotContains(client.get(panel_url(vacancy)), "Gone Away")
