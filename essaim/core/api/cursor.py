"""Keyset ("cursor") positions in a list endpoint's rows.

A cursor names a row's place in the list's order: the values of the ordering's keys for that
row, the primary key last (so two rows never share a place), signed so that a client can neither
forge nor edit one. The next page is then ``WHERE (keys) > (values) ORDER BY keys LIMIT n``: one
index range scan whatever the depth, where ``OFFSET`` reads and drops every row before the page.

The order is the queryset's own (``order_by`` or the model's ``Meta.ordering``): the endpoint
changes nothing. NULLs keep the database's own place (PostgreSQL: after every value, so last
ascending and first descending; SQLite: before every value), written out for nullable keys only:
an explicit ``NULLS LAST`` on a descending NOT NULL column would stop PostgreSQL from reading its
index backwards (a sort of every row: 3 s for the first page of 100,000 applications).

A list that is no queryset (built in Python), a combined queryset (``union``), a random or raw
ordering, or a float key (a search rank: a float4 read back as text is not equal to itself) gets
an offset cursor instead, with the same signature.
"""

import datetime
import decimal
import hashlib
import re
import uuid
from dataclasses import dataclass

from django.core import signing
from django.db import connection
from django.db.models import F, FloatField, Q, QuerySet
from django.db.models.expressions import Col, OrderBy
from django.utils.translation import gettext as _
from ninja.errors import ValidationError

SALT = "essaim.api.cursor"
# The databases that sort NULL after every value (the others, before).
NULLS_LARGE = {"postgresql", "oracle"}
KEY_PREFIX = "cursor_k"
MAX_CURSOR_LENGTH = 2048
_ADDRESS = re.compile(r"0x[0-9a-f]+")


def invalid(message: str) -> ValidationError:
    """A 422 naming the ``cursor`` parameter (the API's error handler words it)."""
    return ValidationError([{"loc": ("query", "cursor"), "msg": message, "type": "cursor"}])


@dataclass(frozen=True)
class Key:
    alias: str  # the annotation holding the key's value on each row
    descending: bool
    nullable: bool
    nulls_last: bool  # in the list's order

    def order(self, backward: bool) -> OrderBy:
        descending = self.descending != backward
        if not self.nullable:
            return OrderBy(F(self.alias), descending=descending)
        last = self.nulls_last != backward
        return OrderBy(
            F(self.alias),
            descending=descending,
            nulls_last=last or None,
            nulls_first=(not last) or None,
        )


@dataclass(frozen=True)
class Position:
    """Where a page starts: after (``backward`` False) or before the row of ``values``; or, for
    an offset cursor, the ``offset`` of the page's first row."""

    values: tuple | None = None
    backward: bool = False
    offset: int | None = None


# -- Encoding ---------------------------------------------------------------------------------


def _encode_value(value):
    if isinstance(value, datetime.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"d": value.isoformat()}
    if isinstance(value, decimal.Decimal):
        return {"dec": str(value)}
    if isinstance(value, uuid.UUID):
        return {"u": str(value)}
    return value


def _decode_value(value):
    if isinstance(value, dict) and len(value) == 1:
        (tag, text), *_rest = value.items()
        decoders = {
            "dt": datetime.datetime.fromisoformat,
            "d": datetime.date.fromisoformat,
            "dec": decimal.Decimal,
            "u": uuid.UUID,
        }
        if tag in decoders and isinstance(text, str):
            return decoders[tag](text)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise ValueError("unexpected value")


def encode(position: Position, fingerprint: str) -> str:
    payload: dict = {"f": fingerprint}
    if position.offset is not None:
        payload["o"] = position.offset
    else:
        values = position.values
        payload["v"] = None if values is None else [_encode_value(v) for v in values]
        payload["b"] = int(position.backward)
    return signing.dumps(payload, salt=SALT, compress=True)


