"""Benchmark: the analysis of a territory's ecosystem network (``essaim.synergies.network``).

    uv run python bench/network.py [--nodes 2000 5000] [--repeat 3]

Synthetic networks (no database: ``build`` is three queries whatever the size, its cost is the
database's): organisations of every kind, a project for every fifth one held by it, and about
two dated relations per organisation, a third of them before the label, some ended; a few
hubs (networks, funders) linked to many. For each size it prints, best of ``--repeat``:

- the baseline measured in the same run: building the networkx graph and its degrees only
  (the floor of any analysis);
- ``analyse``: degree centrality, betweenness (exact up to ``EXACT_BETWEENNESS_NODES`` nodes,
  sampled above), articulation points, isolated projects, growth by year;
- the SVG picture (the ``MAX_DRAWN`` most connected nodes, spring layout).

The issue's target: a territory with 5,000 organisations analysed in under 2 s.

The last line, ``RESULT {json}``, is the headline read by ``bench/all.py``.
"""

import argparse
import datetime
import json
import os
import random
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ESSAIM_MODE", "test")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "essaim.settings")

KINDS = ["association", "company", "cooperative", "network", "financer", "local_authority"]
RELATIONS = ["partner", "funds", "supplies", "network_member", "mentors", "cooperates"]


def synthetic(count: int, seed: int = 7):
    from essaim.synergies.network import HOLDER, Edge, Node

    rng = random.Random(seed)
    nodes, edges = {}, []
    label_date = datetime.date(2019, 2, 25)
    for index in range(count):
        key = f"o{index}"
        nodes[key] = Node(key=key, group=rng.choice(KINDS), name=f"Organisation {index}")
        if index % 5 == 0:
            project = f"p{index}"
            nodes[project] = Node(key=project, group="project", name=f"Projet {index}")
            edges.append(Edge(key, project, HOLDER))
    hubs = [f"o{i}" for i in range(0, count, max(1, count // 20))]
    keys = list(nodes)
    for index in range(count):
        for _ in range(2):
            other = rng.choice(hubs) if rng.random() < 0.3 else rng.choice(keys)
            started = label_date + datetime.timedelta(days=rng.randint(-1100, 2500))
            ended = (
                started + datetime.timedelta(days=rng.randint(200, 900))
                if rng.random() < 0.15
                else None
            )
            edges.append(Edge(f"o{index}", other, rng.choice(RELATIONS), started, ended))
    return nodes, edges, label_date


def best(repeat: int, function) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return min(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, nargs="+", default=[2000, 5000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    import networkx as nx

    from essaim.synergies import network, network_svg

    print(
        f"{'organisations':>13} {'nodes':>6} {'edges':>6} {'baseline':>9} {'analyse':>9} "
        f"{'picture':>9}  betweenness"
    )
    timings = {}
    for count in args.nodes:
        nodes, edges, label_date = synthetic(count)
        label = SimpleNamespace(granted_on=label_date, perimeter=SimpleNamespace(name="Banc"))

        def baseline(nodes=nodes, edges=edges):
            graph = nx.Graph()
            graph.add_nodes_from(sorted(nodes))
            graph.add_edges_from((e.source, e.target) for e in edges if e.source != e.target)
            return dict(graph.degree())

        def fresh(label=label, nodes=nodes, edges=edges):
            return network.Network(label, False, nodes, edges, nx.Graph())

        analysed = network.analyse(fresh())
        base = best(args.repeat, baseline)
        full = best(args.repeat, lambda: network.analyse(fresh()))
        picture = best(args.repeat, lambda analysed=analysed: network_svg.render(analysed))
        mode = "sampled" if analysed.betweenness_estimated else "exact"
        print(
            f"{count:>13} {len(nodes):>6} {analysed.graph.number_of_edges():>6} "
            f"{base:>8.3f}s {full:>8.3f}s {picture:>8.3f}s  {mode}"
        )
        timings[count] = (full, base)
    largest = max(timings)
    full, base = timings[largest]
    result = {
        "bench": "network",
        "figure": f"{largest:,} organisations analysed in {full:.2f} s",
        "baseline": f"networkx graph and degrees only {base:.3f} s",
        "goal": "5,000 organisations analysed < 2 s",
        "met": full < 2 if largest >= 5000 else None,
    }
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
