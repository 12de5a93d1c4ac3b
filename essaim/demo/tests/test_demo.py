"""The whole demo data set, loaded once for this module by the real loaders on the official
geography (inside a transaction rolled back at the end): the second, fictitious programme with
its staff, applications, label, plan, projects and single window; programme scoping as its
staff see it; and a second load that changes no row count."""

import re

import pytest
from django.apps import apps
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from essaim.accounts.models import Membership, Role, User
from essaim.applications.completeness import missing_items
from essaim.applications.models import Application
from essaim.applications.workflow import Status
from essaim.calls.formschema import schema_errors
from essaim.calls.models import CallKind, Programme, WaveStatus
from essaim.core.models import HistoryEvent
from essaim.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo
from essaim.financing.models import FinancingRequest
from essaim.geo.models import PerimeterCommune
from essaim.labels.models import Label
from essaim.operators.programme_file import TEMPLATES_DIR, dump, export_programme, read
from essaim.operators.services import import_programme
from essaim.projects.models import Project
from essaim.regulatory.models import Ticket
from essaim.support.models import Action, SupportAxis

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

REGIONAL = "innovation-sociale-nouvelle-aquitaine"
REGIONAL_STAFF = {
    "admin-region@demo.essaim.fr": Role.PROGRAMME_ADMIN,
    "instructeur-region@demo.essaim.fr": Role.INSTRUCTOR,
    "guichet-region@demo.essaim.fr": Role.SINGLE_WINDOW_OFFICER,
}
NOUVELLE_AQUITAINE = "75"


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """Load the demo once for the module; every test runs in a savepoint inside it."""
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        transaction.atomic(),
    ):
        load_demo(force=True)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def regional():
    return Programme.objects.get(slug=REGIONAL)


def _references(text: str) -> set[str]:
    return set(re.findall(r"\b(?:ISNA|TFI)-[\w-]+\b", text))


def test_demo_has_a_second_fictitious_programme_with_its_own_single_window(regional):
    french_impact = Programme.objects.get(slug="french-impact-territoires")
    assert regional.name == "Innovation sociale en Nouvelle-Aquitaine (fictif)"
    assert "fictif" in regional.description
    assert regional.owner.is_fictitious
    assert regional.single_window_email == "guichet@innovation-sociale-na.example"
    assert regional.single_window_email != french_impact.single_window_email
    call = regional.calls.get()
    assert call.kind == CallKind.CALL_FOR_PROJECTS and call.opens_on < call.closes_on
    assert schema_errors(call.form_versions.get().schema) == []
    assert call.grid.criteria.count() == 4
    assert sorted(regional.waves.values_list("number", "status")) == [
        (1, WaveStatus.PUBLISHED),
        (2, WaveStatus.PLANNED),
    ]
    assert SupportAxis.objects.filter(programme=regional).count() == 4


def test_regional_staff_hold_their_roles_in_the_regional_programme_only(regional):
    assert [email for email, _role in DEMO_ACCOUNTS if email in REGIONAL_STAFF] == list(
        REGIONAL_STAFF
    )
    for email, role in REGIONAL_STAFF.items():
        user = User.objects.get(email=email)
        assert user.check_password(DEMO_PASSWORD)
        assert not (user.is_superuser or user.is_staff)
        memberships = Membership.objects.active().filter(user=user)
        assert [(m.role, m.programme_id) for m in memberships] == [(role, regional.pk)]


def test_regional_applications_span_the_workflow_on_real_units_of_nouvelle_aquitaine(regional):
    applications = Application.objects.filter(call__programme=regional).select_related(
        "perimeter", "collective", "wave"
    )
    assert sorted(applications.values_list("status", flat=True)) == sorted(
        [
            Status.DRAFT,
            Status.SUBMITTED,
            Status.IN_REVIEW,
            Status.PROPOSED,
            Status.LABELLED,
            Status.NOT_LABELLED,
        ]
    )
    for application in applications:
        assert application.is_fictitious and "(fictif)" in application.title
        assert application.collective.is_fictitious and "(fictif)" in application.collective.name
        regions = PerimeterCommune.objects.filter(perimeter=application.perimeter).values_list(
            "commune__region__code", flat=True
        )
        assert set(regions) == {NOUVELLE_AQUITAINE}, application.perimeter
        if application.status != Status.DRAFT:
            assert missing_items(application) == [], application.reference
    proposed = applications.get(status=Status.PROPOSED)
    assert proposed.wave.status == WaveStatus.PLANNED
    labelled = applications.get(status=Status.LABELLED)
    history = HistoryEvent.objects.for_object(labelled)
    assert [e.to_state for e in history][-1] == Status.LABELLED
    assert history.last().at.date() == labelled.wave.announced_on
    assert applications.get(status=Status.IN_REVIEW).messages.count() == 2


