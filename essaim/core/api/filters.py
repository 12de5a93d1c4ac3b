"""Bounded types for the list endpoints' filters (``filters: Query[XFilters]``).

Every filter narrows the rows the caller may see (the endpoint's ``visible_to``): none widens
them. Each type states its bounds, so that the OpenAPI document says what is accepted and a value
beyond is a 422 naming the parameter, never a database error. ``test_every_query_parameter_is_
bounded`` (essaim/api/tests/test_filters.py) checks every query parameter of the document.
"""

from enum import StrEnum
from typing import Annotated

from django.db import models
from pydantic import Field

# A bigint column's largest value: a larger id names no row.
MAX_ID = 2**63 - 1
MAX_SEARCH = 200
MAX_CODE = 100

Id = Annotated[int, Field(ge=1, le=MAX_ID, description="an id")]
Search = Annotated[str, Field(max_length=MAX_SEARCH, description="words searched")]
Code = Annotated[str, Field(max_length=MAX_CODE)]
WaveNumber = Annotated[int, Field(ge=1, le=10_000, description="a wave's number")]


def choices_enum(name: str, *choices: type[models.TextChoices]) -> type[StrEnum]:
    """An enumeration of the values of ``choices`` (the OpenAPI lists them; anything else is a
    422 listing them)."""
    values = dict.fromkeys(value for choice in choices for value in choice.values)
    return StrEnum(name, {value: value for value in values})
