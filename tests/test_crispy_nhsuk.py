"""The ``nhsuk`` crispy-forms template pack and the NHS.UK date input widget.

The markup is checked against NHS.UK frontend 10.6.1's own component fixtures:
class names, the label/hint/error structure and how they are tied together with
``for``/``id`` and ``aria-describedby``. Rendered HTML is parsed into a small tree
so the checks are on structure, not on whitespace.
"""

import datetime
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Button, Div, Field, Fieldset, Layout, Submit
from django import forms
from django.conf import settings
from django.template import Context, RequestContext, Template
from django.test import RequestFactory

from portfolio.widgets import DateInput

# ---------------------------------------------------------------------------
# A small HTML tree, enough to query rendered forms by tag, class and attribute.

VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
    "source", "track", "wbr",
}  # fmt: skip


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str | None]
    parent: "Element | None" = None
    children: list["Element | str"] = field(default_factory=list)

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    @property
    def text(self) -> str:
        parts = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else child.text)
        return " ".join(" ".join(parts).split())

    @property
    def id(self) -> str | None:
        return self.attrs.get("id")

    def describedby(self) -> list[str]:
        return (self.attrs.get("aria-describedby") or "").split()

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag=None, cls=None, **attrs) -> list["Element"]:
        """Descendants (and self) by tag, class and attributes.

        In attribute names ``_`` stands for ``-``; a trailing ``_`` is dropped
        (``for_``).
        """
        wanted = {
            name.rstrip("_").replace("_", "-"): value for name, value in attrs.items()
        }
        return [
            el
            for el in self.iter()
            if (tag is None or el.tag == tag)
            and (cls is None or cls in el.classes)
            and all(el.attrs.get(name) == value for name, value in wanted.items())
        ]

    def find(self, tag=None, cls=None, **attrs) -> "Element":
        """The one descendant that matches: fails if there are none or several."""
        found = self.find_all(tag, cls, **attrs)
        assert len(found) == 1, f"expected one <{tag} class={cls} {attrs}>, got {found}"
        return found[0]

    def by_id(self, id_: str) -> "Element":
        return self.find(id=id_)

    def closest(self, tag=None, cls=None) -> "Element | None":
        node = self.parent
        while node is not None:
            if (tag is None or node.tag == tag) and (
                cls is None or cls in node.classes
            ):
                return node
            node = node.parent
        return None

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrs}>"


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]
        self.duplicate_attributes: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = [name for name, _ in attrs]
        self.duplicate_attributes += [n for n in set(names) if names.count(n) > 1]
        element = Element(tag, dict(attrs), parent=self.stack[-1])
        self.stack[-1].children.append(element)
        if tag not in VOID_ELEMENTS:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.stack.pop()

    def handle_endtag(self, tag):
        assert tag not in VOID_ELEMENTS, f"end tag for void element </{tag}>"
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(html: str) -> Element:
    """Parse well-formed HTML, failing on unclosed tags or duplicate attributes."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    assert builder.stack == [builder.root], f"unclosed tags: {builder.stack[1:]}"
    assert builder.duplicate_attributes == [], builder.duplicate_attributes
    return builder.root


def render_filter(form: forms.Form) -> str:
    """``{{ form|crispy }}``, as used inside a page's own ``<form>``."""
    template = Template("{% load crispy_forms_tags %}{{ form|crispy }}")
    return template.render(Context({"form": form}))


def render_tag(form: forms.Form, **context) -> str:
    """``{% crispy form %}``, with a request so that the CSRF token is available."""
    request = RequestFactory().get("/")
    template = Template("{% load crispy_forms_tags %}{% crispy form %}")
    return template.render(RequestContext(request, {"form": form, **context}))


def bound(form_class, data=None, files=None) -> forms.Form:
    form = form_class(data=data or {}, files=files)
    form.is_valid()
    return form


def assert_well_formed(doc: Element) -> None:
    """No duplicate ids; every aria-describedby and label target exists."""
    ids = [el.id for el in doc.iter() if el.id]
    assert len(ids) == len(set(ids)), f"duplicate ids: {ids}"
    for el in doc.iter():
        for ref in el.describedby():
            assert ref in ids, f"{el} describedby missing #{ref}"
        if el.tag == "label":
            assert el.attrs.get("for") in ids, f"{el} labels nothing"
    for control in doc.iter():
        if control.tag in ("input", "select", "textarea"):
            if control.attrs.get("type") in ("hidden", "submit", "button"):
                continue
            labels = doc.find_all("label", for_=control.id)
            assert len(labels) == 1, f"{control} has {len(labels)} labels"


def error_summary(doc: Element) -> Element:
    summary = doc.find("div", cls="nhsuk-error-summary")
    assert summary.attrs["data-module"] == "nhsuk-error-summary"
    alert = summary.find("div", role="alert")
    assert alert.find("h2", cls="nhsuk-error-summary__heading").text == (
        "There is a problem"
    )
    return summary


