"""``/api/v1/network/{territory}``: a territory's ecosystem network — nodes with their measures,
edges, growth — scoped like its page (``essaim.synergies.network``: people only for the
programme's staff and the territory's collective; an unpublished label's network is a 404 for
others). Bounded: at most ``limit`` nodes (the most connected first) and the edges between them."""

import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router

from essaim.core.api.schema import Schema
from essaim.synergies import network

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
