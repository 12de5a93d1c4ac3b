"""The world of the permission matrix: the whole demo data set (two programmes, every demo role)
plus a superuser, and the objects each route is asked about — all of the French Impact
programme, so that the regional programme's admin is the "staff of another programme"."""

from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import override_settings

# The identities of the matrix, in the order of the table's columns.
IDENTITIES = (
    "anon",  # not signed in
    "other",  # admin of the regional programme (another programme's staff)
    "admin",  # French Impact programme admin
    "instr",  # French Impact instructor
    "offcr",  # French Impact single-window officer
    "lead",  # territory lead of the collective that holds the application
    "expert",  # expert (French Impact) asked for an opinion on that application
    "fin",  # financer (Bpifrance), provider of the instrument asked
    "holder",  # project holder of the project asked about
    "root",  # superuser
)
ACCOUNTS = {
    "other": "admin-region@demo.essaim.fr",
    "admin": "admin@demo.essaim.fr",
    "instr": "instructeur@demo.essaim.fr",
    "offcr": "guichet@demo.essaim.fr",
    "lead": "porteur@demo.essaim.fr",
    "expert": "expert@demo.essaim.fr",
    "fin": "financeur@demo.essaim.fr",
    "holder": "projet@demo.essaim.fr",
}


@dataclass
class World:
    users: dict = field(default_factory=dict)
    ids: dict = field(default_factory=dict)
    # Each identity's session cookie, signed in once (a login writes ``last_login``: doing it
    # for each request would change the tables a refused write must leave alone).
    cookies: dict = field(default_factory=dict)

    def client(self, identity: str):
        from django.test import Client

        client = Client()
        if identity in self.cookies:
            client.cookies = self.cookies[identity].copy()
        return client


