"""Who gets what, at every URL of the project: the access matrix.

Every URL pattern (walked from the URL resolver) has a row, and each row says what
each persona gets for a GET and for a POST: the page (200), the sign-in page, a
404 (anything a user may not see answers 404, as if it did not exist), a 405, a
redirect elsewhere or a 400. A new URL without a row fails
`test_every_url_pattern_has_a_row`. A POST changes nothing in the database unless
its row says that persona's POST may (`changes`): a refused POST is checked
against a snapshot of every table of the project's apps (tests/database.py).

The personas: the anonymous visitor; the owner (Alice, a coder, owns every coder's
object here); another coder (Bob); the verifier (no account, the signed link of
Alice's request: /verify/ URLs only, where everyone else has a made-up link);
the recruiter (Rachel, Trust A, who leads the vacancy's panel) and the panel
member (Petra, Trust A) of the organisation concerned; the outsider (Oscar, a
recruiter of Trust B); and staff (an administrator: a coder by role, as
`createsuperuser` makes them, who sees other people's things only in the admin).

The admin's own URLs are one row: staff only (`test_the_admin_is_for_staff_only`).
This table replaced tests/test_ownership.py: each `get_<thing>_for_user` helper's
404 for outsiders is a row's NOT_FOUND entries.
"""

import datetime
from typing import NamedTuple
from urllib.parse import urlparse

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from applications.models import Application, SubmissionPack
from portfolio import verification
from portfolio.models import Attachment, PortfolioImport, VerificationRequest
from recruitment.longlist import fill_longlist
from recruitment.models import PackZip
from specifications.models import EvidenceLink
from specifications.specs import import_spec, spec_to_dict
from tests.database import project_rows
from tests.factories import (
    PDF_BYTES,
    make_coder,
    make_employment,
    make_evidence,
    make_recruiter,
    make_vacancy,
)
from tests.recruitment.helpers import build_packs, make_panel, submit

# What a request gets.
OK = "200"
BAD = "400"
NOT_FOUND = "404"
NOT_ALLOWED = "405"
SIGN_IN = "redirect to sign-in"
REDIRECT = "redirect elsewhere"

PERSONAS = (
    "anonymous",
    "owner",
    "coder",
    "recruiter",
    "panel",
    "outsider",
    "staff",
)
VERIFIER = "verifier"


def everyone(outcome: str, **but: str) -> dict[str, str]:
    """Every persona gets `outcome`, but those named."""
    return {persona: outcome for persona in PERSONAS} | but


def signed_in(outcome: str, **but: str) -> dict[str, str]:
    """The anonymous visitor is sent to sign in; everyone else gets `outcome`,
    but those named."""
    return everyone(outcome, anonymous=SIGN_IN) | but


# The usual shapes. "Coders" are the owner, another coder and staff (a coder by
# role); a coder-only page is a 404 for recruiters.
def coders(outcome: str, **but: str) -> dict[str, str]:
    return signed_in(NOT_FOUND, owner=outcome, coder=outcome, staff=outcome) | but


def owner(outcome: str, **but: str) -> dict[str, str]:
    return signed_in(NOT_FOUND, owner=outcome) | but


def recruiters(outcome: str, **but: str) -> dict[str, str]:
    return signed_in(NOT_FOUND, recruiter=outcome, panel=outcome, outsider=outcome) | (
        but
    )


def trust_a(outcome: str, **but: str) -> dict[str, str]:
    """Recruiters of the organisation concerned: the lead and the panel member."""
    return signed_in(NOT_FOUND, recruiter=outcome, panel=outcome) | but


class Row(NamedTuple):
    name: str  # the URL's name, namespaced
    args: str  # its arguments, named as in the `world` fixture
    get: dict[str, str]
    post: dict[str, str]
    changes: tuple[str, ...] = ()  # whose POST may change the database