def decode(cursor: str, fingerprint: str, keys: int | None) -> Position:
    """The position ``cursor`` names; a 422 naming ``cursor`` if it was altered, comes from
    another list (or another order), or does not fit this list's keys."""
    try:
        payload = signing.loads(cursor, salt=SALT)
    except signing.BadSignature as exc:
        raise invalid(
            _("Curseur invalide : utilisez tel quel un curseur next ou previous.")
        ) from exc
    if not isinstance(payload, dict) or payload.get("f") != fingerprint:
        raise invalid(_("Ce curseur appartient à une autre liste ou à un autre ordre."))
    try:
        if keys is None:
            offset = payload["o"]
            if not isinstance(offset, int) or offset < 0:
                raise ValueError("offset")
            return Position(offset=offset)
        if payload["v"] is None:  # the first page
            return Position()
        values = tuple(_decode_value(v) for v in payload["v"])
        if len(values) != keys:
            raise ValueError("keys")
        return Position(values=values, backward=bool(payload["b"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise invalid(_("Ce curseur appartient à une autre liste ou à un autre ordre.")) from exc


# -- Keyset -----------------------------------------------------------------------------------


def _terms(queryset: QuerySet) -> list | None:
    """The ordering as ``(expression, descending)``, cut after the primary key and ending with
    it; ``None`` when it cannot be a keyset."""
    query = queryset.query
    if query.combinator or query.is_sliced or query.distinct_fields or query.extra_order_by:
        return None
    ordering = list(query.order_by)
    if not ordering and query.default_ordering:
        ordering = list(queryset.model._meta.ordering)
    pk_names = {"pk", queryset.model._meta.pk.name, queryset.model._meta.pk.attname}
    terms = []
    for term in ordering:
        if isinstance(term, str):
            if term == "?" or "." in term:
                return None
            descending = term.startswith("-")
            name = term.lstrip("-")
            if name in pk_names:
                terms.append((F("pk"), descending))
                return terms
            terms.append((F(name), descending))
        elif isinstance(term, OrderBy):
            terms.append((term.expression, term.descending))
        elif hasattr(term, "resolve_expression"):
            terms.append((term, False))
        else:
            return None
    terms.append((F("pk"), False))
    return terms


def _nullable(queryset: QuerySet, alias: str) -> bool:
    """Whether the key can be NULL: only a NOT NULL column of the listed table cannot (a column
    reached through an outer join can)."""
    expression = queryset.query.annotations[alias]
    return not (
        isinstance(expression, Col)
        and expression.alias == queryset.query.base_table
        and not expression.target.null
    )


@dataclass
class Keyset:
    """A queryset annotated with its keys and ordered by them (NULLs last)."""

    rows: QuerySet
    keys: list[Key]
    fingerprint: str

    @classmethod
    def of(cls, queryset: QuerySet, path: str) -> "Keyset | None":
        terms = _terms(queryset)
        if terms is None:
            return None
        annotated = queryset.annotate(
            **{f"{KEY_PREFIX}{i}": expression for i, (expression, _d) in enumerate(terms)}
        )
        keys = []
        for i, (_expression, descending) in enumerate(terms):
            alias = f"{KEY_PREFIX}{i}"
            if isinstance(
                getattr(annotated.query.annotations[alias], "output_field", None), FloatField
            ):
                return None
            nulls_last = descending != (connection.vendor in NULLS_LARGE)
            keys.append(Key(alias, descending, _nullable(annotated, alias), nulls_last))
        description = path + "|" + "|".join(f"{e!r}{'-' if d else '+'}" for e, d in terms)
        fingerprint = hashlib.sha256(_ADDRESS.sub("", description).encode()).hexdigest()[:16]
        return cls(annotated.order_by(*cls._order(keys, backward=False)), keys, fingerprint)

    @staticmethod
    def _order(keys: list[Key], backward: bool) -> list[OrderBy]:
        return [key.order(backward) for key in keys]

    def values(self, row) -> tuple:
        if isinstance(row, dict):
            return tuple(row[k.alias] for k in self.keys)
        return tuple(getattr(row, k.alias) for k in self.keys)

    @staticmethod
    def _beyond(key: Key, value, backward: bool) -> Q | None:
        """Rows strictly after ``value`` on this key, or before it when ``backward``."""
        nulls_beyond = key.nulls_last != backward  # NULLs come after (before) every value
        null = Q(**{f"{key.alias}__isnull": True})
        if value is None:
            return None if nulls_beyond else ~null
        compare = "lt" if key.descending != backward else "gt"
        beyond = Q(**{f"{key.alias}__{compare}": value})
        return beyond | null if key.nullable and nulls_beyond else beyond

    @staticmethod
    def _equal(key: Key, value) -> Q:
        return Q(**{f"{key.alias}__isnull": True}) if value is None else Q(**{key.alias: value})

    def page(self, position: Position, size: int) -> list:
        """Up to ``size`` + 1 rows from ``position`` on, in the list's order when forward, in the
        reverse order when backward (the caller turns them round)."""
        alternatives = []
        for i, key in enumerate(self.keys):
            beyond = self._beyond(key, position.values[i], position.backward)
            if beyond is None:
                continue
            condition = beyond
            for earlier, value in zip(self.keys[:i], position.values[:i], strict=False):
                condition &= self._equal(earlier, value)
            alternatives.append(condition)
        if not alternatives:
            return []
        where = alternatives[0]
        for alternative in alternatives[1:]:
            where |= alternative
        first, value = self.keys[0], position.values[0]
        if value is not None and not (first.nullable and first.nulls_last != position.backward):
            # The same bound, written so that an index on the first key starts the scan there.
            bound = "gte" if first.descending == position.backward else "lte"
            where &= Q(**{f"{first.alias}__{bound}": value})
        rows = self.rows.filter(where)
        if position.backward:
            rows = rows.order_by(*self._order(self.keys, backward=True))
        return list(rows[: size + 1])
