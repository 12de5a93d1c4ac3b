import factory
from django.utils import timezone

from essaim.calls.models import (
    Call,
    CallKind,
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
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    label_name = "Label"


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Appel {n}")
    slug = factory.Sequence(lambda n: f"appel-{n}")
    kind = CallKind.PERMANENT_AMI
    status = CallStatus.OPEN


class FormVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormVersion

    call = factory.SubFactory(CallFactory)
    number = 1
    schema = factory.LazyFunction(lambda: SCHEMA)
    published_at = factory.LazyFunction(timezone.now)


class GridFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScoringGrid

    call = factory.SubFactory(CallFactory)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    grid = factory.SubFactory(GridFactory)
    title = factory.Sequence(lambda n: f"Critère {n}")


class WaveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Wave

    programme = factory.SubFactory(ProgrammeFactory)
    number = factory.Sequence(lambda n: n + 1)


class CutOffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CutOff

    call = factory.SubFactory(CallFactory)
    date = factory.Sequence(lambda n: timezone.localdate().replace(year=2030 + n))
