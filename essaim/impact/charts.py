"""A territory's yearly series against its targets, as an SVG bar chart (values as bars, targets
as marks), drawn on the server; the page shows the same figures as a table."""

from dataclasses import dataclass
from decimal import Decimal

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 14, 30


def _n(number: float) -> str:
    """A coordinate as SVG reads it, whatever the page's language (never "12,5")."""
    return f"{number:.1f}"


@dataclass
class Bar:
    x: str
    y: str
    width: str
    height: str
    year: int
    value: Decimal | None
    target_y: str | None
    label_x: str
    x_end: str


def _fmt(value: Decimal) -> str:
    text = f"{Decimal(value).normalize():f}"
    if "." in text and len(text.split(".")[1]) > 2:
        text = f"{Decimal(value):.2f}"
    return text.replace(".", ",")


def series_chart(points) -> dict:
    """Geometry for ``impact/_chart.html``: bars, target marks, the scale's top value."""
    numbers = [p.value for p in points if p.value is not None]
    numbers += [p.target for p in points if p.target is not None]
    top = max([Decimal(0), *numbers]) or Decimal(1)
    bottom = min([Decimal(0), *numbers])
    span = float(top - bottom) or 1.0
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = inner_w / max(len(points), 1)
    bar_w = slot * 0.55

    def y_of(value) -> float:
        return TOP + inner_h * (float(top) - float(value)) / span

    zero = y_of(0)
    bars = []
    for i, point in enumerate(points):
        x = LEFT + i * slot + (slot - bar_w) / 2
        if point.value is not None:
            y = min(y_of(point.value), zero)
            height = abs(zero - y_of(point.value))
        else:
            y, height = zero, 0
        bars.append(
            Bar(
                x=_n(x),
                y=_n(y),
                width=_n(bar_w),
                height=_n(height),
                year=point.year,
                value=point.value,
                target_y=None if point.target is None else _n(y_of(point.target)),
                label_x=_n(x + bar_w / 2),
                x_end=_n(x + bar_w),
            )
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "zero": _n(zero),
        "top": TOP,
        "tick_x": LEFT - 4,
        "top_y": TOP + 4,
        "top_label": _fmt(top),
        "axis_y": HEIGHT - BOTTOM + 16,
        "bars": bars,
    }
