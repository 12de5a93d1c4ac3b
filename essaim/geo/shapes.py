"""The départements' outlines for maps drawn on the server (``data/departements-svg.json``,
built by ``scripts/build_departement_shapes.py`` from the DSFR chart's map: SVG paths of the 96
metropolitan départements in one 1010 × 1010 frame, and of the five overseas départements each
in its own frame). Read once per process: they change only with a new DSFR chart."""

import functools
import json
from dataclasses import dataclass
from pathlib import Path

PATH = Path(__file__).parent / "data" / "departements-svg.json"


@dataclass(frozen=True)
class Shape:
    code: str
    d: str
    box: tuple[float, float, float, float]
    centre: tuple[float, float]
    view_box: str  # the frame it is drawn in: the metropolitan one, or its own (overseas)
    overseas: bool


@functools.cache
def departement_shapes() -> dict[str, Shape]:
    """{département code (INSEE, "01", "2A", "971"): its outline}."""
    data = json.loads(PATH.read_text())
    shapes = {
        code: Shape(
            code, s["d"], tuple(s["box"]), tuple(s["centre"]), data["metro_view_box"], False
        )
        for code, s in data["metro"].items()
    }
    shapes |= {
        code: Shape(code, s["d"], tuple(s["box"]), tuple(s["centre"]), s["view_box"], True)
        for code, s in data["overseas"].items()
    }
    return shapes


METRO_VIEW_BOX = "0 0 1010 1010"
