"""The diff in words between two form versions, the schema paths in words, and the impact of a
new version on saved answers (``formengine.impact``)."""

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from essaim.calls.formdiff import answer_place, describe_changes, error_in_words, where
from essaim.calls.formengine.impact import answer_problems
from essaim.calls.formschema import schema_errors

BASE = {
    "sections": [
        {
            "key": "territoire",
            "title": "Territoire",
            "fields": [
                {"key": "nom", "kind": "short_text", "label": "Nom du territoire"},
                {
                    "key": "statut",
                    "kind": "choice",
                    "label": "Statut",
                    "choices": [
                        {"value": "commune", "label": "Commune"},
                        {"value": "epci", "label": "Intercommunalité"},
                    ],
                },
                {
                    "key": "precision",
                    "kind": "short_text",
                    "label": "Précisez",
                    "show_if": {"field": "statut", "equals": "epci"},
                },
            ],
        },
        {
            "key": "projet",
            "title": "Projet",
            "fields": [
                {"key": "budget", "kind": "number", "label": "Budget", "unit": "€"},
                {
                    "key": "defis",
                    "kind": "repeat",
                    "label": "Défis",
                    "item_label": "Défi",
                    "fields": [{"key": "titre", "kind": "short_text", "label": "Titre"}],
                },
            ],
        },
    ]
}


def texts(old, new) -> list[str]:
    return [change.text for change in describe_changes(old, new)]


def test_no_change_says_nothing():
    assert describe_changes(BASE, copy.deepcopy(BASE)) == []


def test_sections_and_questions_added_removed_relabelled_in_words():
    new = copy.deepcopy(BASE)
    new["sections"][0]["title"] = "Le territoire"
    new["sections"][1]["fields"].pop(0)  # budget
    new["sections"].append(
        {
            "key": "equipe",
            "title": "Équipe",
            "fields": [{"key": "code", "kind": "short_text", "label": "Code", "required": True}],
        }
    )
    new["sections"][0]["fields"][0]["label"] = "Nom"
    said = texts(BASE, new)
    assert "Section « Territoire » renommée « Le territoire »." in said
    assert "Question « Budget » retirée de la section « Projet »." in said
    assert "Section « Équipe » ajoutée." in said
    assert "Question « Code » ajoutée dans la section « Équipe » (obligatoire)." in said
    assert "Question « Nom du territoire » renommée « Nom »." in said
    assert not any("budget" in text or "code" == text for text in said)  # labels, not keys


def test_required_options_conditions_and_kind_in_words():
    new = copy.deepcopy(BASE)
    fields = new["sections"][0]["fields"]
    fields[0]["required"] = True
    fields[1]["choices"].pop(1)
    fields[1]["choices"].append({"value": "dep", "label": "Département"})
    fields[2]["show_if"] = {"field": "statut", "equals": "dep"}
    new["sections"][1]["fields"][0]["kind"] = "short_text"
    new["sections"][1]["fields"][0].pop("unit")
    said = texts(BASE, new)
    assert "Question « Nom du territoire » : désormais obligatoire." in said
    assert "Question « Statut » : option « Intercommunalité » retirée." in said
    assert "Question « Statut » : option « Département » ajoutée." in said
    assert (
        "Question « Précisez » : affichée si « Statut » vaut « Département » "
        "(au lieu de si « Statut » vaut « Intercommunalité »)." in said
    )
    assert "Question « Budget » : type « Nombre » remplacé par « Texte court »." in said
    assert "Question « Budget » : unité € → (aucun)." in said
    back = texts(new, BASE)
    assert "Question « Nom du territoire » : désormais facultative." in back


def test_moves_are_told_once_not_for_every_shifted_question():
    new = copy.deepcopy(BASE)
    fields = new["sections"][0]["fields"]
    fields.insert(0, {"key": "intro", "kind": "short_text", "label": "Introduction"})
    said = texts(BASE, new)
    assert not any("déplacée" in text for text in said)  # an insertion moves nothing
    new["sections"].reverse()
    moved = [c for c in describe_changes(BASE, new) if c.kind == "moved"]
    assert len(moved) == 1 and "Section" in moved[0].text
    across = copy.deepcopy(BASE)
    across["sections"][1]["fields"].append(across["sections"][0]["fields"].pop(0))
    assert "Question « Nom du territoire » déplacée de « Territoire » vers « Projet »." in texts(
        BASE, across
    )


def test_block_questions_in_words():
    new = copy.deepcopy(BASE)
    block = new["sections"][1]["fields"][1]
    block["fields"].append({"key": "cout", "kind": "number", "label": "Coût", "required": True})
    block["fields"][0]["label"] = "Intitulé"
    said = texts(BASE, new)
    assert "Question « Coût » du bloc « Défis » ajoutée (obligatoire)." in said
    assert "Question « Titre » renommée « Intitulé »." in said


