import copy
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict

from essaim.calls.formengine import FormEngine, condition_holds
from essaim.calls.tests.factories import SCHEMA

engine = FormEngine(SCHEMA)


def check(key, raw):
    return engine.validate({key: raw})


@pytest.mark.parametrize(
    ("key", "raw", "expected"),
    [
        ("pitch", "  Bonjour ", "Bonjour"),
        ("story", "Il était une fois", "Il était une fois"),
        ("size", "12", 12),
        ("size", 40, 40),
        ("start", "2019-02-25", "2019-02-25"),
        ("start", date(2019, 2, 25), "2019-02-25"),
        ("sector", "food", "food"),
        ("partners", ["b", "a"], ["a", "b"]),
        ("ptce", "oui", True),
        ("ptce", False, False),
        ("email", "Contact@Exemple.FR", "contact@exemple.fr"),
        ("site", "https://le-frenchimpact.fr", "https://le-frenchimpact.fr"),
    ],
)
def test_valid_answers(key, raw, expected):
    result = check(key, raw)
    assert result.errors == {}
    assert result.answers[key] == expected


@pytest.mark.parametrize(
    ("key", "raw", "words"),
    [
        ("pitch", "x" * 21, "20 caractères au plus"),
        ("pitch", 12, "texte"),
        ("story", "abc", "5 caractères au moins"),
        ("size", "12,5", "entier"),
        ("size", "1", "au moins 2 organisations"),
        ("size", "beaucoup", "nombre"),
        ("start", "2017-12-31", "01/01/2018"),
        ("start", "25/02/2019", "AAAA-MM-JJ"),
        ("sector", "sport", "n'est pas une option"),
        ("partners", ["a", "b", "c"], "2 choix au plus"),
        ("partners", ["z"], "inconnues"),
        ("ptce", "peut-être", "oui ou non"),
        ("email", "pas-une-adresse", "adresse électronique"),
        ("site", "ftp://x.fr", "adresse web"),
        ("coordinator", "12345678901234", "SIRET"),
        ("unit", "region:99", "introuvable"),
        ("nope", "x", "Champ inconnu"),
    ],
)
def test_invalid_answers_name_the_problem(key, raw, words, db):
    result = check(key, raw)
    assert key not in result.answers
    assert words in result.errors[key]


def test_empty_answer_removes_the_stored_one():
    result = engine.validate({"pitch": ""}, existing={"pitch": "Avant"})
    assert "pitch" not in result.answers


def test_invalid_answer_keeps_the_previous_value():
    result = engine.validate({"pitch": "x" * 30, "size": "5"}, existing={"pitch": "Avant"})
    assert result.answers == {"pitch": "Avant", "size": 5}
    assert set(result.errors) == {"pitch"}


def test_organisation_by_siret_links_a_known_organisation(db):
    from essaim.applications.tests.factories import OrganisationFactory

    organisation = OrganisationFactory(siret="73282932000074", siren="732829320")
    result = check("coordinator", "732 829 320 00074")
    assert result.answers["coordinator"] == {
        "siret": "73282932000074",
        "organisation": organisation.pk,
        "name": organisation.name,
    }
    unknown = check("coordinator", "44306184100047")  # valid check digit, not in the directory
    assert unknown.answers["coordinator"]["organisation"] is None


def test_territory_resolves_official_units(db):
    from essaim.geo.models import Departement, Region

    region = Region.objects.create(code="75", name="Nouvelle-Aquitaine")
    Departement.objects.create(code="79", name="Deux-Sèvres", region=region)
    assert check("unit", "region:75").answers["unit"] == {
        "kind": "region",
        "code": "75",
        "name": "Nouvelle-Aquitaine",
    }
    assert (
        check("unit", {"kind": "departement", "code": "79"}).answers["unit"]["name"]
        == "Deux-Sèvres"
    )
    # A kind the field does not allow is refused even when the unit exists.
    assert "introuvable" in check("unit", "commune:79191").errors["unit"]


def test_conditional_field_is_dropped_when_hidden_and_required_only_when_shown():
    hidden = engine.validate({"ptce": False, "ptce_name": "Pôle"})
    assert "ptce_name" not in hidden.answers
    assert all(path != "ptce_name" for path, _m in engine.missing(hidden.answers))
    shown = engine.validate({"ptce": True})
    assert "ptce_name" in dict(engine.missing(shown.answers))
    assert condition_holds({"field": "x", "filled": True}, {"x": "a"})
    assert condition_holds({"field": "x", "in": ["a", "b"]}, {"x": ["b"]})
    assert not condition_holds({"field": "x", "in": ["a"]}, {})


def test_repeatable_blocks_validate_each_item_and_the_count():
    result = engine.validate({"defis": [{"titre": "Un", "budget": "-1"}, {"titre": "Deux"}]})
    assert result.answers["defis"] == [{"titre": "Un"}, {"titre": "Deux"}]
    assert "au moins 0" in result.errors["defis.0.budget"]
    too_many = engine.validate({"defis": [{}, {}, {}]})
    assert "2 blocs au plus" in too_many.errors["defis"]
    assert "Champ inconnu" in engine.validate({"defis": [{"zzz": 1}]}).errors["defis.0.zzz"]
    missing = dict(engine.missing({"defis": [{"budget": 3}]}))
    assert "defis.0.titre" in missing
    assert "defis" in dict(engine.missing({}))


