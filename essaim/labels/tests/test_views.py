import datetime
import html
import re

import pytest
from django.core import mail
from django.urls import reverse

from essaim.accounts.tests.factories import UserFactory
from essaim.applications.workflow import Status
from essaim.calls.models import Wave, WaveStatus
from essaim.core.models import Notification
from essaim.labels.models import Decision, Label, LabelStatus, Outcome
from essaim.labels.tests.factories import (
    ApplicationFactory,
    ProgrammeFactory,
    WaveFactory,
    instructor,
    labelled,
    programme_admin,
    territory_lead,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def wave():
    return WaveFactory(french_impact=True, number=1, announced_on=datetime.date(2019, 2, 25))


@pytest.fixture
def apps(wave):
    return ApplicationFactory.create_batch(2, proposed=True, wave=wave)


@pytest.fixture
def people(wave, apps):
    other_programme = ProgrammeFactory(
        french_impact=True, slug="autre-programme", name="Autre programme"
    )
    return {
        "admin": programme_admin(wave.programme),
        "instructor": instructor(wave.programme),
        "lead": territory_lead(apps[0]),
        "other_admin": programme_admin(other_programme),
    }


def login(client, user):
    client.force_login(user)
    return client


def decide_payload(apps, outcome="labelled", motivation="Très bon dossier"):
    data = {}
    for app in apps:
        data[f"outcome-{app.pk}"] = outcome
        data[f"motivation-{app.pk}"] = motivation
    return data


# --- Permission matrix ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 302), ("lead", 403), ("other_admin", 200), ("instructor", 200), ("admin", 200)],
)
def test_wave_list_matrix(client, people, wave, who, expected):
    if who != "anonymous":
        login(client, people[who])
    response = client.get(reverse("labels:wave_list"))
    assert response.status_code == expected
    if who == "other_admin":
        assert reverse("labels:wave_committee", args=[wave.pk]) not in response.text
    if who == "admin":
        assert reverse("labels:wave_committee", args=[wave.pk]) in response.text


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 302), ("lead", 404), ("other_admin", 404), ("instructor", 200), ("admin", 200)],
)
def test_committee_view_matrix(client, people, wave, apps, who, expected):
    if who != "anonymous":
        login(client, people[who])
    response = client.get(reverse("labels:wave_committee", args=[wave.pk]))
    assert response.status_code == expected
    if expected == 200:
        assert apps[0].reference in response.text
        has_form = f'name="outcome-{apps[0].pk}"' in response.text
        assert has_form == (who == "admin")


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 302), ("lead", 404), ("other_admin", 404), ("instructor", 403), ("admin", 302)],
)
def test_decide_matrix(client, people, wave, apps, who, expected):
    if who != "anonymous":
        login(client, people[who])
    response = client.post(reverse("labels:wave_decide", args=[wave.pk]), decide_payload(apps))
    assert response.status_code == expected
    assert Decision.objects.count() == (2 if who == "admin" else 0)
    for app in apps:
        app.refresh_from_db()
        assert app.status == (Status.LABELLED if who == "admin" else Status.PROPOSED)


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 302), ("lead", 404), ("other_admin", 404), ("instructor", 403), ("admin", 302)],
)
def test_edit_matrix(client, people, wave, who, expected):
    if who != "anonymous":
        login(client, people[who])
    response = client.post(
        reverse("labels:wave_edit", args=[wave.pk]),
        {
            "number": 1,
            "title": "",
            "committee_on": "2019-02-01",
            "announced_on": "2019-02-25",
            "announced_at": "Paris",
        },
    )
    assert response.status_code == expected
    wave.refresh_from_db()
    assert wave.announced_at == ("Paris" if who == "admin" else "Nantes")


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 302), ("lead", 403), ("instructor", 403), ("admin", 302)],
)
def test_create_matrix(client, people, wave, who, expected):
    if who != "anonymous":
        login(client, people[who])
    response = client.post(
        reverse("labels:wave_create"),
        {
            "programme": wave.programme.pk,
            "number": "",
            "title": "",
            "committee_on": "2020-06-01",
            "announced_on": "2020-06-15",
            "announced_at": "Lyon",
        },
    )
    assert response.status_code == expected
    assert Wave.objects.filter(number=2).exists() == (who == "admin")


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 302), ("lead", 404), ("other_admin", 404), ("instructor", 403), ("admin", 302)],
)
def test_publish_matrix(client, people, wave, apps, who, expected):
    login(client, people["admin"]).post(
        reverse("labels:wave_decide", args=[wave.pk]), decide_payload(apps)
    )
    client.logout()
    if who != "anonymous":
        login(client, people[who])
    response = client.post(reverse("labels:wave_publish", args=[wave.pk]))
    assert response.status_code == expected
    wave.refresh_from_db()
    assert (wave.status == WaveStatus.PUBLISHED) == (who == "admin")
    assert Label.objects.count() == (2 if who == "admin" else 0)


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 302), ("lead", 404), ("other_admin", 404), ("instructor", 403), ("admin", 302)],
)
def test_revoke_matrix(client, people, wave, apps, who, expected):
    label = labelled(apps[0], people["admin"])
    if who != "anonymous":
        login(client, people[who])
    response = client.post(reverse("labels:revoke", args=[label.pk]), {"reason": "Dissous"})
    assert response.status_code == expected
    label.refresh_from_db()
    assert (label.status == LabelStatus.REVOKED) == (who == "admin")


