"""The words ``essaim.accounts.navigation`` shows for this app's pages on "Mon espace": listed
here so that this app's English catalogue carries them (``accounts`` has no catalogue of its own
and sits below this app, so it cannot import them)."""

from django.utils.translation import gettext_noop

MENU_LABELS = (
    gettext_noop("Besoins des projets"),
    gettext_noop("Mes offres"),
    gettext_noop("Mes mises en relation"),
    gettext_noop("Mises en relation avec les entreprises"),
    gettext_noop("Rencontres entre territoires"),
    gettext_noop("Synergies : mises en relation et rencontres"),
)
