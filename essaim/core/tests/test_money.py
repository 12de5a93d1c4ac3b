"""Money in one type: every amount column is a ``MoneyField`` whose range the database checks;
the form field and the API type accept exactly what the column holds and refuse the rest with a
French message, never with anything but a validation error."""

import decimal
import importlib
import math

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, connection, models, transaction
from django.test.utils import isolate_apps
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from essaim.core.money import (
    MONEY_MAX,
    Money,
    MoneyField,
    MoneyFormField,
    check_money_constraints,
    money_checks,
    money_error,
    unchecked_money_fields,
)

AMOUNT_WORDS = ("amount", "budget", "montant")

# Anything a person or a client may send for an amount.
anything = st.one_of(
    st.integers(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.text(max_size=50),
    st.from_regex(r"-?[0-9 ]{0,20}([.,][0-9]{0,4})?( ?€)?", fullmatch=True),
    st.sampled_from(["1e400", "-1e400", "inf", "NaN", "Infinity", "sNaN", "1E+999999999", "0e-50"]),
    st.booleans(),
    st.none(),
)


def test_every_amount_column_is_a_money_field():
    """The mechanism: a new amount column that is not a ``MoneyField`` fails here."""
    offenders = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model.__module__.startswith("essaim.")
        for field in model._meta.concrete_fields
        if any(word in field.name for word in AMOUNT_WORDS)
        and field.get_internal_type() != "JSONField"
        and not isinstance(field, MoneyField)
    ]
    assert offenders == []
    money_fields = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, MoneyField)
    ]
    assert sorted(money_fields) == [
        "financing.FinancingRequest.amount",
        "financing.FinancingRequest.granted_amount",
        "financing.Instrument.max_yearly_budget",
        "financing.TicketBand.max_amount",
        "financing.TicketBand.min_amount",
        "projects.Need.amount",
        "projects.Project.yearly_budget",
        "support.Action.budget_committed",
        "support.Action.budget_planned",
        "support.Action.budget_spent",
        "synergies.Introduction.invested",
        "synergies.Introduction.purchases",
    ]


def test_every_money_field_has_its_database_check():
    assert check_money_constraints() == []


@isolate_apps("essaim.core")
def test_a_money_field_without_its_database_check_fails_the_system_check():
    class Unchecked(models.Model):
        price = MoneyField()

    class Checked(models.Model):
        price = MoneyField(null=True)

        class Meta:
            constraints = money_checks("checked", "price")

    assert [e.id for e in unchecked_money_fields(Unchecked)] == ["essaim.E001"]
    assert unchecked_money_fields(Checked) == []


def test_every_amount_form_field_is_a_money_form_field():
    """Plain forms declare their fields: each amount among them is a ``MoneyFormField`` (model
    forms get one from ``MoneyField.formfield``)."""
    offenders = []
    for app in ("applications", "financing", "projects", "support", "regulatory", "labels"):
        module = importlib.import_module(f"essaim.{app}.forms")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, forms.BaseForm):
                for name, field in value.base_fields.items():
                    if any(word in name for word in AMOUNT_WORDS) and not isinstance(
                        field, MoneyFormField
                    ):
                        offenders.append(f"{value.__name__}.{name}")
    assert offenders == []


def test_every_amount_of_the_api_is_bounded_like_its_column():
    from essaim.api.urls import api

    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    found = []
    for name, component in components.items():
        for prop, spec in component.get("properties", {}).items():
            if not any(word in prop for word in AMOUNT_WORDS):
                continue
            variants = spec.get("anyOf", [spec])
            numeric = [v for v in variants if v.get("type") in {"integer", "number"}]
            if name.endswith("In") or name.endswith("Patch"):
                found.append(prop)
                assert numeric and all(
                    v.get("minimum") == 0 and v.get("maximum") == MONEY_MAX for v in numeric
                ), (name, prop, spec)
    assert {"amount", "budget_planned", "min_amount", "max_yearly_budget"} <= set(found)


