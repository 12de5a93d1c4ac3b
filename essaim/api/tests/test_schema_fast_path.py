"""The API's base schema validates plain dictionaries directly and everything else the
django-ninja way (essaim.core.api.schema): the same answer either way."""

from datetime import date
from types import SimpleNamespace

import pytest
from pydantic import ValidationError

from essaim.core.api import schema as schema_module
from essaim.core.api.schema import Schema


class Part(Schema):
    code: str
    size: int | None = None


class Whole(Schema):
    id: int
    name: str
    on: date
    parts: list[Part]
    main: Part | None = None


class Resolved(Schema):
    name: str
    label: str

    @staticmethod
    def resolve_label(obj) -> str:
        return f"« {obj['name'] if isinstance(obj, dict) else obj.name} »"


DATA = {
    "id": 3,
    "name": "Nouvelle-Aquitaine",
    "on": date(2019, 2, 25),
    "parts": [{"code": "a", "size": 2}, {"code": "b"}],
    "main": {"code": "a"},
}


def test_a_dictionary_and_an_object_give_the_same_answer(monkeypatch):
    fast = Whole.model_validate(DATA).model_dump(mode="json")
    as_object = SimpleNamespace(
        **{**DATA, "parts": [SimpleNamespace(**p) for p in DATA["parts"]], "main": None}
    )
    slow = Whole.model_validate(as_object).model_dump(mode="json")
    assert fast == {**slow, "main": {"code": "a", "size": None}}
    # and the dictionary taken the django-ninja way (no fast path) gives the same answer
    monkeypatch.setattr(schema_module, "_plain", lambda values, schema: False)
    assert Whole.model_validate(DATA).model_dump(mode="json") == fast


def test_the_fast_path_is_taken_for_plain_dictionaries_only():
    assert schema_module._plain(DATA, Whole)
    assert not schema_module._plain({"name": "x"}, Resolved)  # a resolver: the getter runs it
    assert not schema_module._plain({"id": lambda: 3}, Whole)  # a callable: the getter calls it
    assert not schema_module._plain(SimpleNamespace(id=3), Whole)


def test_resolvers_and_callables_still_work_from_dictionaries():
    assert Resolved.model_validate({"name": "x"}).label == "« x »"
    assert Part.model_validate({"code": lambda: "c"}).code == "c"


def test_bad_dictionary_named_field_error():
    with pytest.raises(ValidationError) as raised:
        Whole.model_validate({**DATA, "parts": [{"code": "a", "size": "many"}]})
    assert raised.value.errors()[0]["loc"] == ("parts", 0, "size")
