"""The API's JSON parser: refuses what no column can hold before any schema sees it.

A string with a NUL character or a lone surrogate (``"\\udfff"``), a key with one, a number that
is not finite (``1e400`` parses as infinity, ``NaN`` and ``Infinity`` are accepted by Python's
``json``): each is refused with a 422 naming the field (``essaim.core.inputs``). Malformed JSON
or a body that is not UTF-8 is a 400 with a French message. Django-ninja turns any parser error
into an ``HttpError`` carrying ours as its cause; ``essaim.core.api.errors`` answers from it.
"""

import json

from django.utils.translation import gettext as _
from ninja.errors import ValidationError
from ninja.parser import Parser

from essaim.core.inputs import field_name, find_problem, text_problem


class BodyRefused(Exception):
    def __init__(self, status: int, field: str, message: str):
        super().__init__(message)
        self.status = status
        self.field = field
        self.message = message


class GuardedParser(Parser):
    def parse_body(self, request):
        try:
            data = json.loads(request.body)
        except UnicodeDecodeError:
            raise BodyRefused(
                400, "__all__", _("Le corps de la requête n'est pas encodé en UTF-8.")
            ) from None
        except json.JSONDecodeError as exc:
            raise BodyRefused(
                400,
                "__all__",
                _("JSON invalide : %(reason)s (ligne %(line)s, colonne %(column)s).")
                % {"reason": exc.msg, "line": exc.lineno, "column": exc.colno},
            ) from None
        except ValueError:  # e.g. an integer of more than 4,300 digits
            raise BodyRefused(
                400, "__all__", _("JSON invalide : un nombre est trop long.")
            ) from None
        found = find_problem(data)
        if found is not None:
            path, reason = found
            field = field_name(path)
            raise BodyRefused(
                422, field, _("« %(field)s » %(reason)s") % {"field": field, "reason": reason}
            )
        return data

    def parse_querydict(self, data, list_fields, request):
        """Query strings and form fields are checked by ``InputGuardMiddleware``, except the
        form fields of a PUT or PATCH, which Django does not parse: checked here."""
        for key, values in data.lists():
            for value in values:
                problem = isinstance(value, str) and text_problem(value)
                if problem:
                    raise ValidationError(
                        [{"loc": ("form", key), "msg": f"« {key} » {problem}", "type": "unsafe"}]
                    )
        return super().parse_querydict(data, list_fields, request)
