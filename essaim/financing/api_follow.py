"""A financing request's documents and the alerts on new instruments in the API, as on the
financing pages: the documents sent with a request are listed and downloaded by whoever sees the
request (a 404 for anyone else), always as a file; the alerts are the caller's own subscriptions
to new or changed instruments matching one of their projects or a territory's projects
(``services.alert_subscribe``/``alert_unsubscribe``, which check who may: a 403)."""

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Status

from essaim.accounts.api_auth import BearerOrSession
from essaim.actors.models import Collective
from essaim.core.api.files import BINARY, download
from essaim.core.api.filters import Id
from essaim.core.api.pagination import PageNumberPagination, mapped, paginate
from essaim.core.api.schema import Schema
from essaim.financing import services
from essaim.financing.api import _request
from essaim.financing.models import AlertSubscription, RequestDocument
from essaim.projects.models import Project

router = Router(tags=["financing"])


# --- A request's documents -----------------------------------------------------------------------


class RequestDocumentOut(Schema):
    id: int
    name: str
    size: int
    uploaded_at: datetime.datetime


def _document_out(document: RequestDocument) -> dict:
    return {
        "id": document.pk,
        "name": document.original_name,
        "size": document.size,
        "uploaded_at": document.uploaded_at,
    }


@router.get(
    "/financing-requests/{request_id}/documents",
    response=list[RequestDocumentOut],
    auth=BearerOrSession(),
    summary="The documents sent with a request (whoever sees the request)",
)
@paginate(PageNumberPagination, page_size=50)
def request_documents(request, request_id: int):
    req = _request(request, request_id)
    return mapped(req.documents.order_by("uploaded_at", "pk"), _document_out)


@router.get(
    "/financing-requests/{request_id}/documents/{document_id}",
    auth=BearerOrSession(),
    summary="Download a request's document (never rendered)",
    openapi_extra=BINARY,
)
def request_document(request, request_id: int, document_id: int):
    req = _request(request, request_id)
    document = req.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404(_("Document %(id)s introuvable.") % {"id": document_id})
    return download(document.file, document.original_name)


# --- Alerts --------------------------------------------------------------------------------------


class AlertOut(Schema):
    id: int
    project: dict | None = Field(description="`id`, `title`: the project followed")
    collective: dict | None = Field(description="`id`, `name`: the territory followed")
    created_at: datetime.datetime
    last_sent_at: datetime.datetime | None = Field(description="the last digest sent")


class AlertIn(Schema):
    """One of the two: a project the caller may edit, or a territory they belong to (or whose
    owning programme's staff they are)."""

    project_id: Id | None = None
    collective_id: Id | None = None


def _alert_out(subscription: AlertSubscription) -> dict:
    project, collective = subscription.project, subscription.collective
    return {
        "id": subscription.pk,
        "project": {"id": project.pk, "title": project.title} if project else None,
        "collective": {"id": collective.pk, "name": collective.name} if collective else None,
        "created_at": subscription.created_at,
        "last_sent_at": subscription.last_sent_at,
    }


def _alerts(user):
    return AlertSubscription.objects.filter(user=user).select_related("project", "collective")


@router.get(
    "/financing-alerts",
    response=list[AlertOut],
    auth=BearerOrSession(),
    summary="The caller's alerts on new or changed instruments, oldest first",
)
@paginate(PageNumberPagination, page_size=50)
def alert_list(request):
    return mapped(_alerts(request.user).order_by("pk"), _alert_out)


@router.post(
    "/financing-alerts",
    response={201: AlertOut},
    auth=BearerOrSession(),
    summary="Follow the instruments matching a project or a territory's projects (a digest)",
)
def alert_subscribe(request, payload: AlertIn):
    """As on the alerts page; following the same thing twice changes nothing. A project the
    caller does not see: 404; one they may not edit, a territory not theirs: 403."""
    project = collective = None
    if payload.project_id is not None:
        project = Project.objects.visible_to(request.user).filter(pk=payload.project_id).first()
        if project is None:
            raise Http404(_("Projet %(id)s introuvable.") % {"id": payload.project_id})
    if payload.collective_id is not None:
        collective = Collective.objects.filter(pk=payload.collective_id).first()
        if collective is None:
            raise ValidationError(
                {"collective_id": _("Territoire n°%(id)s inconnu.") % {"id": payload.collective_id}}
            )
    try:
        subscription = services.alert_subscribe(
            user=request.user, project=project, collective=collective
        )
    except ValidationError as exc:
        raise ValidationError(
            {f"{field}_id": messages for field, messages in exc.message_dict.items()}
        ) from None
    return Status(201, _alert_out(_alerts(request.user).get(pk=subscription.pk)))


@router.delete(
    "/financing-alerts/{alert_id}",
    response={204: None},
    auth=BearerOrSession(),
    summary="Stop an alert (the caller's own)",
)
def alert_unsubscribe(request, alert_id: int):
    subscription = _alerts(request.user).filter(pk=alert_id).first()
    if subscription is None:
        raise Http404(_("Alerte %(id)s introuvable.") % {"id": alert_id})
    services.alert_unsubscribe(user=request.user, subscription=subscription)
    return Status(204, None)
