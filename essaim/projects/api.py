"""/api/v1/projects: the directory, a project, its creation and its edition (its needs:
``api_needs``; its ranked matches: financing)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Status

from essaim.accounts.api_auth import BearerOrSession
from essaim.actors.models import Collective, Organisation
from essaim.applications.models import Challenge
from essaim.core.api.filters import Code, Id, Search
from essaim.core.api.pagination import PageNumberPagination, mapped, paginate
from essaim.core.api.schema import Schema
from essaim.core.inputs import SMALL_INT_MAX
from essaim.core.money import Money
from essaim.geo.models import Commune, Perimeter
from essaim.projects import queries, services
from essaim.projects.models import Domain, Method, NeedKind, Project, Public, Stage

router = Router(tags=["projects"])


class NeedOut(Schema):
    id: int
    kind: str
    amount: int | None
    purpose: str
    status: str


class Ref(Schema):
    id: int
    name: str


class ProjectOut(Schema):
    id: int
    title: str
    summary: str
    holder: Ref
    territory: Ref | None
    collective_id: int | None
    challenge: Ref | None
    stage: str
    domains: list[str]
    publics: list[str]
    methods: list[str]
    founded_year: int | None
    yearly_budget: int | None
    jobs: int | None
    is_fictitious: bool
    is_published: bool
    website: str
    needs: list[NeedOut]
    url: str


def need_out(need) -> dict:
    return {
        "id": need.pk,
        "kind": need.kind,
        "amount": need.amount,
        "purpose": need.purpose,
        "status": need.status,
    }


def project_out(project: Project) -> dict:
    return {
        "id": project.pk,
        "title": project.title,
        "summary": project.summary,
        "holder": {"id": project.holder_id, "name": project.holder.name},
        "territory": (
            {"id": project.perimeter_id, "name": project.perimeter.name}
            if project.perimeter_id
            else None
        ),
        "collective_id": project.collective_id,
        "challenge": (
            {"id": project.challenge_id, "name": project.challenge.title}
            if project.challenge_id
            else None
        ),
        "stage": project.stage,
        "domains": project.domains,
        "publics": project.publics,
        "methods": project.methods,
        "founded_year": project.founded_year,
        "yearly_budget": project.yearly_budget,
        "jobs": project.jobs,
        "is_fictitious": project.is_fictitious,
        "is_published": project.is_published,
        "website": project.website,
        "needs": [need_out(n) for n in project.needs.all()],
        "url": project.get_absolute_url(),
    }


class DirectoryFilters(Schema):
    q: Search = ""
    territory: Code = Field("", description="perimeter slug or id")
    region: Code = Field("", description="INSEE code of a région")
    stage: Code = ""
    domain: Code = ""
    need: Code = Field("", description="kind of an open need: financing, regulatory, …")


@router.get("/projects", response=list[ProjectOut], summary="The project directory")
@paginate(PageNumberPagination, page_size=20)
def project_list(request, filters: Query[DirectoryFilters]):
    qs = (
        queries.directory(Project.objects.visible_to(request.user), **filters.dict())
        .select_related("challenge")
        .prefetch_related("needs")
    )
    return mapped(qs, project_out)


def visible_project(request, project_id: int) -> Project:
    """The project ``project_id`` if the requester may see it, with what ``project_out`` reads
    (404 otherwise)."""
    project = (
        Project.objects.visible_to(request.user)
        .select_related("holder", "perimeter", "challenge")
        .prefetch_related("needs")
        .filter(pk=project_id)
        .first()
    )
    if project is None:
        raise Http404(_("Projet %(id)s introuvable.") % {"id": project_id})
    return project


@router.get("/projects/{project_id}", response=ProjectOut, summary="One project")
def project_detail(request, project_id: int):
    return project_out(visible_project(request, project_id))


class NeedIn(Schema):
    kind: NeedKind
    purpose: str = Field(min_length=1, max_length=500)
    amount: Money | None = None


class ProjectIn(Schema):
    title: str = Field(min_length=1, max_length=255)
    summary: str = Field(min_length=1)
    holder_id: int
    territory_id: int | None = None
    collective_id: int | None = None
    challenge_id: int | None = None
    communes: list[str] = Field(default_factory=list, description="INSEE codes")
    stage: Stage
    domains: list[Domain] = Field(default_factory=list)
    publics: list[Public] = Field(default_factory=list)
    methods: list[Method] = Field(default_factory=list)
    founded_year: int | None = Field(None, ge=1800, le=2200)
    yearly_budget: Money | None = None
    jobs: int | None = Field(None, ge=0, le=SMALL_INT_MAX)
    needs: list[NeedIn] = Field(default_factory=list)


def fetch(model, pk, field):
    """The ``model`` row ``pk`` (``None`` for ``None``); an unknown one is a 422 naming
    ``field``."""
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: _("Aucun objet n°%(id)s.") % {"id": pk}})
    return found


def communes_of(codes: list[str]) -> list[Commune]:
    """The communes of these INSEE codes; an unknown code is a 422 naming ``communes``."""
    communes = list(Commune.objects.filter(insee__in=codes))
    missing = sorted(set(codes) - {c.insee for c in communes})
    if missing:
        raise ValidationError(
            {"communes": _("Codes INSEE inconnus : %(codes)s.") % {"codes": ", ".join(missing)}}
        )
    return communes


@router.post(
    "/projects",
    response={201: ProjectOut},
    auth=BearerOrSession(),
    summary="Create a project (holders of the organisation, its territory, programme staff)",
)
def project_create(request, payload: ProjectIn):
    holder = fetch(Organisation, payload.holder_id, "holder_id")
    communes = communes_of(payload.communes)
    data = {
        "title": payload.title,
        "summary": payload.summary,
        "perimeter": fetch(Perimeter, payload.territory_id, "territory_id"),
        "collective": fetch(Collective, payload.collective_id, "collective_id"),
        "challenge": fetch(Challenge, payload.challenge_id, "challenge_id"),
        "stage": payload.stage.value,
        "domains": [d.value for d in payload.domains],
        "publics": [p.value for p in payload.publics],
        "methods": [m.value for m in payload.methods],
        "founded_year": payload.founded_year,
        "yearly_budget": payload.yearly_budget,
        "jobs": payload.jobs,
    }
    with transaction.atomic():
        project = services.project_create(
            user=request.user, holder=holder, data=data, communes=communes
        )
        for position, need in enumerate(payload.needs):
            try:
                services.need_add(
                    user=request.user,
                    project=project,
                    kind=need.kind.value,
                    purpose=need.purpose,
                    amount=need.amount,
                )
            except ValidationError as exc:
                errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
                raise ValidationError(
                    {f"needs[{position}].{k}".rstrip("."): v for k, v in errors.items()}
                ) from exc
    return Status(201, project_out(visible_project(request, project.pk)))


MAX_TEXT = 20_000
MAX_CHOICES = 50


class ProjectPatchIn(Schema):
    """Only the fields sent change; ``null`` clears an optional one (``title``, ``summary`` and
    ``stage`` may not be cleared)."""

    title: str | None = Field(None, min_length=1, max_length=255)
    summary: str | None = Field(None, min_length=1, max_length=MAX_TEXT)
    territory_id: Id | None = None
    collective_id: Id | None = None
    challenge_id: Id | None = None
    communes: list[Code] | None = Field(None, max_length=1000, description="INSEE codes")
    stage: Stage | None = None
    domains: list[Domain] | None = Field(None, max_length=MAX_CHOICES)
    publics: list[Public] | None = Field(None, max_length=MAX_CHOICES)
    methods: list[Method] | None = Field(None, max_length=MAX_CHOICES)
    founded_year: int | None = Field(None, ge=1800, le=2200)
    yearly_budget: Money | None = None
    jobs: int | None = Field(None, ge=0, le=SMALL_INT_MAX)
    website: str | None = Field(None, max_length=200)
    is_published: bool | None = None


REQUIRED = ("title", "summary", "stage", "is_published")
RELATED = {
    "territory_id": ("perimeter", Perimeter),
    "collective_id": ("collective", Collective),
    "challenge_id": ("challenge", Challenge),
}
CHOICES = ("domains", "publics", "methods")
PLAIN = ("founded_year", "yearly_budget", "jobs")


def _data(sent: dict) -> dict:
    """The service's ``data`` from the fields sent (ids read as rows, choices as their values)."""
    data = {}
    for name in REQUIRED:
        if name in sent:
            if sent[name] is None:
                raise ValidationError({name: _("Ce champ ne peut pas être vidé.")})
            value = sent[name]
            if name in {"title", "summary"}:
                value = value.strip()
            data[name] = value.value if name == "stage" else value
    for name, (field, model) in RELATED.items():
        if name in sent:
            data[field] = fetch(model, sent[name], name)
    for name in CHOICES:
        if name in sent:
            data[name] = [choice.value for choice in sent[name] or []]
    for name in PLAIN:
        if name in sent:
            data[name] = sent[name]
    if "website" in sent:
        data["website"] = sent["website"] or ""
    return data


@router.patch(
    "/projects/{project_id}",
    response=ProjectOut,
    auth=BearerOrSession(),
    summary="Change a project's fields (who may edit it, as on its page)",
)
def project_update(request, project_id: int, payload: ProjectPatchIn):
    project = visible_project(request, project_id)
    sent = payload.dict(exclude_unset=True)
    communes = None
    if "communes" in sent:
        communes = communes_of(sent["communes"] or [])
    services.project_update(user=request.user, project=project, data=_data(sent), communes=communes)
    return project_out(visible_project(request, project_id))
