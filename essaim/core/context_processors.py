from django.conf import settings


def essaim(request):
    context = {"ESSAIM_DEMO": settings.DEMO}
    if settings.DEMO:
        from essaim.core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

        context.update(DEMO_ACCOUNTS=DEMO_ACCOUNTS, DEMO_PASSWORD=DEMO_PASSWORD)
    return context
