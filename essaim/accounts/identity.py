"""How sure we are of who is signed in: verified addresses and the second factor.

- An address is *verified* when allauth has a verified ``EmailAddress`` row for it: confirmed by
  the link e-mailed at sign-up (or when the address was added), sent by ProConnect, or carried
  over from the accounts that existed before sign-up opened (data migration 0004).
- A *second factor* (TOTP, with recovery codes) is required of the people who decide or pay:
  programme staff (admins, instructors, single-window officers), financers, Django staff and
  superusers, and anyone an operator marked ``mfa_required``. It is enforced in production with no
  exception; in the demo, the published demo accounts may sign in without one.
"""

from django.conf import settings

from essaim.accounts import permissions

DEMO_DOMAIN = "demo.essaim.fr"
# Where allauth records, in the session, how the user authenticated (see
# ``allauth.account.internal.flows.login.record_authentication``).
_AUTHENTICATION_RECORDS = "account_authentication_methods"


def has_verified_email(user, email: str) -> bool:
    """Whether ``email`` is one of ``user``'s verified addresses (case-insensitive)."""
    from allauth.account.models import EmailAddress

    if not permissions.is_signed_in(user) or not email:
        return False
    return EmailAddress.objects.filter(
        user=user, email__iexact=email.strip(), verified=True
    ).exists()


def invited_address_message(email: str) -> str:
    """Why an invitation sent to ``email`` cannot be accepted by the signed-in account."""
    from django.utils.translation import gettext as _

    return _(
        "Cette invitation a été envoyée à %(email)s : acceptez-la avec le compte de cette "
        "adresse, une fois l'adresse confirmée."
    ) % {"email": email}


def is_demo_account(user) -> bool:
    """A published demo account, in demo mode only."""
    return bool(settings.DEMO) and user.email.lower().endswith("@" + DEMO_DOMAIN)


def second_factor_required(user) -> bool:
    """Whether ``user`` must sign in with a second factor."""
    if not permissions.is_signed_in(user) or is_demo_account(user):
        return False
    return bool(
        user.mfa_required
        or user.is_staff
        or permissions.is_any_staff(user)  # superusers included
        or permissions.is_financer(user)
    )


def has_second_factor(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def signed_in_with_second_factor(request) -> bool:
    """Whether this session's sign-in included a second factor (no query: read in the session)."""
    records = request.session.get(_AUTHENTICATION_RECORDS) or []
    return any(isinstance(r, dict) and r.get("method") == "mfa" for r in records)


def second_factor_missing(request) -> bool:
    """Whether the signed-in user must have a second factor and has not set one up yet: they
    may do nothing but set it up (or sign out)."""
    if not settings.ESSAIM_MFA_ENFORCED:
        return False
    user = getattr(request, "user", None)
    if not permissions.is_signed_in(user) or signed_in_with_second_factor(request):
        return False
    return second_factor_required(user) and not has_second_factor(user)
