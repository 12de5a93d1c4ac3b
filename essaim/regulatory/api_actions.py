"""The single window's other actions in the API, as on its pages: a ticket's conversion into an
experimentation request, its publication in the knowledge base and its withdrawal, an
experimentation request's transitions, and the held mail (quarantine and messages to confirm:
re-process, attach to a ticket, file as a new ticket, discard, give to a programme; the message as
received). Scoped like the pages (a 404 outside); the services check who may (a 403) and the state
(a 409 saying why)."""

import datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Status

from essaim.accounts.api_auth import BearerOrSession
from essaim.calls.models import Programme
from essaim.core.api.filters import Code, Id, choices_enum
from essaim.core.api.pagination import PageNumberPagination, mapped, paginate
from essaim.core.api.schema import Schema
from essaim.geo.models import Perimeter
from essaim.regulatory import inbound, rules_mail, services, services_mail
from essaim.regulatory.api import (
    ArticleOut,
    ExperimentationDetailOut,
    _experimentation,
    _experimentation_detail,
)
from essaim.regulatory.api_tickets import _ticket
from essaim.regulatory.models import (
    HeldMailKind,
    KnowledgeArticle,
    QuarantinedMail,
    QuarantineStatus,
    RuleLevel,
    Ticket,
)
from essaim.regulatory.services.common import experimentation_calls
from essaim.regulatory.workflow import EXPERIMENTATION_BY_NAME

router = Router(tags=["regulatory"])

MAX_TEXT = 20_000
HeldMailKindFilter = choices_enum("HeldMailKindFilter", HeldMailKind)
HeldMailStatusFilter = choices_enum("HeldMailStatusFilter", QuarantineStatus)
EvaluationDate = Annotated[datetime.date, Field(description="an evaluation date")]


def _conflict(exc: ValidationError, fields: set[str], renamed: dict | None = None):
    """A refusal due to the object's state (an error on one of ``fields``) as a 409 saying why,
    whatever else the input had; any other error a 422 naming the API's field (``renamed``: the
    service's field → the API's)."""
    errors = exc.message_dict if getattr(exc, "error_dict", None) else {}
    states = [m for field in sorted(fields & set(errors)) for m in errors[field]]
    if states:
        return Status(409, {"detail": " ".join(states)})
    if renamed and errors:
        raise ValidationError(
            {renamed.get(field, field): messages for field, messages in errors.items()}
        ) from None
    raise exc


def _perimeter(slug: str | None, field: str) -> Perimeter | None:
    if not slug:
        return None
    perimeter = Perimeter.objects.filter(slug=slug).first()
    if perimeter is None:
        raise ValidationError({field: _("Territoire « %(slug)s » introuvable.") % {"slug": slug}})
    return perimeter


# --- A ticket's conversion and publication -------------------------------------------------------


class TicketToExperimentationIn(Schema):
    call_id: Id = Field(description="an experimentation call of the ticket's programme")
    derogation_asked: str = Field(min_length=1, max_length=MAX_TEXT)
    rule_text: str = Field(min_length=1, max_length=MAX_TEXT)
    rule_level: RuleLevel
    duration_months: int = Field(ge=1, le=60)
    evaluation_plan: str = Field(min_length=1, max_length=MAX_TEXT)
    perimeter_slug: Code | None = Field(None, description="the ticket's territory when left out")


@router.post(
    "/tickets/{ticket_id}/experimentation-request",
    response={201: ExperimentationDetailOut, 409: dict},
    auth=BearerOrSession(),
    summary="Turn a ticket into an experimentation request (closes the ticket; the officers)",
)
def ticket_to_experimentation(request, ticket_id: int, payload: TicketToExperimentationIn):
    """The request keeps the ticket's author, organisation, project and territory. A ticket
    already closed or already converted: 409."""
    ticket = _ticket(request, ticket_id)
    # An unknown call (or another programme's) is left to the service, which names it once the
    # caller's right and the ticket's state are checked.
    call = (
        experimentation_calls().filter(programme_id=ticket.programme_id, pk=payload.call_id).first()
    )
    try:
        obj = services.ticket_to_experimentation(
            ticket=ticket,
            user=request.user,
            call=call,
            derogation_asked=payload.derogation_asked,
            rule_text=payload.rule_text,
            rule_level=payload.rule_level.value,
            duration_months=payload.duration_months,
            evaluation_plan=payload.evaluation_plan,
            perimeter=_perimeter(payload.perimeter_slug, "perimeter_slug"),
        )
    except ValidationError as exc:
        return _conflict(exc, {"state", "ticket"}, {"call": "call_id"})
    return Status(201, _experimentation_detail(_experimentation(request, obj.pk), request.user))


