"""The single window in the API: tickets (scoped), experimentation requests (scoped; filed
directly as on the page ``regulatory:experimentation_new``) and the public knowledge base. Thin:
validation and orchestration only, the services do the writes."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Status

from essaim.accounts.api_auth import BearerOrSession
from essaim.actors.models import Organisation
from essaim.calls.models import Programme
from essaim.core.api.filters import Code, Id, Search, choices_enum
from essaim.core.api.pagination import PageNumberPagination, mapped, paginate
from essaim.core.api.schema import Schema
from essaim.geo.models import Perimeter
from essaim.regulatory import queries, rules, services
from essaim.regulatory.knowledge import Theme
from essaim.regulatory.models import (
    Channel,
    ExperimentationRequest,
    RuleLevel,
    Ticket,
)
from essaim.regulatory.services.common import experimentation_calls
from essaim.regulatory.workflow import ExperimentationState, TicketState

router = Router(tags=["regulatory"])
MAX_TEXT = 20_000
TicketStateFilter = choices_enum("TicketStateFilter", TicketState)
ThemeFilter = choices_enum("ThemeFilter", Theme)
ExperimentationStateFilter = choices_enum("ExperimentationStateFilter", ExperimentationState)


class TicketFilters(Schema):
    state: TicketStateFilter | None = None
    category: ThemeFilter | None = Field(None, description="the ticket's theme")
    programme: Code | None = Field(None, description="the programme's slug")
    territory: Code | None = Field(None, description="the territory's (perimeter's) slug")
    q: Search | None = None


class KnowledgeFilters(Schema):
    q: Search | None = None
    theme: Code | None = Field(None, description="a theme's code")
    rule: Search | None = Field(None, description="words of the rule's reference")


class ExperimentationFilters(Schema):
    state: ExperimentationStateFilter | None = None


class RuleIn(Schema):
    level: RuleLevel
    text: str = Field(min_length=1, max_length=255)
    article: str = Field(default="", max_length=100)


class RuleOut(Schema):
    level: str
    text: str
    article: str


class TicketIn(Schema):
    title: str = Field(min_length=1, max_length=255)
    wants_to_do: str = Field(min_length=1)
    blocked_by: str = Field(min_length=1)
    rules_text: str = ""
    rules: list[RuleIn] = []
    project_title: str = Field(default="", max_length=255)
    perimeter: str | None = Field(default=None, description="slug of a perimeter")
    programme: str | None = Field(default=None, description="slug; the single window's default")
    publish_consent: bool = False
    idempotency_key: str | None = Field(default=None, max_length=64)


class TicketOut(Schema):
    id: int
    number: str
    title: str
    state: str
    state_label: str = Field(description="the state in words, as the pages show it")
    outcome: str
    category: str
    priority: str
    channel: str
    perimeter: str | None
    received_at: datetime
    first_answered_at: datetime | None
    outcome_at: datetime | None
    overdue: bool
    url: str


class MessageOut(Schema):
    direction: str
    kind: str
    channel: str
    subject: str
    body: str
    created_at: datetime
    sent_at: datetime | None


class TicketDetailOut(TicketOut):
    wants_to_do: str
    blocked_by: str
    rules_text: str
    rules: list[RuleOut]
    project_title: str
    organisation: str | None
    administration: str | None
    out_of_scope_reason: str
    outcome_reason: str
    actions: list[str]
    messages: list[MessageOut]


class ArticleOut(Schema):
    slug: str
    title: str
    question: str
    answer: str
    theme: str
    rule_level: str
    rule_reference: str
    outcome: str
    published_at: datetime | None
    is_fictitious: bool


class ExperimentationOut(Schema):
    id: int
    number: str
    title: str
    call: str
    state: str
    state_label: str = Field(description="the state in words, as the pages show it")
    ticket: str | None
    perimeter: str | None
    rule_level: str
    duration_months: int
    granted_from: date | None
    granted_until: date | None
    submitted_at: datetime


class ExperimentationDetailOut(ExperimentationOut):
    derogation_asked: str
    rule_text: str
    evaluation_plan: str
    refusal_reason: str
    granted_perimeter: str | None
    evaluation_dates: list[str]
    evaluation_summary: str
    actions: list[str]


def _ticket_out(ticket: Ticket) -> dict:
    return {
        "id": ticket.pk,
        "number": ticket.number,
        "title": ticket.title,
        "state": ticket.state,
        "state_label": str(ticket.get_state_display()),
        "outcome": ticket.outcome,
        "category": ticket.category,
        "priority": ticket.priority,
        "channel": ticket.channel,
        "perimeter": ticket.perimeter.slug if ticket.perimeter_id else None,
        "received_at": ticket.received_at,
        "first_answered_at": ticket.first_answered_at,
        "outcome_at": ticket.outcome_at,
        "overdue": ticket.is_overdue(),
        "url": f"/guichet-unique/saisines/{ticket.pk}/",
    }


@router.get(
    "/tickets",
    response=list[TicketOut],
    auth=BearerOrSession(),
    summary="Tickets the caller may see (officers: their programmes; others: their own)",
)
@paginate(PageNumberPagination, page_size=50)
def ticket_list(request, filters: Query[TicketFilters]):
    """Newest first (best matches first with ``q``). The filters narrow what the caller may see."""
    tickets = queries.tickets_for(
        request.user,
        filters={
            "state": filters.state and filters.state.value,
            "category": filters.category and filters.category.value,
        },
        q=filters.q or "",
    )
    if filters.territory:
        tickets = tickets.filter(perimeter__slug=filters.territory)
    if filters.programme:
        tickets = tickets.filter(programme__slug=filters.programme)
    return mapped(tickets, _ticket_out)


@router.post(
    "/tickets",
    response={201: TicketDetailOut, 200: TicketDetailOut},
    auth=BearerOrSession(),
    summary="Open a ticket (the same idempotency_key never opens two)",
)
def ticket_create(request, payload: TicketIn):
    if payload.programme:
        programme = Programme.objects.filter(slug=payload.programme).first()
        if programme is None:
            from django.core.exceptions import ValidationError

            raise ValidationError({"programme": f"Programme inconnu : « {payload.programme} »."})
    else:
        programme = Programme.objects.exclude(single_window_email="").order_by("pk").first()
        if programme is None:
            raise Http404("Aucun programme n'a de guichet unique.")
    perimeter = None
    if payload.perimeter:
        perimeter = Perimeter.objects.filter(slug=payload.perimeter).first()
        if perimeter is None:
            from django.core.exceptions import ValidationError

            raise ValidationError({"perimeter": f"Territoire inconnu : « {payload.perimeter} »."})
    existed = bool(
        payload.idempotency_key
        and Ticket.objects.filter(idempotency_key=payload.idempotency_key).exists()
    )
    ticket = services.ticket_create(
        user=request.user,
        programme=programme,
        title=payload.title,
        wants_to_do=payload.wants_to_do,
        blocked_by=payload.blocked_by,
        rules_text=payload.rules_text,
        rules=[r.dict() for r in payload.rules],
        project_title=payload.project_title,
        perimeter=perimeter,
        channel=Channel.API,
        publish_consent=payload.publish_consent,
        idempotency_key=payload.idempotency_key,
    )
    if existed and not Ticket.objects.visible_to(request.user).filter(pk=ticket.pk).exists():
        raise Http404("Clé d'idempotence déjà utilisée.")
    return Status(200 if existed else 201, _ticket_detail(ticket, request.user))


def _ticket_detail(ticket: Ticket, user) -> dict:
    return {
        **_ticket_out(ticket),
        "wants_to_do": ticket.wants_to_do,
        "blocked_by": ticket.blocked_by,
        "rules_text": ticket.rules_text,
        "rules": [
            {"level": r.level, "text": r.text, "article": r.article} for r in ticket.rules.all()
        ],
        "project_title": ticket.project_title,
        "organisation": ticket.organisation.name if ticket.organisation_id else None,
        "administration": ticket.administration.name if ticket.administration_id else None,
        "out_of_scope_reason": ticket.out_of_scope_reason,
        "outcome_reason": ticket.outcome_reason,
        "actions": [t.name for t in services.ticket_actions(ticket, user)],
        "messages": list(ticket.messages.all()),
    }


@router.get(
    "/tickets/{ticket_id}",
    response=TicketDetailOut,
    auth=BearerOrSession(),
    summary="One ticket with its thread",
)
def ticket_detail(request, ticket_id: int):
    ticket = (
        Ticket.objects.visible_to(request.user)
        .select_related("perimeter", "organisation", "administration")
        .filter(pk=ticket_id)
        .first()
    )
    if ticket is None:
        raise Http404(f"Saisine {ticket_id} introuvable.")
    return _ticket_detail(ticket, request.user)


@router.get(
    "/knowledge-base",
    response=list[ArticleOut],
    summary="Published, anonymised questions and answers (public)",
)
@paginate(PageNumberPagination, page_size=50)
def knowledge_base(request, filters: Query[KnowledgeFilters]):
    return queries.published_articles(
        q=filters.q or "", theme=filters.theme or "", rule=filters.rule or ""
    )


@router.get(
    "/knowledge-base/figures",
    response=dict,
    summary="Public figures of the single window",
)
def figures(request):
    return queries.public_figures()


def _experimentation_out(obj: ExperimentationRequest) -> dict:
    return {
        "id": obj.pk,
        "number": obj.number,
        "title": obj.title,
        "call": obj.call.slug,
        "state": obj.state,
        "state_label": str(obj.get_state_display()),
        "ticket": obj.ticket.number if obj.ticket_id else None,
        "perimeter": obj.perimeter.slug if obj.perimeter_id else None,
        "rule_level": obj.rule_level,
        "duration_months": obj.duration_months,
        "granted_from": obj.granted_from,
        "granted_until": obj.granted_until,
        "submitted_at": obj.submitted_at,
    }


@router.get(
    "/experimentation-requests",
    response=list[ExperimentationOut],
    auth=BearerOrSession(),
    summary="Experimentation requests the caller may see",
)
@paginate(PageNumberPagination, page_size=50)
def experimentation_list(request, filters: Query[ExperimentationFilters]):
    requests = ExperimentationRequest.objects.visible_to(request.user).select_related(
        "call", "ticket", "perimeter"
    )
    if filters.state:
        requests = requests.filter(state=filters.state.value)
    return mapped(requests, _experimentation_out)


class ExperimentationIn(Schema):
    """The fields of the page's form "file an experimentation request"."""

    call_id: Id = Field(description="an experimentation call for projects (of any programme)")
    title: str = Field(min_length=1, max_length=255)
    project_title: str = Field("", max_length=255)
    perimeter_slug: Code | None = Field(None, description="the territory's (perimeter's) slug")
    derogation_asked: str = Field(min_length=1, max_length=MAX_TEXT)
    rule_text: str = Field(min_length=1, max_length=MAX_TEXT)
    rule_level: RuleLevel = Field(
        description="European Union law and the local authorities' own rules are refused"
    )
    duration_months: int = Field(ge=1, le=60)
    evaluation_plan: str = Field(min_length=1, max_length=MAX_TEXT)


