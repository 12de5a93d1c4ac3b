"""ProConnect, the State's OpenID Connect federation for professionals, through allauth's
``openid_connect`` provider (``SOCIALACCOUNT_PROVIDERS["openid_connect"]["provider_class"]``).

What ProConnect asks beyond allauth's generic client:

- a ``nonce`` in the authorisation request, echoed in the ID token (checked by
  :func:`check_nonce`, from the social account adapter);
- the family name comes as ``usual_name``;
- the userinfo endpoint answers a signed JWT (see ``adapters.userinfo_jwt_as_json``).
"""

import secrets

from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from django.core.exceptions import PermissionDenied


class ProConnectProvider(OpenIDConnectProvider):
    # allauth finds a provider's URLs (and more) in its package: still openid_connect's.
    package = "allauth.socialaccount.providers.openid_connect"

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        return super().redirect(
            request,
            process,
            next_url,
            data,
            auth_params={**auth_params, "nonce": nonce},
            nonce=nonce,
            **kwargs,
        )

    def extract_common_fields(self, data):
        fields = super().extract_common_fields(data)
        claims = data.get("userinfo") or data.get("id_token") or data
        if not fields.get("last_name") and claims.get("usual_name"):
            fields["last_name"] = claims["usual_name"]
        if fields.get("email"):
            fields["email"] = fields["email"].strip().lower()
        return fields

    def extract_email_addresses(self, data):
        addresses = super().extract_email_addresses(data)
        for address in addresses:
            address.email = address.email.strip().lower()
        return addresses


def check_nonce(sociallogin) -> None:
    """Refuse a login whose ID token does not carry the nonce sent with its request."""
    expected = (sociallogin.state or {}).get("nonce")
    if not expected:
        return
    id_token = (sociallogin.account.extra_data or {}).get("id_token") or {}
    if not secrets.compare_digest(str(id_token.get("nonce", "")), expected):
        raise PermissionDenied("The ID token's nonce does not match the authorisation request.")