class ArticleIn(Schema):
    """Each field left out keeps the published article's, or the first anonymised draft's."""

    title: str | None = Field(None, min_length=1, max_length=255)
    question: str | None = Field(None, min_length=1, max_length=MAX_TEXT)
    answer: str | None = Field(None, min_length=1, max_length=MAX_TEXT)
    theme: Code | None = Field(None, description="a category of the ticket's programme")
    rule_level: RuleLevel | None = None
    rule_reference: str | None = Field(None, max_length=255)


ARTICLE_FIELDS = ("title", "question", "answer", "theme", "rule_level", "rule_reference")


@router.put(
    "/tickets/{ticket_id}/article",
    response={200: ArticleOut, 409: dict},
    auth=BearerOrSession(),
    summary="Publish (or update) a closed ticket's anonymised answer in the knowledge base",
)
def ticket_article_publish(request, ticket_id: int, payload: ArticleIn):
    """The officers of the ticket's programme, once the ticket is closed with an outcome and its
    author agreed to publication (else 409). Text still holding an e-mail address or a phone
    number is refused (422 naming the field)."""
    ticket = _ticket(request, ticket_id)
    article = getattr(ticket, "article", None)
    data = (
        {f: getattr(article, f) for f in ARTICLE_FIELDS}
        if article is not None
        else services.article_draft(ticket)
    )
    for field, value in payload.dict(exclude_unset=True).items():
        if value is not None:
            data[field] = getattr(value, "value", value)
    try:
        article = services.article_publish(ticket=ticket, user=request.user, **data)
    except ValidationError as exc:
        return _conflict(exc, {"state", "publish_consent"})
    return Status(200, article)


@router.delete(
    "/tickets/{ticket_id}/article",
    response={204: None, 409: dict},
    auth=BearerOrSession(),
    summary="Withdraw a ticket's article from the knowledge base (the officers)",
)
def ticket_article_unpublish(request, ticket_id: int):
    """The officers of the ticket's programme; the article stays, unpublished, and ``PUT``
    publishes it again. No article: 404; already withdrawn: 409."""
    ticket = _ticket(request, ticket_id)
    article = KnowledgeArticle.objects.filter(ticket=ticket).first()
    if article is None:
        raise Http404(_("Aucune réponse publiée pour cette saisine."))
    try:
        services.article_unpublish(article=article, user=request.user)
    except ValidationError as exc:
        return _conflict(exc, {"state"})
    return Status(204, None)


# --- An experimentation request's transitions ----------------------------------------------------


class ExperimentationTransitionIn(Schema):
    """``comment``: refuse, evaluate, abandon (required); the reason or the assessment. The
    others: grant only."""

    comment: str = Field("", max_length=MAX_TEXT)
    granted_from: datetime.date | None = None
    granted_until: datetime.date | None = None
    granted_perimeter_slug: Code | None = Field(
        None, description="the request's territory when left out"
    )
    evaluation_dates: list[EvaluationDate] = Field(default=[], max_length=2)


@router.post(
    "/experimentation-requests/{request_id}/transitions/{name}",
    response={200: ExperimentationDetailOut, 409: dict},
    auth=BearerOrSession(),
    summary="Take an experimentation request's action (review, grant, refuse, evaluate, …)",
)
def experimentation_transition(
    request, request_id: int, name: str, payload: ExperimentationTransitionIn
):
    """The officers and admins of the call's programme; ``actions`` of the request lists those
    the caller may take now. Not from the request's state: 409."""
    obj = _experimentation(request, request_id)
    if name not in EXPERIMENTATION_BY_NAME:
        raise Http404(_("Action inconnue : « %(name)s ».") % {"name": name})
    try:
        services.experimentation_transition(
            request=obj,
            user=request.user,
            name=name,
            comment=payload.comment,
            granted_from=payload.granted_from,
            granted_until=payload.granted_until,
            granted_perimeter=_perimeter(payload.granted_perimeter_slug, "granted_perimeter_slug"),
            evaluation_dates=payload.evaluation_dates,
        )
    except ValidationError as exc:
        return _conflict(exc, {"state"}, {"granted_perimeter": "granted_perimeter_slug"})
    return Status(200, _experimentation_detail(_experimentation(request, obj.pk), request.user))


# --- The held mail -------------------------------------------------------------------------------


class HeldMailFilters(Schema):
    kind: HeldMailKindFilter | None = None
    status: HeldMailStatusFilter | None = Field(None, description="`pending` by default")


class HeldMailOut(Schema):
    id: int
    kind: str
    status: str
    status_label: str
    programme: str | None = Field(description="the programme's slug; none: addressed to none")
    ticket: str | None = Field(description="the ticket it claims or went to (its number)")
    from_email: str
    subject: str
    reason: str
    received_at: datetime.datetime
    resolved_at: datetime.datetime | None


class HeldMailActionIn(Schema):
    """``number``: attach (a ticket of the message's programme); ``comment``: discard (why,
    optional); ``programme``: assign (a programme's slug, for mail addressed to none)."""

    number: str = Field("", max_length=32)
    comment: str = Field("", max_length=MAX_TEXT)
    programme: Code = ""


