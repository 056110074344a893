"""Every form of the app, fed generated input through its view, as the person who
uses it: no input gives a server error, and input that is refused stores nothing.

Each case starts from a valid submission and changes some of its fields, drops
others and adds some: over-long text, any Unicode (lone surrogates, right-to-left
marks, combining marks, NUL), control characters, huge and negative numbers,
impossible dates, ids that do not exist, are someone else's or overflow every
integer column, wrong choices, formset counts at and over their limits. Text is
posted as a browser's bytes would arrive (a lone surrogate as the bytes of its
UTF-8 form, which is not valid UTF-8).

After each post: the status is below 500, and unless the answer is a redirect
(the form's success), no table of the project's apps has changed. The draft
application saves the valid part of a post on purpose (nothing typed is lost), so
there the rule is that nothing invalid is stored.

A normal run tries FUZZ_EXAMPLES (15) inputs per form, the same ones each run;
`make fuzz` tries 1,000 per form, new ones each time.
"""

import datetime
import io
import json
import os
from collections.abc import Callable
from typing import Any, NamedTuple
from urllib.parse import urlencode

import pytest
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from accounts.models import SignUp
from applications.forms import word_count
from applications.models import Application, Statement, Vacancy
from portfolio import verification
from portfolio.models import (
    TEXT_MAX_LENGTH,
    Attachment,
    Evidence,
    VerificationRequest,
)
from portfolio.pid import find_identifiers
from portfolio.portability import export_portfolio
from recruitment.longlist import fill_longlist, review_criteria
from specifications.models import PersonSpecification
from specifications.specs import MAX_CRITERIA, import_spec, spec_to_dict
from tests.database import project_rows
from tests.factories import (
    PASSWORD,
    PDF_BYTES,
    jpeg_bytes,
    make_employment,
    make_evidence,
    make_recruiter,
    make_vacancy,
    make_verification_request,
    png_bytes,
)
from tests.portfolio.forms_data import date_parts, spec_formset_data, valid_data
from tests.recruitment.helpers import build_packs, make_panel, submit

# Strategies holding 100,000-character strings have long reprs: hypothesis says so.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

FUZZING = "FUZZ_EXAMPLES" in os.environ
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "15")),
    deadline=None,
    # The normal run tries the same inputs every time; `make fuzz` new ones.
    derandomize=not FUZZING,
    database=None,
    suppress_health_check=[
        # One database and one client for every example: each example checks
        # what it changed.
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)

# --- What to post ---------------------------------------------------------------------

SPECIAL = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ud800",
    "\udfff lone",
    "\u202eevil\u202c",  # right-to-left override
    "e" + "\u0301" * 40,  # combining marks
    "\u200b\ufeff",
    "\r\n\t\x0b\x0c\x1b[31m",
    "-1",
    "0",
    "-0",
    "1.5",
    "1e309",
    "NaN",
    "Infinity",
    "-Infinity",
    "2147483647",
    "2147483648",
    "-2147483649",
    "9223372036854775807",
    "9223372036854775808",
    str(10**25),
    str(-(10**25)),
    "9" * 400,
    "0x1F",
    "1_000",
    "١٢٣",  # Arabic-Indic digits
    "\uff13",  # a full-width digit 3
    "00",
    "31",
    "32",
    "13",
    "0000",
    "9999",
    "10000",
    "29",
    "2026-02-30",
    "None",
    "null",
    "true",
    "on",
    "[]",
    "{}",
    "[" * 2500,
    '{"kind": "any_of", "rules": [' * 50,
    "x" * (TEXT_MAX_LENGTH + 1),
    "word " * 300,
    "<script>alert(1)</script>",
    "'; DROP TABLE evidence; --",
    "%s%n%x",
    "../../etc/passwd",
    "943 476 5919",  # an NHS number
    "a@b.c",
    "A" * 255 + "@example.nhs.uk",
]
CHARACTERS = st.characters(categories=["L", "M", "N", "P", "S", "Z", "Cc", "Cf", "Cs"])
TEXT = st.text(CHARACTERS, max_size=40)
NUMBERS = st.one_of(
    st.integers(-(10**30), 10**30),
    st.sampled_from([2**31 - 1, 2**31, 2**63 - 1, 2**63, -(2**63) - 1, 2**64]),
).map(str)
VALUES = st.one_of(
    st.sampled_from(SPECIAL),
    TEXT,
    NUMBERS,
    st.floats().map(repr),
    st.just("x" * 100_000),
)
COUNTS = st.sampled_from(
    ["0", "1", "21", "22", "59", "60", "61", "1000", "2000", "-1", str(10**25), "x"]
)
KEEP, DROP = "<keep>", "<drop>"


