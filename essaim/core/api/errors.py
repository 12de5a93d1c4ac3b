"""Errors as JSON with a clear message naming the field and the problem."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from essaim.core.api.parser import BodyRefused


class TooManyRequests(Exception):
    """Answered 429 with a ``Retry-After`` header (seconds)."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def _field_of(loc) -> str:
    # Only the leading location ("body", "payload") is dropped: a field may be named ``body``.
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "form"}:
        parts = parts[1:]
    if parts and parts[0] == "payload":
        parts = parts[1:]
    return ".".join(parts) or "__all__"


# Pydantic's messages are English: the common ones, in the user's language. ``ctx`` holds the
# bound ("ge", "max_length", …); unknown types keep pydantic's own message.
PYDANTIC_MESSAGES = {
    "missing": lambda c: _("Champ obligatoire."),
    "int_parsing": lambda c: _("Nombre entier attendu."),
    "int_type": lambda c: _("Nombre entier attendu."),
    "int_from_float": lambda c: _("Nombre entier attendu (sans partie décimale)."),
    "float_parsing": lambda c: _("Nombre attendu."),
    "float_type": lambda c: _("Nombre attendu."),
    "finite_number": lambda c: _("Nombre fini attendu (1e400, Infinity et NaN sont refusés)."),
    "decimal_parsing": lambda c: _("Nombre décimal attendu."),
    "decimal_type": lambda c: _("Nombre décimal attendu."),
    "decimal_max_digits": lambda c: _("Au plus %(n)s chiffres.") % {"n": c["max_digits"]},
    "decimal_max_places": lambda c: _("Au plus %(n)s décimales.") % {"n": c["decimal_places"]},
    "string_type": lambda c: _("Texte attendu."),
    "string_unicode": lambda c: _("Texte attendu (UTF-8 valide)."),
    "string_too_short": lambda c: _("Au moins %(n)s caractère(s).") % {"n": c["min_length"]},
    "string_too_long": lambda c: _("Au plus %(n)s caractères.") % {"n": c["max_length"]},
    "too_short": lambda c: _("Au moins %(n)s élément(s).") % {"n": c["min_length"]},
    "too_long": lambda c: _("Au plus %(n)s éléments.") % {"n": c["max_length"]},
    "greater_than": lambda c: _("Doit être supérieur à %(n)s.") % {"n": c["gt"]},
    "greater_than_equal": lambda c: _("Doit être supérieur ou égal à %(n)s.") % {"n": c["ge"]},
    "less_than": lambda c: _("Doit être inférieur à %(n)s.") % {"n": c["lt"]},
    "less_than_equal": lambda c: _("Doit être inférieur ou égal à %(n)s.") % {"n": c["le"]},
    "bool_parsing": lambda c: _("Booléen attendu (true ou false)."),
    "bool_type": lambda c: _("Booléen attendu (true ou false)."),
    "date_parsing": lambda c: _("Date attendue, au format AAAA-MM-JJ."),
    "date_from_datetime_parsing": lambda c: _("Date attendue, au format AAAA-MM-JJ."),
    "date_type": lambda c: _("Date attendue, au format AAAA-MM-JJ."),
    "datetime_parsing": lambda c: _("Date et heure attendues (ISO 8601)."),
    "datetime_from_date_parsing": lambda c: _("Date et heure attendues (ISO 8601)."),
    "datetime_type": lambda c: _("Date et heure attendues (ISO 8601)."),
    "enum": lambda c: (
        _("Valeur inconnue ; valeurs possibles : %(values)s.") % {"values": c["expected"]}
    ),
    "literal_error": lambda c: (
        _("Valeur inconnue ; valeurs possibles : %(values)s.") % {"values": c["expected"]}
    ),
    "list_type": lambda c: _("Liste attendue."),
    "dict_type": lambda c: _("Objet JSON attendu."),
    "model_type": lambda c: _("Objet JSON attendu."),
    "model_attributes_type": lambda c: _("Objet JSON attendu."),
    "extra_forbidden": lambda c: _("Champ inconnu."),
    "url_parsing": lambda c: _("Adresse web invalide."),
    "url_type": lambda c: _("Adresse web attendue."),
}


def _message(err: dict) -> str:
    translate = PYDANTIC_MESSAGES.get(err.get("type", ""))
    if translate is not None:
        try:
            return str(translate(err.get("ctx") or {}))
        except (KeyError, TypeError):
            pass
    return str(err.get("msg", ""))


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(NinjaValidationError)
    def on_validation_error(request, exc: NinjaValidationError):
        errors = [
            {"field": _field_of(err.get("loc", ())), "message": _message(err)} for err in exc.errors
        ]
        summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return api.create_response(request, {"detail": summary, "errors": errors}, status=422)

    @api.exception_handler(DjangoValidationError)
    def on_django_validation_error(request, exc: DjangoValidationError):
        if hasattr(exc, "error_dict"):
            errors = [
                {"field": field, "message": message}
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
        else:
            errors = [{"field": "__all__", "message": m} for m in exc.messages]
        summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return api.create_response(request, {"detail": summary, "errors": errors}, status=422)

    @api.exception_handler(Http404)
    def on_not_found(request, exc: Http404):
        message = str(exc) if str(exc) else _("Ressource introuvable.")
        return api.create_response(request, {"detail": message}, status=404)

    @api.exception_handler(PermissionDenied)
    def on_denied(request, exc: PermissionDenied):
        message = str(exc) or _("Vous n'avez pas le droit de faire cette action.")
        return api.create_response(request, {"detail": message}, status=403)

    @api.exception_handler(AuthenticationError)
    def on_auth_error(request, exc: AuthenticationError):
        message = (
            str(exc.message)
            if exc.message and exc.message != "Unauthorized"
            else _("Authentification requise.")
        )
        return api.create_response(request, {"detail": message}, status=exc.status_code)

    @api.exception_handler(TooManyRequests)
    def on_too_many_requests(request, exc: TooManyRequests):
        response = api.create_response(request, {"detail": exc.message}, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(HttpError)
    def on_http_error(request, exc: HttpError):
        cause = exc.__cause__
        if isinstance(cause, BodyRefused):
            error = {"field": cause.field, "message": cause.message}
            return api.create_response(
                request,
                {"detail": f"{cause.field}: {cause.message}", "errors": [error]},
                status=cause.status,
            )
        return api.create_response(request, {"detail": str(exc.message)}, status=exc.status_code)