# --- Behaviour --------------------------------------------------------------------------------


def test_committee_ranks_by_consolidated_score(client, people, wave, apps, monkeypatch):
    from essaim.labels import queries

    class Fake:
        def __init__(self, total):
            self.total = total
            self.review_count = 2
            self.criteria = []
            self.disagreement = total < 50

    scores = {apps[0].pk: Fake(40.0), apps[1].pk: Fake(85.0)}
    monkeypatch.setattr(queries, "consolidate", lambda applications: scores)
    text = (
        login(client, people["instructor"])
        .get(reverse("labels:wave_committee", args=[wave.pk]))
        .text
    )
    assert text.index(apps[1].reference) < text.index(apps[0].reference)
    assert "85,0" in text and "désaccord" in text


def test_decide_form_errors_name_the_application_and_keep_input(client, people, wave, apps):
    login(client, people["admin"])
    data = decide_payload(apps)
    data[f"motivation-{apps[1].pk}"] = ""
    response = client.post(reverse("labels:wave_decide", args=[wave.pk]), data)
    assert response.status_code == 422
    assert f"« {apps[1].reference} » : la motivation est obligatoire" in response.text
    assert "Très bon dossier" in response.text  # what was typed is kept
    assert not Decision.objects.exists()


def test_partial_batch_and_second_decision_message(client, people, wave, apps):
    login(client, people["admin"])
    data = {f"outcome-{apps[0].pk}": "not_labelled", f"motivation-{apps[0].pk}": "Trop tôt"}
    assert client.post(reverse("labels:wave_decide", args=[wave.pk]), data).status_code == 302
    assert Decision.objects.get().outcome == Outcome.NOT_LABELLED
    # A stale form (opened before another admin decided) posting the same application again.
    data[f"outcome-{apps[0].pk}"] = "labelled"
    again = client.post(reverse("labels:wave_decide", args=[wave.pk]), data)
    assert again.status_code == 422
    assert f"« {apps[0].reference} — {apps[0].title} » a déjà une décision" in again.text
    assert Decision.objects.get().outcome == Outcome.NOT_LABELLED


def test_publish_before_announcement_is_refused_with_message(client, people, apps):
    future = WaveFactory(french_impact=True, number=9, announced_on=datetime.date(2099, 1, 1))
    app = ApplicationFactory(proposed=True, wave=future)
    login(client, people["admin"])
    client.post(reverse("labels:wave_decide", args=[future.pk]), decide_payload([app]))
    response = client.post(reverse("labels:wave_publish", args=[future.pk]), follow=True)
    assert "qu&#x27;à partir de sa date d&#x27;annonce" in response.text
    future.refresh_from_db()
    assert future.status == WaveStatus.DECIDED
    assert not Label.objects.exists()


def test_publish_through_the_page_notifies(client, people, wave, apps):
    login(client, people["admin"])
    client.post(reverse("labels:wave_decide", args=[wave.pk]), decide_payload(apps))
    response = client.post(reverse("labels:wave_publish", args=[wave.pk]), follow=True)
    assert "La vague est publiée" in response.text
    assert Notification.objects.filter(user=people["lead"]).exists()


def test_add_proposed_applications(client, people, wave):
    free = ApplicationFactory(proposed=True, wave=None, call__programme=wave.programme)
    login(client, people["admin"])
    page = client.get(reverse("labels:wave_committee", args=[wave.pk])).text
    assert free.reference in page
    response = client.post(reverse("labels:wave_add", args=[wave.pk]), {"applications": [free.pk]})
    assert response.status_code == 302
    free.refresh_from_db()
    assert free.wave == wave


def test_revoke_form_requires_reason(client, people, apps):
    label = labelled(apps[0], people["admin"])
    login(client, people["admin"])
    response = client.post(reverse("labels:revoke", args=[label.pk]), {"reason": ""})
    assert response.status_code == 200
    assert "Ce champ est obligatoire" in response.text
    label.refresh_from_db()
    assert label.status == LabelStatus.VALID


def test_wave_create_misordered_dates_message(client, people, wave):
    login(client, people["admin"])
    response = client.post(
        reverse("labels:wave_create"),
        {
            "programme": wave.programme.pk,
            "committee_on": "2020-06-15",
            "announced_on": "2020-06-01",
            "announced_at": "Lyon",
        },
    )
    assert response.status_code == 200
    assert "La date d&#x27;annonce doit suivre la date du comité" in response.text
    assert 'value="Lyon"' in response.text


