"""Properties of the form engine: whatever form a programme defines and whatever a person (or an
API client) answers, the engine answers with errors (``schema_errors``, ``Result.errors``, a
bound form's errors) — never with an exception that would be a 500 on the page or the API.

The definitions are generated field by field, with options of the right shape and of the wrong
one; the answers are any JSON (huge and non-finite numbers, NUL bytes, lone surrogates, nested
lists and objects) and any form data."""

import string

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from essaim.calls.formengine import FormEngine
from essaim.calls.formschema import KINDS, UNIT_KINDS, schema_errors
from essaim.calls.tests.factories import SCHEMA

pytestmark = pytest.mark.django_db

PROPERTIES = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NASTY_TEXT = st.sampled_from(
    ["", " ", "\x00", "a\x00b", "\udfff", "1e400", "-1e400", "NaN", "inf", "9" * 40, "0" * 14]
)
TEXT = st.text(max_size=30) | NASTY_TEXT
NUMBERS = (
    st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
)
SCALARS = st.none() | st.booleans() | NUMBERS | TEXT
JSON = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(max_size=8) | st.sampled_from(["code", "siret", "kind"]), children
        )
    ),
    max_leaves=12,
)
KEYS = st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=6)
DATES = st.dates().map(lambda d: d.isoformat()) | TEXT


def _options(kind: str):
    """Options of ``kind``: mostly of the right shape, sometimes any JSON."""
    bound = NUMBERS | st.integers(min_value=0, max_value=50)
    choices = st.lists(
        st.fixed_dictionaries({"value": KEYS, "label": TEXT}), min_size=1, max_size=4
    )
    by_kind = {
        "short_text": {"min_length": bound, "max_length": bound},
        "long_text": {"min_length": bound, "max_length": bound},
        "number": {"min": NUMBERS, "max": NUMBERS, "decimals": bound, "unit": TEXT},
        "date": {"min": DATES, "max": DATES},
        "choice": {"choices": choices},
        "multiple_choice": {"choices": choices, "min_count": bound, "max_count": bound},
        "file": {
            "accept": st.lists(st.sampled_from(["pdf", "png", "docx"]), min_size=1),
            "max_size_mb": NUMBERS,
        },
        "territory": {"unit_kinds": st.lists(st.sampled_from(UNIT_KINDS), min_size=1)},
    }.get(kind, {})
    return st.fixed_dictionaries({}, optional={k: v | JSON for k, v in by_kind.items()})


@st.composite
def fields(draw, nested: bool = False):
    kind = draw(st.sampled_from([k for k in KINDS if not (nested and k == "repeat")]))
    field = {"key": draw(KEYS), "kind": kind, "label": draw(TEXT), "required": draw(st.booleans())}
    field.update(draw(_options(kind)))
    if kind == "repeat":
        field["fields"] = draw(st.lists(fields(nested=True), min_size=1, max_size=3))
        field.update(
            draw(
                st.fixed_dictionaries(
                    {}, optional={"min_count": NUMBERS | JSON, "max_count": NUMBERS | JSON}
                )
            )
        )
    return field


SCHEMAS = st.builds(
    lambda fields_: {"sections": [{"key": "main", "title": "Principal", "fields": fields_}]},
    st.lists(fields(), min_size=1, max_size=5),
)


@PROPERTIES
@given(schema=SCHEMAS | JSON)
def test_checking_any_definition_gives_errors_never_an_exception(schema):
    errors = schema_errors(schema)
    assert all(isinstance(error.message, str) for error in errors)


def _exercise(engine: FormEngine, data) -> None:
    try:
        result = engine.validate(data)
    except ValidationError:
        return
    assert all(isinstance(message, str) for message in result.errors.values())
    engine.missing(result.answers)
    engine.readonly(result.answers)


@PROPERTIES
@given(schema=SCHEMAS, data=st.data())
def test_any_valid_definition_validates_any_answers(schema, data):
    if schema_errors(schema):
        return
    engine = FormEngine(schema)
    keys = list(engine.fields) + ["inconnu"]
    answers = data.draw(st.dictionaries(st.sampled_from(keys), JSON, max_size=6))
    _exercise(engine, answers)


@PROPERTIES
@given(data=JSON)
def test_the_reference_form_validates_any_payload(data):
    """The whole payload of an API PATCH may be anything, not only an object."""
    engine = FormEngine(SCHEMA)
    _exercise(engine, data)
    if isinstance(data, dict):
        _exercise(engine, {key: data for key in engine.fields})


@PROPERTIES
@given(schema=SCHEMAS, data=st.data())
def test_any_valid_definition_reads_any_form_data(schema, data):
    """The page's form: any posted strings give form errors, never an exception."""
    if schema_errors(schema):
        return
    engine = FormEngine(schema)
    form = engine.build_form()
    names = list(form.fields) + ["inconnu"]
    post = QueryDict(mutable=True)
    for name, values in data.draw(
        st.dictionaries(st.sampled_from(names), st.lists(TEXT, min_size=1, max_size=3))
    ).items():
        post.setlist(name, values)
    bound = engine.build_form(data=post)
    try:
        engine.merge_form(bound, {})
    except ValidationError:
        pass
