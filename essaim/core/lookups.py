"""Integer lookups that answer "nothing matches" for a value no column can hold.

Django already does so for ``IntegerField`` (``exact``, ``gt``, …: ``filter(pk=10**20)`` is an
empty queryset on every database). It does not for foreign keys (``filter(project_id=10**20)``)
nor for ``in`` (``filter(pk__in=[10**20])``): SQLite raises ``OverflowError`` while binding the
value, PostgreSQL compares a bigint with a numeric. Every id in a URL, a query string or a JSON
body reaches such lookups, so these two are made to behave like Django's own: out-of-range values
match nothing. Registered once, at start-up (``CoreConfig.ready``).
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import ForeignObject, IntegerField
from django.db.models.expressions import Col
from django.db.models.fields.related_lookups import RelatedExact, RelatedIn
from django.db.models.lookups import In


def _bounds(field, connection) -> tuple[int | None, int | None]:
    target = getattr(field, "target_field", field)  # a foreign key holds its target's values
    try:
        return connection.ops.integer_field_range(target.get_internal_type())
    except KeyError:  # not an integer column
        return None, None


def _out_of_range(value, low, high) -> bool:
    if isinstance(value, bool) or not isinstance(value, int):
        return False
    return (low is not None and value < low) or (high is not None and value > high)


class _DropOutOfRange:
    """For ``in``: drop the values out of the column's range (none left: nothing matches)."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value() and isinstance(self.lhs, Col):
            low, high = _bounds(self.lhs.output_field, connection)
            if low is not None or high is not None:
                kept = [v for v in self.rhs if not _out_of_range(v, low, high)]
                if not kept:
                    raise EmptyResultSet
                self.rhs = kept
        return super().process_rhs(compiler, connection)


class IntegerInRange(_DropOutOfRange, In):
    lookup_name = "in"


class RelatedInRange(_DropOutOfRange, RelatedIn):
    lookup_name = "in"


class RelatedExactInRange(RelatedExact):
    lookup_name = "exact"

    def process_rhs(self, compiler, connection):
        if isinstance(self.lhs, Col):
            low, high = _bounds(self.lhs.output_field, connection)
            if _out_of_range(self.rhs, low, high):
                raise EmptyResultSet
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerInRange)
    ForeignObject.register_lookup(RelatedInRange)
    ForeignObject.register_lookup(RelatedExactInRange)