def test_missing_lists_required_and_minimum_counts():
    missing = dict(engine.missing({"partners": []}))
    assert "pitch" in missing
    assert "réponse obligatoire" in missing["pitch"]


def test_file_upload_type_and_size_limits():
    pdf = SimpleUploadedFile("lettre.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    assert engine.validate({"letter": pdf}).uploads["letter"] is pdf
    exe = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    assert "formats acceptés pdf" in engine.validate({"letter": exe}).errors["letter"]
    big = SimpleUploadedFile("gros.pdf", b"%PDF-" + b"0" * (1024 * 1024 + 1))
    assert "1 Mo au maximum" in engine.validate({"letter": big}).errors["letter"]
    fake = SimpleUploadedFile("faux.pdf", b"hello")
    assert "n'est pas un PDF" in engine.validate({"letter": fake}).errors["letter"]


def test_django_form_builds_fields_for_blocks_and_merges_back():
    form = engine.build_form({"defis": [{"titre": "Un"}], "pitch": "Salut"})
    assert "defis.0.titre" in form.fields
    assert form.initial["pitch"] == "Salut"
    data = QueryDict(mutable=True)
    data.update(
        {
            "pitch": "x" * 50,
            "size": "7",
            "defis__count": "2",
            "defis.0.titre": "A",
            "defis.1.titre": "B",
            "ptce": "oui",
            "ptce_name": "Pôle",
        }
    )
    data.setlist("partners", ["a"])
    bound = engine.build_form({"pitch": "Salut"}, data=data)
    result = engine.merge_form(bound, {"pitch": "Salut"})
    assert result.answers["pitch"] == "Salut"  # invalid: the stored answer stays
    assert "20 caractères" in result.errors["pitch"]
    assert result.answers["size"] == 7
    assert result.answers["partners"] == ["a"]
    assert result.answers["defis"] == [{"titre": "A"}, {"titre": "B"}]
    assert result.answers["ptce_name"] == "Pôle"
    layout = bound.layout()
    block = next(e for e in layout[0]["entries"] if e.get("is_block"))
    assert block["count"] == 2 and not block["can_add"]
    conditional = next(
        e for e in layout[0]["entries"] if not e.get("is_block") and e["spec"]["key"] == "ptce_name"
    )
    assert '"field": "ptce"' in conditional["show_if"]


def test_readonly_renders_every_kind_as_text():
    answers = {
        "pitch": "Salut",
        "size": 12,
        "start": "2019-02-25",
        "sector": "health",
        "partners": ["a", "c"],
        "ptce": True,
        "ptce_name": "Pôle",
        "letter": {"attachment": 1, "name": "lettre.pdf"},
        "coordinator": {"siret": "44306184100047", "organisation": None, "name": ""},
        "unit": {"kind": "region", "code": "75", "name": "Nouvelle-Aquitaine"},
        "defis": [{"titre": "Un", "budget": 3}],
    }
    items = {i["path"]: i for i in engine.readonly(answers)[0]["items"]}
    assert items["size"]["text"] == "12 organisations"
    assert items["start"]["text"] == "25/02/2019"
    assert items["sector"]["text"] == "Santé"
    assert items["partners"]["text"] == "A, C"
    assert items["ptce"]["text"] == "Oui"
    assert items["letter"]["text"] == "lettre.pdf"
    assert "44306184100047" in items["coordinator"]["text"]
    assert items["unit"]["text"].startswith("Nouvelle-Aquitaine")
    assert items["defis"]["blocks"][0]["items"][0]["text"] == "Un"
    hidden = copy.deepcopy(answers) | {"ptce": False}
    assert "ptce_name" not in {i["path"] for i in engine.readonly(hidden)[0]["items"]}


def test_territory_picker_in_the_page_form(db):
    from essaim.geo.models import Region

    Region.objects.create(code="75", name="Nouvelle-Aquitaine")
    form = engine.build_form(
        {"unit": {"kind": "region", "code": "75", "name": "Nouvelle-Aquitaine"}}
    )
    html = form["unit"].as_field_group()
    assert "data-geo-picker" in html and "/geo/recherche" in html
    assert 'value="Nouvelle-Aquitaine"' in html and 'name="unit__code"' in html
    data = QueryDict(mutable=True)
    data.update({"q": "Nouvelle", "unit__kind": "region", "unit__code": "75"})
    result = engine.merge_form(engine.build_form({}, data=data), {})
    assert result.answers["unit"]["name"] == "Nouvelle-Aquitaine"
    data.update({"unit__kind": "commune", "unit__code": "79191"})
    result = engine.merge_form(engine.build_form({}, data=data), {})
    assert "introuvable" in result.errors["unit"]
