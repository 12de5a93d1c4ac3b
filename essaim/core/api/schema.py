"""The API's base schema: django-ninja's ``Schema`` with a fast path for plain dictionaries.

django-ninja wraps every value it validates in a ``DjangoGetter`` (so that a schema reads a model
instance's attributes, calls its methods, lists its related managers, turns its files into URLs
and runs the schema's ``resolve_*`` functions) — one Python call per field of every item: two
thirds of a 50-row list's answer time (``/api/v1/labels``: 19 ms of 38 in-process). Most of our
endpoints answer with dictionaries they build themselves (``mapped(rows, to_answer)``): those
are validated by pydantic directly, when nothing in them needs the getter — no resolver on the
schema, no value that is a callable, a manager, a queryset or a file. Anything else goes the
django-ninja way, so the answer is the same either way (tested).

Every API schema derives from this one (``from essaim.core.api.schema import Schema``; ruff bans
``ninja.Schema`` elsewhere).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Manager, QuerySet
from django.db.models.fields.files import FieldFile
from ninja import Schema as NinjaSchema
from ninja.schema import DjangoGetter
from pydantic import ModelWrapValidatorHandler, ValidationInfo, model_validator

_GETTER_VALUES = (Manager, QuerySet, FieldFile)


def _plain(values: Any, schema: type[NinjaSchema]) -> bool:
    if type(values) is not dict or schema._ninja_resolvers:
        return False
    return not any(
        callable(value) or isinstance(value, _GETTER_VALUES) for value in values.values()
    )


class Schema(NinjaSchema):
    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(
        cls, values: Any, handler: ModelWrapValidatorHandler, info: ValidationInfo
    ) -> Any:
        if _plain(values, cls):
            return handler(values)
        # django-ninja's own validator (ninja.schema.Schema._run_root_validator), unchanged.
        if cls.model_config.get("extra") == "forbid" or cls.model_config.get(
            "validate_assignment", False
        ):
            handler(values)
        return handler(DjangoGetter(values, cls, info.context))