def summary_links(doc: Element) -> dict[str, str]:
    """The error summary's links: their targets (without '#') to their text."""
    summary = error_summary(doc)
    return {a.attrs["href"].removeprefix("#"): a.text for a in summary.find_all("a")}


def assert_error_message(doc: Element, field_id: str, message: str) -> Element:
    """The field's error message: its id, hidden "Error:" prefix and text."""
    error = doc.by_id(f"{field_id}-error")
    assert error.tag == "span"
    assert "nhsuk-error-message" in error.classes
    prefix = error.find("span", cls="nhsuk-u-visually-hidden")
    assert prefix.text == "Error:"
    assert error.text == f"Error: {message}"
    return error


# ---------------------------------------------------------------------------
# Text-like inputs


@pytest.mark.parametrize(
    ("field_factory", "input_type"),
    [
        (lambda: forms.CharField(help_text="As on your payslip"), "text"),
        (lambda: forms.EmailField(help_text="As on your payslip"), "email"),
        (lambda: forms.IntegerField(help_text="As on your payslip"), "number"),
        (lambda: forms.URLField(help_text="As on your payslip"), "url"),
        (
            lambda: forms.CharField(
                widget=forms.PasswordInput, help_text="As on your payslip"
            ),
            "password",
        ),
    ],
)
def test_text_like_inputs_render_as_nhs_inputs(field_factory, input_type):
    form_class = type("AnswerForm", (forms.Form,), {"answer": field_factory()})
    doc = parse(render_filter(form_class()))

    control = doc.find("input", id="id_answer")
    assert control.attrs["type"] == input_type
    assert control.attrs["name"] == "answer"
    assert control.classes == ["nhsuk-input"]
    group = control.parent
    assert group.classes == ["nhsuk-form-group"]
    label = group.find("label", cls="nhsuk-label")
    assert label.attrs["for"] == "id_answer"
    assert label.text == "Answer"
    hint = group.find("div", cls="nhsuk-hint")
    assert hint.text == "As on your payslip"
    assert control.describedby() == [hint.id]
    assert doc.find_all(cls="nhsuk-error-summary") == []
    assert doc.find_all(cls="nhsuk-error-message") == []
    assert_well_formed(doc)


class NameForm(forms.Form):
    full_name = forms.CharField(
        max_length=20,
        help_text="As it appears on your ID",
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-20"}),
    )
    nickname = forms.CharField(required=False)


def test_text_input_error_state():
    form = bound(NameForm, {"full_name": "x" * 21, "nickname": "Al"})
    doc = parse(render_filter(form))

    control = doc.find("input", id="id_full_name")
    assert control.classes == [
        "nhsuk-input",
        "nhsuk-input--error",
        "nhsuk-input--width-20",
    ]
    assert control.attrs["value"] == "x" * 21
    assert control.attrs["aria-invalid"] == "true"
    assert control.parent.classes == ["nhsuk-form-group", "nhsuk-form-group--error"]
    message = "Ensure this value has at most 20 characters (it has 21)."
    error = assert_error_message(doc, "id_full_name", message)
    assert error.parent is control.parent
    # Hint first, then the error, as NHS.UK frontend orders them.
    assert control.describedby() == ["id_full_name-hint", "id_full_name-error"]
    assert summary_links(doc) == {"id_full_name": message}

    # The valid field alongside keeps its value and shows no error.
    nickname = doc.find("input", id="id_nickname")
    assert nickname.classes == ["nhsuk-input"]
    assert nickname.attrs["value"] == "Al"
    assert "nhsuk-form-group--error" not in nickname.parent.classes
    assert "aria-describedby" not in nickname.attrs
    assert_well_formed(doc)


def test_a_password_is_not_rendered_back():
    class PasswordForm(forms.Form):
        password = forms.CharField(widget=forms.PasswordInput, min_length=50)

    doc = parse(render_filter(bound(PasswordForm, {"password": "hunter2"})))
    control = doc.find("input", id="id_password")
    assert "value" not in control.attrs
    assert "nhsuk-input--error" in control.classes


# ---------------------------------------------------------------------------
# Textarea and character count


class StatementForm(forms.Form):
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), help_text="A short summary"
    )
    statement = forms.CharField(
        widget=forms.Textarea, max_length=50, help_text="Do not include names"
    )


def test_textarea_renders_as_nhs_textarea():
    doc = parse(render_filter(StatementForm()))
    textarea = doc.find("textarea", id="id_summary")
    assert textarea.classes == ["nhsuk-textarea"]
    assert textarea.attrs["rows"] == "5"
    group = textarea.parent
    assert group.classes == ["nhsuk-form-group"]
    assert group.find("label").attrs["for"] == "id_summary"
    assert textarea.describedby() == ["id_summary-hint"]
    assert "data-module" not in group.attrs


