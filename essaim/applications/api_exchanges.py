"""An application's thread and files in the API, as on its pages: the messages between the
collective and the programme's team (with their optional attachment), and the attachments
answering the form's file fields (uploaded one at a time, with the page's checks of type and
size; downloaded by whoever sees the application, as on the page). Scoped like the pages
(``visible_to``: a 404 outside); the services check who may (a 403) and the application's state
(a 409 saying why). Uploads are ``multipart/form-data``."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status, UploadedFile
from pydantic import Field

from essaim.accounts.api_auth import BearerOrSession
from essaim.applications import rules
from essaim.applications.api import _get
from essaim.applications.api_collective import state_conflict
from essaim.applications.models import Attachment, Message
from essaim.applications.services import applying
from essaim.applications.services.attachments import attachment_remove, attachment_upload
from essaim.core.api.files import BINARY, download
from essaim.core.api.pagination import PageNumberPagination, mapped, paginate
from essaim.core.api.schema import Schema

router = Router(tags=["applications"])

MAX_TEXT = 20_000


# --- The thread ----------------------------------------------------------------------------------


class ApplicationMessageOut(Schema):
    id: int
    author: str
    from_staff: bool
    body: str
    created_at: datetime
    attachment_name: str = ""
    attachment_size: int | None = None


class ApplicationMessageIn(Schema):
    body: str = Field("", max_length=MAX_TEXT)


def _message_out(message: Message) -> dict:
    return {
        "id": message.pk,
        "author": str(message.author),
        "from_staff": message.from_staff,
        "body": message.body,
        "created_at": message.created_at,
        "attachment_name": message.attachment_name if message.attachment else "",
        "attachment_size": message.attachment_size if message.attachment else None,
    }


def _thread(request, application_id: int):
    application = _get(request, application_id)
    if not rules.can_message(request.user, application):
        raise PermissionDenied(_("Vous ne participez pas à cette candidature."))
    return application


@router.get(
    "/applications/{application_id}/messages",
    response=list[ApplicationMessageOut],
    auth=BearerOrSession(),
    summary="The thread between the collective and the programme's team, oldest first",
)
@paginate(PageNumberPagination, page_size=50)
def application_messages(request, application_id: int):
    application = _thread(request, application_id)
    messages = application.messages.select_related("author").order_by("created_at", "pk")
    return mapped(messages, _message_out)


@router.post(
    "/applications/{application_id}/messages",
    response={201: ApplicationMessageOut},
    auth=BearerOrSession(),
    summary="Write in the thread (multipart: `body`, optionally an `attachment`)",
)
def application_message_post(
    request,
    application_id: int,
    payload: Form[ApplicationMessageIn],
    attachment: File[UploadedFile] = None,
):
    """The other side is told, as on the page. The attachment: PDF, office or image, 10 MB at
    most (a refused file is a 422 naming `attachment`)."""
    application = _get(request, application_id)
    message = applying.message_post(
        user=request.user, application=application, body=payload.body, attachment=attachment
    )
    return Status(201, _message_out(message))


@router.get(
    "/applications/{application_id}/messages/{message_id}/attachment",
    auth=BearerOrSession(),
    summary="Download a message's attachment",
    openapi_extra=BINARY,
)
def application_message_attachment(request, application_id: int, message_id: int):
    application = _get(request, application_id)
    if not rules.can_message(request.user, application):
        raise Http404  # the thread is between the collective and the programme team only
    message = Message.objects.filter(application=application, pk=message_id).first()
    if message is None or not message.attachment:
        raise Http404(_("Pièce jointe introuvable."))
    return download(message.attachment, message.attachment_name or "piece-jointe")


# --- The attachments -----------------------------------------------------------------------------


class ApplicationAttachmentOut(Schema):
    id: int
    field: str
    name: str
    size: int
    content_type: str
    uploaded_at: datetime


class ApplicationAttachmentIn(Schema):
    field: str = Field(
        "", max_length=200, description="the file field's key, or `key.index.sub` in a block"
    )


def _attachment_out(attachment: Attachment) -> dict:
    return {
        "id": attachment.pk,
        "field": attachment.field_key,
        "name": attachment.original_name,
        "size": attachment.size,
        "content_type": attachment.content_type,
        "uploaded_at": attachment.uploaded_at,
    }


def _attachment(application, attachment_id: int) -> Attachment:
    attachment = Attachment.objects.filter(application=application, pk=attachment_id).first()
    if attachment is None:
        raise Http404(_("Pièce jointe %(id)s introuvable.") % {"id": attachment_id})
    return attachment


@router.get(
    "/applications/{application_id}/attachments",
    response=list[ApplicationAttachmentOut],
    auth=BearerOrSession(),
    summary="The files answering the application's form, oldest first",
)
@paginate(PageNumberPagination, page_size=50)
def application_attachments(request, application_id: int):
    application = _get(request, application_id)
    return mapped(application.attachments.order_by("uploaded_at", "pk"), _attachment_out)


@router.post(
    "/applications/{application_id}/attachments",
    response={201: ApplicationAttachmentOut, 409: dict},
    auth=BearerOrSession(),
    summary="Answer a file field (multipart: `field`, `file`; the editors)",
)
def application_attachment_upload(
    request,
    application_id: int,
    payload: Form[ApplicationAttachmentIn],
    file: File[UploadedFile] = None,
):
    """The field's formats and size limit apply (a refused file is a 422 naming `file`); the
    file replaces the field's previous answer."""
    application = _get(request, application_id)
    try:
        attachment = attachment_upload(
            user=request.user, application=application, field=payload.field, upload=file
        )
    except ValidationError as exc:
        return state_conflict(exc)
    return Status(201, _attachment_out(attachment))


@router.get(
    "/applications/{application_id}/attachments/{attachment_id}",
    auth=BearerOrSession(),
    summary="Download an attachment (whoever sees the application, as on the page)",
    openapi_extra=BINARY,
)
def application_attachmentdownload(request, application_id: int, attachment_id: int):
    attachment = _attachment(_get(request, application_id), attachment_id)
    return download(attachment.file, attachment.original_name)


@router.delete(
    "/applications/{application_id}/attachments/{attachment_id}",
    response={204: None, 409: dict},
    auth=BearerOrSession(),
    summary="Remove an attachment and the answers naming it (the editors)",
)
def application_attachment_remove(request, application_id: int, attachment_id: int):
    application = _get(request, application_id)
    attachment = _attachment(application, attachment_id)
    try:
        attachment_remove(user=request.user, application=application, attachment=attachment)
    except ValidationError as exc:
        return state_conflict(exc)
    return Status(204, None)