def build_world() -> World:
    from essaim.accounts.models import Membership, User
    from essaim.accounts.services import api_token_create, invitation_send
    from essaim.applications.models import Application, Attachment, Message
    from essaim.calls.models import Programme, ProgrammePartner, Wave
    from essaim.financing.models import (
        AlertSubscription,
        FinancingRequest,
        Instrument,
        RequestDocument,
    )
    from essaim.labels.models import Label
    from essaim.projects.models import Project
    from essaim.regulatory.models import (
        ExperimentationRequest,
        KnowledgeArticle,
        KnowledgeCategory,
        QuarantinedMail,
        Ticket,
        TicketAttachment,
    )
    from essaim.reviews.models import ReviewRequest
    from essaim.support.models import Action, MeetingDecision, Milestone, SupportAxis
    from essaim.testing import superuser

    world = World()
    world.users = {name: User.objects.get(email=email) for name, email in ACCOUNTS.items()}
    world.users["root"] = superuser()
    users = world.users
    # The demo makes its programme admin a superuser too (to show the Django admin): here the
    # admin is a programme admin only; the superuser has its own column.
    User.objects.filter(pk=users["admin"].pk).update(is_staff=False, is_superuser=False)
    users["admin"].refresh_from_db()

    programme = Programme.objects.get(slug="french-impact-territoires")
    collective_id = Membership.objects.get(user=users["lead"]).collective_id
    holder_org = Membership.objects.get(user=users["holder"]).organisation_id
    financer_org = Membership.objects.get(user=users["fin"]).organisation_id

    application = Application.objects.get(collective_id=collective_id, call__programme=programme)
    label = Label.objects.get(application=application)
    plan = label.support_plan
    call = application.call
    project = Project.objects.filter(holder_id=holder_org, collective_id=collective_id).first()
    request = FinancingRequest.objects.filter(
        project=project, instrument__provider_id=financer_org
    ).first()
    document = RequestDocument.objects.create(
        request=request,
        file=ContentFile(b"%PDF-1.4 matrix", name="piece.pdf"),
        original_name="piece.pdf",
        size=15,
    )
    message = Message.objects.create(
        application=application,
        author=users["lead"],
        body="Pièce pour la matrice",
        attachment=ContentFile(b"%PDF-1.4 matrix", name="message.pdf"),
        attachment_name="message.pdf",
        attachment_size=15,
    )
    upload = Attachment.objects.create(
        application=application,
        field_key="piece",
        file=ContentFile(b"%PDF-1.4 matrix", name="reponse.pdf"),
        original_name="reponse.pdf",
        size=15,
        content_type="application/pdf",
        uploaded_by=users["lead"],
    )
    attachment = TicketAttachment.objects.order_by("pk").first()
    ids = {
        "application": application.pk,
        "member": application.collective.members.order_by("pk").first().pk,
        "person": application.people.order_by("pk").first().pk,
        "challenge": application.challenges.order_by("pk").first().pk,
        "message": message.pk,
        "attachment": upload.pk,
        "call": call.pk,
        "call_slug": call.slug,
        "cutoff": call.cutoffs.order_by("pk").first().pk,
        "review": ReviewRequest.objects.filter(expert=users["expert"], application=application)
        .order_by("pk")
        .first()
        .pk,
        "label": label.pk,
        "label_code": label.verification_code,
        "wave": Wave.objects.filter(programme=programme, status="planned").first().pk,
        "plan": plan.pk,
        "action": Action.objects.filter(plan=plan, status="planned").order_by("pk").first().pk,
        "milestone": Milestone.objects.filter(plan=plan).order_by("pk").first().pk,
        "decision": MeetingDecision.objects.filter(meeting__plan=plan).order_by("pk").first().pk,
        "project": project.pk,
        "need": project.needs.order_by("pk").first().pk,
        "instrument": Instrument.objects.filter(provider_id=financer_org).order_by("pk").first().pk,
        "request": request.pk,
        "document": document.pk,
        "ticket": Ticket.objects.filter(programme=programme, author=users["holder"], state="new")
        .order_by("pk")
        .first()
        .pk,
        "ticket_attachment": attachment.pk,
        "attachment_ticket": attachment.ticket_id,
        "quarantine": QuarantinedMail.objects.filter(programme=programme).order_by("pk").first().pk,
        "experimentation": ExperimentationRequest.objects.filter(
            call__programme=programme, state="submitted"
        )
        .order_by("pk")
        .first()
        .pk,
        "article": KnowledgeArticle.objects.filter(is_published=True).order_by("pk").first().slug,
        "article_ticket": KnowledgeArticle.objects.filter(
            is_published=True, ticket__programme=programme
        )
        .order_by("pk")
        .first()
        .ticket_id,
        "perimeter": label.perimeter.slug,
        "perimeter_id": label.perimeter.pk,
        "organisation": holder_org,
        "commune": "86194",
    }
    repeats = [
        f["key"]
        for section in application.form_version.schema.get("sections", [])
        for f in section.get("fields", [])
        if f.get("kind") == "repeat"
    ]
    ids["axis"] = SupportAxis.objects.filter(programme=programme).order_by("pk").first().pk
    # A knowledge-base category no article uses (the last of the default set).
    ids["kb_category"] = (
        KnowledgeCategory.objects.filter(programme=programme).order_by("-position").first().pk
    )
    ids["block"] = repeats[0] if repeats else "bloc"
    ids["api_token"] = api_token_create(user=users["lead"], name="matrice")[0].pk
    ids["alert"] = AlertSubscription.objects.create(user=users["lead"], project=project).pk
    ids["programme_slug"] = programme.slug
    ids["programme_id"] = programme.pk
    ids["team_member"] = (
        Membership.objects.filter(user=users["instr"], programme=programme, role="instructor")
        .get()
        .pk
    )
    ids["invitation"] = invitation_send(
        user=users["admin"], programme=programme, email="invitee@matrix.test", role="instructor"
    )[0].pk
    # impact: an indicator entered directly, a territory value not yet published, the campaign.
    from essaim.impact.models import Campaign, Indicator, Measurement, Report

    ids["impact_indicator"] = Indicator.objects.get(programme=programme, code="emplois-crees").pk
    ids["impact_measurement"] = (
        Measurement.objects.filter(label=label, project__isnull=True, status="recorded")
        .order_by("pk")
        .first()
        .pk
    )
    ids["impact_campaign"] = Campaign.objects.filter(programme=programme).order_by("pk").first().pk
    report = Report.objects.filter(label=label).order_by("pk").first()  # the demo's, generated
    ids["impact_report"] = report.pk
    ids["impact_report_section"] = report.sections.order_by("pk").first().pk
    # Partner organisations (operators): a partnership, its organisation, a role held in it.
    fin_partner = ProgrammePartner.objects.get(
        programme=programme, organisation_id=financer_org, ended_at=None
    )
    ids["partner"] = fin_partner.pk
    ids["partner_organisation"] = financer_org
    ids["partner_member"] = Membership.objects.get(user=users["fin"]).pk
    experimentation = ExperimentationRequest.objects.get(pk=ids["experimentation"])
    ids["experimentation_call"] = experimentation.call_id
    _synergies_ids(ids, project)
    _webhooks_ids(ids, users["admin"], programme)
    _news_ids(ids, users["admin"], programme)
    _jobs_ids(ids, users["instr"], programme)
    world.ids = ids
    from django.test import Client

    for name, user in users.items():
        client = Client()
        client.force_login(user)
        world.cookies[name] = client.cookies
    return world


