"""Session rules that hold on every page: staff sessions are short, and a person who must use a
second factor sets one up before doing anything else."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from essaim.accounts import identity

# When the session's user signed in (epoch seconds), stamped at every sign-in.
SIGNED_IN_AT = "essaim_signed_in_at"


@receiver(user_logged_in, dispatch_uid="essaim_stamp_sign_in")
def _stamp_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = int(time.time())
        request._essaim_signed_in = True


class AccountSecurityMiddleware:
    """Place after ``AuthenticationMiddleware``, ``MessageMiddleware`` and allauth's
    ``AccountMiddleware``.

    - A session of someone who must use a second factor (staff, financers) ends
      ``ESSAIM_STAFF_SESSION_AGE`` seconds after they signed in; others last
      ``SESSION_COOKIE_AGE`` (the cookie's age).
    - A signed-in person who must have a second factor and has none is sent to the TOTP set-up
      page from any page but logout, the set-up pages themselves, static files and the API (which
      authenticates with tokens; ``essaim.accounts.api_auth`` applies the same rule to sessions).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response = self._check(request)
            if response is not None:
                return response
        response = self.get_response(request)
        if getattr(request, "_essaim_signed_in", False) and request.user.is_authenticated:
            # After the login view (allauth sets the cookie's age itself): a staff cookie does
            # not outlive the staff session.
            if identity.second_factor_required(request.user):
                request.session.set_expiry(settings.ESSAIM_STAFF_SESSION_AGE)
        return response

    def _check(self, request):
        path = request.path_info
        if _exempt(path):
            return None
        signed_in_at = request.session.get(SIGNED_IN_AT)
        if signed_in_at is None:
            request.session[SIGNED_IN_AT] = int(time.time())
        elif time.time() - signed_in_at > settings.ESSAIM_STAFF_SESSION_AGE and (
            identity.second_factor_required(request.user)
        ):
            logout(request)
            messages.info(request, _("Votre session a expiré : connectez-vous de nouveau."))
            login_url = reverse("account_login")
            return redirect(f"{login_url}?{urlencode({'next': request.get_full_path()})}")
        if _setup_path(path):
            return None
        if identity.second_factor_missing(request):
            messages.warning(
                request,
                _(
                    "Votre rôle exige la double authentification : activez-la avec une "
                    "application d'authentification avant de continuer."
                ),
            )
            return redirect("mfa_activate_totp")
        return None


def _exempt(path: str) -> bool:
    """Paths no session rule applies to: static files, the API, the health check."""
    return path.startswith((settings.STATIC_URL, "/api/", "/healthz"))


def _setup_path(path: str) -> bool:
    """Where someone who must set up a second factor may still go: signing out, the set-up pages
    (and the re-authentication they ask for), the language switch."""
    allowed = (
        reverse("account_logout"),
        reverse("account_reauthenticate"),
        reverse("mfa_index"),
        reverse("set_language"),
    )
    return path.startswith(allowed)
