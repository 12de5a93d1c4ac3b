"""One word per state everywhere: the history names states with the same choices as the model's
field (so the history's words are the badges' words), and every English catalogue that translates
a state's word translates it the same way (Django keeps one translation per French word: two
catalogues disagreeing means one app silently shows the other's word)."""

import re
from pathlib import Path

from django.db import models

from essaim.applications.workflow import ApplicantStatus
from essaim.core import history
from essaim.labels.models import LabelState

ESSAIM = Path(__file__).resolve().parents[2]
ENTRY = re.compile(r'^msgid "(.*)"\nmsgstr "(.*)"$', re.M)


def _state_choices() -> list[type[models.TextChoices]]:
    described = [
        history.description_of(model).states
        for model in history.described_models()
        if history.description_of(model).states is not None
    ]
    return [*described, ApplicantStatus, LabelState]


def test_the_history_names_states_with_the_model_s_own_choices():
    checked = 0
    for model in history.described_models():
        states = history.description_of(model).states
        fields = [
            f
            for f in model._meta.concrete_fields
            if f.name in {"status", "state", "outcome"} and f.choices
        ]
        for field in fields:
            if {value for value, _label in field.choices} == set(states.values):
                checked += 1
                assert [str(label) for _v, label in field.choices] == [
                    str(label) for label in states.labels
                ], model.__name__
    assert checked >= 8


def test_every_catalogue_translates_a_state_s_word_the_same_way():
    words = {str(label) for choices in _state_choices() for label in choices.labels}
    translations: dict[str, dict[str, str]] = {}
    for catalogue in ESSAIM.rglob("locale/en/LC_MESSAGES/django.po"):
        for msgid, msgstr in ENTRY.findall(catalogue.read_text(encoding="utf-8")):
            if msgid in words and msgstr:
                translations.setdefault(msgid, {})[str(catalogue.relative_to(ESSAIM))] = msgstr
    disagreeing = {
        word: by_catalogue
        for word, by_catalogue in translations.items()
        if len(set(by_catalogue.values())) > 1
    }
    assert disagreeing == {}
    assert len(translations) >= 30
