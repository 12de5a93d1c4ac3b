import datetime

import factory
from django.utils import timezone

from essaim.accounts.models import Membership, Role
from essaim.accounts.tests.factories import UserFactory
from essaim.actors.models import OrganisationKind
from essaim.actors.tests.factories import OrganisationFactory
from essaim.calls.models import (
    Call,
    CallKind,
    CallPurpose,
    CallStatus,
    Criterion,
    CutOff,
    FormVersion,
    Programme,
    ScoringGrid,
    Wave,
)

# A small form using every field kind, a conditional field and a repeatable block.
SCHEMA = {
    "sections": [
        {
            "key": "main",
            "title": "Principal",
            "help": "Aide de la section",
            "fields": [
                {
                    "key": "pitch",
                    "kind": "short_text",
                    "label": "Accroche",
                    "required": True,
                    "max_length": 20,
                },
                {"key": "story", "kind": "long_text", "label": "Histoire", "min_length": 5},
                {
                    "key": "size",
                    "kind": "number",
                    "label": "Taille",
                    "min": 2,
                    "max": 100,
                    "decimals": 0,
                    "unit": "organisations",
                },
                {"key": "start", "kind": "date", "label": "Début", "min": "2018-01-01"},
                {
                    "key": "sector",
                    "kind": "choice",
                    "label": "Secteur",
                    "choices": [
                        {"value": "food", "label": "Alimentation"},
                        {"value": "health", "label": "Santé"},
                    ],
                },
                {
                    "key": "partners",
                    "kind": "multiple_choice",
                    "label": "Partenaires",
                    "max_count": 2,
                    "min_count": 1,
                    "choices": [
                        {"value": "a", "label": "A"},
                        {"value": "b", "label": "B"},
                        {"value": "c", "label": "C"},
                    ],
                },
                {"key": "ptce", "kind": "yes_no", "label": "PTCE ?"},
                {
                    "key": "ptce_name",
                    "kind": "short_text",
                    "label": "Nom du PTCE",
                    "required": True,
                    "show_if": {"field": "ptce", "equals": True},
                },
                {"key": "email", "kind": "email", "label": "Courriel"},
                {"key": "site", "kind": "url", "label": "Site"},
                {
                    "key": "letter",
                    "kind": "file",
                    "label": "Lettre",
                    "accept": ["pdf"],
                    "max_size_mb": 1,
                },
                {"key": "coordinator", "kind": "organisation", "label": "Coordination"},
                {
                    "key": "unit",
                    "kind": "territory",
                    "label": "Unité",
                    "unit_kinds": ["region", "departement"],
                },
                {
                    "key": "defis",
                    "kind": "repeat",
                    "label": "Défis",
                    "item_label": "Défi",
                    "min_count": 1,
                    "max_count": 2,
                    "fields": [
                        {"key": "titre", "kind": "short_text", "label": "Titre", "required": True},
                        {"key": "budget", "kind": "number", "label": "Budget", "min": 0},
                    ],
                },
            ],
        }
    ]
}


class ProgrammeFactory(factory.django.DjangoModelFactory):
    """A programme (get-or-create by slug).

    Traits: ``french_impact`` (the one programme of the labels and support tests: every call
    returns the same row), ``single_window`` (with a single-window address), ``with_experts``
    (with its expert partner organisation, "Avise")."""

    class Meta:
        model = Programme
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    label_name = "Label"

    class Params:
        french_impact = factory.Trait(
            name="French Impact — Territoires",
            slug="french-impact-territoires",
            label_name="Territoire French Impact",
        )
        single_window = factory.Trait(
            single_window_email=factory.Sequence(lambda n: f"guichet{n}@programme.test")
        )
        with_experts = factory.Trait(
            expert_partner=factory.SubFactory(
                OrganisationFactory, name="Avise", kind=OrganisationKind.SUPPORT
            )
        )


