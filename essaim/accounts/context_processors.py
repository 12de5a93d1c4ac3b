from django.conf import settings

from essaim.accounts.navigation import public_sections


def essaim(request):
    return {"ESSAIM_DEMO": settings.DEMO, "nav_items": public_sections(request)}