@router.post(
    "/experimentation-requests",
    response={201: ExperimentationDetailOut},
    auth=BearerOrSession(),
    summary="File an experimentation request in an experimentation call (anyone signed in, as "
    "on the page; for the first organisation the caller holds a project in)",
)
def experimentation_create(request, payload: ExperimentationIn):
    """Send an ``Idempotency-Key`` header: the same request sent again files nothing twice."""
    call = experimentation_calls().filter(pk=payload.call_id).first()
    perimeter = None
    if payload.perimeter_slug:
        perimeter = Perimeter.objects.filter(slug=payload.perimeter_slug).first()
        if perimeter is None:
            raise ValidationError(
                {
                    "perimeter_slug": _("Territoire « %(slug)s » introuvable.")
                    % {"slug": payload.perimeter_slug}
                }
            )
    organisation_id = rules.default_organisation_id(request.user)
    try:
        obj = services.experimentation_submit(
            user=request.user,
            call=call,
            title=payload.title,
            project_title=payload.project_title.strip(),
            perimeter=perimeter,
            derogation_asked=payload.derogation_asked,
            rule_text=payload.rule_text,
            rule_level=payload.rule_level.value,
            duration_months=payload.duration_months,
            evaluation_plan=payload.evaluation_plan,
            organisation=Organisation.objects.filter(pk=organisation_id).first(),
        )
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        renamed = {"call": "call_id", "perimeter": "perimeter_slug"}
        raise ValidationError(
            {renamed.get(field, field): errors for field, errors in exc.message_dict.items()}
        ) from None
    return Status(201, _experimentation_detail(_experimentation(request, obj.pk), request.user))


