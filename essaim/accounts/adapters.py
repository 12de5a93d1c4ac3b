"""allauth adapters: where Essaim's rules meet allauth's flows."""

import json
import time

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.utils.translation import gettext_lazy as _

from essaim.accounts import services
from essaim.accounts.middleware import SIGNED_IN_AT
from essaim.accounts.proconnect import check_nonce

# The pages of a first set-up of the second factor, which a fresh sign-in may open.
FIRST_SETUP_PAGES = {"mfa_activate_totp", "mfa_view_recovery_codes", "mfa_download_recovery_codes"}


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": _("Adresse électronique ou mot de passe incorrect."),
        "too_many_login_attempts": _(
            "Trop de tentatives de connexion pour ce compte : patientez quelques minutes avant "
            "de réessayer, ou choisissez un nouveau mot de passe."
        ),
        "email_taken": _("Un compte utilise déjà cette adresse électronique."),
    }

    def clean_email(self, email: str) -> str:
        # Addresses are stored in lower case: "Camille@Exemple.fr" is camille@exemple.fr.
        return super().clean_email(email).strip().lower()

    def is_reauthentication_required(self, *, app: str = "") -> bool:
        """allauth asks for the password again before any change to the second factor. Not to
        set one up (and see its recovery codes) within minutes of signing in: that is where staff
        are sent right after."""
        from allauth.account import app_settings
        from allauth.core import context

        request = context.request
        if (
            app == "allauth.mfa"
            and request is not None
            and request.resolver_match is not None
            and request.resolver_match.url_name in FIRST_SETUP_PAGES
            and _signed_in_within(request, app_settings.REAUTHENTICATION_TIMEOUT)
        ):
            return False
        return super().is_reauthentication_required(app=app)

    def set_password(self, user, password: str) -> None:
        """Every new password (reset by e-mail, changed or set) revokes the person's API tokens.
        Their other sessions end with it: Django ties a session to the password it was opened
        with, and allauth keeps only the current one (after a change, not after a reset)."""
        super().set_password(user, password)
        services.api_tokens_revoke_all(user=user, reason="password_changed")


def _signed_in_within(request, seconds: int) -> bool:
    signed_in_at = request.session.get(SIGNED_IN_AT)
    return signed_in_at is not None and time.time() - signed_in_at <= seconds


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request, sociallogin) -> None:
        check_nonce(sociallogin)

    def get_requests_session(self):
        """ProConnect answers its userinfo endpoint with a signed JWT (``application/jwt``),
        where allauth's OpenID Connect provider expects JSON: hand allauth the JWT's claims."""
        session = super().get_requests_session()
        session.hooks["response"].append(userinfo_jwt_as_json)
        return session


def userinfo_jwt_as_json(response, *args, **kwargs):
    """A ``requests`` response hook: replace an ``application/jwt`` body by its claims in JSON.

    The signature is not checked, on the grounds allauth itself applies to the ID token it
    fetches: the response comes straight from the provider's endpoint over TLS, in exchange for
    the access token just obtained (OpenID Connect Core, 3.1.3.7)."""
    import jwt

    content_type = response.headers.get("Content-Type", "")
    if not content_type.split(";")[0].strip().lower() == "application/jwt":
        return response
    claims = jwt.decode(response.text.strip(), options={"verify_signature": False})
    response._content = json.dumps(claims).encode()
    response.headers["Content-Type"] = "application/json"
    response.encoding = "utf-8"
    return response
