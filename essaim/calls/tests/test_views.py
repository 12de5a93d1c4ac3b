import html
import json

import pytest

from essaim.accounts.models import Membership, Role
from essaim.accounts.tests.factories import UserFactory
from essaim.calls.models import CallStatus, FormVersion
from essaim.calls.tests.factories import SCHEMA, CallFactory, CriterionFactory, FormVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    version = FormVersionFactory()
    call = version.call
    admin = UserFactory()
    Membership.objects.create(user=admin, role=Role.PROGRAMME_ADMIN, programme=call.programme)
    other_admin = UserFactory()
    Membership.objects.create(
        user=other_admin, role=Role.PROGRAMME_ADMIN, programme=CallFactory().programme
    )
    instructor = UserFactory()
    Membership.objects.create(user=instructor, role=Role.INSTRUCTOR, programme=call.programme)
    return call, admin, other_admin, instructor


def test_public_call_page_and_list(client, setup):
    call = setup[0]
    CriterionFactory(grid__call=call, title="Un périmètre qui a du sens")
    response = client.get(f"/appels/{call.slug}/")
    assert response.status_code == 200
    assert "Un périmètre qui a du sens" in response.text
    assert "Candidater" in response.text
    assert call.title in client.get("/appels/").text
    draft = CallFactory(status=CallStatus.DRAFT)
    assert client.get(f"/appels/{draft.slug}/").status_code == 404


@pytest.mark.parametrize("page", ["gestion/", "formulaire/", "grille/"])
def test_admin_pages_permission_matrix(client, setup, page):
    call, admin, other_admin, instructor = setup
    url = f"/appels/{call.slug}/{page}"
    assert client.get(url).status_code == 302  # anonymous: to the login page
    for user in (other_admin, instructor):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(admin)
    assert client.get(url).status_code == 200


def test_form_editor_checks_saves_and_publishes(client, setup):
    call, admin, other_admin, _i = setup
    url = f"/appels/{call.slug}/formulaire/"
    client.force_login(other_admin)
    assert client.post(url, {"schema": json.dumps(SCHEMA), "action": "save"}).status_code == 403
    assert FormVersion.objects.filter(call=call).count() == 1
    client.force_login(admin)
    bad = json.loads(json.dumps(SCHEMA))
    bad["sections"][0]["fields"][0]["max_length"] = "vingt"
    response = client.post(url, {"schema": json.dumps(bad), "action": "save"})
    assert response.status_code == 200
    # The place of the error in words (labels), not the JSON path.
    assert "Section « Principal », question « Accroche », longueur maximale : " in response.text
    assert "vingt" in response.text  # what was typed is kept
    assert "ligne 1" in client.post(url, {"schema": "{oops", "action": "check"}).text
    assert FormVersion.objects.filter(call=call).count() == 1
    changed = json.loads(json.dumps(SCHEMA))
    changed["sections"][0]["title"] = "Nouveau titre"
    response = client.post(url, {"schema": json.dumps(changed), "action": "save"})
    assert response.status_code == 302
    draft = FormVersion.objects.get(call=call, published_at__isnull=True)
    page = html.unescape(client.get(url).text)
    assert "Nouveau titre" in page  # preview of the draft
    assert "Section « Principal » renommée « Nouveau titre »." in page  # the diff in words
    recap = html.unescape(client.get(f"/appels/{call.slug}/formulaire/publier/").text)
    assert "Publier la version 2 est définitif" in recap
    assert "Section « Principal » renommée « Nouveau titre »." in recap
    draft.refresh_from_db()
    assert draft.published_at is None  # seeing the recap publishes nothing
    response = client.post(f"/appels/{call.slug}/formulaire/publier/", follow=True)
    draft.refresh_from_db()
    assert draft.published_at is not None and draft.number == 2
    assert "Version 2 publiée" in html.unescape(response.text)


def test_call_create_and_status_pages(client, setup):
    call, admin, _o, instructor = setup
    client.force_login(instructor)
    assert client.get("/appels/nouveau/").status_code == 403
    client.force_login(admin)
    response = client.post(
        "/appels/nouveau/",
        {
            "programme": call.programme_id,
            "title": "Appel 2027",
            "slug": "appel-2027",
            "kind": "call_for_projects",
            "purpose": "label",
        },
    )
    assert response.status_code == 302
    response = client.post("/appels/appel-2027/etat/", {"status": "open"}, follow=True)
    assert "Publiez le formulaire" in response.text
    client.post(f"/appels/{call.slug}/etat/", {"status": "closed"})
    call.refresh_from_db()
    assert call.status == CallStatus.CLOSED


def test_grid_editor(client, setup):
    call, admin, *_rest = setup
    client.force_login(admin)
    response = client.post(
        f"/appels/{call.slug}/grille/",
        {
            "scale_min": "0",
            "scale_max": "4",
            "label-0": "absent",
            "comment_required_below": "2",
            "disagreement_threshold": "2",
            "criteria_count": "0",
            "criteria-0-title": "Gouvernance",
            "criteria-0-weight": "1,5",
        },
    )
    assert response.status_code == 302
    assert call.grid.criteria.get().weight == 1.5
    assert call.grid.scale_labels == {"0": "absent"}


