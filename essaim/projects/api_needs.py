"""A project's needs in the API, as on its page: add one; mark one met or dropped, or open it
again. Scoped like the pages (``Project.objects.visible_to``: a 404 outside); the services check
who may edit the project (``essaim.projects.rules``: a 403), validate (a 422 naming the field)
and record the project's history. Its fields are changed by ``PATCH /projects/{id}``
(``essaim.projects.api``)."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Status

from essaim.accounts.api_auth import BearerOrSession
from essaim.core.api.schema import Schema
from essaim.projects import services
from essaim.projects.api import NeedIn, NeedOut, need_out, visible_project
from essaim.projects.models import NeedStatus

router = Router(tags=["projects"])


class NeedStatusIn(Schema):
    status: NeedStatus


@router.post(
    "/projects/{project_id}/needs",
    response={201: NeedOut},
    auth=BearerOrSession(),
    summary="Add a need to a project (who may edit it)",
)
def project_need_add(request, project_id: int, payload: NeedIn):
    project = visible_project(request, project_id)
    need = services.need_add(
        user=request.user,
        project=project,
        kind=payload.kind.value,
        purpose=payload.purpose,
        amount=payload.amount,
    )
    return Status(201, need_out(need))


@router.post(
    "/projects/{project_id}/needs/{need_id}/status",
    response={200: NeedOut, 409: dict},
    auth=BearerOrSession(),
    summary="Mark a project's need met or dropped, or open it again (who may edit the project)",
)
def project_need_status(request, project_id: int, need_id: int, payload: NeedStatusIn):
    project = visible_project(request, project_id)
    need = project.needs.filter(pk=need_id).first()
    if need is None:
        raise Http404(_("Besoin %(id)s introuvable.") % {"id": need_id})
    try:
        need = services.need_set_status(user=request.user, need=need, status=payload.status.value)
    except ValidationError as exc:
        if getattr(exc, "error_dict", None) and set(exc.error_dict) == {"status"}:
            return Status(409, {"detail": " ".join(exc.messages)})
        raise
    return need_out(need)
