from django.conf import settings

from essaim.core.navigation import public_sections


def essaim(request):
    context = {"ESSAIM_DEMO": settings.DEMO, "nav_items": public_sections(request)}
    if settings.DEMO:
        from essaim.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

        context.update(DEMO_ACCOUNTS=DEMO_ACCOUNTS, DEMO_PASSWORD=DEMO_PASSWORD)
    return context
