"""Factories for the single window. Tickets are made through ``services.ticket_create`` so that
number, clock and search columns are filled the way the application fills them. The model
factories are the owning apps' (re-exported here); the single-window tests use their traits:
``ProgrammeFactory(single_window=True)``, ``CallFactory(experimentation=True)``."""

from essaim.accounts.models import Membership, Role
from essaim.accounts.tests.factories import UserFactory
from essaim.actors.tests.factories import OrganisationFactory
from essaim.calls.tests.factories import CallFactory, ProgrammeFactory
from essaim.geo.tests.factories import PerimeterFactory
from essaim.regulatory import services
from essaim.regulatory.models import Channel

__all__ = [  # the owning apps' factories, re-exported for the tests that import them from here
    "CallFactory",
    "OrganisationFactory",
    "PerimeterFactory",
    "ProgrammeFactory",
    "holder",
    "officer",
    "ticket",
]


def officer(programme, **kwargs):
    user = UserFactory(**kwargs)
    Membership.objects.create(user=user, role=Role.SINGLE_WINDOW_OFFICER, programme=programme)
    return user


def holder(organisation=None, **kwargs):
    user = UserFactory(**kwargs)
    Membership.objects.create(
        user=user,
        role=Role.PROJECT_HOLDER,
        organisation=organisation or OrganisationFactory(),
    )
    return user


def ticket(programme=None, user=None, **kwargs):
    programme = programme or ProgrammeFactory(single_window=True)
    defaults = {
        "title": "Vendre des paniers de légumes en vrac",
        "wants_to_do": "Ouvrir une épicerie coopérative avec vente en vrac.",
        "blocked_by": "Les règles d'étiquetage des denrées semblent l'interdire.",
        "channel": Channel.WEB,
    }
    if user is None:
        defaults["author_email"] = "auteur@example.test"
    defaults.update(kwargs)
    return services.ticket_create(user=user, programme=programme, **defaults)
