"""« Ce qui a changé » names the answers by the questions' labels, not by internal keys."""

from essaim.reviews.instruction import snapshot_diff

SCHEMA = {
    "sections": [
        {
            "key": "perimetre",
            "title": "Territoire",
            "fields": [
                {
                    "key": "perimetre_unite",
                    "kind": "territory",
                    "label": "Unité du périmètre",
                },
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
                    "key": "defis",
                    "kind": "repeat",
                    "label": "Défis",
                    "item_label": "Défi",
                    "fields": [{"key": "titre", "kind": "short_text", "label": "Titre"}],
                },
            ],
        }
    ]
}


def test_answers_are_named_by_labels_and_shown_as_the_engine_displays_them():
    before = {
        "title": "A",
        "answers": {
            "perimetre_unite": {"kind": "epci", "code": "200093201", "name": "Lille"},
            "statut": "commune",
            "defis": [{"titre": "Mobilité"}],
        },
    }
    after = {
        "title": "A",
        "answers": {
            "perimetre_unite": {"kind": "epci", "code": "245900410", "name": "Roubaix"},
            "statut": "epci",
            "defis": [{"titre": "Mobilité"}, {"titre": "Emploi"}],
            "ancien": "x",
        },
    }
    changes = snapshot_diff(before, after, SCHEMA)
    assert [(c.label, c.before, c.after) for c in changes] == [
        (
            "Territoire › Unité du périmètre",
            "Lille (epci 200093201)",
            "Roubaix (epci 245900410)",
        ),
        ("Territoire › Statut", "Commune", "Intercommunalité"),
        ("Territoire › Défi 2 › Titre", "", "Emploi"),
        ("Réponses › ancien", "", "x"),  # a question the form no longer has: its key
    ]
    assert not any("perimetre_unite" in c.label or "code" in c.label for c in changes)


def test_without_a_schema_the_keys_are_kept():
    changes = snapshot_diff({"answers": {"a": "1"}}, {"answers": {"a": "2"}})
    assert [c.label for c in changes] == ["Réponses › a"]