labels = st.text(alphabet="abcdéè ", min_size=1, max_size=6)


@settings(max_examples=40, deadline=None)
@given(
    order=st.permutations(range(3)),
    relabel=st.lists(labels, min_size=3, max_size=3),
    required=st.lists(st.booleans(), min_size=3, max_size=3),
)
def test_any_reshuffle_is_described_and_reversible(order, relabel, required):
    old = {
        "sections": [
            {
                "key": "s",
                "title": "S",
                "fields": [
                    {"key": f"q{i}", "kind": "short_text", "label": f"Q{i}"} for i in range(3)
                ],
            }
        ]
    }
    new = copy.deepcopy(old)
    fields = [new["sections"][0]["fields"][i] for i in order]
    for field, label, needed in zip(fields, relabel, required, strict=True):
        field["label"] = label.strip() or "x"
        field["required"] = needed
    new["sections"][0]["fields"] = fields
    changes = describe_changes(old, new)
    assert (changes == []) == (new == old or _same_but_flags(old, new))
    assert all(change.text.endswith(".") for change in changes)
    assert not any("q0" in c.text or "q1" in c.text for c in changes)  # never the keys
    moved = [c for c in changes if c.kind == "moved"]
    assert bool(moved) == (list(order) != [0, 1, 2])
    assert len(moved) <= 2


def _same_but_flags(old, new) -> bool:
    a = old["sections"][0]["fields"]
    b = new["sections"][0]["fields"]
    return (
        [f["label"] for f in a] == [f["label"] for f in b]
        and [f["key"] for f in a] == [f["key"] for f in b]
        and not any(f.get("required") for f in b)
    )


def test_schema_error_paths_in_words():
    bad = copy.deepcopy(BASE)
    bad["sections"][0]["fields"][0]["max_length"] = -1
    bad["sections"][0]["fields"][1]["choices"][1]["value"] = "commune"
    messages = [error_in_words(bad, error) for error in schema_errors(bad)]
    assert any(
        m.startswith("Section « Territoire », question « Nom du territoire », longueur maximale : ")
        for m in messages
    ), messages
    assert any(
        m.startswith("Section « Territoire », question « Statut », option « Intercommunalité »")
        for m in messages
    ), messages
    assert where(bad, "sections[9].title") == "Sections, titre"  # out of range: no crash
    assert answer_place(BASE, "defis.1.titre") == (
        "Section « Projet », « Défi » 2, question « Titre »"
    )


def test_a_newly_required_field_left_empty_blocks_the_draft():
    new = copy.deepcopy(BASE)
    new["sections"][0]["fields"][0]["required"] = True
    draft = {"statut": "commune"}
    assert answer_problems(BASE, new, draft) == [
        "Section « Territoire », question « Nom du territoire » : réponse obligatoire, non remplie."
    ]
    assert answer_problems(BASE, new, {"nom": "Lille"}) == []


def test_problems_the_draft_already_had_are_not_counted():
    required = copy.deepcopy(BASE)
    required["sections"][0]["fields"][0]["required"] = True
    assert answer_problems(required, required, {}) == []


def test_removed_option_and_type_change_block_the_answers_that_used_them():
    new = copy.deepcopy(BASE)
    new["sections"][0]["fields"][1]["choices"].pop(1)  # epci
    new["sections"][0]["fields"][2].pop("show_if")
    block = new["sections"][1]["fields"][1]["fields"][0]
    block["kind"] = "number"
    answers = {"statut": "epci", "precision": "CA", "defis": [{"titre": "Mobilité"}]}
    problems = answer_problems(BASE, new, answers)
    assert len(problems) == 2
    assert problems[0].startswith("Section « Territoire », question « Statut » : ")
    assert "epci" in problems[0]
    assert problems[1].startswith("Section « Projet », « Défi » 1, question « Titre » : ")
    assert answer_problems(BASE, new, {"statut": "commune"}) == []


def test_a_newly_shown_required_question_blocks_only_where_shown():
    new = copy.deepcopy(BASE)
    new["sections"][0]["fields"][2]["required"] = True
    assert answer_problems(BASE, new, {"statut": "commune"}) == []
    assert len(answer_problems(BASE, new, {"statut": "epci"})) == 1


@pytest.mark.parametrize("minimum", [1, 2])
def test_a_block_minimum_raised_blocks(minimum):
    new = copy.deepcopy(BASE)
    new["sections"][1]["fields"][1]["min_count"] = minimum
    answers = {"defis": [{"titre": "a"}]}
    assert bool(answer_problems(BASE, new, answers)) == (minimum == 2)