def test_textarea_with_max_length_is_a_character_count():
    doc = parse(render_filter(StatementForm()))
    textarea = doc.find("textarea", id="id_statement")
    group = textarea.parent
    assert group.classes == ["nhsuk-form-group", "nhsuk-character-count"]
    assert group.attrs["data-module"] == "nhsuk-character-count"
    assert group.attrs["data-maxlength"] == "50"
    assert textarea.classes == ["nhsuk-textarea", "nhsuk-js-character-count"]
    # The component counts and warns; a maxlength would silently cut pasted text.
    assert "maxlength" not in textarea.attrs
    message = doc.by_id("id_statement-info")
    assert message.parent is group
    assert message.classes == ["nhsuk-hint", "nhsuk-character-count__message"]
    assert message.text == "You can enter up to 50 characters"
    assert textarea.describedby() == ["id_statement-info", "id_statement-hint"]
    assert_well_formed(doc)


def test_textarea_and_character_count_error_states():
    form = bound(StatementForm, {"summary": "", "statement": "y" * 51})
    doc = parse(render_filter(form))

    summary = doc.find("textarea", id="id_summary")
    assert summary.classes == ["nhsuk-textarea", "nhsuk-textarea--error"]
    assert "nhsuk-form-group--error" in summary.parent.classes
    assert_error_message(doc, "id_summary", "This field is required.")

    statement = doc.find("textarea", id="id_statement")
    assert statement.classes == [
        "nhsuk-textarea",
        "nhsuk-textarea--error",
        "nhsuk-js-character-count",
    ]
    assert statement.text == "y" * 51
    assert statement.parent.classes == [
        "nhsuk-form-group",
        "nhsuk-form-group--error",
        "nhsuk-character-count",
    ]
    too_long = "Ensure this value has at most 50 characters (it has 51)."
    assert_error_message(doc, "id_statement", too_long)
    assert statement.describedby() == [
        "id_statement-info",
        "id_statement-hint",
        "id_statement-error",
    ]
    assert summary_links(doc) == {
        "id_summary": "This field is required.",
        "id_statement": too_long,
    }
    assert_well_formed(doc)


# ---------------------------------------------------------------------------
# Select


class GradeForm(forms.Form):
    band = forms.ChoiceField(
        choices=[("", "Choose a band"), ("3", "Band 3"), ("4", "Band 4")],
        help_text="Your Agenda for Change band",
    )
    grades = forms.MultipleChoiceField(
        choices=[("a", "A"), ("b", "B")], required=False, widget=forms.SelectMultiple
    )


def test_select_renders_as_nhs_select():
    doc = parse(render_filter(GradeForm(initial={"band": "4"})))
    select = doc.find("select", id="id_band")
    assert select.classes == ["nhsuk-select"]
    assert select.attrs["name"] == "band"
    assert "required" in select.attrs
    assert select.parent.classes == ["nhsuk-form-group"]
    assert select.parent.find("label").attrs["for"] == "id_band"
    assert select.describedby() == ["id_band-hint"]
    options = select.find_all("option")
    assert [o.attrs["value"] for o in options] == ["", "3", "4"]
    assert [o.text for o in options] == ["Choose a band", "Band 3", "Band 4"]
    assert ["selected" in o.attrs for o in options] == [False, False, True]

    multiple = doc.find("select", id="id_grades")
    assert "multiple" in multiple.attrs
    assert "required" not in multiple.attrs
    assert_well_formed(doc)


def test_select_error_state():
    doc = parse(render_filter(bound(GradeForm, {"band": "9"})))
    select = doc.find("select", id="id_band")
    assert select.classes == ["nhsuk-select", "nhsuk-select--error"]
    assert "nhsuk-form-group--error" in select.parent.classes
    message = "Select a valid choice. 9 is not one of the available choices."
    assert_error_message(doc, "id_band", message)
    assert select.describedby() == ["id_band-hint", "id_band-error"]
    assert summary_links(doc) == {"id_band": message}


# ---------------------------------------------------------------------------
# Radios and checkboxes


class ContactForm(forms.Form):
    method = forms.ChoiceField(
        label="How should we contact you?",
        choices=[("email", "Email"), ("phone", "Phone")],
        widget=forms.RadioSelect,
        help_text="Select one option",
    )
    topics = forms.MultipleChoiceField(
        label="What is it about?",
        choices=[("coding", "Coding"), ("audit", "Audit"), ("training", "Training")],
        widget=forms.CheckboxSelectMultiple,
    )


def _choice_items(doc: Element, module: str) -> list[tuple[Element, Element]]:
    """(input, label) pairs from a radios or checkboxes component."""
    pairs = []
    for item in doc.find_all("div", cls=f"{module}__item"):
        control = item.find("input", cls=f"{module}__input")
        label = item.find("label", cls=f"{module}__label")
        assert "nhsuk-label" in label.classes
        assert label.attrs["for"] == control.id
        pairs.append((control, label))
    return pairs