@router.get(
    "/experimentation-requests/{request_id}",
    response=ExperimentationDetailOut,
    auth=BearerOrSession(),
    summary="One experimentation request",
)
def experimentation_detail(request, request_id: int):
    return _experimentation_detail(_experimentation(request, request_id), request.user)


def _experimentation(request, request_id: int) -> ExperimentationRequest:
    obj = (
        ExperimentationRequest.objects.visible_to(request.user)
        .select_related("call__programme", "ticket", "perimeter", "granted_perimeter")
        .filter(pk=request_id)
        .first()
    )
    if obj is None:
        raise Http404(f"Demande d'expérimentation {request_id} introuvable.")
    return obj


def _experimentation_detail(obj: ExperimentationRequest, user) -> dict:
    return {
        **_experimentation_out(obj),
        "derogation_asked": obj.derogation_asked,
        "rule_text": obj.rule_text,
        "evaluation_plan": obj.evaluation_plan,
        "refusal_reason": obj.refusal_reason,
        "granted_perimeter": obj.granted_perimeter.slug if obj.granted_perimeter_id else None,
        "evaluation_dates": obj.evaluation_dates,
        "evaluation_summary": obj.evaluation_summary,
        "actions": [t.name for t in services.experimentation_actions(obj, user)],
    }
