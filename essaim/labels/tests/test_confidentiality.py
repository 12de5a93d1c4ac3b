"""Decisions stay confidential until their wave is published: the applicants (the collective's
lead and members, invited people) see "en comité" and nothing of the decision — page, lists,
API, receipt, history, notifications, label, support plan — then the decision and the
motivation addressed to them once the wave is published."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from essaim.accounts.models import Membership, Role
from essaim.accounts.tests.factories import UserFactory
from essaim.applications import queries
from essaim.applications.models import Application, Message
from essaim.applications.workflow import Status
from essaim.calls.models import WaveStatus
from essaim.core.models import Notification
from essaim.labels.models import Decision, Label
from essaim.labels.services import DecisionInput, label_grant, wave_decide, wave_publish
from essaim.labels.tests.factories import (
    ApplicationFactory,
    WaveFactory,
    applicant_person,
    programme_admin,
    territory_lead,
)
from essaim.support.models import SupportPlan

pytestmark = pytest.mark.django_db

ANNOUNCED = datetime.date(2019, 2, 25)
SECRET = "Motivation confidentielle du comité"


@pytest.fixture
def wave():
    return WaveFactory(french_impact=True, number=1, announced_on=ANNOUNCED)


@pytest.fixture
def application(wave):
    application = ApplicationFactory(proposed=True, wave=wave)
    Application.objects.filter(pk=application.pk).update(submitted_at=application.created_at)
    return Application.objects.get(pk=application.pk)


@pytest.fixture
def people(wave, application):
    member = UserFactory()
    Membership.objects.create(
        user=member, role=Role.TERRITORY_MEMBER, collective=application.collective
    )
    return {
        "admin": programme_admin(wave.programme),
        "lead": territory_lead(application),
        "member": member,
        "invited": applicant_person(application),
    }


def decide(wave, application, admin, *, addressed=True, outcome="labelled", motivation=SECRET):
    return wave_decide(
        wave=wave,
        decisions=[DecisionInput(application.pk, outcome, motivation, addressed)],
        user=admin,
    )


def publish(wave, admin):
    wave.refresh_from_db()
    return wave_publish(wave=wave, user=admin, today=ANNOUNCED)


def seen_by(client, user, application) -> dict:
    """What ``user`` sees of ``application``: its page, the list of their applications (its three
    tabs), the API list (also filtered on the decision) and detail."""
    client.force_login(user)
    return {
        "page": client.get(reverse("applications:detail", args=[application.pk])).text,
        "mine": "".join(
            client.get(reverse("applications:mine"), {"onglet": tab}).text
            for tab in ("a-traiter", "suivis", "traites")
        ),
        "list": client.get("/api/v1/applications").json()["items"],
        "labelled": client.get("/api/v1/applications?status=labelled").json()["items"],
        "in_committee": client.get("/api/v1/applications?status=in_committee").json()["items"],
        "detail": client.get(f"/api/v1/applications/{application.pk}").json(),
    }


def receipt_text(client, user, application, monkeypatch) -> str:
    """The receipt's HTML as made for ``user`` (WeasyPrint is not needed to read it)."""
    made = {}

    class FakeHTML:
        def __init__(self, string):
            made["html"] = string

        def write_pdf(self):
            return b"%PDF-fake"

    monkeypatch.setattr("weasyprint.HTML", FakeHTML)
    client.force_login(user)
    response = client.get(reverse("applications:receipt", args=[application.pk]))
    assert response.status_code == 200
    return made["html"]


@pytest.mark.parametrize("who", ["lead", "member", "invited"])
def test_applicant_sees_in_committee_until_wave_published(
    client, wave, application, people, who, monkeypatch
):
    applicant = people[who]
    before = seen_by(client, applicant, application)
    assert before["detail"]["status"] == "in_committee"
    updated_at = Application.objects.get(pk=application.pk).updated_at

    decide(wave, application, people["admin"])

    application.refresh_from_db()
    assert application.status == Status.LABELLED
    # A decision moves nothing the applicants see, not even the "last updated" date.
    assert application.updated_at == updated_at
    seen = seen_by(client, applicant, application)
    for text in (seen["page"], seen["mine"]):
        assert "en comité" in text
        assert "labellisée" not in text
    assert (
        '<p class="fr-badge fr-badge--sm fr-badge--info" id="application-status">en comité'
        in (seen["page"])
    )
    assert [a["status"] for a in seen["list"]] == ["in_committee"]
    assert seen["list"][0]["status_label"] == "en comité"
    assert seen["labelled"] == []
    assert [a["id"] for a in seen["in_committee"]] == [application.pk]
    assert seen["detail"]["status"] == "in_committee"
    assert seen["detail"]["decision"] is None
    assert "labelled" not in {e["to_state"] for e in seen["detail"]["history"]}
    # What they may do does not change with the decision either.
    assert seen["detail"]["transitions"] == before["detail"]["transitions"] == []
    if who != "member":  # the receipt is for the application's people
        receipt = receipt_text(client, applicant, application, monkeypatch)
        assert "en comité" in receipt and "labellisée" not in receipt

    # The programme's staff see the decision.
    staff = seen_by(client, people["admin"], application)
    assert staff["detail"]["status"] == "labelled"
    assert staff["detail"]["decision"]["outcome"] == "labelled"
    assert [a["id"] for a in staff["labelled"]] == [application.pk]

    publish(wave, people["admin"])

    seen = seen_by(client, applicant, application)
    assert seen["detail"]["status"] == "labelled"
    assert [a["id"] for a in seen["labelled"]] == [application.pk]
    assert seen["in_committee"] == []
    assert "en comité" not in seen["mine"] and "labellisée" in seen["mine"]
    assert 'id="application-status">labellisée' in seen["page"]
    assert seen["detail"]["decision"]["outcome"] == "labelled"
    assert "labelled" in {e["to_state"] for e in seen["detail"]["history"]}


