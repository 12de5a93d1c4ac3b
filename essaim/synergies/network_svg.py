"""The network's picture: a server-side SVG, the same for the same data.

The layout is networkx's spring layout with a fixed seed on the nodes in a fixed order, so two
renderings of the same network are identical (tests compare them). Big networks draw their
``MAX_DRAWN`` most connected nodes (the table on the same page lists every one). Nodes are coloured
by kind with a legend, the central ones are named; the picture has a title and a description for
screen readers, and each node a ``<title>`` (its name, kind and degree) shown on hover.
"""

from __future__ import annotations

import networkx as nx
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from essaim.synergies.network import GROUP_LABELS, Network

MAX_DRAWN = 150
LAYOUT_SEED = 42
WIDTH, HEIGHT, MARGIN = 900, 560, 40
LEGEND_WIDTH = 220
LABEL_ROOM = 140  # on the right of the drawing, for the names of the nodes near its edge
LABEL_LENGTH = 32

# Colours of the DSFR illustrative palette, distinguishable and dark enough for white text.
COLOURS = {
    "project": "#c3992a",
    "collective": "#000091",
    "person": "#a558a0",
    "association": "#18753c",
    "cooperative": "#009081",
    "company": "#ce614a",
    "network": "#e1000f",
    "financer": "#695240",
    "local_authority": "#3558a2",
    "public_body": "#6a6af4",
    "support": "#b34000",
}
DEFAULT_COLOUR = "#666666"


def drawn_nodes(network: Network) -> list[str]:
    """The keys of the nodes drawn: all of them, or the ``MAX_DRAWN`` most connected."""
    ranked = network.ranked()[:MAX_DRAWN]
    return sorted(node.key for node in ranked)


def layout(network: Network, keys: list[str]) -> dict[str, tuple[float, float]]:
    """Pixel positions of ``keys``: a fixed-seed spring layout scaled into the drawing area."""
    graph = network.graph.subgraph(keys).copy()
    if not keys:
        return {}
    if len(keys) == 1:
        return {keys[0]: (WIDTH / 2, HEIGHT / 2)}
    positions = _spring(graph)
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    return {
        key: (
            round(MARGIN + (x - min(xs)) / span_x * (WIDTH - 2 * MARGIN - LABEL_ROOM), 1),
            round(MARGIN + (y - min(ys)) / span_y * (HEIGHT - 2 * MARGIN), 1),
        )
        for key, (x, y) in positions.items()
    }


def _spring(graph):
    """Spring layout with the separate groups tied loosely to the biggest one: left alone, a
    small group drifts to a corner and squeezes the rest."""
    components = sorted(nx.connected_components(graph), key=lambda c: (-len(c), min(c)))
    if len(components) > 1:
        anchor = max(components[0], key=lambda key: (graph.degree(key), key))
        for component in components[1:]:
            graph.add_edge(anchor, min(component), weight=0.15)
    return nx.spring_layout(graph, seed=LAYOUT_SEED, iterations=60, weight="weight")


def render(network: Network) -> str:
    """The SVG markup (safe to include in a page)."""
    keys = drawn_nodes(network)
    positions = layout(network, keys)
    drawn = set(keys)
    title = _("Réseau de l'écosystème : %(territory)s") % {
        "territory": network.label.perimeter.name
    }
    description = _(
        "%(nodes)s acteurs et %(edges)s relations ; couleurs selon le type d'acteur (légende à "
        "droite) ; les acteurs les plus centraux sont nommés. Le tableau qui suit donne les mêmes "
        "informations."
    ) % {"nodes": len(network.nodes), "edges": network.graph.number_of_edges()}
    if len(drawn) < len(network.nodes):
        description += " " + _("Le dessin montre les %(count)s acteurs les plus reliés.") % {
            "count": len(drawn)
        }
    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" '
            'aria-labelledby="network-title network-desc" class="essaim-network-svg">'
            '<title id="network-title">{}</title><desc id="network-desc">{}</desc>',
            WIDTH + LEGEND_WIDTH,
            HEIGHT,
            title,
            description,
        ),
        '<g class="edges" stroke="#929292" stroke-width="1" stroke-opacity="0.7">',
    ]
    for source, target in sorted(network.graph.subgraph(drawn).edges()):
        (x1, y1), (x2, y2) = positions[source], positions[target]
        parts.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"/>')
    parts.append('</g><g class="nodes">')
    for key in keys:
        node = network.nodes[key]
        x, y = positions[key]
        radius = 5 + min(node.degree, 20) * 0.6
        colour = COLOURS.get(node.group, DEFAULT_COLOUR)
        stroke = ' stroke="#161616" stroke-width="2"' if node.is_bridge else ""
        parts.append(
            format_html(
                '<circle cx="{}" cy="{}" r="{}" fill="{}"{}><title>{} — {} ({})</title></circle>',
                x,
                y,
                round(radius, 1),
                colour,
                mark_safe(stroke),  # noqa: S308 - a constant of this module
                node.name,
                node.group_label,
                _("%(count)s liens") % {"count": node.degree},
            )
        )
    for key in keys:
        node = network.nodes[key]
        if node.is_central:
            x, y = positions[key]
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="12" fill="#161616" '
                    'paint-order="stroke" stroke="#ffffff" stroke-width="3">{}</text>',
                    round(x + 8, 1),
                    round(y - 8, 1),
                    node.name if len(node.name) <= LABEL_LENGTH else node.name[:LABEL_LENGTH] + "…",
                )
            )
    parts.append("</g>")
    parts.append(_legend(network))
    parts.append("</svg>")
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - every value escaped above


def _legend(network: Network) -> str:
    groups = sorted({node.group for node in network.nodes.values()})
    x = WIDTH + 10
    rows = [
        format_html(
            '<g class="legend"><text x="{}" y="24" font-size="13" font-weight="bold">{}</text>',
            x,
            _("Légende"),
        )
    ]
    for index, group in enumerate(groups):
        y = 48 + index * 22
        rows.append(
            format_html(
                '<circle cx="{}" cy="{}" r="7" fill="{}"/><text x="{}" y="{}" font-size="12">{}'
                "</text>",
                x + 8,
                y - 4,
                COLOURS.get(group, DEFAULT_COLOUR),
                x + 22,
                y,
                str(GROUP_LABELS.get(group, group)),
            )
        )
    y = 48 + len(groups) * 22
    rows.append(
        format_html(
            '<circle cx="{}" cy="{}" r="7" fill="#ffffff" stroke="#161616" stroke-width="2"/>'
            '<text x="{}" y="{}" font-size="12">{}</text></g>',
            x + 8,
            y - 4,
            x + 22,
            y,
            _("pont entre groupes"),
        )
    )
    return "".join(str(r) for r in rows)
