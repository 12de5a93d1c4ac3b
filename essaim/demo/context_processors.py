from django.conf import settings

from essaim.demo import DEMO_ACCOUNTS, DEMO_PASSWORD


def demo_accounts(request):
    """The demo's accounts and password, shown on the sign-in page of a demo instance only."""
    if not settings.DEMO:
        return {}
    return {"DEMO_ACCOUNTS": DEMO_ACCOUNTS, "DEMO_PASSWORD": DEMO_PASSWORD}
