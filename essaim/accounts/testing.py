"""Helpers for tests that sign in the way people do (through allauth's pages)."""

import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.urls import reverse

PASSWORD = "secret-password"  # UserFactory's  # noqa: S105


def totp_code(secret: str, *, offset: int = 0) -> str:
    """The code an authenticator app shows now (``offset`` periods later or earlier)."""
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD + offset
    return format_hotp_value(hotp_value(secret, counter))


def give_totp(user) -> str:
    """Activate TOTP (and recovery codes) for ``user``; return the secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def recovery_codes(user) -> list[str]:
    from allauth.mfa.models import Authenticator

    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    return authenticator.wrap().get_unused_codes()


def sign_in(client, email: str, password: str = PASSWORD, **extra):
    """POST the login page; return the response."""
    return client.post(reverse("account_login"), {"login": email, "password": password, **extra})
