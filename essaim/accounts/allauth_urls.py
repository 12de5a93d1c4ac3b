"""allauth's pages at French addresses, under the URL names allauth reverses (``account_login``,
``mfa_activate_totp``…): the account pages, the second factor, ProConnect.

The account pages mirror ``allauth.account.urls`` for the settings Essaim uses (links by e-mail,
no login or reset codes, no phone); a test checks no name is missing.
"""

from allauth.account import views as account
from allauth.urls import build_provider_urlpatterns
from django.urls import include, path, re_path

account_patterns = [
    path("connexion/", account.login, name="account_login"),
    path(
        "connexion/code/confirmer/", account.confirm_login_code, name="account_confirm_login_code"
    ),
    path("deconnexion/", account.logout, name="account_logout"),
    path("inactif/", account.account_inactive, name="account_inactive"),
    path("inscription/", account.signup, name="account_signup"),
    path("reauthentification/", account.reauthenticate, name="account_reauthenticate"),
    path(
        "reauthentification/code/",
        account.request_reauthentication_code,
        name="account_request_reauthentication_code",
    ),
    path(
        "reauthentification/code/confirmer/",
        account.confirm_reauthentication_code,
        name="account_confirm_reauthentication_code",
    ),
    path("adresses/", account.email, name="account_email"),
    path(
        "confirmer-adresse/",
        account.email_verification_sent,
        name="account_email_verification_sent",
    ),
    re_path(
        r"^confirmer-adresse/(?P<key>[-:\w]+)/$",
        account.confirm_email,
        name="account_confirm_email",
    ),
    path("mot-de-passe/changer/", account.password_change, name="account_change_password"),
    path("mot-de-passe/definir/", account.password_set, name="account_set_password"),
    path("mot-de-passe/oubli/", account.password_reset, name="account_reset_password"),
    path(
        "mot-de-passe/oubli/envoye/",
        account.password_reset_done,
        name="account_reset_password_done",
    ),
    path(
        "mot-de-passe/nouveau/fait/",
        account.password_reset_from_key_done,
        name="account_reset_password_from_key_done",
    ),
    re_path(
        r"^mot-de-passe/nouveau/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        account.password_reset_from_key,
        name="account_reset_password_from_key",
    ),
]

urlpatterns = [
    *account_patterns,
    path("double-authentification/", include("allauth.mfa.urls")),
    path("externe/", include("allauth.socialaccount.urls")),
    # /comptes/oidc/proconnect/login/callback/ is the redirect URI to register with ProConnect.
    *build_provider_urlpatterns(),
]
