"""The admin keeps the reference data: specialties, case types, organisations,
specifications with their criteria, vacancies. What frozen data quotes stays put."""

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from accounts.models import Organisation, User
from applications.models import Application, Vacancy
from portfolio.models import CaseType, Specialty
from specifications.models import PersonSpecification
from tests.factories import make_vacancy
from tests.portfolio.forms_data import spec_formset_data


@pytest.fixture
def admin_client(client, db):
    admin_user = User.objects.create_superuser(
        "admin@example.nhs.uk", "x", full_name="Admin"
    )
    client.force_login(admin_user)
    return client


def admin_url(obj, action: str = "change") -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{action}", args=[obj.pk])


def test_the_reference_data_is_in_the_admin():
    reference = [Specialty, CaseType, Organisation, PersonSpecification, Vacancy]
    assert [m for m in reference if not admin.site.is_registered(m)] == []


@pytest.mark.parametrize(
    "model", list(admin.site._registry), ids=lambda model: model._meta.label
)
def test_each_changelist_loads_for_staff(admin_client, trust_a, model):
    make_vacancy(trust_a)  # and with it, Trust A's copy of the UHD spec
    opts = model._meta
    response = admin_client.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    )
    # "to change", or "to view" where the admin only shows the rows.
    assertContains(response, f"<h1>Select {opts.verbose_name} to ")


def test_the_specialty_list_shows_the_treatment_function_codes(admin_client):
    response = admin_client.get(reverse("admin:portfolio_specialty_changelist"))
    assertContains(response, "General Surgery")
    assertContains(response, "100")


def test_a_specialtys_code_cannot_change(admin_client):
    specialty = Specialty.objects.get(code="100")
    response = admin_client.post(
        admin_url(specialty), {"code": "999", "name": "General surgery"}
    )
    assert response.status_code == 302
    specialty.refresh_from_db()
    assert (specialty.code, specialty.name) == ("100", "General surgery")


def test_a_specification_shows_its_criteria(admin_client, uhd):
    response = admin_client.get(admin_url(uhd))
    assertContains(response, "Change person specification")
    assertContains(response, uhd.criteria.first().text)


def test_a_locked_specification_is_shown_but_never_changed(admin_client, uhd):
    uhd.locked_at = timezone.now()
    uhd.save()
    response = admin_client.get(admin_url(uhd))
    assertContains(response, "View person specification")
    assertContains(response, uhd.criteria.first().text)
    assertNotContains(response, 'name="_save"')
    assert admin_client.post(admin_url(uhd), {"title": "Changed"}).status_code == 403
    assert admin_client.post(admin_url(uhd, "delete"), {"post": "yes"}).status_code == (
        403
    )
    uhd.refresh_from_db()
    assert uhd.title != "Changed"


def test_a_vacancy_people_applied_to_keeps_its_specification(
    admin_client, alice, trust_a
):
    vacancy = make_vacancy(trust_a)
    assertContains(admin_client.get(admin_url(vacancy)), 'name="specification"')
    Application.objects.create(vacancy=vacancy, applicant=alice)
    response = admin_client.get(admin_url(vacancy))
    assertContains(response, str(vacancy.specification))
    assertNotContains(response, 'name="specification"')


def _spec_change_data(spec: PersonSpecification, **changes) -> dict:
    """The admin's change form for the spec, as posted: the recruiters' spec form's
    data, plus what only the admin shows."""
    data = spec_formset_data(spec, **changes)
    data |= {"organisation": spec.organisation_id, "version": spec.version}
    for i in range(spec.criteria.count()):
        data[f"criteria-{i}-specification"] = spec.pk
    return data


def test_a_criterions_rule_is_checked_in_the_admin_as_everywhere(
    admin_client, trust_a_spec
):
    criterion = trust_a_spec.criteria.first()
    bad = _spec_change_data(trust_a_spec, **{"criteria-0-rule": '{"kind": "nonsense"}'})
    response = admin_client.post(admin_url(trust_a_spec), bad)
    assertContains(response, "Unknown rule kind")
    criterion.refresh_from_db()
    assert criterion.rule_kind != "nonsense"

    good = _spec_change_data(
        trust_a_spec, **{"criteria-0-rule": '{"kind": "experience_years", "years": 4}'}
    )
    assert admin_client.post(admin_url(trust_a_spec), good).status_code == 302
    criterion.refresh_from_db()
    assert criterion.rule == {"kind": "experience_years", "years": 4}