def test_grid_editor_keeps_what_was_typed_on_error(client, setup):
    call, admin, *_rest = setup
    CriterionFactory(grid__call=call, title="Existant")
    client.force_login(admin)
    response = client.post(
        f"/appels/{call.slug}/grille/",
        {
            "scale_min": "0",
            "scale_max": "4",
            "label-1": "insuffisant (tapé)",
            "disagreement_threshold": "2",
            "criteria_count": "1",
            "criteria-0-id": str(call.grid.criteria.get().pk),
            "criteria-0-title": "Renommé",
            "criteria-0-weight": "0",
        },
    )
    assert response.status_code == 200
    assert "criteria.0.weight" in response.text
    assert "Renommé" in response.text and "insuffisant (tapé)" in response.text
    assert call.grid.criteria.get().title == "Existant"


def test_live_preview(client, setup):
    call, admin, other_admin, _i = setup
    url = f"/appels/{call.slug}/formulaire/apercu/"
    client.force_login(other_admin)
    assert client.post(url, {"schema": json.dumps(SCHEMA)}).status_code == 403
    client.force_login(admin)
    response = client.post(url, {"schema": json.dumps(SCHEMA)})
    assert response.status_code == 200 and "Accroche" in response.text
    assert "ligne 1" in client.post(url, {"schema": "{"}).text
    bad = json.loads(json.dumps(SCHEMA))
    bad["sections"][0]["fields"][0]["kind"] = "essay"
    assert "Section « Principal », question « Accroche », type : " in html.unescape(
        client.post(url, {"schema": json.dumps(bad)}).text
    )


def test_publish_recap_counts_the_blocked_drafts_and_refuses_an_invalid_version(
    client, setup, django_assert_max_num_queries
):
    from essaim.applications.tests.factories import ApplicationFactory

    call, admin, _o, instructor = setup
    v1 = FormVersion.objects.get(call=call)
    drafts = [
        ApplicationFactory(call=call, form_version=v1, answers={"pitch": "Oi"}) for _n in range(3)
    ]
    ApplicationFactory(call=call, form_version=v1, answers={"pitch": "Oi", "story": "Il était"})
    required = json.loads(json.dumps(SCHEMA))
    required["sections"][0]["fields"][1]["required"] = True  # "Histoire", left empty by 3
    client.force_login(admin)
    client.post(
        f"/appels/{call.slug}/formulaire/", {"schema": json.dumps(required), "action": "save"}
    )
    url = f"/appels/{call.slug}/formulaire/publier/"
    with django_assert_max_num_queries(25):
        recap = html.unescape(client.get(url).text)
    assert "Question « Histoire » : désormais obligatoire." in recap
    assert "3 brouillons sur 4 en cours seraient bloqués par ce changement" in recap
    for draft in drafts:
        assert draft.reference in recap
    assert (
        "Section « Principal », question « Histoire » : réponse obligatoire, non remplie." in recap
    )
    assert "disabled" not in recap.split("Confirmer la publication")[0].rsplit("<button", 1)[1]
    with django_assert_max_num_queries(25):
        editor = html.unescape(client.get(f"/appels/{call.slug}/formulaire/").text)
    assert "3 brouillons sur 4 en cours seraient bloqués" in editor
    # An invalid version (saved before a rule was added): confirmation disabled, with the reason.
    FormVersion.objects.filter(call=call, published_at__isnull=True).update(
        schema={"sections": [{"key": "main", "title": "Principal", "fields": []}]}
    )
    recap = html.unescape(client.get(url).text)
    button = recap.split("Confirmer la publication")[0].rsplit("<button", 1)[1]
    assert "disabled" in button and 'aria-describedby="publish-blocked-reason"' in button
    assert (
        "Section « Principal », questions : Une section doit contenir au moins un champ." in recap
    )
    response = client.post(url, follow=True)
    assert "La version n'a pas été publiée." in html.unescape(response.text)
    assert FormVersion.objects.filter(call=call, published_at__isnull=True).exists()
    client.force_login(instructor)
    assert client.get(url).status_code == 403


def test_recap_queries_do_not_grow_with_the_drafts(client, setup):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from essaim.applications.tests.factories import ApplicationFactory

    call, admin, _o, _i = setup
    v1 = FormVersion.objects.get(call=call)
    required = json.loads(json.dumps(SCHEMA))
    required["sections"][0]["fields"][1]["required"] = True
    client.force_login(admin)
    client.post(
        f"/appels/{call.slug}/formulaire/", {"schema": json.dumps(required), "action": "save"}
    )
    url = f"/appels/{call.slug}/formulaire/publier/"
    counts = []
    for _round in range(2):
        for _n in range(3):
            ApplicationFactory(call=call, form_version=v1, answers={"pitch": "Oi"})
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert "Aucun brouillon à publier" not in client.get(url).text
