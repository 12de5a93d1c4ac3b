"""The network's analysis on small graphs whose answers are known by hand (no database)."""

import datetime
from types import SimpleNamespace

import networkx as nx

from essaim.synergies import network
from essaim.synergies.network import HOLDER, Edge, Network, Node

D = datetime.date
LABEL_DATE = D(2019, 2, 25)


def _network(nodes: dict[str, str], edges: list[Edge]) -> Network:
    label = SimpleNamespace(granted_on=LABEL_DATE, perimeter=SimpleNamespace(name="Témoin"))
    return network.analyse(
        Network(
            label=label,
            shows_people=False,
            nodes={key: Node(key=key, group=group, name=key) for key, group in nodes.items()},
            edges=edges,
            graph=nx.Graph(),
        ),
        today=D(2021, 6, 30),
    )


def two_groups() -> Network:
    """Two triangles (a1 a2 a3, c1 c2 c3) joined only through b; project p held by c2 with no
    other relation; project q held by a1 and funded by f (started before the label, ended in
    2020); a relation without a date."""
    nodes = {k: "association" for k in ("a1", "a2", "a3", "b", "c1", "c2", "c3", "f")}
    nodes |= {"p": "project", "q": "project"}
    edges = [
        Edge("a1", "a2", "partner", D(2018, 1, 1)),
        Edge("a2", "a3", "partner", D(2018, 6, 1)),
        Edge("a3", "a1", "partner", D(2019, 6, 1)),
        Edge("a3", "b", "cooperates", D(2019, 9, 1)),
        Edge("b", "c1", "cooperates", D(2020, 3, 1)),
        Edge("c1", "c2", "supplies"),
        Edge("c2", "c3", "supplies", D(2020, 5, 1)),
        Edge("c3", "c1", "supplies", D(2021, 1, 1)),
        Edge("c2", "p", HOLDER),
        Edge("a1", "q", HOLDER),
        Edge("f", "q", "funds", D(2018, 3, 1), D(2020, 12, 31)),
    ]
    return _network(nodes, edges)


def test_the_bridge_between_two_groups_has_the_highest_betweenness_and_is_an_articulation():
    graph = two_groups()
    ranked = sorted(graph.nodes.values(), key=lambda n: -n.betweenness)
    assert ranked[0].key in {"a3", "b", "c1"}  # the path a-side to c-side goes a3 - b - c1
    assert graph.nodes["b"].is_bridge
    assert graph.nodes["b"].betweenness > graph.nodes["a2"].betweenness
    # Cut points: a3, b, c1 (the two groups), c2 (its project p), a1 and q (the funder f).
    assert {n.key for n in graph.bridges} == {"a1", "a3", "b", "c1", "c2", "q"}
    assert not graph.nodes["a2"].is_bridge and not graph.nodes["f"].is_bridge


def test_degree_counts_distinct_neighbours_and_central_ones_are_the_most_linked():
    graph = two_groups()
    assert graph.nodes["a1"].degree == 3  # a2, a3, q
    assert graph.nodes["c2"].degree == 3  # c1, c3, p
    assert graph.nodes["p"].degree == 1
    assert graph.nodes["b"].degree_centrality == round(2 / 9, 4)
    assert graph.central[0].degree == 3
    assert all(n.is_central for n in graph.central)


def test_a_project_with_no_relation_beyond_its_holder_is_isolated():
    graph = two_groups()
    assert [n.key for n in graph.isolated_projects] == ["p"]
    assert not graph.nodes["q"].is_isolated_project


def test_growth_counts_relations_active_at_the_label_and_now_and_per_year():
    growth = two_groups().growth
    # At 25 Feb 2019: a1-a2, a2-a3, f-q (started 2018) — holder edges are not relations.
    assert growth.at_label == 3
    # On 30 June 2021: all dated relations but f-q (ended end 2020): 8 dated - 1 = 7.
    assert growth.now == 7
    assert growth.undated == 1
    years = {row["year"]: row for row in growth.years}
    assert sorted(years) == [2018, 2019, 2020, 2021]
    assert years[2018]["started"] == 3 and years[2018]["active"] == 3
    assert years[2019]["started"] == 2 and years[2019]["is_label_year"]
    assert years[2020]["ended"] == 1 and years[2020]["active"] == 7  # f-q: active on its end day
    assert years[2021]["active"] == 7


def test_an_ended_relation_counts_until_its_end_day():
    edge = Edge("a", "b", "partner", D(2019, 1, 1), D(2019, 12, 31))
    assert edge.active_on(D(2019, 12, 31)) and not edge.active_on(D(2020, 1, 1))
    assert not Edge("a", "b", "partner").active_on(D(2019, 6, 1))  # undated: never counted


def test_empty_and_single_node_networks_have_no_measures_and_no_error():
    graph = _network({"a": "association"}, [])
    assert graph.nodes["a"].degree == 0 and graph.central == [] and graph.bridges == []
    assert graph.growth.years == [] and graph.growth.at_label == 0


def test_big_networks_estimate_betweenness_from_a_fixed_sample_reproducibly():
    count = network.EXACT_BETWEENNESS_NODES + 50
    nodes = {f"n{i}": "company" for i in range(count)}
    edges = [Edge(f"n{i}", f"n{(i * 7 + 3) % count}", "partner") for i in range(count)]
    first, second = _network(nodes, edges), _network(nodes, list(edges))
    assert first.betweenness_estimated
    assert [n.betweenness for n in first.ranked()] == [n.betweenness for n in second.ranked()]


def test_sampled_betweenness_with_every_source_is_networkx_exact_betweenness():
    graph = nx.gnm_random_graph(60, 140, seed=3)
    graph.add_edges_from([(60, 61), (61, 62)])  # a tail: articulation points
    exact = nx.betweenness_centrality(graph)
    mine = network.sampled_betweenness(graph, list(graph))
    assert all(abs(exact[key] - mine[key]) < 1e-9 for key in graph)