class HeldMailActionOut(HeldMailOut):
    result: str = Field(description="reprocess: what the intake did with it this time")
    created_ticket: str | None = Field(description="the ticket filed, attached to or created")


def _held_out(item: QuarantinedMail) -> dict:
    return {
        "id": item.pk,
        "kind": item.kind,
        "status": item.status,
        "status_label": str(item.get_status_display()),
        "programme": item.programme.slug if item.programme_id else None,
        "ticket": item.ticket.number if item.ticket_id else None,
        "from_email": item.from_email,
        "subject": item.subject,
        "reason": item.reason,
        "received_at": item.received_at,
        "resolved_at": item.resolved_at,
    }


def _held_mail(request):
    if not rules_mail.can_list_held_mail(request.user):
        raise PermissionDenied(_("Réservé aux agents du guichet unique."))
    return (
        QuarantinedMail.objects.visible_to(request.user)
        .defer("raw")
        .select_related("programme", "ticket")
    )


@router.get(
    "/held-mail",
    response=list[HeldMailOut],
    auth=BearerOrSession(),
    summary="The held mail of the caller's single windows (the officers), newest first",
)
@paginate(PageNumberPagination, page_size=50)
def held_mail_list(request, filters: Query[HeldMailFilters]):
    items = _held_mail(request).filter(
        status=filters.status.value if filters.status else QuarantineStatus.PENDING
    )
    if filters.kind:
        items = items.filter(kind=filters.kind.value)
    return mapped(items.order_by("-received_at", "-pk"), _held_out)


def _attach(item, user, payload) -> Ticket:
    number = payload.number.strip().upper()
    ticket = Ticket.objects.filter(programme_id=item.programme_id, number=number).first()
    if item.programme_id is None or ticket is None:
        raise ValidationError({"number": _("Aucune saisine de ce numéro dans ce guichet unique.")})
    services_mail.held_mail_attach(item=item, user=user, ticket=ticket)
    return ticket


def _assign(item, user, payload) -> None:
    programme = (
        Programme.objects.exclude(single_window_email="").filter(slug=payload.programme).first()
    )
    if programme is None:
        raise ValidationError({"programme": _("Programme inconnu ou sans guichet unique.")})
    services_mail.held_mail_assign(item=item, user=user, programme=programme)


def _reprocess(item, user, payload):
    return services_mail.quarantine_reprocess(item=item, user=user)


# name: what it does, returning the ingest result (reprocess), a ticket, or nothing.
HELD_MAIL_ACTIONS = {
    "reprocess": _reprocess,
    "attach": _attach,
    "file": lambda item, user, payload: services_mail.held_mail_file(item=item, user=user),
    "discard": lambda item, user, payload: services_mail.held_mail_discard(
        item=item, user=user, comment=payload.comment
    ),
    "assign": _assign,
}


@router.post(
    "/held-mail/{item_id}/actions/{name}",
    response={200: HeldMailActionOut, 409: dict},
    auth=BearerOrSession(),
    summary="Act on a held message (reprocess, attach, file, discard, assign)",
)
def held_mail_action(request, item_id: int, name: str, payload: HeldMailActionIn):
    """As on the message's page. Already handled, or not an action for this kind of message, or
    unusable as it is: 409."""
    item = _held_mail(request).filter(pk=item_id).first()
    if item is None:
        raise Http404(_("Courriel %(id)s introuvable.") % {"id": item_id})
    action = HELD_MAIL_ACTIONS.get(name)
    if action is None:
        raise Http404(_("Action inconnue : « %(name)s ».") % {"name": name})
    try:
        result = action(item, request.user, payload)
    except ValidationError as exc:
        # Filing a message of no programme yet is refused by its state too.
        states = (
            {"status", "kind", "raw", "programme"} if name == "file" else {"status", "kind", "raw"}
        )
        return _conflict(exc, states, {"ticket": "number"})
    ticket = result if isinstance(result, Ticket) else getattr(result, "ticket", None)
    item = _held_mail(request).get(pk=item.pk)
    return Status(
        200,
        {
            **_held_out(item),
            "result": result.status if isinstance(result, inbound.IngestResult) else "",
            "created_ticket": ticket.number if ticket is not None else None,
        },
    )


@router.get(
    "/held-mail/{item_id}/raw",
    auth=BearerOrSession(),
    summary="Download a held message as received (an .eml file; the officers)",
    openapi_extra={
        "responses": {
            200: {
                "description": "The message exactly as received (its beginning only when it "
                "was too large)",
                "content": {"message/rfc822": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def held_mail_raw(request, item_id: int):
    """As the held message's page offers it: the officers of its programme."""
    item = _held_mail(request).defer(None).filter(pk=item_id).first()
    if item is None:
        raise Http404(_("Courriel %(id)s introuvable.") % {"id": item_id})
    response = HttpResponse(bytes(item.raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="courriel-{item.pk}.eml"'
    return response
