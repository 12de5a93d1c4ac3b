"""Errors as JSON with a clear message naming the field and the problem."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError


def _field_of(loc) -> str:
    parts = [str(p) for p in loc if p not in {"body", "query", "path", "payload"}]
    return ".".join(parts) or "__all__"


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(NinjaValidationError)
    def on_validation_error(request, exc: NinjaValidationError):
        errors = [
            {"field": _field_of(err.get("loc", ())), "message": err.get("msg", "")}
            for err in exc.errors
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

    @api.exception_handler(HttpError)
    def on_http_error(request, exc: HttpError):
        return api.create_response(request, {"detail": str(exc.message)}, status=exc.status_code)
