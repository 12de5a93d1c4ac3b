import factory

from essaim.actors.tests.factories import OrganisationFactory
from essaim.projects.models import Need, NeedKind, Project, Stage
from essaim.projects.services import fold


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    title = factory.Sequence(lambda n: f"Projet {n}")
    summary = "Un projet d'innovation sociale."
    holder = factory.SubFactory(OrganisationFactory, legal_category="9220", is_ess=True)
    stage = Stage.SEED
    founded_year = 2025
    yearly_budget = 60_000
    search_text = factory.LazyAttribute(lambda o: fold(f"{o.title} {o.summary}"))


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need

    project = factory.SubFactory(ProjectFactory)
    kind = NeedKind.FINANCING
    amount = 40_000
    purpose = "Aménagement du local"
