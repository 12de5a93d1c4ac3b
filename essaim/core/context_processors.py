from django.conf import settings


def essaim(request):
    return {"ESSAIM_DEMO": settings.DEMO}