ROWS = [
    # --- config and accounts -----------------------------------------------------
    Row("home", "", everyone(REDIRECT, anonymous=OK), everyone(REDIRECT, anonymous=OK)),
    Row("privacy", "", everyone(OK), everyone(NOT_ALLOWED)),
    Row("accessibility", "", everyone(OK), everyone(NOT_ALLOWED)),
    Row(
        "accounts:signup",
        "",
        everyone(REDIRECT, anonymous=OK),
        everyone(REDIRECT, anonymous=OK),  # the form again, with its errors
    ),
    Row("accounts:signup_done", "", everyone(OK), everyone(OK)),
    # A made-up link: the page says it does not work, to everyone.
    Row("accounts:confirm_email", "bad_token", everyone(OK), everyone(OK)),
    Row(
        "accounts:login",
        "",
        everyone(REDIRECT, anonymous=OK),
        everyone(REDIRECT, anonymous=OK),
    ),
    Row("accounts:logout", "", everyone(NOT_ALLOWED), everyone(REDIRECT)),
    Row("accounts:account", "", signed_in(OK), signed_in(OK)),
    Row("accounts:password_change", "", signed_in(OK), signed_in(OK)),
    Row("accounts:password_change_done", "", signed_in(OK), signed_in(NOT_ALLOWED)),
    Row("accounts:password_reset", "", everyone(OK), everyone(OK)),
    Row("accounts:password_reset_done", "", everyone(OK), everyone(NOT_ALLOWED)),
    Row("accounts:password_reset_confirm", "uid bad_token", everyone(OK), everyone(OK)),
    Row("accounts:password_reset_complete", "", everyone(OK), everyone(NOT_ALLOWED)),
    # --- the portfolio (coders) --------------------------------------------------
    Row("portfolio:home", "", coders(OK), coders(OK)),
    Row("portfolio:evidence_list", "", coders(OK), coders(OK)),
    Row("portfolio:evidence_choose_kind", "", coders(OK), coders(OK)),
    Row("portfolio:evidence_create", "kind", coders(OK), coders(OK)),
    Row("portfolio:evidence_detail", "evidence", owner(OK), owner(OK)),
    Row("portfolio:evidence_edit", "evidence", owner(OK), owner(OK)),
    Row(
        "portfolio:evidence_delete",
        "evidence",
        owner(OK),
        owner(REDIRECT),
        changes=("owner",),
    ),
    Row("portfolio:attachment_add", "evidence", owner(OK), owner(OK)),
    Row("portfolio:attachment_download", "attachment", owner(OK), owner(OK)),
    Row(
        "portfolio:attachment_delete",
        "attachment",
        owner(OK),
        owner(REDIRECT),
        changes=("owner",),
    ),
    Row("portfolio:verification_new", "evidence", owner(OK), owner(OK)),
    Row(
        "portfolio:verification_withdraw",
        "verification",
        coders(NOT_ALLOWED),
        owner(REDIRECT),
        changes=("owner",),
    ),
    Row("portfolio:export", "", coders(OK), coders(NOT_ALLOWED)),
    Row("portfolio:import", "", coders(OK), coders(OK)),
    Row(
        "portfolio:import_status",
        "portfolio_import",
        owner(OK),
        coders(NOT_ALLOWED),
    ),
    Row("portfolio:employment_list", "", coders(OK), coders(OK)),
    Row("portfolio:employment_add", "", coders(OK), coders(OK)),
    Row("portfolio:employment_edit", "employment", owner(OK), owner(OK)),
    Row(
        "portfolio:employment_delete",
        "employment",
        owner(OK),
        owner(REDIRECT),
        changes=("owner",),
    ),
    # --- person specifications ---------------------------------------------------
    Row("specs:list", "", signed_in(OK), signed_in(OK)),
    Row("specs:create", "", recruiters(OK), recruiters(OK)),
    Row("specs:import", "", recruiters(OK), recruiters(OK)),
    Row("specs:map_evidence", "evidence", owner(OK), owner(OK)),
    Row(
        "specs:link_delete",
        "link",
        coders(NOT_ALLOWED),
        owner(REDIRECT),
        changes=("owner",),
    ),
    # Every coder maps against every spec; a recruiter reads their own only.
    Row("specs:matrix", "spec", coders(OK), coders(OK)),
    Row("specs:detail", "spec", trust_a(OK), trust_a(OK)),
    Row("specs:edit", "spec", trust_a(OK), trust_a(OK)),
    Row(
        "specs:copy",
        "spec",
        recruiters(NOT_ALLOWED),
        trust_a(REDIRECT),
        changes=("recruiter", "panel"),
    ),
    Row(
        "specs:export",
        "spec",
        coders(OK, recruiter=OK, panel=OK),
        coders(OK, recruiter=OK, panel=OK),
    ),
    Row("specs:add_evidence", "spec criterion", coders(OK), coders(OK)),
    # --- the verifier's link (no account) ----------------------------------------
    Row("verify:done", "", everyone(OK, verifier=OK), everyone(OK, verifier=OK)),
    Row(
        "verify:item",
        "token",
        everyone(NOT_FOUND, verifier=OK),
        everyone(NOT_FOUND, verifier=OK),  # the form again, with its errors
    ),
    Row(
        "verify:attachment",
        "token attachment",
        everyone(NOT_FOUND, verifier=OK),
        everyone(NOT_FOUND, verifier=OK),
    ),
    # --- applying (coders) --------------------------------------------------------
    Row("applications:coder_home", "", coders(OK), coders(OK)),
    # A vacancy is read by every coder, and by its own organisation's recruiters.
    Row(
        "applications:vacancy",
        "vacancy",
        coders(OK, recruiter=OK, panel=OK),
        coders(OK, recruiter=OK, panel=OK),
    ),
    Row(
        "applications:apply",
        "vacancy",
        coders(NOT_ALLOWED),
        coders(REDIRECT),  # the owner's own draft; a new one for the others
        changes=("coder", "staff"),
    ),
    Row(
        "applications:draft",
        "application",
        owner(OK),
        owner(REDIRECT),
        changes=("owner",),
    ),
    # Submitting the draft is refused (nothing is written), with a page saying why.
    Row("applications:submit", "application", owner(OK), owner(BAD)),
    Row(
        "applications:withdraw",
        "application",
        coders(NOT_ALLOWED),
        owner(REDIRECT),  # a draft is not withdrawn: a message, nothing written
    ),
    # A draft's packs page sends its owner to the draft.
    Row("applications:packs", "application", owner(REDIRECT), owner(REDIRECT)),
    Row("applications:pack_download", "pack", owner(OK), owner(OK)),
    # --- recruiters' vacancies -------------------------------------------------------
    Row("applications:vacancy_create", "", recruiters(OK), recruiters(OK)),
    Row("applications:vacancy_edit", "vacancy", trust_a(OK), trust_a(OK)),
    # --- the review -------------------------------------------------------------
    Row("recruitment:dashboard", "", recruiters(OK), recruiters(OK)),
    Row("recruitment:longlist", "review", trust_a(OK), trust_a(OK)),
    # The lead chooses the panel; an empty POST leaves the lead alone on it.
    Row(
        "recruitment:panel",
        "review",
        trust_a(OK),
        trust_a(NOT_FOUND, recruiter=REDIRECT),
        changes=("recruiter",),
    ),
    # Someone leads already: a message, nothing written.
    Row("recruitment:take_lead", "review", recruiters(NOT_ALLOWED), trust_a(REDIRECT)),
    # The lead's finalise is refused while the vacancy is open: nothing written.
    Row(
        "recruitment:finalise",
        "review",
        recruiters(NOT_ALLOWED),
        trust_a(NOT_FOUND, recruiter=REDIRECT),
    ),
    Row(
        "recruitment:zip_request",
        "review",
        recruiters(NOT_ALLOWED),
        trust_a(REDIRECT),
        changes=("recruiter", "panel"),
    ),
    Row("recruitment:scores_csv", "review", trust_a(OK), trust_a(OK)),
    Row("recruitment:summary_csv", "review", trust_a(OK), trust_a(OK)),
    Row("recruitment:zip", "zip", trust_a(OK), trust_a(OK)),
    Row("recruitment:zip_download", "zip", trust_a(OK), trust_a(OK)),
    Row("recruitment:application", "submitted", trust_a(OK), trust_a(OK)),
    # A POST without a criterion of the application: 400, nothing written.
    Row("recruitment:score", "submitted", recruiters(NOT_ALLOWED), trust_a(BAD)),
    Row(
        "recruitment:outcome",
        "submitted",
        recruiters(NOT_ALLOWED),
        trust_a(NOT_FOUND, recruiter=BAD),
    ),
    Row("recruitment:pack", "submitted", trust_a(OK), trust_a(OK)),
    Row(
        "recruitment:access_log",
        "submitted",
        trust_a(NOT_FOUND, recruiter=OK),
        trust_a(NOT_FOUND, recruiter=OK),
    ),
]