def test_radios_render_in_a_fieldset_with_a_legend():
    doc = parse(render_filter(ContactForm(initial={"method": "phone"})))
    radios = doc.find("div", cls="nhsuk-radios")
    assert radios.attrs["data-module"] == "nhsuk-radios"
    fieldset = radios.closest("fieldset")
    assert fieldset.classes == ["nhsuk-fieldset"]
    assert fieldset.parent.classes == ["nhsuk-form-group"]
    legend = fieldset.find("legend", cls="nhsuk-fieldset__legend")
    assert legend.text == "How should we contact you?"
    hint = fieldset.find("div", cls="nhsuk-hint")
    assert fieldset.describedby() == [hint.id] == ["id_method-hint"]

    pairs = _choice_items(radios, "nhsuk-radios")
    assert [(c.attrs["type"], c.attrs["name"], c.attrs["value"]) for c, _ in pairs] == [
        ("radio", "method", "email"),
        ("radio", "method", "phone"),
    ]
    assert [label.text for _, label in pairs] == ["Email", "Phone"]
    assert ["checked" in c.attrs for c, _ in pairs] == [False, True]
    # Django's own label for= the first radio would make clicking it select it.
    assert doc.find_all("label", for_="id_method") == []
    assert_well_formed(doc)


def test_checkboxes_render_in_a_fieldset_with_a_legend():
    doc = parse(render_filter(ContactForm(initial={"topics": ["audit", "training"]})))
    checkboxes = doc.find("div", cls="nhsuk-checkboxes")
    assert checkboxes.attrs["data-module"] == "nhsuk-checkboxes"
    fieldset = checkboxes.closest("fieldset")
    assert fieldset.find("legend").text == "What is it about?"
    assert "aria-describedby" not in fieldset.attrs
    pairs = _choice_items(checkboxes, "nhsuk-checkboxes")
    assert [c.attrs["type"] for c, _ in pairs] == ["checkbox"] * 3
    assert [label.text for _, label in pairs] == ["Coding", "Audit", "Training"]
    assert ["checked" in c.attrs for c, _ in pairs] == [False, True, True]
    assert_well_formed(doc)


def test_radios_and_checkboxes_error_states():
    doc = parse(render_filter(bound(ContactForm, {"method": "fax"})))

    radios = doc.find("div", cls="nhsuk-radios")
    fieldset = radios.closest("fieldset")
    assert fieldset.parent.classes == ["nhsuk-form-group", "nhsuk-form-group--error"]
    bad_choice = "Select a valid choice. fax is not one of the available choices."
    error = assert_error_message(doc, "id_method", bad_choice)
    assert error.closest("fieldset") is fieldset
    assert fieldset.describedby() == ["id_method-hint", "id_method-error"]

    checkboxes = doc.find("div", cls="nhsuk-checkboxes")
    assert (
        "nhsuk-form-group--error"
        in checkboxes.closest("div", "nhsuk-form-group").classes
    )
    assert_error_message(doc, "id_topics", "This field is required.")

    # The summary links to the first option of each group, which exists.
    links = summary_links(doc)
    assert links == {
        "id_method_0": bad_choice,
        "id_topics_0": "This field is required.",
    }
    assert doc.by_id("id_method_0").attrs["value"] == "email"
    assert doc.by_id("id_topics_0").attrs["value"] == "coding"
    assert_well_formed(doc)


class SettingForm(forms.Form):
    """Choices as a model field without a default gives them: the empty one first."""

    setting = forms.ChoiceField(
        label="Where did you code?",
        choices=[("", "- Select an option -"), ("ward", "Ward"), ("mdt", "MDT")],
        widget=forms.RadioSelect,
    )


def test_radios_offer_no_empty_choice_and_none_is_checked():
    doc = parse(render_filter(SettingForm()))
    pairs = _choice_items(doc.find("div", cls="nhsuk-radios"), "nhsuk-radios")
    assert [(c.attrs["value"], label.text) for c, label in pairs] == [
        ("ward", "Ward"),
        ("mdt", "MDT"),
    ]
    assert ["checked" in c.attrs for c, _ in pairs] == [False, False]
    assert "Select an option" not in render_filter(SettingForm())
    assert_well_formed(doc)


def test_the_summary_links_a_radio_group_to_its_first_real_option():
    doc = parse(render_filter(bound(SettingForm, {})))
    assert summary_links(doc) == {"id_setting_1": "This field is required."}
    assert doc.by_id("id_setting_1").attrs["value"] == "ward"
    assert doc.find_all("input", value="") == []
    assert_well_formed(doc)


class ConsentForm(forms.Form):
    agree = forms.BooleanField(
        label="I agree to the terms", help_text="You must agree to continue"
    )
    newsletter = forms.BooleanField(label="Send me the newsletter", required=False)