class CallFactory(factory.django.DjangoModelFactory):
    """An open permanent AMI (trait ``experimentation``: France Expérimentation)."""

    class Meta:
        model = Call

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Appel {n}")
    slug = factory.Sequence(lambda n: f"appel-{n}")
    kind = CallKind.PERMANENT_AMI
    status = CallStatus.OPEN

    class Params:
        # France Expérimentation: the call for projects of the single window.
        experimentation = factory.Trait(
            programme=factory.SubFactory(ProgrammeFactory, single_window=True),
            title="France Expérimentation",
            slug=factory.Sequence(lambda n: f"france-experimentation-{n}"),
            kind=CallKind.CALL_FOR_PROJECTS,
            purpose=CallPurpose.EXPERIMENTATION,
        )


class FormVersionFactory(factory.django.DjangoModelFactory):
    """A published version of the test SCHEMA (trait ``empty``: an unpublished version without
    any section)."""

    class Meta:
        model = FormVersion

    call = factory.SubFactory(CallFactory)
    number = 1
    schema = factory.LazyFunction(lambda: SCHEMA)
    published_at = factory.LazyFunction(timezone.now)

    class Params:
        empty = factory.Trait(
            schema=factory.LazyFunction(lambda: {"sections": []}), published_at=None
        )


def _criteria(grid, create, weights):
    for position, weight in enumerate(weights or [] if create else []):
        Criterion.objects.create(
            grid=grid, position=position, title=f"Critère {position + 1}", weight=weight
        )


class GridFactory(factory.django.DjangoModelFactory):
    """A scoring grid; ``criteria=[weights]`` creates its criteria. Trait ``reviewed``: a 0–4 grid,
    comment required under 2, disagreement from a spread of 2, three criteria weighted 1, 1
    and 2, on a call of a programme with experts (the reviews tests' grid)."""

    class Meta:
        model = ScoringGrid
        skip_postgeneration_save = True

    call = factory.SubFactory(CallFactory)

    class Params:
        reviewed = factory.Trait(
            call=factory.SubFactory(CallFactory, programme__with_experts=True),
            scale_min=0,
            scale_max=4,
            scale_labels=factory.LazyFunction(
                lambda: {
                    "0": "absent",
                    "1": "insuffisant",
                    "2": "moyen",
                    "3": "bon",
                    "4": "excellent",
                }
            ),
            comment_required_below=2,
            disagreement_threshold=2,
            criteria=factory.PostGeneration(
                lambda grid, create, extracted, **kwargs: _criteria(
                    grid, create, [1, 1, 2] if extracted is None else extracted
                )
            ),
        )

    criteria = factory.PostGeneration(
        lambda grid, create, extracted, **kwargs: _criteria(grid, create, extracted)
    )


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    grid = factory.SubFactory(GridFactory)
    title = factory.Sequence(lambda n: f"Critère {n}")


class WaveFactory(factory.django.DjangoModelFactory):
    """A wave (trait ``french_impact``: of the French Impact programme, committee on 1 February
    2019, announced in Nantes on 25 February 2019 — the labels tests' wave)."""

    class Meta:
        model = Wave

    programme = factory.SubFactory(ProgrammeFactory)
    number = factory.Sequence(lambda n: n + 1)

    class Params:
        french_impact = factory.Trait(
            programme=factory.SubFactory(ProgrammeFactory, french_impact=True),
            committee_on=datetime.date(2019, 2, 1),
            announced_on=datetime.date(2019, 2, 25),
            announced_at="Nantes",
        )


class CutOffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CutOff

    call = factory.SubFactory(CallFactory)
    date = factory.Sequence(lambda n: timezone.localdate().replace(year=2030 + n))


def admin_of(programme, role=None):
    """A new user with ``role`` (programme admin by default) in ``programme``."""
    user = UserFactory()
    Membership.objects.create(user=user, role=role or Role.PROGRAMME_ADMIN, programme=programme)
    return user
