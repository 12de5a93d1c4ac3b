"""Request-wide behaviour shared by every page."""

from django.conf import settings
from django.middleware.csp import get_nonce
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LanguageMiddleware:
    """French by default, whatever the browser's ``Accept-Language`` says; another language only
    when the user chose it with the switch in the header (the cookie ``set_language`` sets).

    Django's ``LocaleMiddleware`` would follow the browser and show English to most visitors of a
    French public service; this one ignores the header on purpose.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        # Restore the thread's language afterwards: a server thread (or a test) must not carry
        # one visitor's choice into the next piece of work.
        previous = translation.get_language()
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            if previous:
                translation.activate(previous)
            else:
                translation.deactivate()
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class CspNonceMiddleware:
    """Expose Django's CSP nonce as ``request.csp_nonce`` (what templates, django-dsfr's
    ``dsfr_js`` included, write as ``nonce="{{ request.csp_nonce }}"``). Django itself keeps it
    in ``request._csp_nonce`` and the ``csp_nonce`` context variable only. Place it after
    ``ContentSecurityPolicyMiddleware``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The nonce is lazy and falsy until first read: never test its truth here.
        nonce = get_nonce(request)
        request.csp_nonce = "" if nonce is None else nonce
        return self.get_response(request)