def _webhooks_ids(ids: dict, admin, programme) -> None:
    """The admin's webhook subscription (to a closed local port) and one failed delivery."""
    from essaim.webhooks.models import Delivery, Subscription

    subscription = Subscription.objects.create(
        owner=admin, programme=programme, url="http://127.0.0.1:9/hook", events=["label.granted"]
    )
    ids["webhook"] = subscription.pk
    ids["webhook_delivery"] = Delivery.objects.create(
        subscription=subscription, event_type="label.granted", status="failed", attempts=6
    ).pk


def _jobs_ids(ids: dict, instructor, programme) -> None:
    """The instructor's finished export (a background job) and its file."""
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from essaim.core.models import BackgroundJob, JobState

    job = BackgroundJob(
        requested_by=instructor,
        programme_id=programme.pk,
        kind="reviews.call_export",
        title="Export XLSX des candidatures",
        fingerprint="matrix",
        state=JobState.DONE,
        filename="export.xlsx",
        content_type="application/octet-stream",
        finished_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=7),
    )
    job.result.save("export.xlsx", ContentFile(b"PK"), save=False)
    job.save()
    ids["job"] = job.pk


def _synergies_ids(ids: dict, project) -> None:
    """The engaged company's offer, the supermarket's logistics need, the introduction another
    company proposed on it (to the world's holder and lead), the French Impact event to come."""
    from django.utils import timezone

    from essaim.demo.accounts import COMPANY_ORG
    from essaim.synergies.models import Event, Introduction, Offer, ProjectRelation

    introduction = (
        Introduction.objects.filter(project=project, status="proposed").order_by("pk").first()
    )
    offer = Offer.objects.filter(company__name=COMPANY_ORG).order_by("pk").first()
    ids["offer"] = offer.pk
    ids["company"] = offer.company_id
    ids["need"] = introduction.need_id
    ids["introduction"] = introduction.pk
    # A running relation of the holder's project (ended from the project's page).
    relation = (
        ProjectRelation.objects.filter(project=project, ended_on__isnull=True)
        .order_by("pk")
        .first()
    )
    if relation is None:
        relation = ProjectRelation.objects.create(
            project=project, organisation_id=offer.company_id, kind="partner"
        )
    ids["project_relation"] = relation.pk
    ids["event"] = (
        Event.objects.filter(
            programme__slug="french-impact-territoires", starts_at__gte=timezone.now()
        )
        .order_by("pk")
        .first()
        .pk
    )


def _news_ids(ids: dict, admin, programme) -> None:
    """The demo's first French Impact post (published), and a draft with an image."""
    from essaim.portal.models import NewsPost
    from essaim.portal.news_services import news_create
    from essaim.portal.tests.news_support import png

    ids["news_slug"] = (
        NewsPost.objects.published().filter(programme=programme).order_by("published_at").first()
    ).slug
    draft = news_create(
        user=admin,
        programme=programme,
        title="Brouillon de la matrice",
        summary="Brouillon.",
        body="Brouillon.",
        image=png(),
        image_alt="Un carré orange",
    )
    ids["news_draft"], ids["news_draft_slug"] = draft.pk, draft.slug


# --- Fixtures (import them into a test module: each module loads its own world) -------------


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    return tmp_path_factory.mktemp("matrix-media")


@pytest.fixture(autouse=True)
def _media_root(settings, media):
    """The world's files stay where the module's world wrote them."""
    settings.MEDIA_ROOT = media


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, media):
    """The demo, loaded once for the module (rolled back at the end); each test runs in a
    savepoint inside it."""
    from essaim.demo import load_demo

    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        load_demo(force=True)
        yield build_world()
        transaction.set_rollback(True)
