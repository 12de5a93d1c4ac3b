"""What the history of an account records (``essaim.core.history``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from essaim.accounts.models import Role


class UserAction(models.TextChoices):
    API_TOKEN_CREATED = "api_token_created", _("jeton d'API créé")
    API_TOKEN_REVOKED = "api_token_revoked", _("jeton d'API révoqué")
    API_TOKENS_REVOKED = "api_tokens_revoked", _("jetons d'API révoqués")
    MEMBERSHIP_GRANTED = "membership_granted", _("rôle attribué")
    MEMBERSHIP_REVOKED = "membership_revoked", _("rôle retiré")
    INVITATION_SENT = "invitation_sent", _("invitation envoyée")


def user_details(event) -> str:
    """The token's prefix, the number of tokens revoked or the role granted."""
    payload = event.payload if isinstance(event.payload, dict) else {}
    if event.action == UserAction.INVITATION_SENT:
        role = payload.get("role", "")
        label = str(Role(role).label) if role in Role.values else ""
        return f"{payload.get('email', '')} ({label})" if label else payload.get("email", "")
    if event.action in {UserAction.MEMBERSHIP_GRANTED, UserAction.MEMBERSHIP_REVOKED}:
        role = payload.get("role", "")
        return str(Role(role).label) if role in Role.values else ""  # never a raw code
    if event.action == UserAction.API_TOKENS_REVOKED:
        return str(payload.get("count", ""))
    return payload.get("prefix", "")
