from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from essaim.accounts import permissions
from essaim.accounts.history import UserAction
from essaim.accounts.models import ApiToken, Membership, User
from essaim.core.services import history_record


@transaction.atomic
def api_token_create(
    *, user: User, name: str = "", ttl_days: int | None = None
) -> tuple[ApiToken, str]:
    """Create a token for ``user``; return it with its raw key, which is never stored."""
    raw, key_hash = ApiToken.new_key()
    days = settings.API_TOKEN_TTL_DAYS if ttl_days is None else ttl_days
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=raw[4:12],
        key_hash=key_hash,
        expires_at=timezone.now() + timedelta(days=days),
    )
    history_record(
        obj=user, user=user, action=UserAction.API_TOKEN_CREATED, payload={"prefix": token.prefix}
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, user: User, token: ApiToken) -> ApiToken:
    """Revoke ``token``; only its owner may. Revoking twice is harmless."""
    if token.user_id != user.pk:
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        history_record(
            obj=user,
            user=user,
            action=UserAction.API_TOKEN_REVOKED,
            payload={"prefix": token.prefix},
        )
    return token


@transaction.atomic
def api_tokens_revoke_all(*, user: User, reason: str) -> int:
    """Revoke every usable API token of ``user`` (their own action: a new password, which proves
    they hold the account); return how many were revoked."""
    revoked = ApiToken.objects.usable().filter(user=user).update(revoked_at=timezone.now())
    if revoked:
        history_record(
            obj=user,
            user=user,
            action=UserAction.API_TOKENS_REVOKED,
            payload={"count": revoked, "reason": reason},
        )
    return revoked


@transaction.atomic
def membership_grant(*, user: User | None, member: User, role: str, **scope) -> Membership:
    """Give ``member`` a role in a scope (programme=, collective=, organisation=). Idempotent."""
    membership, created = Membership.objects.get_or_create(
        user=member, role=role, ended_at=None, **scope
    )
    if created:
        permissions.forget_memberships(member)
        history_record(
            obj=member,
            user=user,
            action=UserAction.MEMBERSHIP_GRANTED,
            payload={"role": role, **{k: str(v.pk) for k, v in scope.items() if v is not None}},
        )
    return membership