def mutations(
    baseline: dict, ids: list[str], extra: list[str] = ()
) -> st.SearchStrategy:
    """Changes to a valid post: per field, keep it (most often), drop it, or give
    another value (one, or a list), perhaps an id of someone else's row."""
    value = st.one_of(VALUES, st.sampled_from(ids) if ids else VALUES)

    def change(key: str) -> st.SearchStrategy:
        # A formset's counts: at and over its limits.
        own = COUNTS if key.endswith("_FORMS") else value
        return st.one_of(
            st.just(KEEP),
            st.just(KEEP),
            st.just(KEEP),
            st.just(DROP),
            own,
            st.lists(own, max_size=4),
        )

    return st.fixed_dictionaries(
        {key: change(key) for key in sorted(baseline)},
        optional={key: value for key in extra if key not in baseline},
    )


def apply(baseline: dict, changes: dict) -> dict:
    data = {}
    for key in {*baseline, *changes}:
        change = changes.get(key, KEEP)
        if change == KEEP:
            if key in baseline:
                data[key] = baseline[key]
        elif change != DROP:
            data[key] = change
    return data


def form_body(data: dict) -> str:
    """The post as a browser sends it: a lone surrogate arrives as the bytes of its
    UTF-8 form (not valid UTF-8), which Django reads as U+FFFD."""
    pairs = [
        (key, str(v))
        for key, value in data.items()
        for v in (value if isinstance(value, list) else [value])
    ]
    return urlencode(pairs, encoding="utf-8", errors="surrogatepass")


def post(client, url: str, data: dict):
    return client.post(
        url, form_body(data), content_type="application/x-www-form-urlencoded"
    )


def without_surrogates(text: str) -> str:
    """A multipart post carries text as UTF-8; what a browser cannot encode it
    sends as something else."""
    return text.encode("utf-8", "replace").decode("utf-8")


# --- Who posts, where, from what ------------------------------------------------------


@pytest.fixture
def world(alice, bob, rachel, trust_a, trust_a_spec, uhd, oscar) -> dict:
    """Alice's portfolio (an item of each kind, a post, a verification request),
    her draft application; a vacancy under review that Rachel leads, Petra on its
    panel, with Alice's submitted application; and ids of Bob's and Trust B's rows,
    which no form of Alice's or Rachel's may take."""
    items = {kind: make_evidence(alice, kind) for kind in Evidence.Kind.values}
    petra = make_recruiter(trust_a, email="petra@trust-a.nhs.uk")
    vacancy = make_vacancy(trust_a, specification=trust_a_spec)
    draft, _ = Application.objects.start(vacancy, alice)
    # Mapped, so that the draft offers evidence for its first criterion.
    first = trust_a_spec.criteria.first()
    items["cpd"].links.create(criterion=first, rationale="It shows this.")
    review = make_vacancy(trust_a, specification=trust_a_spec)
    make_panel(review, rachel, petra)
    submitted = submit(alice, review)
    build_packs(submitted)
    fill_longlist([review.pk])  # placed now, not by the first page to look
    request = make_verification_request(items["clinical_query"])
    bobs = make_evidence(bob, "cpd", title="Bob's own")
    others = [
        str(bobs.pk),
        str(oscar.pk),
        str(make_vacancy(oscar.organisation).specification_id),
        "0",
        "-1",
        str(10**25),
        str(2**63),
    ]
    return {
        "people": {"alice": alice, "rachel": rachel, "petra": petra},
        "items": items,
        "employment": make_employment(alice),
        "spec": trust_a_spec,
        "uhd": uhd,
        "vacancy": vacancy,
        "draft": draft,
        "review": review,
        "submitted": submitted,
        "token": verification.make_token(request),
        "request": request,
        "others": others,
    }


class Case(NamedTuple):
    name: str
    persona: str  # "alice", "rachel", "petra", or anonymous ("")
    setup: Callable[[dict], tuple[str, dict]]  # the world -> (URL, a valid post)
    extra: tuple[str, ...] = ()  # fields a post may add
    # Undoes what a successful post (or a limit reached) changed, before each
    # example, so that every example reaches the form's own checks.
    reset: Callable[[dict, Any], None] | None = None


