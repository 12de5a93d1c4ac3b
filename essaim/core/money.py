"""Money: one type everywhere — whole euros, from 0 to ``MONEY_MAX``.

Every amount of the platform (support budgets, financing requests and bands, project budgets,
needs) is a ``MoneyField`` column: a 64-bit integer of euros with a database check on its range,
so that no value a column cannot hold — infinity, NaN, 10^30, a negative amount — is ever stored,
whatever path it comes by. Forms use ``MoneyFormField``, API schemas the ``Money`` type: the same
bound, the same French messages.

Whole euros: the programme's budgets and grants are counted in euros (every page shows them
rounded to the euro), integers are exact on SQLite and PostgreSQL alike, and JSON carries them as
plain numbers.
"""

import math
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

# 100 billion euros: above any programme's budget, far below 2**53 (exact in JSON clients).
MONEY_MAX = 10**11

# Thousands separators people type or paste: spaces, no-break spaces, thin spaces, "_", "'".
_SEPARATORS = re.compile(r"[\s\u00a0\u202f_']")


def _french(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")


def money_error(value: Any) -> str | None:
    """Why ``value`` is not an amount of whole euros between 0 and ``MONEY_MAX`` (``None`` if it
    is one). Accepts ints, integral floats and decimals, and text such as "40 000", "40000 €" or
    "40000,00"."""
    if isinstance(value, bool):
        return _("Saisissez un montant en euros (un nombre entier).")
    if isinstance(value, str):
        text = _SEPARATORS.sub("", value).removesuffix("€").replace(",", ".")
        if len(text) > 40:
            return _("Ce montant est trop long pour être un montant en euros.")
        try:
            value = Decimal(text)
        except InvalidOperation:
            return _("Saisissez un montant en euros (un nombre entier).")
    if isinstance(value, float):
        if not math.isfinite(value):
            return _("Le montant doit être un nombre fini (« %(value)s » refusé).") % {
                "value": value
            }
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            return _("Le montant doit être un nombre fini (« %(value)s » refusé).") % {
                "value": value
            }
        if value.is_zero():
            value = 0
        elif value < 0:
            return _("Le montant doit être positif ou nul.")
        elif value.adjusted() > 30:  # checked before int(): 1E+999999999 would fill the memory
            return _("Le montant dépasse le maximum de %(max)s €.") % {"max": _french(MONEY_MAX)}
        elif value.adjusted() < 0 or value != value.to_integral_value():
            return _("Indiquez un montant en euros entiers, sans centimes.")
        else:
            value = int(value)
    if not isinstance(value, int):
        return _("Saisissez un montant en euros (un nombre entier).")
    if value < 0:
        return _("Le montant doit être positif ou nul.")
    if value > MONEY_MAX:
        return _("Le montant dépasse le maximum de %(max)s €.") % {"max": _french(MONEY_MAX)}
    return None


def to_money(value: Any) -> int:
    """``value`` as whole euros, or ``ValueError`` with the French reason."""
    error = money_error(value)
    if error is not None:
        raise ValueError(error)
    if isinstance(value, str):
        value = Decimal(_SEPARATORS.sub("", value).removesuffix("€").replace(",", "."))
    return int(value)


def money_condition(name: str) -> models.Q:
    """The range of the money column ``name`` (NULL allowed: ``null=True`` columns)."""
    return models.Q(**{f"{name}__isnull": True}) | models.Q(
        **{f"{name}__gte": 0, f"{name}__lte": MONEY_MAX}
    )


def money_checks(prefix: str, *names: str) -> list[models.CheckConstraint]:
    """The database checks of a model's money columns, for its ``Meta.constraints``:
    ``constraints = [..., *money_checks("financing_request", "amount", "granted_amount")]``.
    The system check ``essaim.E001`` fails when a ``MoneyField`` has none."""
    return [
        models.CheckConstraint(condition=money_condition(name), name=f"{prefix}_{name}_money")
        for name in names
    ]


class MoneyField(models.BigIntegerField):
    """An amount in whole euros, 0 ≤ amount ≤ ``MONEY_MAX``. Its model checks that range in the
    database (``money_checks`` in ``Meta.constraints``, required by the system check
    ``essaim.E001``), so the database refuses what Python would have let through; saving an
    out-of-range value raises ``ValidationError`` naming the field before it gets there."""

    description = gettext_lazy("Montant en euros entiers")

    @property
    def validators(self):
        return [
            *super().validators,
            MinValueValidator(0),
            MaxValueValidator(MONEY_MAX),
        ]

    def to_python(self, value):
        if value is None or value == "":
            return None
        error = money_error(value)
        if error is not None:
            raise ValidationError(error, code="invalid_money")
        return to_money(value)

    def get_db_prep_save(self, value, connection):
        if value is not None and not hasattr(value, "resolve_expression"):
            error = money_error(value)
            if error is not None:
                raise ValidationError({self.name: error}, code="invalid_money")
            value = to_money(value)
        return super().get_db_prep_save(value, connection)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": MoneyFormField, **kwargs})


class MoneyWidget(forms.TextInput):
    """A text box with the numeric keyboard: "40 000" (with spaces) is accepted, which a
    ``type=number`` input would refuse in some browsers."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "autocomplete": "off", **(attrs or {})})


class MoneyFormField(forms.Field):
    """The form field of every amount: whole euros, 0 ≤ amount ≤ ``MONEY_MAX`` (``min_value``
    may raise the floor, e.g. 1 for a requested amount). Non-finite numbers, decimals with cents,
    text and huge numbers get a French message; nothing but ``ValidationError`` is ever raised."""

    widget = MoneyWidget

    def __init__(self, *, min_value: int = 0, max_value: int | None = None, **kwargs):
        # A model field passes its own bounds and coercion options: ours are the money ones.
        for key in ("max_length", "step_size", "localize", "coerce", "empty_value"):
            kwargs.pop(key, None)
        self.min_value = max(0, min_value)
        self.max_value = MONEY_MAX if max_value is None else min(max_value, MONEY_MAX)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        error = money_error(value)
        if error is not None:
            raise ValidationError(error, code="invalid_money")
        return to_money(value)

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if value < self.min_value:
            raise ValidationError(
                _("Le montant doit être d'au moins %(min)s €.") % {"min": _french(self.min_value)},
                code="min_value",
            )
        if value > self.max_value:
            raise ValidationError(
                _("Le montant dépasse le maximum de %(max)s €.") % {"max": _french(self.max_value)},
                code="max_value",
            )


def _money_before(value: Any) -> Any:
    if value is None:
        return None
    error = money_error(value)
    if error is not None:
        raise PydanticCustomError("money", error)
    return to_money(value)


# API schemas: ``amount: Money`` (or ``Money | None``). Documented in the OpenAPI as an integer
# between 0 and MONEY_MAX; "1e400", Infinity, NaN, 1.5, -3 and 10**30 are refused by name.
Money = Annotated[
    int,
    Field(ge=0, le=MONEY_MAX, description=f"whole euros, from 0 to {MONEY_MAX}"),
    BeforeValidator(_money_before),
]


def clean_money_columns(table: str, *columns: str):
    """A migration operation, to run before turning ``columns`` of ``table`` into
    ``MoneyField``. On SQLite, whose columns keep whatever they are given, it clamps what the new
    column's check would refuse (``inf`` and amounts over ``MONEY_MAX`` to ``MONEY_MAX``,
    ``-inf`` and negative ones to 0) and rounds cents to the euro (half away from zero). Both are
    monotonic and a row's columns change in one statement, so ordered budgets (spent ≤ committed
    ≤ planned) stay ordered."""
    from django.db import migrations

    def forward(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            # PostgreSQL's old columns hold nothing the new check refuses (numeric(12, 2) stays
            # under 10^10, integer under 2^31, both already checked ≥ 0), and changing the type
            # to bigint rounds numeric values itself.
            return
        quote = schema_editor.quote_name
        cleaned = [
            f"{quote(c)} = CASE WHEN {quote(c)} > {MONEY_MAX} THEN {MONEY_MAX}"
            f" WHEN {quote(c)} < 0 THEN 0 ELSE ROUND({quote(c)}) END"
            for c in columns
        ]
        dirty = [
            f"{quote(c)} > {MONEY_MAX} OR {quote(c)} < 0 OR {quote(c)} <> ROUND({quote(c)})"
            for c in columns
        ]
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(table)} SET {', '.join(cleaned)} WHERE {' OR '.join(dirty)}"  # noqa: S608
            )

    return migrations.RunPython(forward, migrations.RunPython.noop, elidable=False)


def check_money_constraints(app_configs=None, **kwargs):
    """System check ``essaim.E001``: every ``MoneyField`` has its range checked by the database
    (a ``money_checks`` constraint in its model's ``Meta.constraints``)."""
    from django.apps import apps

    return [error for model in apps.get_models() for error in unchecked_money_fields(model)]


def unchecked_money_fields(model) -> list:
    from django.core import checks

    conditions = [
        c.condition for c in model._meta.constraints if isinstance(c, models.CheckConstraint)
    ]
    return [
        checks.Error(
            f"{model._meta.label}.{field.name} is a MoneyField without its range check in the "
            "database.",
            hint=f"Add *money_checks(<prefix>, {field.name!r}) to Meta.constraints.",
            obj=field,
            id="essaim.E001",
        )
        for field in model._meta.local_concrete_fields
        if isinstance(field, MoneyField) and money_condition(field.name) not in conditions
    ]