def test_a_single_checkbox_is_one_checkboxes_item():
    doc = parse(render_filter(ConsentForm(initial={"newsletter": True})))
    agree = doc.find("input", id="id_agree")
    assert agree.attrs["type"] == "checkbox"
    assert agree.classes == ["nhsuk-checkboxes__input"]
    item = agree.parent
    assert item.classes == ["nhsuk-checkboxes__item"]
    assert item.parent.classes == ["nhsuk-checkboxes"]
    assert item.parent.parent.classes == ["nhsuk-form-group"]
    label = item.find("label")
    assert label.attrs["for"] == "id_agree"
    assert label.classes == ["nhsuk-label", "nhsuk-checkboxes__label"]
    assert label.text == "I agree to the terms"
    hint = item.find("div", cls="nhsuk-checkboxes__hint")
    assert hint.text == "You must agree to continue"
    assert agree.describedby() == [hint.id]
    # A lone checkbox needs no fieldset, and "(optional)" would read oddly on it.
    assert doc.find_all("fieldset") == []
    newsletter = doc.find("input", id="id_newsletter")
    assert "checked" in newsletter.attrs
    assert doc.find("label", for_="id_newsletter").text == "Send me the newsletter"
    assert_well_formed(doc)


def test_a_single_checkbox_error_state():
    doc = parse(render_filter(bound(ConsentForm, {})))
    agree = doc.find("input", id="id_agree")
    group = agree.closest("div", "nhsuk-form-group")
    assert "nhsuk-form-group--error" in group.classes
    assert_error_message(doc, "id_agree", "This field is required.")
    assert agree.describedby() == ["id_agree-hint", "id_agree-error"]
    assert summary_links(doc) == {"id_agree": "This field is required."}


# ---------------------------------------------------------------------------
# Date input


class AwardForm(forms.Form):
    awarded = forms.DateField(
        label="When were you awarded it?",
        widget=DateInput(),
        help_text="For example, 15 3 2024",
    )
    expires = forms.DateField(required=False, widget=DateInput())


def _date_data(day, month, year, **extra):
    return {"awarded_day": day, "awarded_month": month, "awarded_year": year, **extra}


