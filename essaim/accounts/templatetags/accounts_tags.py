from django import template
from django.conf import settings
from django.urls import reverse

register = template.Library()


def proconnect_configured() -> bool:
    """Whether a ProConnect client is configured (read in the settings: no query)."""
    apps = settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", [])
    return any(app.get("provider_id") == "proconnect" for app in apps)


@register.simple_tag
def proconnect_login_url() -> str:
    """Where the ProConnect button posts, or "" when ProConnect is not configured."""
    if not proconnect_configured():
        return ""
    return reverse("openid_connect_login", kwargs={"provider_id": "proconnect"})