def reopen_the_request(world: dict, client) -> None:
    request = world["request"]
    VerificationRequest.objects.filter(pk=request.pk).update(
        state=VerificationRequest.State.PENDING,
        decided_at=None,
        fingerprint="",
        comment="",
        nonce=request.nonce,
    )


def forget_requests(world: dict, client) -> None:
    """Under the limits again: 5 open requests an item, 20 a day."""
    VerificationRequest.objects.exclude(pk=world["request"].pk).delete()


def forget_sign_ins(world: dict, client) -> None:
    """No lockout: every example reaches the form."""
    axes_reset()


def forget_sign_ups(world: dict, client) -> None:
    """No throttle: every example reaches the form."""
    SignUp.objects.all().delete()


def restore_the_password(world: dict, client) -> None:
    alice = world["people"]["alice"]
    alice.set_password(PASSWORD)
    alice.save()
    client.force_login(alice)


def new_reset_link(world: dict, client) -> None:
    """The password back as it was, and a new link's token in the session."""
    alice = world["people"]["alice"]
    alice.set_password(PASSWORD)
    alice.save()
    client.logout()
    client.get(_reset_link(alice))


def remove_new_vacancy(world: dict, client) -> None:
    Vacancy.objects.filter(reference="NEW-1").delete()


def remove_new_spec(world: dict, client) -> None:
    PersonSpecification.objects.filter(title="Deputy Manager").delete()


def evidence_create(kind: str) -> Case:
    return Case(
        f"evidence_create:{kind}",
        "alice",
        lambda w: (reverse("portfolio:evidence_create", args=[kind]), valid_data(kind)),
    )


def evidence_edit(kind: str) -> Case:
    return Case(
        f"evidence_edit:{kind}",
        "alice",
        lambda w: (
            reverse("portfolio:evidence_edit", args=[w["items"][kind].pk]),
            valid_data(kind),
        ),
    )


EMPLOYMENT = {
    "employer": "Trust A NHS Foundation Trust",
    "organisation_type": "acute",
    "role": "Clinical Coder",
    "band": "Band 4",
    **date_parts("start_date", datetime.date(2020, 4, 1)),
    **date_parts("end_date", datetime.date(2024, 3, 31)),
    "is_coding_role": "on",
}
VERIFIER = {
    "name": "Dana Auditor",
    "role": "Clinical coding manager",
    "organisation": "Trust A NHS Foundation Trust",
    "email": "dana@trust-a.nhs.uk",
}


def draft_post(w: dict) -> tuple[str, dict]:
    data = {"route": "acc"}
    for criterion in w["spec"].criteria.all():
        data[f"statement_{criterion.pk}"] = "I validate coded data every week."
    first = w["spec"].criteria.first()
    data[f"evidence_{first.pk}"] = [str(w["items"]["cpd"].pk)]
    return reverse("applications:draft", args=[w["draft"].pk]), data


def score_post(w: dict) -> tuple[str, dict]:
    application = w["submitted"]
    ref = review_criteria(json.loads(application.snapshot.content))[0].ref
    url = reverse("recruitment:score", args=[application.pk])
    return url, {"criterion": ref, f"{ref}-score": "2", f"{ref}-note": "Clear."}