# Declared, but another pattern answers its address first: never reached.
SHADOWED = {"applications:recruiter_home": "recruitment:dashboard"}


@pytest.fixture
def people(alice, bob, rachel, oscar, trust_a) -> dict:
    staff = make_coder(email="sam@coderfolio.example", is_staff=True, is_superuser=True)
    petra = make_recruiter(trust_a, email="petra@trust-a.nhs.uk")
    return {
        "owner": alice,
        "coder": bob,
        "recruiter": rachel,
        "panel": petra,
        "outsider": oscar,
        "staff": staff,
    }


@pytest.fixture
def world(people, trust_a, trust_a_spec, uhd) -> dict:
    """The arguments of every URL: one of everything. Alice's portfolio, her draft
    application and its pack; an unlocked spec of Trust A; and a vacancy under
    review (Rachel leads, Petra sits on the panel) with Alice's submitted
    application, its packs and a zip of them."""
    alice, rachel, petra = people["owner"], people["recruiter"], people["panel"]
    evidence = make_evidence(alice, "clinical_query")
    spec = import_spec(
        spec_to_dict(uhd) | {"title": "Coding Manager", "slug": ""},
        organisation=trust_a,
    )
    criterion = spec.criteria.first()
    vacancy = make_vacancy(trust_a, specification=trust_a_spec)
    application = Application.objects.create(vacancy=vacancy, applicant=alice)
    attachment = Attachment.objects.create(
        evidence=evidence,
        file=ContentFile(PDF_BYTES, name="report.pdf"),
        name="Audit report",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        sha256=Attachment.digest(PDF_BYTES),
    )
    link = EvidenceLink.objects.create(
        evidence=evidence, criterion=criterion, rationale="It shows this."
    )
    request = VerificationRequest.objects.create(
        owner=alice,
        evidence=evidence,
        name="Dana Auditor",
        role="Approved auditor",
        organisation="Trust A NHS Foundation Trust",
        email="dana@trust-a.nhs.uk",
        expires_at=timezone.now() + datetime.timedelta(days=14),
    )
    pack = SubmissionPack.objects.create(
        application=application,
        variant=SubmissionPack.Variant.FULL,
        state=SubmissionPack.State.DONE,
        file=ContentFile(PDF_BYTES, name="pack.pdf"),
    )
    review = make_vacancy(trust_a, specification=trust_a_spec)
    make_panel(review, rachel, petra)
    submitted = submit(alice, review)
    build_packs(submitted)
    fill_longlist([review.pk])  # placed now, not by the first page to look
    bundle = PackZip.objects.create(
        vacancy=review,
        state=PackZip.State.DONE,
        file=ContentFile(b"PK\x05\x06" + bytes(18), name="packs.zip"),
    )
    return {
        "kind": "cpd",
        "evidence": evidence.pk,
        "attachment": attachment.pk,
        "employment": make_employment(alice).pk,
        "verification": request.pk,
        "token": verification.make_token(request),
        "portfolio_import": PortfolioImport.objects.create(owner=alice, size=1).pk,
        "link": link.pk,
        "spec": spec.slug,
        "criterion": criterion.pk,
        "vacancy": vacancy.pk,
        "application": application.pk,
        "pack": pack.pk,
        "review": review.pk,
        "submitted": submitted.pk,
        "zip": bundle.pk,
        "bad_token": "a-made-up-token",
        "uid": "MQ",
    }


