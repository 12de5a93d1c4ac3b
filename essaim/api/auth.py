"""API authentication: a bearer token from ``POST /api/v1/auth/token``, or the page session.

Either way ``request.user`` is the caller, so the API applies exactly the rules of the pages.
"""

from django.contrib.auth import authenticate
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import AuthenticationError
from ninja.security.base import AuthBase
from ninja.utils import check_csrf
from pydantic import EmailStr, Field

from essaim.accounts.models import ApiToken
from essaim.accounts.services import api_token_create, api_token_revoke

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class BearerOrSession(AuthBase):
    """Accepts ``Authorization: Bearer <token>`` or a logged-in session (with its CSRF token).

    ``optional=True`` lets anonymous callers through (public endpoints); a bad token is refused
    all the same, so that a client never silently falls back to anonymous.
    """

    openapi_type = "http"
    openapi_scheme = "bearer"

    def __init__(self, optional: bool = False):
        super().__init__()
        self.optional = optional

    def __call__(self, request: HttpRequest):
        header = request.headers.get("Authorization", "")
        if header:
            scheme, _sep, raw = header.partition(" ")
            if scheme.lower() != "bearer" or not raw.strip():
                raise AuthenticationError(
                    401, _("En-tête Authorization attendu : « Bearer <jeton> ».")
                )
            user = ApiToken.objects.get_user_for(raw.strip())
            if user is None:
                raise AuthenticationError(401, _refusal(raw.strip()))
            request.user = user
            return user
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if request.method in UNSAFE_METHODS and not getattr(
                request, "_ninja_csrf_exempt", False
            ):
                if check_csrf(request) is not None:
                    raise AuthenticationError(403, _("Jeton CSRF absent ou invalide."))
            return user
        if self.optional:
            request.user = AnonymousUser()
            return request.user
        return None


def _refusal(raw: str) -> str:
    """Why a bearer token is refused, so that a client knows whether to ask for a new one."""
    from django.utils import formats, timezone

    from essaim.accounts.models import _hash_token

    token = ApiToken.objects.filter(key_hash=_hash_token(raw)).select_related("user").first()
    if token is None:
        return _("Jeton d'API inconnu : vérifiez l'en-tête Authorization.")
    if token.revoked_at is not None:
        return _("Ce jeton d'API a été révoqué le %(date)s.") % {
            "date": formats.date_format(timezone.localtime(token.revoked_at), "SHORT_DATE_FORMAT")
        }
    if token.expires_at <= timezone.now():
        return _("Ce jeton d'API a expiré le %(date)s ; demandez-en un nouveau.") % {
            "date": formats.date_format(timezone.localtime(token.expires_at), "SHORT_DATE_FORMAT")
        }
    return _("Le compte de ce jeton d'API est désactivé.")


router = Router(tags=["auth"])


class TokenIn(Schema):
    email: EmailStr
    password: str = Field(min_length=1)
    name: str = Field(default="", max_length=100)


class TokenOut(Schema):
    token: str
    prefix: str
    expires_at: str


class Message(Schema):
    detail: str


@router.post(
    "/token",
    response={201: TokenOut, 401: Message},
    auth=None,
    summary="Exchange an e-mail and password for an API token",
)
def token_create(request, payload: TokenIn):
    user = authenticate(request, email=payload.email.lower(), password=payload.password)
    if user is None:
        return Status(401, {"detail": _("Adresse électronique ou mot de passe incorrect.")})
    token, raw = api_token_create(user=user, name=payload.name)
    return Status(
        201, {"token": raw, "prefix": token.prefix, "expires_at": token.expires_at.isoformat()}
    )


@router.delete(
    "/token",
    response={204: None},
    auth=BearerOrSession(),
    summary="Revoke the bearer token used for this call",
)
def token_revoke(request):
    header = request.headers.get("Authorization", "")
    raw = header.partition(" ")[2].strip()
    if raw:
        from essaim.accounts.models import _hash_token

        token = ApiToken.objects.filter(key_hash=_hash_token(raw)).first()
        if token is not None:
            api_token_revoke(user=request.user, token=token)
    return Status(204, None)


class RoleOut(Schema):
    role: str
    label: str
    programme_id: int | None
    collective_id: int | None
    organisation_id: int | None


class MeOut(Schema):
    id: int
    email: str
    first_name: str
    last_name: str
    roles: list[RoleOut]


@router.get(
    "/me",
    response=MeOut,
    auth=BearerOrSession(),
    summary="The calling user and their roles",
)
def me(request):
    from essaim.accounts import permissions

    memberships = sorted(permissions.memberships_of(request.user), key=lambda m: (m.role, m.pk))
    return {
        "id": request.user.pk,
        "email": request.user.email,
        "first_name": request.user.first_name,
        "last_name": request.user.last_name,
        "roles": [
            {
                "role": m.role,
                "label": str(m.get_role_display()),
                "programme_id": m.programme_id,
                "collective_id": m.collective_id,
                "organisation_id": m.organisation_id,
            }
            for m in memberships
        ],
    }
