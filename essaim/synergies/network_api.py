"""``/api/v1/network/{territory}``: a territory's ecosystem network — nodes with their measures,
edges, growth — scoped like its page (``essaim.synergies.network``: people only for the
programme's staff and the territory's collective; an unpublished label's network is a 404 for
others). Bounded: at most ``limit`` nodes (the most connected first) and the edges between them.

``/api/v1/projects/{id}/relations``: the network's relations of a project (a funder, a partner,
a mentor…), listed, declared and ended as on the project's page, through
``network_services``; a project the caller does not see is a 404, a relation already ended
a 409."""

import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Status

from essaim.accounts.api_auth import BearerOrSession
from essaim.actors.models import Organisation
from essaim.core.api.filters import MAX_ID
from essaim.core.api.pagination import PageNumberPagination, mapped, paginate
from essaim.core.api.schema import Schema
from essaim.projects.models import Project
from essaim.synergies import network, network_services
from essaim.synergies.models import PROJECT_RELATION_KINDS, ProjectRelation
from essaim.synergies.rules import (
    can_add_project_relation,
    can_end_project_relation,
    can_view_project_relations,
)

router = Router(tags=["network"])

MAX_NODES = 2000


class NetworkNodeOut(Schema):
    id: str = Field(
        description="o<id>: organisation, p<id>: project, c<id>: collective, u<id>: person"
    )
    kind: str = Field(description="an organisation kind, or project, collective, person")
    kind_label: str
    name: str
    url: str
    is_fictitious: bool
    degree: int
    degree_centrality: float
    betweenness: float
    is_central: bool
    is_bridge: bool = Field(description="an articulation point: removing it cuts the network")
    is_isolated_project: bool


class NetworkEdgeOut(Schema):
    source: str
    target: str
    kind: str
    kind_label: str
    started_on: datetime.date | None
    ended_on: datetime.date | None
    is_fictitious: bool


class NetworkYearOut(Schema):
    year: int
    started: int
    ended: int
    active: int
    is_label_year: bool


class NetworkGrowthOut(Schema):
    label_date: datetime.date
    today: datetime.date
    at_label: int
    now: int
    undated: int
    years: list[NetworkYearOut]


class TerritoryNetworkOut(Schema):
    territory: str
    territory_name: str
    shows_people: bool
    node_count: int = Field(description="every node of the network")
    edge_count: int = Field(description="every linked pair of the network")
    truncated: bool = Field(description="true when only the `limit` most connected are listed")
    betweenness_estimated: bool
    nodes: list[NetworkNodeOut]
    edges: list[NetworkEdgeOut]
    growth: NetworkGrowthOut


class NetworkTerritoryPath(Schema):
    territory: str = Field(
        min_length=1, max_length=100, pattern=r"^[-a-zA-Z0-9_]+$", description="the slug"
    )


class NetworkQuery(Schema):
    limit: int = Field(500, ge=1, le=MAX_NODES, description="most connected nodes listed")


@router.get(
    "/network/{territory}",
    response=TerritoryNetworkOut,
    summary="A labelled territory's ecosystem network: nodes, edges, measures and growth",
)
def territory_network(
    request, path: Path[NetworkTerritoryPath], query: Query[NetworkQuery]
) -> dict:
    label = network.territory_label(request.user, path.territory)
    if label is None:
        raise Http404(_("Territoire introuvable."))
    graph = network.build(label, request.user)
    ranked = graph.ranked()
    kept = ranked[: query.limit]
    keys = {node.key for node in kept}
    return {
        "territory": label.perimeter.slug,
        "territory_name": label.perimeter.name,
        "shows_people": graph.shows_people,
        "node_count": len(ranked),
        "edge_count": graph.graph.number_of_edges(),
        "truncated": len(kept) < len(ranked),
        "betweenness_estimated": graph.betweenness_estimated,
        "nodes": [
            {
                "id": n.key,
                "kind": n.group,
                "kind_label": n.group_label,
                "name": n.name,
                "url": n.url,
                "is_fictitious": n.fictitious,
                "degree": n.degree,
                "degree_centrality": n.degree_centrality,
                "betweenness": n.betweenness,
                "is_central": n.is_central,
                "is_bridge": n.is_bridge,
                "is_isolated_project": n.is_isolated_project,
            }
            for n in kept
        ],
        "edges": [
            {
                "source": e.source,
                "target": e.target,
                "kind": e.kind,
                "kind_label": e.kind_label,
                "started_on": e.started_on,
                "ended_on": e.ended_on,
                "is_fictitious": e.fictitious,
            }
            for e in graph.edges
            if e.source in keys and e.target in keys
        ],
        "growth": vars(graph.growth),
    }


# --- A project's relations -----------------------------------------------------------------------

RelationKind = Literal[tuple(kind.value for kind in PROJECT_RELATION_KINDS)]
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2100, 12, 31)


