"""Error pages (403, 404, 500) in the site's layout and the visitor's language.

403 and 404 render with the request's full context (the header knows who is signed in). The 500
page must render whatever broke, the database included: it gets no context processor (they read
the session and the database), only the request and the language, and falls back to plain HTML
if even that fails.
"""

import logging

from django.http import HttpResponseForbidden, HttpResponseNotFound, HttpResponseServerError
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

FALLBACK_500 = (
    '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Erreur — Essaim</title>'
    "</head><body><h1>Une erreur est survenue</h1><p>Réessayez dans quelques instants.</p>"
    '<p><a href="/">Accueil</a></p></body></html>'
)


@requires_csrf_token
def permission_denied(request, exception=None):
    if request.headers.get("HX-Request"):
        # htmx swaps no error answer: the page's layout would only consume the flash messages
        # meant for the next page (an autosave refused just after a submission took its
        # "Candidature déposée" message).
        return HttpResponseForbidden(_("Accès refusé"), content_type="text/plain; charset=utf-8")
    template = loader.get_template("403.html")
    return HttpResponseForbidden(template.render({"exception": exception}, request))


@requires_csrf_token
def page_not_found(request, exception=None):
    template = loader.get_template("404.html")
    return HttpResponseNotFound(
        template.render({"request_path": request.path, "exception": exception}, request)
    )


def server_error(request):
    try:
        template = loader.get_template("500.html")
        # No ``request=``: no context processor runs, so nothing reads the session or the
        # database; the template gets the request itself for the CSP nonce.
        content = template.render(
            {"request": request, "LANGUAGE_CODE": translation.get_language() or "fr"}
        )
    except Exception:  # the error page never fails in turn
        logger.exception("The 500 page could not be rendered.")
        content = FALLBACK_500
    return HttpResponseServerError(content)
