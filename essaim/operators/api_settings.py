"""/api/v1/programmes/{programme_id}/categories and /support-axes: a programme's knowledge-base
categories and support-plan axes, run by its admins as on its settings pages (anyone else: a
404, like ``operators:categories`` and ``operators:axes``). Writes go through
``regulatory.services.categories`` and ``operators.settings_services``."""

from typing import Literal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Status

from essaim.accounts.api_auth import BearerOrSession
from essaim.calls.models import Programme
from essaim.core.api.pagination import PageNumberPagination, mapped, paginate
from essaim.core.api.schema import Schema
from essaim.operators import settings_services
from essaim.operators.api import programme_of
from essaim.regulatory.models import KnowledgeCategory
from essaim.regulatory.services import categories
from essaim.support.models import SupportAxis

router = Router(tags=["programme settings"], auth=BearerOrSession())


def _programme(request, programme_id: int) -> Programme:
    return programme_of(request, programme_id, "operators.configure_programme")


class MoveIn(Schema):
    direction: Literal["up", "down"]


def _offset(payload: MoveIn) -> int:
    return -1 if payload.direction == "up" else 1


# --- Knowledge-base categories ------------------------------------------------------------------


class CategoryOut(Schema):
    id: int
    code: str = Field(description="what articles store; made from the first title, never changes")
    title: str
    description: str
    position: int
    article_count: int = Field(description="published or not; a category in use is not deleted")


class CategoryIn(Schema):
    title: str = Field(min_length=1, max_length=120)
    description: str = Field("", max_length=2000)


def _category_out(category: KnowledgeCategory) -> dict:
    return {
        "id": category.pk,
        "code": category.code,
        "title": category.title,
        "description": category.description,
        "position": category.position,
        "article_count": getattr(category, "article_count", 0),
    }


def _category(programme: Programme, category_id: int) -> KnowledgeCategory:
    category = KnowledgeCategory.objects.filter(programme=programme, pk=category_id).first()
    if category is None:
        raise Http404(_("Catégorie %(id)s introuvable.") % {"id": category_id})
    category.programme = programme
    return category


def _category_now(programme: Programme, category_id: int) -> dict:
    rows = [c for c in categories.categories_with_use(programme) if c.pk == category_id]
    return _category_out(rows[0])


@router.get(
    "/programmes/{programme_id}/categories",
    response=list[CategoryOut],
    summary="The programme's knowledge-base categories, in their order (its admins)",
)
@paginate(PageNumberPagination, page_size=100)
def category_list(request, programme_id: int):
    programme = _programme(request, programme_id)
    return mapped(categories.categories_with_use(programme), _category_out)


@router.post(
    "/programmes/{programme_id}/categories",
    response={201: CategoryOut},
    summary="Add a category at the end",
)
def category_create(request, programme_id: int, payload: CategoryIn):
    programme = _programme(request, programme_id)
    category = categories.category_add(user=request.user, programme=programme, **payload.dict())
    return Status(201, _category_now(programme, category.pk))


@router.patch(
    "/programmes/{programme_id}/categories/{category_id}",
    response=CategoryOut,
    summary="Rename or describe a category (its code stays)",
)
def category_update(request, programme_id: int, category_id: int, payload: CategoryIn):
    programme = _programme(request, programme_id)
    category = _category(programme, category_id)
    categories.category_update(user=request.user, category=category, **payload.dict())
    return _category_now(programme, category_id)


@router.post(
    "/programmes/{programme_id}/categories/{category_id}/move",
    response=list[CategoryOut],
    summary="Move a category up or down; answers the categories in their new order",
)
def category_move(request, programme_id: int, category_id: int, payload: MoveIn):
    programme = _programme(request, programme_id)
    category = _category(programme, category_id)
    categories.category_move(user=request.user, category=category, offset=_offset(payload))
    return [_category_out(c) for c in categories.categories_with_use(programme)]


@router.delete(
    "/programmes/{programme_id}/categories/{category_id}",
    response={204: None},
    summary="Delete a category no article uses (one in use: 422)",
)
def category_delete(request, programme_id: int, category_id: int):
    programme = _programme(request, programme_id)
    categories.category_delete(user=request.user, category=_category(programme, category_id))
    return Status(204, None)


# --- Support-plan axes --------------------------------------------------------------------------


class SupportAxisOut(Schema):
    id: int
    code: str
    title: str
    description: str
    position: int
    takes_links: bool = Field(
        description="its actions link to introductions, events, indicators and campaigns"
    )
    action_count: int = Field(description="actions filed under it; an axis in use is not deleted")


class SupportAxisIn(Schema):
    title: str = Field(min_length=1, max_length=255)
    description: str = Field("", max_length=5000)
    takes_links: bool = False


def _axis_out(axis: SupportAxis) -> dict:
    return {
        "id": axis.pk,
        "code": axis.code,
        "title": axis.title,
        "description": axis.description,
        "position": axis.position,
        "takes_links": axis.takes_links,
        "action_count": getattr(axis, "action_count", 0),
    }


def _axis(programme: Programme, axis_id: int) -> SupportAxis:
    axis = SupportAxis.objects.filter(programme=programme, pk=axis_id).first()
    if axis is None:
        raise Http404(_("Axe %(id)s introuvable.") % {"id": axis_id})
    axis.programme = programme
    return axis


def _axis_now(programme: Programme, axis_id: int) -> dict:
    rows = [a for a in settings_services.axes_with_use(programme) if a.pk == axis_id]
    return _axis_out(rows[0])


@router.get(
    "/programmes/{programme_id}/support-axes",
    response=list[SupportAxisOut],
    summary="The programme's support-plan axes, in their order (its admins)",
)
@paginate(PageNumberPagination, page_size=100)
def axis_list(request, programme_id: int):
    programme = _programme(request, programme_id)
    return mapped(settings_services.axes_with_use(programme), _axis_out)


@router.post(
    "/programmes/{programme_id}/support-axes",
    response={201: SupportAxisOut},
    summary="Add an axis at the end",
)
def axis_create(request, programme_id: int, payload: SupportAxisIn):
    programme = _programme(request, programme_id)
    axis = settings_services.support_axis_add(
        user=request.user, programme=programme, **payload.dict()
    )
    return Status(201, _axis_now(programme, axis.pk))


@router.patch(
    "/programmes/{programme_id}/support-axes/{axis_id}",
    response=SupportAxisOut,
    summary="Rename or describe an axis, or say whether its actions take links",
)
def axis_update(request, programme_id: int, axis_id: int, payload: SupportAxisIn):
    programme = _programme(request, programme_id)
    settings_services.support_axis_update(
        user=request.user, axis=_axis(programme, axis_id), **payload.dict()
    )
    return _axis_now(programme, axis_id)


@router.post(
    "/programmes/{programme_id}/support-axes/{axis_id}/move",
    response=list[SupportAxisOut],
    summary="Move an axis up or down; answers the axes in their new order",
)
def axis_move(request, programme_id: int, axis_id: int, payload: MoveIn):
    programme = _programme(request, programme_id)
    settings_services.support_axis_move(
        user=request.user, axis=_axis(programme, axis_id), offset=_offset(payload)
    )
    return [_axis_out(a) for a in settings_services.axes_with_use(programme)]


@router.delete(
    "/programmes/{programme_id}/support-axes/{axis_id}",
    response={204: None},
    summary="Delete an axis no action uses (one in use: 422)",
)
def axis_delete(request, programme_id: int, axis_id: int):
    programme = _programme(request, programme_id)
    settings_services.support_axis_delete(user=request.user, axis=_axis(programme, axis_id))
    return Status(204, None)
