"""Extract the départements' outlines from the vendored DSFR chart (``@gouvfr/dsfr-chart``
2.0.4, MIT) into ``essaim/geo/data/departements-svg.json``: the SVG path of each of the 96
metropolitan départements (one 1010 × 1010 frame, Corsica included) and of the five overseas
départements (each in its own small frame), with each outline's bounding box and centre.

Run from the repository's root: ``uv run python scripts/build_departement_shapes.py``. The output
is deterministic (same input, same bytes).
"""

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "essaim/labels/static/labels/dsfr-chart/MapChart.js"
TARGET = ROOT / "essaim/geo/data/departements-svg.json"

METRO = re.compile(
    r'class: "FR-([0-9AB]+)",\s*style: D\(\{ display: n\.config\.displayDep\["FR-[0-9AB]+"\] '
    r'\}\),\s*d: "([^"]+)"'
)
OVERSEAS = re.compile(
    r'viewBox: "([0-9. ]+)"\s*\}, \w+ = \["stroke"\];.*?class: "FR-(97\d)",\s*d: "([^"]+)"', re.S
)
NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:e-?\d+)?")
TOKEN = re.compile(r"[MmLlHhVvCcSsQqTtAaZz]|-?(?:\d+\.?\d*|\.\d+)(?:e-?\d+)?")
ARITY = {"M": 2, "L": 2, "H": 1, "V": 1, "C": 6, "S": 4, "Q": 4, "T": 2, "A": 7, "Z": 0}


def points(d: str):
    """The end points of a path's segments (enough for a bounding box)."""
    x = y = 0.0
    start = (0.0, 0.0)
    command = None
    tokens = TOKEN.findall(d)
    i = 0
    while i < len(tokens):
        if tokens[i].isalpha():
            command = tokens[i]
            i += 1
            if command in "Zz":
                x, y = start
                continue
        upper = command.upper()
        args = [float(v) for v in tokens[i : i + ARITY[upper]]]
        i += ARITY[upper]
        relative = command.islower()
        if upper == "H":
            x = x + args[0] if relative else args[0]
        elif upper == "V":
            y = y + args[0] if relative else args[0]
        else:
            ex, ey = args[-2], args[-1]
            x, y = (x + ex, y + ey) if relative else (ex, ey)
        if upper == "M":
            start = (x, y)
            command = "l" if relative else "L"  # implicit line-tos after a move-to
        yield x, y


def shape(d: str) -> dict:
    xs, ys = zip(*points(d), strict=True)
    box = [round(min(xs), 1), round(min(ys), 1), round(max(xs), 1), round(max(ys), 1)]
    centre = [round((box[0] + box[2]) / 2, 1), round((box[1] + box[3]) / 2, 1)]
    return {"d": d, "box": box, "centre": centre}


def main() -> None:
    text = SOURCE.read_text()
    metro = {code.zfill(2): shape(d) for code, d in METRO.findall(text)}
    overseas = {}
    for view_box, code, d in OVERSEAS.findall(text):
        overseas[code] = {"view_box": view_box, **shape(d)}
    if len(metro) != 96 or set(overseas) != {"971", "972", "973", "974", "976"}:
        raise SystemExit(f"unexpected départements: {sorted(metro)} {sorted(overseas)}")
    data = {
        "source": "@gouvfr/dsfr-chart 2.0.4, dist/MapChart/MapChart.js (MIT)",
        "metro_view_box": "0 0 1010 1010",
        "metro": dict(sorted(metro.items())),
        "overseas": dict(sorted(overseas.items())),
    }
    TARGET.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"{TARGET.relative_to(ROOT)}: {len(metro)} + {len(overseas)} départements")


if __name__ == "__main__":
    main()
