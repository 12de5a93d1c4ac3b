"""The public map of labelled territories, drawn on the server as SVG (no script).

Each labelled territory is one link to its page, named by the territory and its wave, holding
what the map knows of its perimeter. Essaim stores a territory as the official units it is made
of (communes, EPCI, départements, régions) and their communes, not their contours; the only
outlines it has are the départements' (``essaim.geo.shapes``). So:

- the départements a territory covers entirely are drawn with their own outline, filled with the
  colour of the territory's wave (a territory made of whole départements or régions is drawn
  exactly);
- in a département it covers only in part, the territory is a disc placed in that département,
  its area growing with the share of the département's communes it holds.

Labels no longer valid (expired, revoked) keep their place, drawn hatched in grey. The legend
says what colours and shapes mean, which filter is applied and the date of the latest change
among the territories shown. Four queries, whatever the number of territories.
"""

import datetime
import math
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.geo import queries as geo_queries
from essaim.geo.shapes import METRO_VIEW_BOX, Shape, departement_shapes
from essaim.labels.models import LabelState

# DSFR illustrative colours (main tones), 3:1 at least against the white and grey background.
PALETTE = ("#000091", "#009081", "#A558A0", "#C3992A", "#CE614A", "#465F9D", "#7D4E5B")
INACTIVE = "#666666"
METRO_RADIUS = (5.0, 16.0)  # a disc's smallest and largest radius, in the 1010-wide frame
OVERSEAS_RADIUS = (2.5, 7.0)  # in a 50-high overseas frame


@dataclass
class Disc:
    cx: float
    cy: float
    r: float


@dataclass
class Mark:
    """One territory in one frame: the outlines of the départements it fills and its discs."""

    label: object
    colour: str
    active: bool
    paths: list[str] = field(default_factory=list)
    discs: list[Disc] = field(default_factory=list)


@dataclass
class Frame:
    """One drawing: metropolitan France, or one overseas département."""

    code: str
    name: str
    view_box: str
    background: list[Shape]
    marks: list[Mark] = field(default_factory=list)


@dataclass
class LegendWave:
    colour: str
    name: str
    count: int


@dataclass
class TerritoryMap:
    frames: list[Frame]
    waves: list[LegendWave]
    has_inactive: bool
    has_discs: bool
    has_outlines: bool
    updated_at: datetime.date | None


def _wave_name(label, several_programmes: bool) -> str:
    """The wave's name, with its programme's when several programmes are shown (the label's
    programme, already read with it: no query)."""
    name = str(label.wave)
    return f"{name} — {label.programme.name}" if several_programmes else name


def _updated_at(labels) -> datetime.date | None:
    """The day the shown territories last changed: the latest wave publication (else grant)
    or revocation among them."""
    days = []
    for label in labels:
        published = label.wave.published_at
        days.append(timezone.localdate(published) if published else label.granted_on)
        if label.revoked_at:
            days.append(timezone.localdate(label.revoked_at))
    return max(days, default=None)


def build(labels) -> TerritoryMap:
    """The map of ``labels`` (public labels with their perimeter, wave and programme)."""
    shapes = departement_shapes()
    metro = [s for s in shapes.values() if not s.overseas]
    frames = {"metro": Frame("metro", _("France métropolitaine"), METRO_VIEW_BOX, metro)}
    overseas_names = {
        "971": _("Guadeloupe"),
        "972": _("Martinique"),
        "973": _("Guyane"),
        "974": _("La Réunion"),
        "976": _("Mayotte"),
    }
    for code, name in overseas_names.items():
        frames[code] = Frame(code, name, shapes[code].view_box, [shapes[code]])

    per_perimeter = geo_queries.perimeter_departement_counts({lb.perimeter_id for lb in labels})
    touched = {code for counts in per_perimeter.values() for code in counts}
    totals = geo_queries.departement_commune_totals(touched)

    several_programmes = len({lb.programme_id for lb in labels}) > 1
    colours: dict[int, str] = {}
    legend: dict[int, LegendWave] = {}
    for label in sorted(labels, key=lambda lb: (lb.programme_id, lb.wave.number)):
        if label.wave_id not in colours:
            colours[label.wave_id] = PALETTE[len(colours) % len(PALETTE)]
            legend[label.wave_id] = LegendWave(
                colours[label.wave_id], _wave_name(label, several_programmes), 0
            )
        legend[label.wave_id].count += 1

    discs_in: dict[str, int] = {}  # discs already placed in each département
    has_discs = has_outlines = has_inactive = False
    for label in labels:
        active = label.state == LabelState.VALID
        has_inactive |= not active
        marks: dict[str, Mark] = {}
        for code, communes in sorted(per_perimeter.get(label.perimeter_id, {}).items()):
            shape = shapes.get(code)
            if shape is None:  # overseas collectivities outside the five départements
                continue
            frame_code = code if shape.overseas else "metro"
            mark = marks.setdefault(
                frame_code, Mark(label, colours[label.wave_id] if active else INACTIVE, active)
            )
            share = communes / max(totals.get(code, communes), 1)
            if share >= 1:
                mark.paths.append(shape.d)
                has_outlines = True
            else:
                mark.discs.append(_disc(shape, share, discs_in.get(code, 0)))
                discs_in[code] = discs_in.get(code, 0) + 1
                has_discs = True
        for frame_code, mark in marks.items():
            frames[frame_code].marks.append(mark)
    for frame in frames.values():
        # Larger territories first, so that a smaller one (a département inside a labelled
        # région, a disc) is drawn above them and stays visible and clickable.
        frame.marks.sort(key=lambda m: (not m.paths, -len(m.paths)))
    return TerritoryMap(
        frames=list(frames.values()),
        waves=list(legend.values()),
        has_inactive=has_inactive,
        has_discs=has_discs,
        has_outlines=has_outlines,
        updated_at=_updated_at(labels),
    )


def _disc(shape: Shape, share: float, rank: int) -> Disc:
    """A disc in ``shape``'s département; the ``rank``-th one there is set around the centre
    (golden-angle spiral) so that several territories of one département stay apart."""
    small, large = OVERSEAS_RADIUS if shape.overseas else METRO_RADIUS
    r = small + (large - small) * math.sqrt(min(share, 1))
    cx, cy = shape.centre
    if rank:
        angle, distance = rank * 2.39996, (small + large) * 0.9 * math.sqrt(rank)
        cx, cy = cx + distance * math.cos(angle), cy + distance * math.sin(angle)
    return Disc(round(cx, 1), round(cy, 1), round(r, 1))