def test_wave_list_query_budget(client, people, wave, django_assert_max_num_queries):
    for number in range(2, 40):
        WaveFactory(french_impact=True, programme=wave.programme, number=number)
    login(client, people["admin"])
    with django_assert_max_num_queries(8):
        response = client.get(reverse("labels:wave_list"))
    assert response.text.count("/labels/vagues/") >= 39


def test_committee_query_budget(client, people, wave, django_assert_max_num_queries):
    ApplicationFactory.create_batch(60, proposed=True, wave=wave)
    login(client, people["admin"])
    with django_assert_max_num_queries(14):
        response = client.get(reverse("labels:wave_committee", args=[wave.pk]))
    assert response.status_code == 200


def test_superuser_without_membership(client, wave, apps):
    boss = UserFactory(is_superuser=True)
    login(client, boss)
    assert client.get(reverse("labels:wave_committee", args=[wave.pk])).status_code == 200


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 302), ("lead", 404), ("other_admin", 404), ("instructor", 403), ("admin", 302)],
)
def test_remove_from_wave_matrix(client, people, wave, apps, who, expected):
    if who != "anonymous":
        login(client, people[who])
    response = client.post(reverse("labels:wave_remove", args=[wave.pk, apps[0].pk]))
    assert response.status_code == expected
    apps[0].refresh_from_db()
    assert (apps[0].wave is None) == (who == "admin")


def test_decided_application_cannot_leave_the_wave(client, people, wave, apps):
    login(client, people["admin"])
    client.post(reverse("labels:wave_decide", args=[wave.pk]), decide_payload(apps[:1]))
    response = client.post(reverse("labels:wave_remove", args=[wave.pk, apps[0].pk]), follow=True)
    assert "Cette candidature a déjà une décision." in response.text
    apps[0].refresh_from_db()
    assert apps[0].wave == wave


# --- Publishing: the recap, and why the button is disabled -----------------------------------


def test_publish_recap_counts_what_publication_will_do_and_it_does_it(
    client, people, wave, apps, django_capture_on_commit_callbacks
):
    login(client, people["admin"])
    data = decide_payload(apps[:1]) | decide_payload(apps[1:], outcome="not_labelled")
    client.post(reverse("labels:wave_decide", args=[wave.pk]), data)
    page = html.unescape(client.get(reverse("labels:wave_committee", args=[wave.pk])).text)
    recap = page[page.index('id="publish-recap"') :]
    assert "1 label attribué, et son plan d'accompagnement ouvert" in recap
    assert "1 candidature non labellisée" in recap
    match = re.search(r"(\d+) courriels? aux candidats", recap)
    announced = int(match.group(1))
    assert announced >= 1
    assert 'id="publish-blocked"' not in recap
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("labels:wave_publish", args=[wave.pk]), follow=True)
    # The recap's count is what the publication sends.
    assert len(mail.outbox) == announced
    text = html.unescape(response.text)
    assert (
        "La vague est publiée : 1 label attribué et son plan d'accompagnement ouvert, "
        f"1 candidature non labellisée, {announced} courriel"
    ) in text


def test_publish_is_disabled_with_its_reason_before_the_announcement_date(client, people, apps):
    future = WaveFactory(french_impact=True, number=9, announced_on=datetime.date(2099, 1, 1))
    app = ApplicationFactory(proposed=True, wave=future)
    login(client, people["admin"])
    client.post(reverse("labels:wave_decide", args=[future.pk]), decide_payload([app]))
    page = html.unescape(client.get(reverse("labels:wave_committee", args=[future.pk])).text)
    assert 'disabled aria-describedby="publish-blocked"' in page
    assert "La vague ne peut être publiée qu'à partir de sa date d'annonce, le 1 janvier 2099." in (
        page
    )


def test_publish_is_disabled_while_nothing_or_not_everything_is_decided(client, people, wave, apps):
    login(client, people["admin"])
    page = html.unescape(client.get(reverse("labels:wave_committee", args=[wave.pk])).text)
    assert 'disabled aria-describedby="publish-blocked"' in page
    assert "2 candidatures encore à décider" in page
    assert "sans décision : " + ", ".join(sorted(a.reference for a in apps)) in page
    empty = WaveFactory(
        french_impact=True, programme=wave.programme, number=5, announced_on=wave.announced_on
    )
    page = html.unescape(client.get(reverse("labels:wave_committee", args=[empty.pk])).text)
    assert "Aucune candidature de la vague n'est décidée : il n'y a rien à publier." in page
    # The service refuses for the same reason.
    response = client.post(reverse("labels:wave_publish", args=[empty.pk]), follow=True)
    assert "il n'y a rien à publier" in html.unescape(response.text)
    empty.refresh_from_db()
    assert empty.status != WaveStatus.PUBLISHED


def test_publish_recap_is_for_the_programme_admins_only(client, people, wave, apps):
    login(client, people["instructor"])
    page = client.get(reverse("labels:wave_committee", args=[wave.pk])).text
    assert 'id="publish-recap"' not in page
