"""API authentication: a bearer token from ``POST /api/v1/auth/token``, or the page session.

Either way ``request.user`` is the caller, so the API applies exactly the rules of the pages.
Getting a token obeys the rules of the login page: the same failed-attempt limits (shared with
it, per address and per IP address), and the second factor for the accounts that have one.
"""

import time
from typing import Literal

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import AuthenticationError
from ninja.security.base import AuthBase
from ninja.utils import check_csrf
from pydantic import EmailStr, Field

from essaim.accounts import identity, permissions
from essaim.accounts.models import ApiToken, TokenAccess, _hash_token
from essaim.accounts.services import api_token_create, api_token_revoke
from essaim.core.api.errors import TooManyRequests
from essaim.core.api.schema import Schema

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class BearerOrSession(AuthBase):
    """Accepts ``Authorization: Bearer <token>`` or a logged-in session (with its CSRF token).

    ``optional=True`` lets anonymous callers through (public endpoints); a bad token is refused
    all the same, so that a client never silently falls back to anonymous.
    """

    openapi_type = "http"
    openapi_scheme = "bearer"

    def __init__(self, optional: bool = False, read_only_may_write: bool = False):
        super().__init__()
        self.optional = optional
        self.read_only_may_write = read_only_may_write

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
            token = user.api_token
            _count(f"token:{token.pk}", settings.ESSAIM_API_RATE_LIMIT)
            if (
                request.method in UNSAFE_METHODS
                and token.access == TokenAccess.READ
                and not self.read_only_may_write
            ):
                raise AuthenticationError(
                    403,
                    _(
                        "Ce jeton d'API est en lecture seule : créez un jeton « lecture et "
                        "écriture » pour modifier des données."
                    ),
                )
            request.user = user
            return user
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if identity.second_factor_missing(request):
                raise AuthenticationError(403, _MFA_SETUP_FIRST())
            if request.method in UNSAFE_METHODS and not getattr(
                request, "_ninja_csrf_exempt", False
            ):
                if check_csrf(request) is not None:
                    raise AuthenticationError(403, _("Jeton CSRF absent ou invalide."))
            return user
        if self.optional:
            client_ip = get_adapter(request).get_client_ip(request)
            _count(f"ip:{client_ip}", settings.ESSAIM_API_ANONYMOUS_RATE_LIMIT)
            request.user = AnonymousUser()
            return request.user
        return None


def _count(key: str, limit: tuple[int, int]) -> None:
    """Count one call for ``key`` in the current window of ``limit`` (calls, seconds); past the
    limit, refuse with 429 and the seconds until the window ends. Counted in Django's cache
    (Redis or files in production: shared by the web processes)."""
    calls, window = limit
    now = int(time.time())
    cache_key = f"essaim-api-rate:{key}:{now // window}"
    cache.add(cache_key, 0, timeout=window + 5)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window + 5)
        count = 1
    if count > calls:
        retry_after = window - now % window
        raise TooManyRequests(
            _(
                "Trop d'appels : au plus %(calls)s par %(window)s secondes. Réessayez dans "
                "%(retry)s secondes."
            )
            % {"calls": calls, "window": window, "retry": retry_after},
            retry_after=retry_after,
        )


def _refusal(raw: str) -> str:
    """Why a bearer token is refused, so that a client knows whether to ask for a new one."""
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


def _MFA_SETUP_FIRST() -> str:  # noqa: N802 - a message, translated when asked for
    return _(
        "Votre rôle exige la double authentification : activez-la d'abord sur le site "
        "(Mon espace, Double authentification)."
    )


class TokenIn(Schema):
    email: EmailStr
    password: str = Field(min_length=1)
    code: str = Field(
        default="",
        max_length=64,
        description="For accounts with two-factor authentication: the authenticator app's "
        "6-digit code, or a recovery code.",
    )
    name: str = Field(default="", max_length=100)
    access: Literal["read", "write"] = Field(
        default="write",
        description="`read`: every POST, PUT, PATCH and DELETE made with the token is refused.",
    )
    programme: int | None = Field(
        default=None,
        ge=1,
        le=2_147_483_647,
        description="Limit the token to this programme (one in which you hold a role): your "
        "roles in other programmes do not come with it.",
    )


class TokenOut(Schema):
    token: str
    prefix: str
    expires_at: str
    access: str
    programme: int | None


class Message(Schema):
    detail: str


@router.post(
    "/token",
    response={201: TokenOut, 401: Message, 403: Message, 429: Message},
    auth=None,
    summary="Exchange an e-mail and password (and second-factor code) for an API token",
    description=(
        "Failed attempts are limited per address and per IP address, together with the login "
        "page's: past the limit the answer is 429 with a `Retry-After` header (seconds)."
    ),
)
def token_create(request, payload: TokenIn):
    from allauth.core import ratelimit

    if not ratelimit.consume(request, action="login"):
        return _too_many_attempts()
    try:
        user = get_adapter(request).authenticate(
            request, email=payload.email.lower(), password=payload.password
        )
    except ValidationError:  # allauth: too many failed attempts for this address or IP
        return _too_many_attempts()
    if user is None:
        return Status(401, {"detail": _("Adresse électronique ou mot de passe incorrect.")})
    if identity.has_second_factor(user):
        refusal = _check_second_factor(user, payload.code)
        if refusal is not None:
            return refusal
    elif settings.ESSAIM_MFA_ENFORCED and identity.second_factor_required(user):
        return Status(403, {"detail": _MFA_SETUP_FIRST()})
    token, raw = api_token_create(
        user=user, name=payload.name, access=payload.access, programme_id=payload.programme
    )
    return Status(
        201,
        {
            "token": raw,
            "prefix": token.prefix,
            "expires_at": token.expires_at.isoformat(),
            "access": token.access,
            "programme": token.programme_id,
        },
    )


def _check_second_factor(user, code: str):
    from allauth.mfa.base.forms import BaseAuthenticateForm

    if not code.strip():
        return Status(
            401,
            {
                "detail": _(
                    "Ce compte est protégé par la double authentification : envoyez aussi le "
                    "code de votre application (champ « code »)."
                )
            },
        )
    form = BaseAuthenticateForm(user=user, data={"code": code.strip()})
    if form.is_valid():
        return None
    if any(e.code == "too_many_login_attempts" for e in form.errors.as_data().get("code", [])):
        return _too_many_attempts()
    return Status(401, {"detail": _("Code de double authentification incorrect.")})


def _too_many_attempts() -> JsonResponse:
    window = settings.ESSAIM_LOGIN_FAILURE_WINDOW
    response = JsonResponse(
        {
            "detail": _("Trop de tentatives de connexion : réessayez dans %(minutes)s minutes.")
            % {"minutes": max(1, round(window / 60))}
        },
        status=429,
    )
    response["Retry-After"] = str(window)
    return response


@router.delete(
    "/token",
    response={204: None},
    auth=BearerOrSession(read_only_may_write=True),
    summary="Revoke the bearer token used for this call",
)
def token_revoke(request):
    header = request.headers.get("Authorization", "")
    raw = header.partition(" ")[2].strip()
    if raw:
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
