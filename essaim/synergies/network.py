"""The ecosystem network of a labelled territory: who is linked to whom, and what it says.

**What the network holds.** Its nodes are the territory's organisations, projects, collective
and — for some readers — people; its edges are typed, dated relations kept by ``actors``
and, for projects, by ``synergies``:

- *membre du collectif*: an organisation of the collective that carries the territory
  (``actors.CollectiveMember``, dated ``started_on``/``ended_on``);
- *porte le projet*: an organisation holds a project of the territory (``projects.Project.holder``;
  structural, never counted in the growth figures);
- every ``actors.Partnership`` touching one of those organisations: partner, funder, supplier,
  member of a network, mentor, supports, cooperates, subsidiary…;
- every ``synergies.ProjectRelation`` of one of those projects (a funder, partner, supplier,
  mentor of the project — including the ones a done introduction recorded), drawn from the
  organisation to the project.

A relation held by a person (``person``) is drawn from that person when people are shown.

The territory's organisations are the collective's members and the projects' holders; their
partners one step away are in the network too (a funder of the region, the national network a
local branch is a member of).

**Who sees what.** The page and the API follow the territory's label: a label of a published wave
is public, so anyone (anonymous included) sees its network; an unpublished one is seen by its
programme's staff only (``Label.objects.visible_to``) — others get a 404.

- *Organisations* are public directory data: a confirmed organisation is shown to everyone; one
  waiting for confirmation only to those ``Organisation.objects.visible_to`` lets see it.
- *Projects* are shown when ``Project.objects.visible_to`` shows them (published ones to all).
- *People* are personal data: they are shown only to the staff (admins, instructors) of the
  label's programme and to the lead and members of the territory's collective
  (``synergies.view_network_people`` in ``essaim.synergies.rules``). For everybody else a relation
  held by a person is drawn from that person's organisation, and no name appears — not in the
  picture, the table nor the API.

**Measures** (networkx, on the undirected graph, one edge per linked pair): degree (number of
distinct neighbours) and degree centrality; betweenness centrality (exact up to
``EXACT_BETWEENNESS_NODES`` nodes, estimated from a fixed-seed sample of sources above, so the
same data gives the same figures); articulation points (a node whose removal cuts the network in
two: who bridges groups); isolated projects (no relation beyond their holder); growth (relations
active at the label date and today, and per year: started, ended, active at the year's end).

**Queries**: a fixed number whatever the size (the label, the collective's members, the projects,
the partnerships, the projects' relations), see ``build``.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from dataclasses import dataclass, field

import networkx as nx
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from essaim.actors.models import (
    CollectiveMember,
    Organisation,
    OrganisationKind,
    Partnership,
    PartnershipKind,
)
from essaim.labels.models import Label
from essaim.projects.models import Project
from essaim.synergies.models import ProjectRelation
from essaim.synergies.rules import can_view_network_people

# Exact betweenness is O(nodes × edges): above this many nodes it is estimated from a sample of
# sources, as many as a fixed amount of work allows (at least ``BETWEENNESS_MIN_SAMPLE``).
EXACT_BETWEENNESS_NODES = 600
BETWEENNESS_WORK = 600_000  # sources × (nodes + edges)
BETWEENNESS_MIN_SAMPLE = 24
BETWEENNESS_SEED = 2019
# How many of the most central nodes the table and the picture name.
CENTRAL_COUNT = 10

HOLDER = "holder"
COLLECTIVE_MEMBER = "collective_member"
TEAM = "team"
EDGE_LABELS = {
    HOLDER: _("porte le projet"),
    COLLECTIVE_MEMBER: _("membre du collectif"),
    TEAM: _("fait partie de l'équipe de"),
    **dict(PartnershipKind.choices),
}

PROJECT, COLLECTIVE, PERSON = "project", "collective", "person"
GROUP_LABELS = {
    **dict(OrganisationKind.choices),
    PROJECT: _("projet"),
    COLLECTIVE: _("collectif porteur"),
    PERSON: _("personne"),
}


@dataclass
class Node:
    key: str
    group: str  # an organisation kind, or project / collective / person
    name: str
    url: str = ""
    fictitious: bool = False
    degree: int = 0
    degree_centrality: float = 0.0
    betweenness: float = 0.0
    is_bridge: bool = False
    is_central: bool = False
    is_isolated_project: bool = False

    @property
    def group_label(self) -> str:
        return str(GROUP_LABELS.get(self.group, self.group))


@dataclass
class Edge:
    source: str
    target: str
    kind: str
    started_on: datetime.date | None = None
    ended_on: datetime.date | None = None
    fictitious: bool = False

    @property
    def kind_label(self) -> str:
        return str(EDGE_LABELS.get(self.kind, self.kind))

    def active_on(self, day: datetime.date) -> bool:
        """Dated and running on ``day`` (an undated relation is never counted as active then)."""
        return (
            self.started_on is not None
            and self.started_on <= day
            and (self.ended_on is None or self.ended_on >= day)
        )


@dataclass
class Growth:
    label_date: datetime.date
    today: datetime.date
    at_label: int
    now: int
    undated: int
    years: list[dict] = field(default_factory=list)


@dataclass
class Network:
    label: Label
    shows_people: bool
    nodes: dict[str, Node]
    edges: list[Edge]
    graph: nx.Graph
    growth: Growth | None = None
    bridges: list[Node] = field(default_factory=list)
    central: list[Node] = field(default_factory=list)
    isolated_projects: list[Node] = field(default_factory=list)
    betweenness_estimated: bool = False

    def ranked(self) -> list[Node]:
        """Every node, most connected first (then by name: stable)."""
        return sorted(self.nodes.values(), key=lambda n: (-n.degree, -n.betweenness, n.name))

    def name_of(self, key: str) -> str:
        return self.nodes[key].name


def territory_label(user, slug: str) -> Label | None:
    """The label of the territory ``slug`` that ``user`` may see (published ones for everyone,
    unpublished ones for their programme's staff): the valid one first, then the latest."""
    return (
        Label.objects.visible_to(user)
        .filter(perimeter__slug=slug)
        .select_related("perimeter", "programme", "application__collective")
        .order_by("-status", "-granted_on", "-pk")
        .first()
    )


def _org_node(organisation: Organisation) -> Node:
    return Node(
        key=f"o{organisation.pk}",
        group=organisation.kind,
        name=organisation.name,
        url=reverse("actors:organisation_detail", args=[organisation.pk]),
        fictitious=organisation.is_fictitious,
    )


def _add_relation(nodes, edges, relation, source: Node, target: Node, shows_people: bool) -> None:
    """One relation (a partnership or a project's relation) as an edge; one held by a person is
    drawn from that person (joined to their organisation) when people are shown."""
    if shows_people and relation.person_id is not None:
        person = relation.person
        key = f"u{person.pk}"
        if key not in nodes:
            nodes[key] = Node(
                key=key, group=PERSON, name=str(person), fictitious=person.is_fictitious
            )
            edges.append(Edge(key, source.key, TEAM))
        source = nodes[key]
    edges.append(
        Edge(
            source.key,
            target.key,
            relation.kind,
            relation.started_on,
            relation.ended_on,
            relation.is_fictitious,
        )
    )


def build(label: Label, user) -> Network:
    """The network of ``label``'s territory as ``user`` may see it, with its measures. Four
    queries whatever the size (beyond the reader's memberships, read once per request): the
    collective's members, the projects, the partnerships between organisations (``actors``)
    and the projects' relations (``synergies.ProjectRelation``), organisations and people
    joined; the visibility of organisations and projects is a subquery of each."""
    shows_people = can_view_network_people(user, label)
    collective = label.application.collective
    nodes: dict[str, Node] = {}
    edges: list[Edge] = []
    visible_orgs = Organisation.objects.visible_to(user)

    members = list(
        CollectiveMember.objects.filter(collective=collective, organisation__in=visible_orgs)
        .select_related("organisation")
        .order_by("position", "pk")
    )
    projects = list(
        Project.objects.visible_to(user)
        .filter(Q(perimeter_id=label.perimeter_id) | Q(collective_id=collective.pk))
        .filter(holder__in=visible_orgs)
        .select_related("holder")
        .order_by("pk")
    )
    collective_key = f"c{collective.pk}"
    nodes[collective_key] = Node(
        key=collective_key,
        group=COLLECTIVE,
        name=collective.name,
        url=reverse("territories:detail", args=[label.perimeter.slug]),
        fictitious=collective.is_fictitious,
    )
    for member in members:
        node = nodes.setdefault(f"o{member.organisation_id}", _org_node(member.organisation))
        edges.append(
            Edge(node.key, collective_key, COLLECTIVE_MEMBER, member.started_on, member.ended_on)
        )
    project_ids = set()
    for project in projects:
        project_ids.add(project.pk)
        key = f"p{project.pk}"
        nodes[key] = Node(
            key=key,
            group=PROJECT,
            name=project.title,
            url=reverse("projects:detail", args=[project.pk]),
            fictitious=project.is_fictitious,
        )
        holder = nodes.setdefault(f"o{project.holder_id}", _org_node(project.holder))
        edges.append(Edge(holder.key, key, HOLDER))

    org_ids = [int(key[1:]) for key in nodes if key.startswith("o")]
    partnerships = (
        Partnership.objects.filter(Q(source_id__in=org_ids) | Q(target_id__in=org_ids))
        .filter(source__in=visible_orgs, target__in=visible_orgs)
        .select_related("source", "target", "person")
        .order_by("pk")
    )
    for relation in partnerships:
        source = nodes.setdefault(f"o{relation.source_id}", _org_node(relation.source))
        target = nodes.setdefault(f"o{relation.target_id}", _org_node(relation.target))
        _add_relation(nodes, edges, relation, source, target, shows_people)
    project_relations = (
        ProjectRelation.objects.filter(project_id__in=project_ids)
        .filter(organisation__in=visible_orgs)
        .select_related("organisation", "person")
        .order_by("pk")
    )
    for relation in project_relations:
        source = nodes.setdefault(f"o{relation.organisation_id}", _org_node(relation.organisation))
        _add_relation(
            nodes, edges, relation, source, nodes[f"p{relation.project_id}"], shows_people
        )
    return analyse(Network(label, shows_people, nodes, edges, nx.Graph()))


def analyse(network: Network, *, today: datetime.date | None = None) -> Network:
    """Fill ``network``'s graph and measures from its nodes and edges (no query)."""
    graph = network.graph
    graph.add_nodes_from(sorted(network.nodes))
    for edge in network.edges:
        if edge.source != edge.target:
            graph.add_edge(edge.source, edge.target)
    count = graph.number_of_nodes()
    if count > 1:
        centrality = nx.degree_centrality(graph)
        if count > EXACT_BETWEENNESS_NODES:
            network.betweenness_estimated = True
            size = count + graph.number_of_edges()
            sample = min(count, max(BETWEENNESS_MIN_SAMPLE, BETWEENNESS_WORK // size))
            sources = random.Random(BETWEENNESS_SEED).sample(sorted(graph), sample)  # noqa: S311
            betweenness = sampled_betweenness(graph, sources)
        else:
            betweenness = sampled_betweenness(graph, list(graph))
        bridges = set(nx.articulation_points(graph))
    else:
        centrality, betweenness, bridges = {}, {}, set()
    for key, node in network.nodes.items():
        node.degree = graph.degree(key)
        node.degree_centrality = round(centrality.get(key, 0.0), 4)
        node.betweenness = round(betweenness.get(key, 0.0), 4)
        node.is_bridge = key in bridges
    holders = {e.target: e.source for e in network.edges if e.kind == HOLDER}
    for key, node in network.nodes.items():
        if node.group == PROJECT:
            others = set(graph.neighbors(key)) - {holders.get(key)}
            node.is_isolated_project = not others
    ranked = network.ranked()
    network.central = [n for n in ranked if n.degree > 0][:CENTRAL_COUNT]
    for node in network.central:
        node.is_central = True
    network.bridges = sorted(
        (n for n in network.nodes.values() if n.is_bridge),
        key=lambda n: (-n.betweenness, n.name),
    )
    network.isolated_projects = sorted(
        (n for n in network.nodes.values() if n.is_isolated_project), key=lambda n: n.name
    )
    network.growth = growth(network.edges, network.label.granted_on, today=today)
    return network


def sampled_betweenness(graph: nx.Graph, sources: list[str]) -> dict[str, float]:
    """Betweenness centrality (normalised like networkx's) estimated from shortest paths out of
    ``sources`` only — Brandes' algorithm on integer-indexed adjacency lists, a few times faster
    than networkx's general one on the big networks it is used for; with every node as a source
    it is the exact value (a test compares both)."""
    keys = list(graph)
    index = {key: position for position, key in enumerate(keys)}
    neighbours = [[index[other] for other in graph[key]] for key in keys]
    count = len(keys)
    score = [0.0] * count
    for source in (index[key] for key in sources):
        sigma = [0] * count
        distance = [-1] * count
        predecessors: list[list[int]] = [[] for _ in range(count)]
        sigma[source], distance[source] = 1, 0
        order = [source]
        head = 0
        while head < len(order):
            current = order[head]
            head += 1
            step = distance[current] + 1
            for other in neighbours[current]:
                if distance[other] < 0:
                    distance[other] = step
                    order.append(other)
                if distance[other] == step:
                    sigma[other] += sigma[current]
                    predecessors[other].append(current)
        delta = [0.0] * count
        for node in reversed(order):
            share = (1.0 + delta[node]) / sigma[node]
            for previous in predecessors[node]:
                delta[previous] += sigma[previous] * share
            if node != source:
                score[node] += delta[node]
    scale = 1.0 / ((count - 1) * (count - 2)) if count > 2 else 1.0
    scale *= count / max(1, len(sources))
    return {key: score[position] * scale for position, key in enumerate(keys)}


def growth(
    edges: list[Edge], label_date: datetime.date, *, today: datetime.date | None = None
) -> Growth:
    """How the relations grew: active at the label date and today, and per year (from the first
    start to this year) how many started, ended and were active on 31 December. Holder and team
    edges are structure, not relations: left out. Undated relations are only counted apart."""
    today = today or timezone.localdate()
    relations = [e for e in edges if e.kind not in (HOLDER, TEAM)]
    dated = [e for e in relations if e.started_on is not None]
    result = Growth(
        label_date=label_date,
        today=today,
        at_label=sum(e.active_on(label_date) for e in dated),
        now=sum(e.active_on(today) for e in dated),
        undated=len(relations) - len(dated),
    )
    if not dated:
        return result
    started = Counter(e.started_on.year for e in dated)
    ended = Counter(e.ended_on.year for e in dated if e.ended_on is not None)
    first = min(min(started), label_date.year)
    for year in range(first, today.year + 1):
        end = min(datetime.date(year, 12, 31), today)
        result.years.append(
            {
                "year": year,
                "started": started.get(year, 0),
                "ended": ended.get(year, 0),
                "active": sum(e.active_on(end) for e in dated),
                "is_label_year": year == label_date.year,
            }
        )
    return result
