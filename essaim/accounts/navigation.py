"""The site's navigation: public sections in the header, and per-role shortcuts on "Mon espace".

Links are URL names resolved at request time; a name that does not resolve (a step not built
yet) is left out, so the menus never point to a missing page.
"""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from essaim.accounts import permissions
from essaim.accounts.models import Role

# (label, URL name, the URL namespace that marks the entry as the current page)
PUBLIC_SECTIONS = [
    # The open call (or the list of those open now): the way in for a territory.
    (_("Candidater"), "calls:open", "calls"),
    (_("Territoires labellisés"), "territories:list", "territories"),
    (_("Projets"), "projects:directory", "projects"),
    (_("Financement"), "financing:instrument_list", "financing"),
    (_("Guichet unique"), "regulatory:home", "regulatory"),
    (_("Indicateurs d'impact"), "impact:library", "impact"),
    # Never marked current: its pages share the "portal" namespace with the home page.
    (_("Actualités"), "portal:news_list", "portal:news"),
]

ROLE_SHORTCUTS = {
    Role.PROGRAMME_ADMIN: [
        (_("Appels et formulaires"), "calls:list"),
        (_("Instruction des candidatures"), "reviews:queue"),
        (_("Vagues et décisions"), "labels:wave_list"),
        (_("Plans d'accompagnement"), "support:programme"),
        (_("Mesure d'impact"), "impact:home"),
        (_("Besoins sans outil de financement"), "financing:gaps"),
        (_("Équipe du programme"), "operators:teams"),
        (_("Paramètres du programme"), "operators:settings_home"),
        (_("Synergies : mises en relation et rencontres"), "synergies:overview"),
        (_("Actualités du programme"), "portal:news_manage"),
    ],
    Role.INSTRUCTOR: [
        (_("Instruction des candidatures"), "reviews:queue"),
        (_("Vagues et décisions"), "labels:wave_list"),
        (_("Plans d'accompagnement"), "support:programme"),
        (_("Mesure d'impact"), "impact:home"),
        (_("Synergies : mises en relation et rencontres"), "synergies:overview"),
        (_("Actualités du programme"), "portal:news_manage"),
    ],
    Role.EXPERT: [(_("Mes demandes d'avis"), "reviews:my_requests")],
    Role.TERRITORY_LEAD: [
        (_("Mes candidatures"), "applications:mine"),
        (_("Mon plan d'accompagnement"), "support:mine"),
        (_("Mesure d'impact"), "impact:home"),
        (_("Appels ouverts"), "calls:list"),
        (_("Mises en relation avec les entreprises"), "synergies:introduction_list"),
        (_("Rencontres entre territoires"), "synergies:event_list"),
    ],
    Role.TERRITORY_MEMBER: [
        (_("Mes candidatures"), "applications:mine"),
        (_("Mon plan d'accompagnement"), "support:mine"),
        (_("Mesure d'impact"), "impact:home"),
        (_("Mises en relation avec les entreprises"), "synergies:introduction_list"),
        (_("Rencontres entre territoires"), "synergies:event_list"),
    ],
    Role.PROJECT_HOLDER: [
        (_("Projets"), "projects:directory"),
        (_("Demandes de financement"), "financing:request_list"),
        (_("Mes saisines du guichet unique"), "regulatory:my_tickets"),
        (_("Mesure d'impact"), "impact:home"),
        (_("Mises en relation avec les entreprises"), "synergies:introduction_list"),
        (_("Rencontres entre territoires"), "synergies:event_list"),
    ],
    Role.FINANCER: [
        (_("Outils de financement"), "financing:instrument_list"),
        (_("Demandes de financement"), "financing:request_list"),
        (_("Besoins sans outil"), "financing:gaps"),
    ],
    Role.COMPANY: [
        (_("Besoins des projets"), "synergies:company_space"),
        (_("Mes offres"), "synergies:my_offers"),
        (_("Mes mises en relation"), "synergies:introduction_list"),
        (_("Projets et leurs besoins"), "projects:directory"),
        (_("Annuaire des organisations"), "actors:directory"),
    ],
    Role.SINGLE_WINDOW_OFFICER: [
        (_("Saisines"), "regulatory:queue"),
        (_("Quarantaine du courrier"), "regulatory:quarantine_list"),
        (_("Demandes d'expérimentation"), "regulatory:experimentation_list"),
    ],
}


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def public_sections(request) -> list[dict]:
    current = getattr(getattr(request, "resolver_match", None), "namespace", "")
    items = []
    for label, name, namespace in PUBLIC_SECTIONS:
        url = _url(name)
        if url:
            items.append({"label": label, "url": url, "current": current == namespace})
    return items


def role_shortcuts(roles) -> list[dict]:
    """The shortcuts of the given roles, in role order, without duplicates."""
    seen, items = set(), []
    for role in roles:
        for label, name in ROLE_SHORTCUTS.get(role, []):
            url = _url(name)
            if url and url not in seen:
                seen.add(url)
                items.append({"label": label, "url": url})
    return items


def user_shortcuts(user) -> list[dict]:
    """The shortcuts of the roles ``user`` holds, in role order; a superuser, staff of every
    programme by status, gets the programme admin's and the single window's too (never those of
    an expert, a territory or an organisation they do not belong to)."""
    roles = permissions.roles_of(user)
    if permissions.is_programme_admin(user):
        roles.add(Role.PROGRAMME_ADMIN)
    if permissions.is_window_officer(user):
        roles.add(Role.SINGLE_WINDOW_OFFICER)
    return role_shortcuts(role for role in Role if role in roles)
