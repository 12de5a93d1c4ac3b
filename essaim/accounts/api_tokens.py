"""/api/v1/auth/tokens: the caller's own API tokens, listed and revoked as on the tokens page
(``/comptes/jetons/``). A token is its owner's only: anyone else's is a 404. Only the key's
prefix is ever shown (Essaim keeps the key's SHA-256); creating one is ``POST /auth/token``."""

import datetime

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Status

from essaim.accounts.api_auth import BearerOrSession
from essaim.accounts.models import ApiToken
from essaim.accounts.services import api_token_revoke
from essaim.core.api.pagination import PageNumberPagination, mapped, paginate
from essaim.core.api.schema import Schema

router = Router(tags=["auth"], auth=BearerOrSession())


class ApiTokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="the key's first characters after `ess_`, to recognise it")
    access: str
    programme_id: int | None
    programme: str | None
    created_at: datetime.datetime
    expires_at: datetime.datetime
    revoked_at: datetime.datetime | None
    usable: bool = Field(description="neither revoked nor expired")
    current: bool = Field(description="the token this call is made with")


def _answer(request):
    current = getattr(getattr(request.user, "api_token", None), "pk", None)
    now = timezone.now()

    def token_out(token: ApiToken) -> dict:
        return {
            "id": token.pk,
            "name": token.name,
            "prefix": token.prefix,
            "access": token.access,
            "programme_id": token.programme_id,
            "programme": token.programme.name if token.programme_id else None,
            "created_at": token.created_at,
            "expires_at": token.expires_at,
            "revoked_at": token.revoked_at,
            "usable": token.revoked_at is None and token.expires_at > now,
            "current": token.pk == current,
        }

    return token_out


@router.get(
    "/tokens",
    response=list[ApiTokenOut],
    summary="The caller's API tokens (revoked and expired ones too), newest first",
)
@paginate(PageNumberPagination, page_size=50)
def api_token_list(request):
    tokens = (
        ApiToken.objects.filter(user=request.user)
        .select_related("programme")
        .order_by("-created_at", "-pk")
    )
    return mapped(tokens, _answer(request))


@router.delete(
    "/tokens/{token_id}",
    response={204: None},
    summary="Revoke one of the caller's API tokens (revoking twice is harmless)",
    description="Needs a read-write token (or the session); `DELETE /api/v1/auth/token` revokes "
    "the token used for the call, even a read-only one.",
)
def api_token_delete(request, token_id: int):
    token = ApiToken.objects.filter(user=request.user, pk=token_id).first()
    if token is None:
        raise Http404(_("Jeton d'API %(id)s introuvable.") % {"id": token_id})
    api_token_revoke(user=request.user, token=token)
    return Status(204, None)
