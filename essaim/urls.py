from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from essaim.api.urls import api
from essaim.core.views import healthz


def public(urls):
    """Mark every view of an included URL set as public (LoginRequiredMiddleware opt-out).
    The API does its own authentication and answers 401 in JSON, never a login redirect."""
    patterns = urls[0]
    for pattern in patterns:
        if hasattr(pattern, "callback"):
            pattern.callback.login_required = False
        else:
            public((pattern.url_patterns,))
    return urls


# The Django admin signs in through allauth's login (rate limits, second factor).
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("api/v1/", public(api.urls)),
    path("admin/", admin.site.urls),
    path("comptes/", include("essaim.accounts.allauth_urls")),
    path("comptes/", include("essaim.accounts.urls")),
    path("comptes/webhooks/", include("essaim.webhooks.urls")),
    path("geo/", include("essaim.geo.urls")),
    path("annuaire/", include("essaim.actors.urls")),
    path("appels/", include("essaim.calls.urls")),
    path("candidatures/", include("essaim.applications.urls")),
    path("avis/", include("essaim.reviews.urls")),
    path("labels/", include("essaim.labels.urls")),
    path("territoires/", include("essaim.labels.public_urls")),
    path("accompagnement/", include("essaim.support.urls")),
    path("projets/", include("essaim.projects.urls")),
    path("financement/", include("essaim.financing.urls")),
    path("guichet-unique/", include("essaim.regulatory.urls")),
    path("synergies/", include("essaim.synergies.urls")),
    path("impact/", include("essaim.impact.urls")),
    path("donnees/", include("essaim.portal.opendata_urls")),
    path("", include("essaim.operators.urls")),
    path("", include("essaim.portal.urls")),
]

handler403 = "essaim.core.errors.permission_denied"
handler404 = "essaim.core.errors.page_not_found"
handler500 = "essaim.core.errors.server_error"

if settings.DEBUG:  # pragma: no cover - local development only
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
