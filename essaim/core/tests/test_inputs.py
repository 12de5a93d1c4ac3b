"""Text no column can store is refused at the edge: NUL characters (PostgreSQL refuses them, so a
search or a title with one was a 500 there), lone surrogates (not encodable: a 500 on every
database), badly encoded query strings and JSON that is not UTF-8. Pages answer 400, the API 422
(400 for a body that is not JSON), always naming the field, never 500."""

import json

import pytest
from django.db import transaction
from django.test import Client, RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from essaim.core.api.parser import BodyRefused, GuardedParser
from essaim.core.inputs import find_problem, request_problem, text_problem
from essaim.core.models import HistoryEvent, Notification


def _client(user=None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


# --- The findings -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["\udfff", "\ud800x", "a\udc00"])
def test_lone_surrogate_in_patch_answers_4xx(text):
    from essaim.applications.tests.factories import ApplicationFactory, lead_of

    application = ApplicationFactory(answers={"pitch": "Avant"})
    client = _client(lead_of(application).user)
    for body in (
        {"answers": {"pitch": text}},
        {"title": text},
        {"answers": {text: "clé"}},
        {"answers": {"defis": [{"titre": text}]}},
    ):
        response = client.patch(
            f"/api/v1/applications/{application.pk}",
            json.dumps(body),  # escapes the surrogate: "\udfff" in the JSON text
            content_type="application/json",
        )
        assert response.status_code == 422, response.content
        assert "substitution" in response.json()["errors"][0]["message"]
    application.refresh_from_db()
    assert application.answers == {"pitch": "Avant"}


@pytest.mark.django_db
def test_nul_byte_in_title_refused():
    from essaim.support.models import Action
    from essaim.support.tests.factories import build_world

    world = build_world()
    client = _client(world.lead)
    before = (Action.objects.count(), HistoryEvent.objects.count())
    response = client.post(
        f"/api/v1/support-plans/{world.plan.pk}/actions",
        json.dumps({"axis_id": world.axes[1].pk, "title": "Tour\x00de table"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "title", "message": "« title » contient un caractère nul (U+0000), refusé."}
    ]
    page = client.post(
        f"/accompagnement/plans/{world.plan.pk}/actions/nouvelle/",
        {"axis": world.axes[0].pk, "title": "Tour\x00de table"},
    )
    assert page.status_code == 400
    assert "Le champ « title » contient un caractère nul" in page.text
    assert (Action.objects.count(), HistoryEvent.objects.count()) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/annuaire/?q=a%00b",
        "/projets/?q=%00",
        "/guichet-unique/base/?q=x%00",
        "/api/v1/organisations?q=a%00b",
        "/api/v1/projects?q=%00",
        "/api/v1/geo/communes/79%00",
        "/annuaire/?q=%ED%BF%BF",
        "/api/v1/organisations?q=%C3",
    ],
)
def test_nul_byte_or_bad_encoding_in_the_address_refused(url):
    response = _client().get(url)
    if url.startswith("/api/"):
        assert response.status_code == 422
        assert response.json()["errors"][0]["message"]
    else:
        assert response.status_code == 400
        assert "refusé" in response.text or "mal encodés" in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b'{"title": ', 400, "JSON invalide"),
        (b'{"title": "\xff"}', 400, "UTF-8"),
        (b'{"title": "a\\u0000"}', 422, "caractère nul"),
        (b'{"t\\u0000": 1}', 422, "nom de champ invalide"),
        (b'{"budget_planned": NaN}', 422, "nombre fini"),
        (b'{"x": [1, {"y": -Infinity}]}', 422, "nombre fini"),
    ],
)
def test_unreadable_or_unstorable_json_answers_4xx_in_french(body, status, message):
    from essaim.support.tests.factories import build_world

    world = build_world()
    response = _client(world.lead).post(
        f"/api/v1/support-plans/{world.plan.pk}/actions", body, content_type="application/json"
    )
    assert response.status_code == status
    assert message in response.json()["detail"]


@pytest.mark.django_db
def test_api_validation_messages_are_french():
    from essaim.support.tests.factories import build_world

    world = build_world()
    response = _client(world.lead).post(
        f"/api/v1/support-plans/{world.plan.pk}/actions",
        json.dumps({"axis_id": "abc", "title": "x" * 300}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert {e["field"]: e["message"] for e in response.json()["errors"]} == {
        "axis_id": "Nombre entier attendu.",
        "title": "Au plus 255 caractères.",
    }


# --- Properties ---------------------------------------------------------------------------------


@given(text=st.text())
@settings(max_examples=300, deadline=None)
def test_text_guard_accepts_exactly_what_utf8_and_postgresql_can_store(text):
    problem = text_problem(text)
    storable = "\x00" not in text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        storable = False
    assert (problem is None) == storable


def _stored_and_read_back(user, value: str) -> bool:
    with transaction.atomic():
        note = Notification.objects.create(user=user, title="t", body=value)
        same = Notification.objects.get(pk=note.pk).body == value
        transaction.set_rollback(True)
    return same


@pytest.mark.django_db
@given(text=st.text(max_size=300))
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_every_text_field_cleaned_value_is_storable(text, user):
    """Through a page (a form field) and through the API (a JSON string), any text is either
    refused at the edge or stored and read back as sent — on SQLite and PostgreSQL alike."""
    from django import forms

    try:
        request = RequestFactory().post("/page/", {"title": text})
    except UnicodeEncodeError:  # a lone surrogate cannot even be sent in a form
        request = None
    if request is not None:
        if request_problem(request) is not None:
            assert "\x00" in text
        else:
            cleaned = forms.CharField(required=False, strip=False).clean(request.POST["title"])
            assert _stored_and_read_back(user, cleaned)
    api_request = RequestFactory().post(
        "/api/v1/x", json.dumps({"title": text}), content_type="application/json"
    )
    try:
        data = GuardedParser().parse_body(api_request)
    except BodyRefused as refused:
        assert refused.field == "title"
        assert text_problem(text) is not None
        return
    assert _stored_and_read_back(user, data["title"])


def _storable(data) -> bool:
    """An oracle independent of the guard: strict JSON, encodable in UTF-8, no NUL anywhere."""
    try:
        json.dumps(data, allow_nan=False, ensure_ascii=False).encode("utf-8")
    except (ValueError, UnicodeEncodeError):
        return False

    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for key, item in value.items():
                yield key
                yield from strings(item)
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)

    return not any("\x00" in text for text in strings(data))


@given(
    data=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
        lambda children: st.lists(children) | st.dictionaries(st.text(), children),
        max_leaves=20,
    )
)
@settings(max_examples=300, deadline=None)
def test_json_guard_refuses_exactly_what_cannot_be_stored(data):
    parsed = json.loads(json.dumps(data))  # as a client would send it (NaN, Infinity, \udxxx)
    assert (find_problem(parsed) is None) == _storable(parsed)
