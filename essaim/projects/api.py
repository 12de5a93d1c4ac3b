"""/api/v1/projects: the directory, a project and its creation (its ranked matches: financing)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from essaim.accounts.api_auth import BearerOrSession
from essaim.actors.models import Collective, Organisation
from essaim.applications.models import Challenge
from essaim.core.api.filters import Code, Search
from essaim.core.api.pagination import PageNumberPagination, mapped, paginate
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
    needs: list[NeedOut]
    url: str


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
        "needs": [
            {
                "id": n.pk,
                "kind": n.kind,
                "amount": n.amount,
                "purpose": n.purpose,
                "status": n.status,
            }
            for n in project.needs.all()
        ],
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


@router.post(
    "/projects",
    response={201: ProjectOut},
    auth=BearerOrSession(),
    summary="Create a project (holders of the organisation, its territory, programme staff)",
)
def project_create(request, payload: ProjectIn):
    def fetch(model, pk, field):
        if pk is None:
            return None
        found = model.objects.filter(pk=pk).first()
        if found is None:
            raise ValidationError({field: _("Aucun objet n°%(id)s.") % {"id": pk}})
        return found

    holder = fetch(Organisation, payload.holder_id, "holder_id")
    communes = list(Commune.objects.filter(insee__in=payload.communes))
    missing = sorted(set(payload.communes) - {c.insee for c in communes})
    if missing:
        raise ValidationError(
            {"communes": _("Codes INSEE inconnus : %(codes)s.") % {"codes": ", ".join(missing)}}
        )
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
