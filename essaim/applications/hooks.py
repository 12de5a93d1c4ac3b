"""Hooks the applications step calls (``essaim/core/hooks.py``)."""

from essaim.core.hooks import Hook

application_links = Hook(
    "application_links",
    "What a later step offers on an application's page (the label, its certificate, the support "
    "plan): application=, user=. Each receiver returns a list of {'label': str, 'url': str} the "
    "user may open.",
)