def url_for(row: Row, world: dict, persona: str) -> str:
    args = [world[name] for name in row.args.split()]
    if row.name.startswith("verify:") and persona != VERIFIER and args:
        args[0] = "a-made-up-link"  # only the verifier holds the signed link
    return reverse(row.name, args=args)


def outcome(response) -> str:
    if response.status_code == 302:
        target = urlparse(response["Location"]).path
        return SIGN_IN if target == reverse("accounts:login") else REDIRECT
    return str(response.status_code)


def as_persona(client, people: dict, persona: str):
    client.logout()
    if persona in people:
        client.force_login(people[persona])
    return client


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.name)
def test_each_persona_gets_what_its_row_says(client, people, world, row):
    personas = [*PERSONAS, *([VERIFIER] if row.name.startswith("verify:") else [])]
    for persona in personas:
        if persona == VERIFIER:
            assert VERIFIER in row.get and VERIFIER in row.post, row.name
        as_persona(client, people, persona)
        response = client.get(url_for(row, world, persona))
        assert outcome(response) == row.get[persona], f"GET {row.name} as {persona}"
    # Those whose POST may change something go last.
    for persona in sorted(personas, key=lambda p: p in row.changes):
        as_persona(client, people, persona)
        before = project_rows()
        response = client.post(url_for(row, world, persona))
        assert outcome(response) == row.post[persona], f"POST {row.name} as {persona}"
        if persona not in row.changes:
            assert project_rows() == before, f"POST {row.name} as {persona} wrote"


