"""The site's URLs plus views that fail on purpose (error page tests)."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import path

from essaim.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401


@login_not_required
def forbidden(request):
    raise PermissionDenied


@login_not_required
def broken(request):
    raise RuntimeError("Something broke.")


@login_not_required
def database_down(request):
    with connection.cursor() as cursor:  # the test makes every connection fail
        cursor.execute("SELECT 1")


urlpatterns = [
    path("test-erreur/403/", forbidden),
    path("test-erreur/500/", broken),
    path("test-erreur/base/", database_down),
    *urlpatterns,
]
