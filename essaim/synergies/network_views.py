"""The page of a territory's ecosystem network: the picture, the measures and the table
alternative. Who sees what: ``essaim.synergies.network``'s docstring."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from essaim.synergies import network, network_svg

# The table lists at most this many nodes and relations (the most connected first); the API
# pages through the rest.
TABLE_ROWS = 300


@login_not_required
@require_safe
def territory_network(request, slug: str):
    label = network.territory_label(request.user, slug)
    if label is None:
        raise Http404(
            _("Aucun territoire labellisé n'a l'identifiant « %(slug)s ».") % {"slug": slug}
        )
    graph = network.build(label, request.user)
    nodes = graph.ranked()
    edges = sorted(
        graph.edges,
        key=lambda e: (e.started_on is None, e.started_on, graph.name_of(e.source)),
    )
    return render(
        request,
        "synergies/network/territory.html",
        {
            "label": label,
            "territory": label.perimeter,
            "network": graph,
            "svg": network_svg.render(graph),
            "nodes": nodes[:TABLE_ROWS],
            "nodes_truncated": len(nodes) > TABLE_ROWS,
            "edges": [
                {
                    "source": graph.nodes[e.source],
                    "target": graph.nodes[e.target],
                    "edge": e,
                }
                for e in edges[:TABLE_ROWS]
            ],
            "edges_truncated": len(edges) > TABLE_ROWS,
            "node_count": len(nodes),
            "edge_count": len(edges),
            "max_rows": TABLE_ROWS,
        },
    )