def test_regional_label_has_a_certificate_and_an_open_plan(client, regional):
    label = Label.objects.get(programme=regional)
    assert label.perimeter.name == "Creuse"
    assert label.valid_until.year == label.granted_on.year + 3
    response = client.get(label.get_certificate_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    actions = Action.objects.filter(plan=label.support_plan)
    assert {a.axis.programme_id for a in actions} == {regional.pk}
    assert {"done", "in_progress", "planned", "blocked"} <= set(
        actions.values_list("status", flat=True)
    )
    assert actions.late_on(timezone.localdate()).exists()
    assert label.support_plan.meetings.get().decisions.count() == 2


def test_regional_projects_and_their_financing_request(regional):
    projects = Project.objects.filter(collective__applications__call__programme=regional)
    assert projects.distinct().count() == 2
    request = FinancingRequest.objects.get(project__in=projects)
    assert request.instrument.provider == regional.owner
    assert request.status == "received" and request.is_fictitious


def test_regional_single_window_has_its_own_tickets(regional):
    tickets = Ticket.objects.filter(programme=regional)
    assert sorted(tickets.values_list("state", flat=True)) == sorted(
        ["new", "routed", "in_progress", "answered", "closed"]
    )
    thread = tickets.get(state="answered").messages.order_by("created_at", "pk")
    assert [(m.direction, m.kind) for m in thread] == [
        ("out", "answer"),
        ("in", "message"),
        ("out", "answer"),
    ]
    officer = User.objects.get(email="guichet-region@demo.essaim.fr")
    assert set(Ticket.objects.visible_to(officer)) == set(tickets)
    french_impact_officer = User.objects.get(email="guichet@demo.essaim.fr")
    assert not Ticket.objects.visible_to(french_impact_officer).filter(programme=regional)


def test_regional_instructor_sees_exactly_the_regional_applications(client, regional):
    regional_references = set(
        Application.objects.filter(call__programme=regional).values_list("reference", flat=True)
    )
    submitted = set(
        Application.objects.filter(call__programme=regional)
        .exclude(status=Status.DRAFT)
        .values_list("reference", flat=True)
    )
    client.force_login(User.objects.get(email="instructeur-region@demo.essaim.fr"))
    seen = set()
    for tab in ("a-traiter", "suivis", "traites"):
        response = client.get("/avis/instruction/", {"onglet": tab})
        assert response.status_code == 200
        seen |= _references(response.content.decode())
    assert seen == submitted

    client.logout()
    token = client.post(
        "/api/v1/auth/token",
        {"email": "instructeur-region@demo.essaim.fr", "password": DEMO_PASSWORD},
        content_type="application/json",
    ).json()["token"]
    response = client.get("/api/v1/applications", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(regional_references)
    assert {a["reference"] for a in body["items"]} == regional_references


def test_french_impact_instructor_sees_none_of_the_regional_applications(client, regional):
    client.force_login(User.objects.get(email="instructeur@demo.essaim.fr"))
    for tab in ("a-traiter", "suivis", "traites"):
        response = client.get("/avis/instruction/", {"q": "ISNA", "onglet": tab})
        assert response.status_code == 200
        assert not {r for r in _references(response.content.decode()) if r.startswith("ISNA")}
    regional_application = Application.objects.filter(call__programme=regional).first()
    assert client.get(f"/avis/instruction/{regional_application.pk}/").status_code == 404


def test_loading_the_demo_again_changes_no_row_count():
    def counts():
        return {model._meta.label: model.objects.count() for model in apps.get_models()}

    before = counts()
    assert load_demo() is False  # the same version is recorded: nothing to do
    load_demo(force=True)  # every loader again, French Impact and regional
    assert counts() == before


def test_the_shipped_french_impact_template_is_the_demo_programme_exported():
    """``essaim programme export french-impact-territoires`` on the demo writes the shipped
    template (regenerate it with that command when the demo's configuration changes)."""
    exported = export_programme(Programme.objects.get(slug="french-impact-territoires"))
    # The template names no partner and no instrument: a new programme chooses its own (and a
    # fresh database's catalogue is empty).
    assert exported.pop("partners") and exported.pop("instruments")
    exported["partners"], exported["instruments"] = [], []
    shipped, problems = read((TEMPLATES_DIR / "french-impact.yaml").read_text(encoding="utf-8"))
    assert problems == []
    assert read(dump(exported))[0] == shipped


def test_the_regional_programme_round_trips_and_a_second_import_changes_nothing(regional):
    data, problems = read(dump(export_programme(regional)))
    assert problems == []
    assert data["programme"]["regions"] == [NOUVELLE_AQUITAINE]
    result = import_programme(data)
    assert not result.changed, result.counts