def _reset_link(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("accounts:password_reset_confirm", args=[uid, token])


def set_password_post(w: dict) -> tuple[str, dict]:
    # The link moves its token into the session, then to a "set-password" page.
    url = _reset_link(w["people"]["alice"]).rsplit("/", 2)[0] + "/set-password/"
    return url, {"new_password1": "a new passphrase", "new_password2": "a new one"}


CASES = [
    *[evidence_create(kind) for kind in Evidence.Kind.values],
    *[evidence_edit(kind) for kind in Evidence.Kind.values],
    Case(
        "employment_add",
        "alice",
        lambda w: (reverse("portfolio:employment_add"), EMPLOYMENT),
    ),
    Case(
        "employment_edit",
        "alice",
        lambda w: (
            reverse("portfolio:employment_edit", args=[w["employment"].pk]),
            EMPLOYMENT,
        ),
    ),
    Case(
        "verification_new",
        "alice",
        lambda w: (
            reverse("portfolio:verification_new", args=[w["items"]["audit"].pk]),
            VERIFIER,
        ),
        reset=forget_requests,
    ),
    Case(
        "verify_item (the verifier's answer)",
        "",
        lambda w: (
            reverse("verify:item", args=[w["token"]]),
            {
                "answer": "decline",
                "comment": "The dates are wrong.",
                "seen": w["items"]["clinical_query"].content_fingerprint(),
            },
        ),
        reset=reopen_the_request,
    ),
    Case(
        "map_evidence",
        "alice",
        lambda w: (
            reverse("specs:map_evidence", args=[w["items"]["audit"].pk]),
            {
                "spec": w["spec"].slug,
                "criterion": str(w["spec"].criteria.last().pk),
                "rationale": "It shows this.",
            },
        ),
    ),
    Case(
        "add_evidence",
        "alice",
        lambda w: (
            reverse(
                "specs:add_evidence",
                args=[w["spec"].slug, w["spec"].criteria.last().pk],
            ),
            {"evidence": str(w["items"]["audit"].pk), "rationale": "It shows this."},
        ),
    ),
    Case("draft", "alice", draft_post),
    Case(
        "spec_create",
        "rachel",
        lambda w: (
            reverse("specs:create"),
            {"title": "Deputy Manager", "band": "Band 6", "source": "An advert"},
        ),
        reset=remove_new_spec,
    ),
    Case(
        "spec_edit (criteria formset)",
        "rachel",
        lambda w: (
            reverse("specs:edit", args=[w["unlocked"].slug]),
            spec_formset_data(w["unlocked"]),
        ),
        extra=(
            f"criteria-{MAX_CRITERIA}-text",
            "criteria-21-text",
            "criteria-0-DELETE",
        ),
    ),
    Case(
        "vacancy_create",
        "rachel",
        lambda w: (
            reverse("applications:vacancy_create"),
            {
                "title": "Clinical Coder",
                "band": "Band 4",
                "salary": "£28,000",
                "hours": "37.5 hours",
                "reference": "NEW-1",
                **date_parts("closing_date", datetime.date.today()),
                "specification": str(w["spec"].pk),
            },
        ),
        reset=remove_new_vacancy,
    ),
    Case(
        "vacancy_edit",
        "rachel",
        lambda w: (
            reverse("applications:vacancy_edit", args=[w["vacancy"].pk]),
            {
                "title": "Senior Clinical Coder",
                "band": "Band 5",
                "salary": "",
                "hours": "",
                "reference": w["vacancy"].reference,
                **date_parts("closing_date", w["vacancy"].closing_date),
                "specification": str(w["spec"].pk),
            },
        ),
    ),
    Case("score", "petra", score_post),
    Case(
        "outcome",
        "rachel",
        lambda w: (
            reverse("recruitment:outcome", args=[w["submitted"].pk]),
            {"outcome": "not_shortlisted", "reason": "Too few audits."},
        ),
    ),
    Case(
        "panel",
        "rachel",
        lambda w: (
            reverse("recruitment:panel", args=[w["review"].pk]),
            {"members": [str(w["people"]["petra"].pk)]},
        ),
    ),
    Case(
        "sign_up",
        "",
        lambda w: (
            reverse("accounts:signup"),
            {
                "full_name": "Carol Clark",
                "email": "carol@example.nhs.uk",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        ),
        reset=forget_sign_ups,
    ),
    Case(
        "sign_in",
        "",
        lambda w: (
            reverse("accounts:login"),
            {"username": "alice@example.nhs.uk", "password": "not her password"},
        ),
        reset=forget_sign_ins,
    ),
    Case(
        "password_change",
        "alice",
        lambda w: (
            reverse("accounts:password_change"),
            {
                "old_password": PASSWORD,
                "new_password1": "another long passphrase",
                "new_password2": "another long passphrase",
            },
        ),
        reset=restore_the_password,
    ),
    Case(
        "password_reset",
        "",
        lambda w: (reverse("accounts:password_reset"), {"email": "a@example.nhs.uk"}),
    ),
    Case(
        "password_reset_confirm (set a password)",
        "",
        set_password_post,
        reset=new_reset_link,
    ),
]


def sign_in(client, world: dict, persona: str):
    client.logout()
    if persona:
        client.force_login(world["people"][persona])
    return client


def assert_nothing_invalid_in_the_draft(application: Application) -> None:
    """What the draft stored is valid: statements within the word limit and free
    of identifiers, evidence the applicant's own and mapped to the criterion."""
    application.refresh_from_db()
    assert application.route in ("", *Application.Route.values)
    for statement in Statement.objects.filter(application=application):
        assert word_count(statement.text) <= Statement.WORD_LIMIT
        assert not find_identifiers(statement.text)
        for item in statement.evidence.all():
            assert item.owner_id == application.applicant_id
            assert item.links.filter(criterion=statement.criterion_id).exists()


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_no_input_breaks_a_form_and_refused_input_stores_nothing(client, world, case):
    world["unlocked"] = _unlocked_spec(world)
    url, baseline = case.setup(world)
    sign_in(client, world, case.persona)

    @FUZZ
    @given(mutations(baseline, world["others"], list(case.extra)))
    def post_changed(changes: dict) -> None:
        if case.reset:
            case.reset(world, client)
        data = apply(baseline, changes)
        before = project_rows()
        response = post(client, url, data)
        assert response.status_code < 500
        if case.name == "draft":
            assert_nothing_invalid_in_the_draft(world["draft"])
        elif response.status_code != 302:
            assert project_rows() == before, f"refused, yet stored: {data!r}"

    post_changed()


def _unlocked_spec(world: dict):
    """Trust A's spec that no application has locked: the edit form is open."""
    data = spec_to_dict(world["uhd"]) | {"title": "Coding Manager", "slug": ""}
    return import_spec(data, organisation=world["people"]["rachel"].organisation)


# --- Files ----------------------------------------------------------------------------


def _image(kind: str, **options) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (6, 6), "red").save(buffer, kind, **options)
    return buffer.getvalue()


FILE_CONTENTS = st.one_of(
    st.binary(max_size=3000),
    st.sampled_from(
        [
            b"",
            PDF_BYTES,
            PDF_BYTES[:200],
            PDF_BYTES + b"<html><script>alert(1)</script>",
            b"%PDF-1.7\n" + b"[" * 5000,
            png_bytes(),
            png_bytes() + b"PK\x03\x04",
            png_bytes()[:60],
            jpeg_bytes(),
            jpeg_bytes()[:100],
            _image("JPEG", comment=b"<script>"),
            _image("GIF"),
            b"\x89PNG\r\n\x1a\n" + b"\x00" * 100,
            b"MZ\x90\x00",
            b"<svg onload=alert(1)>",
        ]
    ),
)
FILE_NAMES = st.one_of(
    st.sampled_from(
        [
            "report.pdf",
            "scan.png",
            "photo.JPG",
            "report.pdf.exe",
            "../../etc/passwd",
            "C:\\Users\\me\\report.pdf",
            "evil\x00.pdf",
            "\u202efdp.exe",
            "x" * 500 + ".pdf",
            ".pdf",
            "noextension",
        ]
    ),
    TEXT.map(lambda name: without_surrogates(name) + ".pdf"),
)


@FUZZ
@given(
    name=st.one_of(st.sampled_from(SPECIAL), TEXT),
    content=FILE_CONTENTS,
    filename=FILE_NAMES,
)
def test_no_file_breaks_the_attachment_form(client, world, name, content, filename):
    item = world["items"]["cpd"]
    sign_in(client, world, "alice")
    before = project_rows()
    response = client.post(
        reverse("portfolio:attachment_add", args=[item.pk]),
        {
            "name": without_surrogates(name),
            "file": SimpleUploadedFile(filename or "file", content),
        },
    )
    assert response.status_code < 500
    if response.status_code != 302:
        assert project_rows() == before


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats()
    | TEXT
    | st.sampled_from(SPECIAL),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(TEXT, children, max_size=3)
    ),
    max_leaves=8,
)