class ProjectRelationOut(Schema):
    id: int
    project_id: int
    organisation_id: int
    organisation: str
    kind: str
    kind_label: str = Field(description="reads “<organisation> <kind> <project>”")
    started_on: datetime.date | None
    ended_on: datetime.date | None
    description: str
    introduction_id: int | None = Field(description="the introduction whose cooperation it is")
    is_fictitious: bool


class ProjectRelationIn(Schema):
    organisation_id: int = Field(ge=1, le=MAX_ID, description="an organisation the caller sees")
    kind: RelationKind
    started_on: datetime.date | None = Field(None, ge=EARLIEST, le=LATEST)
    ended_on: datetime.date | None = Field(None, ge=EARLIEST, le=LATEST)
    description: str = Field("", max_length=255)


class ProjectRelationEndIn(Schema):
    ended_on: datetime.date = Field(
        ge=EARLIEST, le=LATEST, description="not before its start, at most a year ahead"
    )


def _relation_out(relation: ProjectRelation) -> dict:
    return {
        "id": relation.pk,
        "project_id": relation.project_id,
        "organisation_id": relation.organisation_id,
        "organisation": relation.organisation.name,
        "kind": relation.kind,
        "kind_label": str(relation.get_kind_display()),
        "started_on": relation.started_on,
        "ended_on": relation.ended_on,
        "description": relation.description,
        "introduction_id": relation.introduction_id,
        "is_fictitious": relation.is_fictitious,
    }


def _project(request, project_id: int) -> Project:
    project = (
        Project.objects.visible_to(request.user)
        .select_related("holder")
        .filter(pk=project_id)
        .first()
    )
    if project is None:
        raise Http404(_("Projet %(id)s introuvable.") % {"id": project_id})
    return project


def _relations(request, project: Project):
    return (
        ProjectRelation.objects.filter(project=project)
        .filter(organisation__in=Organisation.objects.visible_to(request.user))
        .select_related("organisation")
    )


def _relation(request, project: Project, relation_id: int) -> ProjectRelation:
    relation = _relations(request, project).filter(pk=relation_id).first()
    if relation is None:
        raise Http404(_("Relation %(id)s introuvable.") % {"id": relation_id})
    relation.project = project
    return relation


def _denied() -> PermissionDenied:
    return PermissionDenied(
        _("Seuls les membres de la structure porteuse déclarent les relations du projet.")
    )


@router.get(
    "/projects/{project_id}/relations",
    response=list[ProjectRelationOut],
    auth=BearerOrSession(),
    summary="A project's relations in the network (its editors, as on its page)",
)
@paginate(PageNumberPagination, page_size=100)
def project_relations(request, project_id: int):
    project = _project(request, project_id)
    if not can_view_project_relations(request.user, project):
        raise PermissionDenied(_("Les relations du projet sont montrées à ses responsables."))
    return mapped(_relations(request, project).order_by("started_on", "pk"), _relation_out)


@router.post(
    "/projects/{project_id}/relations",
    response={201: ProjectRelationOut},
    auth=BearerOrSession(),
    summary="Declare a funder, partner, supplier or mentor of the project (its holder's people)",
)
def project_relation_add(request, project_id: int, payload: ProjectRelationIn):
    """Who may change the holder's directory entry may, with an organisation they see (another
    is a 422 naming `organisation_id`, as the holder itself)."""
    project = _project(request, project_id)
    if not can_add_project_relation(request.user, project):
        raise _denied()
    organisation = (
        Organisation.objects.visible_to(request.user).filter(pk=payload.organisation_id).first()
    )
    if organisation is None:
        raise ValidationError({"organisation_id": _("Organisation introuvable.")})
    try:
        relation = network_services.project_relation_add(
            user=request.user,
            project=project,
            organisation=organisation,
            kind=payload.kind,
            started_on=payload.started_on,
            ended_on=payload.ended_on,
            description=payload.description,
        )
    except ValidationError as exc:
        if getattr(exc, "error_dict", None) and "organisation" in exc.error_dict:
            raise ValidationError({"organisation_id": exc.error_dict["organisation"]}) from None
        raise
    return Status(201, _relation_out(_relation(request, project, relation.pk)))


@router.post(
    "/projects/{project_id}/relations/{relation_id}/end",
    response={200: ProjectRelationOut, 409: dict},
    auth=BearerOrSession(),
    summary="End a project's relation on a day (it stays in the growth figures until then)",
)
def project_relation_end(request, project_id: int, relation_id: int, payload: ProjectRelationEndIn):
    """A relation already ended is a 409 naming its end; a day before its start or more than a
    year ahead a 422 naming `ended_on`."""
    project = _project(request, project_id)
    relation = _relation(request, project, relation_id)
    if not can_end_project_relation(request.user, relation):
        raise _denied()
    if relation.ended_on is not None:
        return Status(
            409,
            {
                "detail": _("Cette relation a déjà pris fin (le %(date)s).")
                % {"date": relation.ended_on.strftime("%d/%m/%Y")}
            },
        )
    network_services.project_relation_end(
        user=request.user, relation=relation, ended_on=payload.ended_on
    )
    return Status(200, _relation_out(_relation(request, project, relation_id)))