@pytest.mark.django_db
@pytest.mark.parametrize("value", [MONEY_MAX + 1, -1, 10**30])
def test_money_column_check_refuses_out_of_range_values_in_the_database(value):
    """The database itself refuses what the column cannot hold, even behind the ORM's back."""
    from essaim.support.models import Action
    from essaim.support.tests.factories import ActionFactory, build_world

    action = ActionFactory(plan=build_world().plan)
    table = Action._meta.db_table
    with pytest.raises((IntegrityError, OverflowError, DataError)), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f'UPDATE {table} SET "budget_planned" = %s WHERE "id" = %s',  # noqa: S608
                [value, action.pk],
            )
    action.refresh_from_db()
    assert action.budget_planned == 1000


@pytest.mark.django_db
def test_saving_an_out_of_range_amount_names_the_field():
    from essaim.support.tests.factories import ActionFactory, build_world

    action = ActionFactory(plan=build_world().plan)
    action.budget_planned = float("inf")
    with pytest.raises(ValidationError) as caught:
        action.save()
    assert "budget_planned" in caught.value.message_dict
    assert "nombre fini" in caught.value.message_dict["budget_planned"][0]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (40000, 40000),
        ("40 000", 40000),
        ("40\u202f000 €", 40000),
        ("12,00", 12),
        (1.0, 1),
        (decimal.Decimal("0E-40"), 0),
        (MONEY_MAX, MONEY_MAX),
    ],
)
def test_money_accepts_whole_euros(value, expected):
    assert money_error(value) is None
    assert MoneyFormField().clean(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (float("inf"), "nombre fini"),
        (float("nan"), "nombre fini"),
        ("Infinity", "nombre fini"),
        ("1e400", "maximum"),
        (10**30, "maximum"),
        (2**63, "maximum"),
        (-1, "positif"),
        ("12,50", "sans centimes"),
        ("douze", "nombre entier"),
        (True, "nombre entier"),
    ],
)
def test_money_refuses_with_a_french_message(value, message):
    with pytest.raises(ValidationError) as caught:
        MoneyFormField().clean(value)
    assert message in caught.value.messages[0]


def _accepted_range(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MONEY_MAX


@given(value=anything)
@settings(max_examples=300, deadline=None)
def test_money_form_field_never_accepts_what_the_column_cannot_hold(value):
    field = MoneyFormField(required=False)
    try:
        cleaned = field.clean(value)
    except ValidationError:
        return
    assert cleaned is None or _accepted_range(cleaned)


@given(value=anything)
@settings(max_examples=300, deadline=None)
def test_money_schema_type_never_accepts_what_the_column_cannot_hold(value):
    class Payload(BaseModel):
        amount: Money | None = None

    try:
        payload = Payload(amount=value)
    except PydanticValidationError as exc:
        assert all(e["type"] in {"money", "int_type"} for e in exc.errors())
        return
    assert payload.amount is None or _accepted_range(payload.amount)


@given(value=anything)
@settings(max_examples=300, deadline=None)
def test_money_model_field_cleans_or_refuses_with_validation_error_only(value):
    field = MoneyField(null=True, blank=True)
    field.name = field.attname = "amount"
    try:
        cleaned = field.clean(value, None)
    except ValidationError:
        return
    assert cleaned is None or _accepted_range(cleaned)


@pytest.mark.django_db
@given(value=st.integers(min_value=0, max_value=MONEY_MAX))
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_every_accepted_amount_is_stored_and_read_back_exactly(value):
    from essaim.projects.models import Project
    from essaim.projects.tests.factories import ProjectFactory

    with transaction.atomic():
        project = ProjectFactory(yearly_budget=value)
        assert Project.objects.get(pk=project.pk).yearly_budget == value
        transaction.set_rollback(True)


def test_money_max_is_exact_in_json_clients():
    assert MONEY_MAX < 2**53
    assert math.isclose(float(MONEY_MAX), MONEY_MAX)


def test_money_messages_follow_the_users_language():
    from django.utils import translation

    with translation.override("en"):
        assert money_error(-1) == "The amount must be positive or zero."
        assert (
            money_error(10**30)
            == "The amount exceeds the maximum of €100\u202f000\u202f000\u202f000."
        )