def _paths(document: Any, path: tuple = ()) -> list[tuple]:
    """Every place in a JSON document where a value could be changed."""
    places = []
    if isinstance(document, dict):
        for key, value in document.items():
            places.append((*path, key))
            places.extend(_paths(value, (*path, key)))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            places.append((*path, index))
            places.extend(_paths(value, (*path, index)))
    return places


def changed_document(document: dict, changes: list[tuple[tuple, Any]]) -> dict:
    document = json.loads(json.dumps(document))
    for path, value in changes:
        target = document
        try:
            for part in path[:-1]:
                target = target[part]
            if value == DROP:
                del target[path[-1]]
            else:
                target[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change took the place away
    return document


def documents(document: dict) -> st.SearchStrategy:
    changes = st.lists(
        st.tuples(
            st.sampled_from(_paths(document)), st.one_of(st.just(DROP), JSON_VALUES)
        ),
        min_size=1,
        max_size=4,
    )
    return changes.map(lambda c: json.dumps(changed_document(document, c)).encode())


def _portfolio(world: dict) -> dict:
    alice = world["people"]["alice"]
    item = world["items"]["cpd"]
    item.attachments.create(
        name="Certificate",
        file=SimpleUploadedFile("c.png", png_bytes()),
        content_type="image/png",
        size=len(png_bytes()),
        sha256=Attachment.digest(png_bytes()),
    )
    return export_portfolio(alice)


def test_no_file_breaks_the_portfolio_import(client, world):
    document = _portfolio(world)
    sign_in(client, world, "alice")

    @FUZZ
    @given(st.one_of(documents(document), st.binary(max_size=500)))
    def import_changed(content: bytes) -> None:
        before = project_rows()
        response = client.post(
            reverse("portfolio:import"),
            {"file": SimpleUploadedFile("portfolio.json", content)},
        )
        assert response.status_code < 500
        if response.status_code != 302:
            assert project_rows() == before

    import_changed()


def test_no_file_breaks_the_spec_import(client, world):
    document = spec_to_dict(world["spec"]) | {"slug": ""}
    sign_in(client, world, "rachel")

    @FUZZ
    @given(st.one_of(documents(document), st.binary(max_size=500)))
    def import_changed(content: bytes) -> None:
        before = project_rows()
        response = client.post(
            reverse("specs:import"), {"file": SimpleUploadedFile("spec.json", content)}
        )
        assert response.status_code < 500
        if response.status_code != 302:
            assert project_rows() == before

    import_changed()


# --- Query strings: the lists' filters, sorts and pages -------------------------------


PARTS = ("day", "month", "year")
QUERIES = [
    (
        "alice",
        lambda w: reverse("portfolio:evidence_list"),
        [
            "kind",
            "specialty",
            "sort",
            "page",
            *[f"date_{end}_{part}" for end in ("from", "to") for part in PARTS],
        ],
    ),
    (
        "rachel",
        lambda w: reverse("recruitment:longlist", args=[w["review"].pk]),
        ["pile", "sort", "page"],
    ),
    (
        "rachel",
        lambda w: reverse("recruitment:access_log", args=[w["submitted"].pk]),
        ["page"],
    ),
    (
        "alice",
        lambda w: reverse("specs:map_evidence", args=[w["items"]["cpd"].pk]),
        ["spec"],
    ),
]


@pytest.mark.parametrize(
    ("persona", "url", "keys"),
    QUERIES,
    ids=["evidence_list", "longlist", "access_log", "map_evidence"],
)
def test_no_query_breaks_a_list(client, world, persona, url, keys):
    sign_in(client, world, persona)
    address = url(world)

    @FUZZ
    @given(
        st.dictionaries(
            st.sampled_from(keys), st.one_of(VALUES, st.lists(VALUES, max_size=3))
        )
    )
    def get_with(query: dict) -> None:
        before = project_rows()
        response = client.get(f"{address}?{form_body(query)}")
        assert response.status_code < 500
        assert project_rows() == before

    get_with()


# --- Regression tests: what fuzzing found ---------------------------------------------


@pytest.mark.parametrize("member", [str(2**63), str(10**25), str(-(2**63) - 1)])
def test_a_panel_member_id_beyond_any_integer_is_an_invalid_choice(
    client, world, member
):
    sign_in(client, world, "rachel")
    url = reverse("recruitment:panel", args=[world["review"].pk])
    response = post(client, url, {"members": [member]})
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    assert world["review"].panel.members.count() == 2


def test_signing_in_with_a_very_long_address_fails_as_any_wrong_address(client, db):
    """SQLite refuses a LIKE pattern over 50,000 characters; the address never
    reaches the database, and axes keeps it within its column."""
    address = "x" * 100_000 + "@example.nhs.uk"
    response = post(
        client, reverse("accounts:login"), {"username": address, "password": "x"}
    )
    assert response.status_code == 200
    assert "nhsuk-error-summary" in response.content.decode()
    [attempt] = AccessAttempt.objects.all()
    assert attempt.username == address[:254]


@pytest.mark.parametrize("kind", [[], {}, 3, None])
def test_a_rule_within_any_of_whose_kind_is_not_text_is_refused(client, world, kind):
    """A list as the kind of an alternative was looked up in a set: TypeError."""
    document = spec_to_dict(world["spec"]) | {"slug": "", "title": "Odd rules"}
    document["criteria"][0]["rule"] = {"kind": "any_of", "rules": [{"kind": kind}]}
    sign_in(client, world, "rachel")
    response = client.post(
        reverse("specs:import"),
        {"file": SimpleUploadedFile("spec.json", json.dumps(document).encode())},
    )
    assert response.status_code == 200
    assert "Unknown rule kind" in response.content.decode()
    assert not PersonSpecification.objects.filter(title="Odd rules").exists()