def test_motivation_hidden_from_applicant_before_publication(client, wave, application, people):
    addressed, internal = ApplicationFactory.create_batch(2, proposed=True, wave=wave)
    for each in (addressed, internal):
        Membership.objects.create(
            user=people["lead"], role=Role.TERRITORY_LEAD, collective=each.collective
        )
    wave_decide(
        wave=wave,
        decisions=[
            DecisionInput(addressed.pk, "labelled", f"{SECRET} (adressée)", True),
            DecisionInput(internal.pk, "not_labelled", f"{SECRET} (interne)", False),
            DecisionInput(application.pk, "not_labelled", "Trop tôt.", False),
        ],
        user=people["admin"],
    )
    lead = people["lead"]
    for each in (addressed, internal):
        seen = seen_by(client, lead, each)
        assert SECRET not in str(seen)
        assert seen["detail"]["decision"] is None
    assert not Message.objects.filter(body__contains=SECRET).exists()
    assert not Notification.objects.filter(body__contains=SECRET).exists()
    # The committee's members see both, the internal one marked so.
    staff = seen_by(client, people["admin"], internal)
    assert f"{SECRET} (interne)" in staff["page"]
    assert staff["detail"]["decision"]["motivation"] == f"{SECRET} (interne)"
    assert [e["internal"] for e in staff["detail"]["history"] if e["action"] == "not_label"] == [
        True
    ]

    publish(wave, people["admin"])

    seen = seen_by(client, lead, addressed)
    assert seen["detail"]["decision"]["motivation"] == f"{SECRET} (adressée)"
    assert f"{SECRET} (adressée)" in seen["page"]
    # Addressed, it is also a message of the application's thread.
    assert Message.objects.get(application=addressed).body == f"{SECRET} (adressée)"
    assert Notification.objects.filter(user=lead, body__contains="(adressée)").exists()
    # Internal, it never reaches the applicants, not even after publication.
    seen = seen_by(client, lead, internal)
    assert seen["detail"]["status"] == "not_labelled"
    assert seen["detail"]["decision"]["outcome"] == "not_labelled"
    assert seen["detail"]["decision"]["motivation"] == ""
    assert "(interne)" not in str(seen)
    assert not Message.objects.filter(application=internal).exists()
    assert not Notification.objects.filter(body__contains="(interne)").exists()


def test_applicant_notified_only_at_publication(
    wave, application, people, django_capture_on_commit_callbacks
):
    applicants = [people["lead"], people["member"], people["invited"]]
    with django_capture_on_commit_callbacks(execute=True):
        decide(wave, application, people["admin"])
    assert not Notification.objects.filter(user__in=applicants).exists()
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        publish(wave, people["admin"])
    for user in applicants:
        note = Notification.objects.get(user=user)
        assert "labellisée" in note.title
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in applicants)


def test_no_label_or_certificate_before_publication(client, wave, application, people):
    [decision] = decide(wave, application, people["admin"])
    slug = application.perimeter.slug

    assert not Label.objects.exists()
    assert not SupportPlan.objects.exists()
    # A label is only granted by the publication, never before.
    with pytest.raises(ValidationError, match="publication de la vague"):
        label_grant(decision=Decision.objects.get(pk=decision.pk), user=people["admin"])
    assert not Label.objects.exists() and not SupportPlan.objects.exists()
    client.logout()
    assert client.get(reverse("territories:detail", args=[slug])).status_code == 404
    assert client.get("/api/v1/labels").json()["items"] == []
    client.force_login(people["lead"])
    assert client.get(reverse("support:mine")).status_code == 404
    page = client.get(reverse("applications:detail", args=[application.pk])).text
    assert "attestation" not in page.lower()

    [label] = publish(wave, people["admin"])

    assert SupportPlan.objects.filter(label=label).exists()
    assert client.get(reverse("support:mine")).status_code == 302
    page = client.get(reverse("applications:detail", args=[application.pk])).text
    assert label.get_certificate_url() in page
    client.logout()
    assert client.get(reverse("territories:detail", args=[slug])).status_code == 200
    assert [item["id"] for item in client.get("/api/v1/labels").json()["items"]] == [label.pk]


def test_lead_keeps_the_same_rights_whatever_the_unpublished_decision(wave, application, people):
    """The collective stays open to its lead while the decision is unpublished (a "closed"
    answer would tell the decision)."""
    from essaim.applications.services import applying

    decide(wave, application, people["admin"], outcome="not_labelled")
    application = Application.objects.select_related("wave").get(pk=application.pk)
    assert queries.applicant_status(application) == "in_committee"
    person = applying.person_invite(
        user=people["lead"], application=application, email="nouvelle@example.test"
    )
    assert person.pk
    wave.refresh_from_db()
    assert wave.status == WaveStatus.DECIDED