def test_date_input_turns_valid_parts_into_a_date():
    form = AwardForm(data=_date_data("5", "08", "2024"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["awarded"] == datetime.date(2024, 8, 5)
    assert form.cleaned_data["expires"] is None


def test_date_input_accepts_surrounding_spaces():
    form = AwardForm(data=_date_data(" 29 ", "2", " 2024"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["awarded"] == datetime.date(2024, 2, 29)


def test_date_input_left_blank_is_required():
    form = AwardForm(data=_date_data("", "", ""))
    assert not form.is_valid()
    assert form.errors["awarded"] == ["This field is required."]


@pytest.mark.parametrize(
    ("day", "month", "year"),
    [
        ("31", "2", "2024"),  # no such day
        ("29", "2", "2023"),  # not a leap year
        ("1", "13", "2024"),
        ("aa", "1", "2024"),
        ("1", "1", "24"),  # a year needs four digits
        ("", "1", "2024"),  # a part missing
        ("1", "1", ""),
        ("-1", "1", "2024"),
    ],
)
def test_date_input_rejects_dates_that_do_not_exist(day, month, year):
    form = AwardForm(data=_date_data(day, month, year))
    assert not form.is_valid()
    assert form.errors["awarded"] == ["Enter a valid date."]


def test_date_widget_reads_and_splits_values():
    widget = DateInput()
    data = {"d_day": "7", "d_month": "6", "d_year": "2021"}
    assert widget.value_from_datadict(data, {}, "d") == "2021-06-07"
    assert widget.value_from_datadict({}, {}, "d") == ""
    assert widget.value_omitted_from_data({}, {}, "d")
    assert not widget.value_omitted_from_data(data, {}, "d")
    assert widget.decompress(datetime.date(2021, 6, 7)) == ["7", "6", "2021"]
    assert widget.decompress("2021-06-07") == ["7", "6", "2021"]
    assert widget.decompress(None) == [None, None, None]
    assert widget.id_for_label("id_d") == "id_d"


def test_date_input_renders_as_the_nhs_date_input():
    doc = parse(
        render_filter(AwardForm(initial={"awarded": datetime.date(2023, 3, 9)}))
    )
    date_input = doc.find_all("div", cls="nhsuk-date-input")[0]
    fieldset = date_input.closest("fieldset")
    assert fieldset.classes == ["nhsuk-fieldset"]
    assert fieldset.attrs["role"] == "group"
    assert fieldset.parent.classes == ["nhsuk-form-group"]
    assert fieldset.find("legend").text == "When were you awarded it?"
    assert fieldset.describedby() == ["id_awarded-hint"]
    assert doc.by_id("id_awarded-hint").text == "For example, 15 3 2024"

    items = date_input.find_all("div", cls="nhsuk-date-input__item")
    rendered = []
    for item in items:
        control = item.find("input")
        label = item.find("label", cls="nhsuk-date-input__label")
        assert label.attrs["for"] == control.id
        assert control.attrs["inputmode"] == "numeric"
        assert control.attrs["type"] == "text"
        assert control.classes[0] == "nhsuk-input"
        assert "nhsuk-date-input__input" in control.classes
        width = [c for c in control.classes if c.startswith("nhsuk-input--width-")]
        name, value = control.attrs["name"], control.attrs["value"]
        rendered.append((label.text, control.id, name, value, *width))
    # Initial date shown in the three boxes; the day box has the field's id.
    assert rendered == [
        ("Day", "id_awarded", "awarded_day", "9", "nhsuk-input--width-2"),
        ("Month", "id_awarded_month", "awarded_month", "3", "nhsuk-input--width-2"),
        ("Year", "id_awarded_year", "awarded_year", "2023", "nhsuk-input--width-4"),
    ]
    expires = doc.by_id("id_expires").closest("fieldset")
    assert expires.find("legend").text == "Expires (optional)"
    assert_well_formed(doc)


def test_date_input_error_state_shows_what_was_typed():
    doc = parse(render_filter(bound(AwardForm, _date_data("31", "02", "2024"))))
    fieldset = doc.by_id("id_awarded").closest("fieldset")
    assert fieldset.parent.classes == ["nhsuk-form-group", "nhsuk-form-group--error"]
    error = assert_error_message(doc, "id_awarded", "Enter a valid date.")
    assert error.closest("fieldset") is fieldset
    assert fieldset.describedby() == ["id_awarded-hint", "id_awarded-error"]
    values = []
    for item in fieldset.find_all("div", cls="nhsuk-date-input__item"):
        control = item.find("input")
        assert "nhsuk-input--error" in control.classes
        assert "nhsuk-form-group--error" in control.parent.classes
        values.append(control.attrs["value"])
    assert values == ["31", "02", "2024"]
    # The summary link lands on the day box.
    assert summary_links(doc) == {"id_awarded": "Enter a valid date."}
    assert_well_formed(doc)


def test_date_input_autocomplete_option():
    class BirthForm(forms.Form):
        born = forms.DateField(widget=DateInput(autocomplete="bday"))

    doc = parse(render_filter(BirthForm()))
    assert [
        doc.by_id(i).attrs["autocomplete"]
        for i in ("id_born", "id_born_month", "id_born_year")
    ] == [
        "bday-day",
        "bday-month",
        "bday-year",
    ]


# ---------------------------------------------------------------------------
# File upload


class EvidenceForm(forms.Form):
    evidence = forms.FileField(help_text="A PDF or Word document")


@dataclass
class StoredFile:
    """Enough of a FieldFile for ClearableFileInput: a name and a URL."""

    name: str
    url: str

    def __str__(self) -> str:
        return self.name


class ReplaceEvidenceForm(forms.Form):
    evidence = forms.FileField(required=False, widget=forms.ClearableFileInput)


def test_file_input_renders_as_nhs_file_upload_named_by_its_label():
    doc = parse(render_filter(EvidenceForm()))
    control = doc.find("input", id="id_evidence")
    assert control.attrs["type"] == "file"
    assert control.classes == ["nhsuk-file-upload__input"]
    group = control.parent
    assert group.classes == ["nhsuk-form-group", "nhsuk-file-upload"]
    assert group.find("label").attrs["for"] == "id_evidence"
    assert control.describedby() == ["id_evidence-hint"]
    # The browser's own input, not the script's drop zone: that one's button is
    # named "Evidence, No file chosen, ..." while it shows other words first
    # (axe: label-content-name-mismatch).
    assert "data-module" not in group.attrs
    assert "aria-label" not in control.attrs
    assert_well_formed(doc)


def test_file_input_error_state():
    doc = parse(render_filter(bound(EvidenceForm, {}, files={})))
    control = doc.find("input", id="id_evidence")
    assert "nhsuk-form-group--error" in control.parent.classes
    assert_error_message(doc, "id_evidence", "This field is required.")
    assert control.describedby() == ["id_evidence-hint", "id_evidence-error"]
    assert summary_links(doc) == {"id_evidence": "This field is required."}


def test_clearable_file_input_links_to_the_current_file_and_can_clear_it():
    current = StoredFile(name="award.pdf", url="/media/award.pdf")
    doc = parse(render_filter(ReplaceEvidenceForm(initial={"evidence": current})))
    control = doc.find("input", id="id_evidence")
    group = control.parent
    link = group.find("a")
    assert link.attrs["href"] == "/media/award.pdf"
    assert link.text == "award.pdf"
    clear = doc.find("input", name="evidence-clear")
    assert clear.attrs["type"] == "checkbox"
    assert doc.find("label", for_=clear.id).text.startswith("Clear")
    # The file input stays the first input of the component, for its script.
    assert group.find_all("input")[0] is control
    assert_well_formed(doc)


# ---------------------------------------------------------------------------
# Error summary, required and optional, hidden fields


class ApplicationForm(forms.Form):
    role = forms.CharField(label="Job title")
    band = forms.ChoiceField(choices=[("", "Choose"), ("5", "Band 5")])
    start = forms.DateField(widget=DateInput(), label="Start date")
    notes = forms.CharField(widget=forms.Textarea, required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == "Coder" and cleaned.get("band") == "5":
            raise forms.ValidationError("Band 5 coder roles are closed.")
        return cleaned


def test_error_summary_lists_each_problem_once_at_the_top():
    form = bound(ApplicationForm, {"role": "", "band": "", "start_day": "x"})
    doc = parse(render_filter(form))

    summaries = doc.find_all(cls="nhsuk-error-summary")
    assert len(summaries) == 1
    # It comes before the first form group.
    elements = list(doc.iter())
    first_group = doc.find_all("div", cls="nhsuk-form-group")[0]
    assert elements.index(summaries[0]) < elements.index(first_group)
    assert summary_links(doc) == {
        "id_role": "This field is required.",
        "id_band": "This field is required.",
        "id_start": "Enter a valid date.",
    }
    for target in summary_links(doc):
        assert doc.by_id(target).tag in ("input", "select", "textarea")
    assert_well_formed(doc)


def test_non_field_errors_are_plain_items_in_the_summary():
    data = {"role": "Coder", "band": "5"} | {
        "start_day": "1",
        "start_month": "2",
        "start_year": "2025",
    }
    doc = parse(render_filter(bound(ApplicationForm, data)))
    summary = error_summary(doc)
    items = summary.find_all("li")
    assert [li.text for li in items] == ["Band 5 coder roles are closed."]
    assert items[0].find_all("a") == []
    assert doc.find_all(cls="nhsuk-error-message") == []
    assert doc.find_all(cls="nhsuk-form-group--error") == []


def test_a_valid_or_unbound_form_has_no_error_summary():
    data = {"role": "Analyst", "band": "5", "start_day": "1", "start_month": "2"}
    data["start_year"] = "2025"
    for form in (ApplicationForm(), bound(ApplicationForm, data)):
        assert parse(render_filter(form)).find_all(cls="nhsuk-error-summary") == []


def test_optional_fields_are_marked_and_required_ones_are_not():
    doc = parse(render_filter(ApplicationForm()))
    assert doc.find("label", for_="id_role").text == "Job title"
    assert doc.find("label", for_="id_band").text == "Band"
    assert doc.find("label", for_="id_notes").text == "Notes (optional)"
    assert doc.by_id("id_start").closest("fieldset").find("legend").text == "Start date"
    assert "*" not in doc.text
    assert "asteriskField" not in render_filter(ApplicationForm())


def test_hidden_fields_render_without_a_label_or_group():
    doc = parse(render_filter(ApplicationForm(initial={"token": "abc"})))
    hidden = doc.find("input", id="id_token")
    assert hidden.attrs["type"] == "hidden"
    assert hidden.attrs["value"] == "abc"
    assert hidden.parent.tag == "#document"
    assert doc.find_all("label", for_="id_token") == []


def test_as_crispy_field_renders_one_field():
    template = Template("{% load crispy_forms_tags %}{{ form.role|as_crispy_field }}")
    form = bound(ApplicationForm, {"role": ""})
    doc = parse(template.render(Context({"form": form})))
    assert doc.find("input", id="id_role").classes == [
        "nhsuk-input",
        "nhsuk-input--error",
    ]
    assert_error_message(doc, "id_role", "This field is required.")
    assert doc.find_all(cls="nhsuk-error-summary") == []


# ---------------------------------------------------------------------------
# {% crispy form %} with a FormHelper


class HelperForm(forms.Form):
    full_name = forms.CharField()
    email = forms.EmailField(required=False)
    started = forms.DateField(widget=DateInput())
    certificate = forms.FileField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "details-form"
        self.helper.add_input(Submit("save", "Save and continue"))


def test_crispy_tag_renders_form_tag_csrf_token_and_nhs_button():
    doc = parse(render_tag(HelperForm()))
    form = doc.find("form")
    assert form.attrs["method"] == "post"
    assert form.id == "details-form"
    assert "novalidate" in form.attrs
    assert form.attrs["enctype"] == "multipart/form-data"  # it has a file field
    csrf = form.find("input", name="csrfmiddlewaretoken")
    assert csrf.attrs["type"] == "hidden"
    assert len(csrf.attrs["value"]) > 30
    button = form.find("button")
    assert button.classes == ["nhsuk-button"]
    assert button.attrs["data-module"] == "nhsuk-button"
    assert button.attrs["type"] == "submit"
    assert (button.attrs["name"], button.attrs["value"]) == (
        "save",
        "Save and continue",
    )
    assert button.text == "Save and continue"
    assert button.parent.classes == ["nhsuk-button-group"]
    assert form.find("input", id="id_full_name").classes == ["nhsuk-input"]
    assert form.find_all(cls="nhsuk-date-input")
    assert_well_formed(doc)


def test_crispy_tag_error_state_has_one_summary():
    doc = parse(render_tag(bound(HelperForm, {"email": "nope"})))
    assert len(doc.find_all(cls="nhsuk-error-summary")) == 1
    assert summary_links(doc) == {
        "id_full_name": "This field is required.",
        "id_email": "Enter a valid email address.",
        "id_started": "This field is required.",
    }
    assert doc.find("input", id="id_email").classes == [
        "nhsuk-input",
        "nhsuk-input--error",
    ]
    assert_well_formed(doc)


def test_crispy_tag_renders_layout_objects():
    class LayoutForm(forms.Form):
        full_name = forms.CharField()
        email = forms.EmailField()
        phone = forms.CharField(required=False)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.helper = FormHelper()
            self.helper.form_tag = False
            self.helper.layout = Layout(
                Fieldset(
                    "About {{ subject }}",
                    Field("full_name", css_class="nhsuk-input--width-20"),
                    "email",
                ),
                Div("phone", css_class="nhsuk-u-margin-bottom-4", css_id="phone-box"),
                HTML("<p class='nhsuk-body'>We will not share these details.</p>"),
                Div(
                    Submit("save", "Save"),
                    Button("cancel", "Cancel"),
                    css_class="nhsuk-button-group",
                ),
            )

    doc = parse(render_tag(LayoutForm(), subject="you"))
    assert doc.find_all("form") == []
    # csrf_token is still there, for use inside the page's own <form>.
    assert doc.find("input", name="csrfmiddlewaretoken")
    fieldset = doc.find("fieldset")
    legend = fieldset.find("legend")
    assert legend.classes == ["nhsuk-fieldset__legend", "nhsuk-fieldset__legend--m"]
    assert legend.text == "About you"
    assert fieldset.find("input", id="id_full_name").classes == [
        "nhsuk-input",
        "nhsuk-input--width-20",
    ]
    assert fieldset.find("input", id="id_email")
    box = doc.by_id("phone-box")
    assert box.classes == ["nhsuk-u-margin-bottom-4"]
    assert box.find("label").text == "Phone (optional)"
    assert doc.find("p", cls="nhsuk-body").text == "We will not share these details."
    save = doc.find("button", name="save")
    assert save.classes == ["nhsuk-button"]
    cancel = doc.find("button", name="cancel")
    assert cancel.attrs["type"] == "button"
    assert cancel.classes == ["nhsuk-button", "nhsuk-button--secondary"]
    assert_well_formed(doc)


# ---------------------------------------------------------------------------
# Accessibility, in a real browser with NHS.UK frontend's styles


class EverythingForm(forms.Form):
    full_name = forms.CharField(help_text="As on your payslip")
    email = forms.EmailField(required=False)
    statement = forms.CharField(widget=forms.Textarea, max_length=100)
    band = forms.ChoiceField(choices=[("", "Choose a band"), ("5", "Band 5")])
    contact = forms.ChoiceField(
        choices=[("email", "Email"), ("phone", "Phone")], widget=forms.RadioSelect
    )
    topics = forms.MultipleChoiceField(
        choices=[("a", "Audit"), ("t", "Training")],
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
    )
    agree = forms.BooleanField(label="I agree to the terms")
    started = forms.DateField(widget=DateInput(), help_text="For example, 15 3 2024")
    evidence = forms.FileField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", "Save"))

    def clean(self):
        raise forms.ValidationError("Something went wrong as a whole.")


def _page(body: str) -> str:
    css = Path(settings.BASE_DIR, "static/vendor/nhsuk-frontend/nhsuk-frontend.min.css")
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>Form</title><style>{css.read_text()}</style></head>"
        '<body><div class="nhsuk-width-container"><main class="nhsuk-main-wrapper" '
        f'id="maincontent"><h1 class="nhsuk-heading-l">Your details</h1>{body}'
        "</main></div></body></html>"
    )


@pytest.mark.parametrize("with_errors", [False, True], ids=["empty", "errors"])
def test_rendered_forms_pass_axe_wcag_22_aa(page, with_errors):
    from pytest_playwright_axe import OPTIONS_WCAG_22AA, Axe

    form = (
        bound(EverythingForm, {"started_day": "31"})
        if with_errors
        else EverythingForm()
    )
    page.set_content(_page(render_tag(form)))
    results = Axe().run(
        page,
        options=OPTIONS_WCAG_22AA,
        html_report_generated=False,
        json_report_generated=False,
    )
    problems = [
        f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in results["violations"]
    ]
    assert problems == []
    assert results["passes"]

    # Every control can be reached with the keyboard, in document order (a
    # radio group is one tab stop).
    expected = page.evaluate(
        """() => {
          const seen = new Set();
          return [...document.querySelectorAll(
            "a[href], input:not([type=hidden]), select, textarea, button"
          )].filter((el) => {
            if (el.type !== "radio") return true;
            if (seen.has(el.name)) return false;
            seen.add(el.name);
            return true;
          }).map((el) => el.id || el.name);
        }"""
    )
    focused = []
    for _ in expected:
        page.keyboard.press("Tab")
        focused.append(
            page.evaluate("document.activeElement.id || document.activeElement.name")
        )
    assert focused == expected
    assert len(expected) >= 12