def _named_patterns(patterns, namespace: str = "") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                names.add("admin")
                continue
            inner = pattern.namespace or namespace
            names |= _named_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"{pattern.pattern} has no name"
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def test_every_url_pattern_has_a_row():
    """A new URL fails here until the matrix says who gets what."""
    declared = {row.name for row in ROWS} | set(SHADOWED) | {"admin"}
    assert _named_patterns(get_resolver().url_patterns) == declared


def test_each_row_is_answered_by_its_own_view(world):
    for row in ROWS:
        url = url_for(row, world, VERIFIER)
        assert resolve(url).view_name == row.name, url
        assert set(row.get) >= set(PERSONAS) and set(row.post) >= set(PERSONAS)


def test_a_shadowed_pattern_is_answered_by_another_view():
    """applications:recruiter_home has the address of the review's dashboard,
    which comes first: recruiters land on the dashboard."""
    for name, answered_by in SHADOWED.items():
        assert resolve(reverse(name)).view_name == answered_by


def test_the_admin_is_for_staff_only(client, people):
    admin_sign_in = reverse("admin:login")
    for persona in PERSONAS:
        as_persona(client, people, persona)
        response = client.get(reverse("admin:index"))
        if persona == "staff":
            assert response.status_code == 200
        else:
            assert response.status_code == 302, persona
            assert urlparse(response["Location"]).path == admin_sign_in, persona


# --- Particular cases of ownership -------------------------------------------------


def test_a_criterion_is_found_only_under_its_own_spec(client, people, world, uhd):
    client.force_login(people["owner"])
    other = uhd.criteria.first()
    url = reverse("specs:add_evidence", args=[world["spec"], other.pk])
    assert client.get(url).status_code == 404


def test_a_pack_not_built_yet_is_not_found_even_by_its_owner(client, people, world):
    pack = world["pack"]
    SubmissionPack.objects.filter(pk=pack).update(state=SubmissionPack.State.BUILDING)
    client.force_login(people["owner"])
    url = reverse("applications:pack_download", args=[pack])
    assert client.get(url).status_code == 404
