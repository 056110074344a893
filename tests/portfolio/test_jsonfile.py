"""One reader for uploaded JSON files, with size and depth limits, for both imports."""

import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pytest_django.asserts import assertContains

from portfolio.jsonfile import JSONFileError, load_json
from portfolio.models import Evidence
from portfolio.portability import export_portfolio
from specifications.models import PersonSpecification
from specifications.specs import spec_to_dict
from tests.factories import make_audit

LIMITS = {"max_bytes": 1024 * 1024, "max_depth": 4}


def test_it_reads_bytes_text_and_files():
    for data in [b'{"a": [1, {"b": null}]}', '{"a": [1, {"b": null}]}']:
        assert load_json(data, **LIMITS) == {"a": [1, {"b": None}]}
    assert load_json(ContentFile(b"[1, 2]"), **LIMITS) == [1, 2]


def test_it_refuses_a_file_over_the_size_limit_before_reading_it():
    class Unreadable(ContentFile):
        def read(self, *args):
            raise AssertionError("read although too large")

    with pytest.raises(JSONFileError) as raised:
        load_json(Unreadable(b" " * (3 * 1024 * 1024 // 2)), **LIMITS)
    assert str(raised.value) == "The file is 1.5 MB: it must be 1 MB or smaller."


@pytest.mark.parametrize("data", ["{not json", "", b'{"a": "\xff"}', "[1,]"])
def test_it_refuses_what_is_not_json(data):
    with pytest.raises(JSONFileError, match=r"^The file is not valid JSON: \S"):
        load_json(data, **LIMITS)


@pytest.mark.parametrize(
    "data", ["[[[[[1]]]]]", '{"a": {"b": {"c": {"d": {}}}}}', "[" * 100_000]
)
def test_it_refuses_nesting_deeper_than_the_limit(data):
    with pytest.raises(JSONFileError) as raised:
        load_json(data, **LIMITS)
    assert str(raised.value) == (
        "The file is not valid JSON: it nests deeper than 4 levels."
    )


def test_nesting_up_to_the_limit_is_read():
    assert load_json('[[[{"a": 1}]]]', **LIMITS) == [[[{"a": 1}]]]


def test_it_refuses_a_key_given_twice_and_names_it():
    with pytest.raises(JSONFileError) as raised:
        load_json('{"items": [{"title": "a", "date": 1, "title": "b"}]}', **LIMITS)
    assert str(raised.value) == (
        'The file is not valid JSON: an object gives the key "title" twice. '
        "Give each key once."
    )


def test_a_key_given_twice_is_not_repeated_if_it_could_be_an_identifier():
    with pytest.raises(JSONFileError) as raised:
        load_json('{"943 476 5919": 1, "943 476 5919": 2}', **LIMITS)
    assert "the key the value given twice" in str(raised.value)
    assert "943" not in str(raised.value)


def test_the_same_key_in_different_objects_is_fine():
    assert load_json('[{"a": 1}, {"a": 2}]', **LIMITS) == [{"a": 1}, {"a": 2}]


def with_duplicate_key(document: dict, key: str) -> bytes:
    """The document as JSON with its first `key` given twice."""
    text = json.dumps(document)
    value = json.dumps(document[key])
    return text.replace(
        f'"{key}": {value}', f'"{key}": {value}, "{key}": {value}', 1
    ).encode()


def test_a_key_given_twice_is_refused_by_the_portfolio_import(client, alice, bob):
    make_audit(alice)
    content = with_duplicate_key(export_portfolio(alice), "version")
    client.force_login(bob)
    response = client.post(
        reverse("portfolio:import"), {"file": SimpleUploadedFile("p.json", content)}
    )
    assertContains(response, "an object gives the key &quot;version&quot; twice.")
    assert not Evidence.objects.for_owner(bob).exists()


def test_a_key_given_twice_is_refused_by_the_spec_import(client, rachel, uhd):
    data = spec_to_dict(uhd) | {"slug": ""}
    client.force_login(rachel)
    response = client.post(
        reverse("specs:import"),
        {"file": SimpleUploadedFile("s.json", with_duplicate_key(data, "title"))},
    )
    assertContains(response, "an object gives the key &quot;title&quot; twice.")
    assert not PersonSpecification.objects.filter(organisation=rachel.organisation)


def test_the_spec_import_refuses_a_file_over_its_limit(client, rachel):
    client.force_login(rachel)
    content = b'{"title": "' + b"x" * (1024 * 1024) + b'"}'
    response = client.post(
        reverse("specs:import"), {"file": SimpleUploadedFile("s.json", content)}
    )
    assertContains(response, "The file is 1.0 MB: it must be 1 MB or smaller.")
