import copy

import pytest

from essaim.calls.formschema import schema_diff, schema_errors
from essaim.calls.tests.factories import SCHEMA
from essaim.demo.calls import FORM_V1


def paths(schema):
    return {e.path: e.message for e in schema_errors(schema)}


def test_valid_schemas_have_no_error():
    assert schema_errors(SCHEMA) == []
    assert schema_errors(FORM_V1) == []


@pytest.mark.parametrize(
    ("mutate", "path", "words"),
    [
        (
            lambda s: s["sections"][0]["fields"][0].update(kind="essay"),
            "sections[0].fields[0].kind",
            "inconnu",
        ),
        (
            lambda s: s["sections"][0]["fields"][0].update(key="Bad Key"),
            "sections[0].fields[0].key",
            "invalide",
        ),
        (
            lambda s: s["sections"][0]["fields"][1].update(key="pitch"),
            "sections[0].fields[1].key",
            "double",
        ),
        (
            lambda s: s["sections"][0]["fields"][0].update(max_length=-1),
            "sections[0].fields[0].max_length",
            "longueur",
        ),
        (
            lambda s: s["sections"][0]["fields"][2].update(min=10, max=1),
            "sections[0].fields[2].max",
            "supérieur",
        ),
        (
            lambda s: s["sections"][0]["fields"][4].update(choices=[]),
            "sections[0].fields[4].choices",
            "option",
        ),
        (
            lambda s: s["sections"][0]["fields"][10].update(accept=[".pdf"]),
            "sections[0].fields[10].accept",
            "extensions",
        ),
        (
            lambda s: s["sections"][0]["fields"][10].update(max_size_mb=500),
            "sections[0].fields[10].max_size_mb",
            "Mo",
        ),
        (
            lambda s: s["sections"][0]["fields"][12].update(unit_kinds=["pays"]),
            "sections[0].fields[12].unit_kinds",
            "unités",
        ),
        (
            lambda s: s["sections"][0]["fields"][7].update(show_if={"field": "nope", "equals": 1}),
            "sections[0].fields[7].show_if.field",
            "avant",
        ),
        (
            lambda s: s["sections"][0]["fields"][0].update(colour="red"),
            "sections[0].fields[0].colour",
            "inconnue",
        ),
        (
            lambda s: s["sections"][0]["fields"][13]["fields"].append(
                {"key": "x", "kind": "repeat", "label": "X", "fields": []}
            ),
            "sections[0].fields[13].fields[2].kind",
            "bloc",
        ),
        (lambda s: s["sections"][0].update(title=""), "sections[0].title", "titre"),
        (lambda s: s.update(sections=[]), "sections", "section"),
    ],
)
def test_errors_name_the_path_and_the_problem(mutate, path, words):
    schema = copy.deepcopy(SCHEMA)
    mutate(schema)
    errors = paths(schema)
    assert path in errors, errors
    assert words in errors[path]


def test_not_an_object():
    assert schema_errors([1, 2])[0].path == "$"


def test_show_if_value_must_be_an_option():
    schema = copy.deepcopy(SCHEMA)
    schema["sections"][0]["fields"][7]["show_if"] = {"field": "sector", "equals": "sport"}
    assert "sport" in paths(schema)["sections[0].fields[7].show_if"]


def test_diff_lists_removed_changed_added():
    new = copy.deepcopy(SCHEMA)
    fields = new["sections"][0]["fields"]
    fields.pop(1)  # story removed
    fields[0]["max_length"] = 10  # pitch changed
    fields[12]["fields"][0]["required"] = True if False else fields[12]["fields"][0].get("required")
    fields.append({"key": "extra", "kind": "yes_no", "label": "Extra"})
    diff = schema_diff(SCHEMA, new)
    assert diff["removed"] == ["story"]
    assert "pitch" in diff["changed"]
    assert diff["added"] == ["extra"]
