"""Matching projects' open needs with engaged companies' offers, with the reasons in words.

An offer **can** meet a need when both hold:

1. **territory** — the offer covers all of France, or one of the regions of the project (the
   regions of its territory's communes, of the communes it serves, else of its holder's
   commune), or one of the perimeters that hold the project's territory or communes;
2. **kind** — the offer's kind answers the need's kind (``ANSWERS``: skills sponsorship,
   mentoring and volunteering answer a skills need; purchasing, premises and mentoring a
   partners need; investment a financing need).

Matches are then **ranked**: a named perimeter counts more than a region, a region more than
all of France; each word the offer shares with the need (its purpose, the project's title and
summary: accent-free, stop words out, light French stems) adds to the score. Every reason is
shown next to the match. Reads are a fixed number of queries whatever the number of needs.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from essaim.core.text import STOP_WORDS, french_stem, normalise
from essaim.geo.models import PerimeterCommune, Region
from essaim.projects.models import Need, NeedKind, NeedStatus, Project
from essaim.synergies.models import Offer, OfferKind

# Which need kinds an offer kind answers.
ANSWERS: dict[str, frozenset[str]] = {
    OfferKind.SKILLS_SPONSORSHIP: frozenset({NeedKind.SKILLS}),
    OfferKind.MENTORING: frozenset({NeedKind.SKILLS, NeedKind.PARTNERS}),
    OfferKind.VOLUNTEERING: frozenset({NeedKind.SKILLS}),
    OfferKind.RESPONSIBLE_PURCHASING: frozenset({NeedKind.PARTNERS}),
    OfferKind.PREMISES: frozenset({NeedKind.PARTNERS}),
    OfferKind.INVESTMENT: frozenset({NeedKind.FINANCING}),
}
# The need kinds engaged companies can answer at all ("Je peux aider" on a project's page); a
# regulatory need is the one-stop shop's (``regulatory``), not theirs.
ANSWERABLE_KINDS = frozenset().union(*ANSWERS.values())
# The need kinds a company without an offer is shown (in its own region).
DEFAULT_KINDS = frozenset({NeedKind.SKILLS, NeedKind.PARTNERS})
SCORE_PERIMETER, SCORE_REGION, SCORE_NATIONAL, SCORE_KIND, SCORE_WORD = 30, 20, 10, 10, 5
MAX_WORDS_SHOWN = 6


# Words too common in needs and offers to tell them apart (accent-free), beside French stop words.
COMMON_WORDS = frozenset(
    """aupres avec chez entre tous toutes tout plus moins aussi leurs notre votre nos vos
    fictif fictive fictifs projet projets besoin besoins offre offres aide aider""".split()
)
LETTERS = re.compile(r"[^\W\d_]+")


def stems(text: str) -> dict[str, str]:
    """{stem: the word as first written} of the significant words of ``text`` (four letters or
    more; compared accent-free, French stop words and ``COMMON_WORDS`` left out)."""
    found: dict[str, str] = {}
    for raw in LETTERS.findall(text or ""):
        word = normalise(raw)
        if len(word) < 4 or word in STOP_WORDS or word in COMMON_WORDS:
            continue
        found.setdefault(french_stem(word), raw.lower())
    return found


@dataclass(frozen=True)
class Coverage:
    """Where an offer applies."""

    is_national: bool
    regions: dict[int, str]
    perimeters: dict[int, str]


@dataclass
class Territory:
    """Where a project is."""

    regions: set[int] = field(default_factory=set)
    perimeters: set[int] = field(default_factory=set)


@dataclass
class Match:
    need: Need
    offer: Offer | None
    score: int
    reasons: list[str]
    # The introduction already proposed on this need by the reader's company (pages set it).
    introduction_id: int | None = None

    @property
    def project(self) -> Project:
        return self.need.project


def coverage_of(offer: Offer) -> Coverage:
    """From the offer's prefetched regions and perimeters."""
    return Coverage(
        is_national=offer.is_national,
        regions={r.pk: r.name for r in offer.regions.all()},
        perimeters={p.pk: p.name for p in offer.perimeters.all()},
    )


def offers_with_coverage(queryset):
    return queryset.select_related("company").prefetch_related(
        Prefetch("regions", queryset=Region.objects.order_by("name")), "perimeters"
    )


def territories_of(projects: list[Project], named_perimeters: set[int]) -> dict[int, Territory]:
    """{project id: its regions and perimeters}, in three queries whatever the number of
    projects. ``named_perimeters``: the perimeters the offers name (those holding one of the
    project's communes count as the project's)."""
    result = {p.pk: Territory() for p in projects}
    by_perimeter: dict[int, list[int]] = defaultdict(list)
    for project in projects:
        if project.perimeter_id:
            result[project.pk].perimeters.add(project.perimeter_id)
            by_perimeter[project.perimeter_id].append(project.pk)
    if by_perimeter:
        rows = (
            PerimeterCommune.objects.filter(perimeter_id__in=sorted(by_perimeter))
            .order_by()
            .values_list("perimeter_id", "commune__region_id")
            .distinct()
        )
        for perimeter_id, region_id in rows:
            for pk in by_perimeter[perimeter_id]:
                result[pk].regions.add(region_id)
    through = Project.communes.through
    communes: dict[int, set[int]] = defaultdict(set)
    for project_id, commune_id, region_id in through.objects.filter(
        project_id__in=list(result)
    ).values_list("project_id", "commune_id", "commune__region_id"):
        result[project_id].regions.add(region_id)
        communes[commune_id].add(project_id)
    if named_perimeters and communes:
        for perimeter_id, commune_id in PerimeterCommune.objects.filter(
            perimeter_id__in=sorted(named_perimeters), commune_id__in=sorted(communes)
        ).values_list("perimeter_id", "commune_id"):
            for pk in communes[commune_id]:
                result[pk].perimeters.add(perimeter_id)
    for project in projects:
        territory = result[project.pk]
        holder_commune = project.holder.commune if project.holder_id else None
        if not territory.regions and holder_commune is not None:
            territory.regions.add(holder_commune.region_id)
    return result


def territory_reason(coverage: Coverage, territory: Territory) -> tuple[int, str] | None:
    """The best territorial reason the offer covers the project, or ``None``."""
    for pk in sorted(territory.perimeters):
        if pk in coverage.perimeters:
            return SCORE_PERIMETER, _("territoire couvert : %(name)s") % {
                "name": coverage.perimeters[pk]
            }
    for pk in sorted(territory.regions):
        if pk in coverage.regions:
            return SCORE_REGION, _("région couverte : %(name)s") % {"name": coverage.regions[pk]}
    if coverage.is_national:
        return SCORE_NATIONAL, _("l'offre couvre toute la France")
    return None


def need_stems(need: Need) -> dict[str, str]:
    project = need.project
    return stems(f"{need.purpose} {project.title} {project.summary}")


def score(
    need: Need, offer: Offer, coverage: Coverage, territory: Territory, need_words: dict
) -> Match | None:
    """The match of ``offer`` with ``need``, or ``None`` when the offer cannot meet it."""
    if need.kind not in ANSWERS.get(offer.kind, frozenset()):
        return None
    where = territory_reason(coverage, territory)
    if where is None:
        return None
    points, reasons = where[0] + SCORE_KIND, [where[1]]
    reasons.append(
        _("« %(offer)s » répond à un besoin de %(need)s")
        % {"offer": offer.get_kind_display(), "need": need.get_kind_display()}
    )
    offer_words = stems(f"{offer.title} {offer.description}")
    shared = [need_words[s] for s in need_words if s in offer_words]
    if shared:
        points += SCORE_WORD * len(shared)
        reasons.append(
            _("mots en commun : %(words)s") % {"words": ", ".join(shared[:MAX_WORDS_SHOWN])}
        )
    return Match(need=need, offer=offer, score=points, reasons=reasons)


def open_needs():
    """Open needs of published projects, with what matching and pages read."""
    return (
        Need.objects.filter(status=NeedStatus.OPEN, project__is_published=True)
        .select_related("project__perimeter", "project__holder__commune")
        .order_by("pk")
    )


def rank(matches: list[Match]) -> list[Match]:
    return sorted(matches, key=lambda m: (-m.score, m.need.project.title, m.need.pk))


def needs_for_offers(offers: list[Offer], *, default_region: Region | None = None) -> list[Match]:
    """The open needs the offers can meet, each with its best offer and the reasons, best
    first. Without any active offer: the skills and partners needs of ``default_region`` (the
    company's own), so that a company sees where it could help before publishing."""
    if not offers:
        if default_region is None:
            return []
        needs = list(open_needs().filter(kind__in=sorted(DEFAULT_KINDS)))
        territories = territories_of(list({n.project_id: n.project for n in needs}.values()), set())
        reason = _("dans la région de votre entreprise : %(name)s") % {"name": default_region.name}
        return rank(
            [
                Match(need=n, offer=None, score=SCORE_REGION, reasons=[reason])
                for n in needs
                if default_region.pk in territories[n.project_id].regions
            ]
        )
    kinds = set().union(*(ANSWERS[o.kind] for o in offers))
    coverages = {o.pk: coverage_of(o) for o in offers}
    named = set().union(*(set(c.perimeters) for c in coverages.values()))
    needs = list(open_needs().filter(kind__in=sorted(kinds)))
    territories = territories_of(list({n.project_id: n.project for n in needs}.values()), named)
    best: list[Match] = []
    for need in needs:
        words = need_stems(need)
        candidates = [
            m
            for o in offers
            if (m := score(need, o, coverages[o.pk], territories[need.project_id], words))
        ]
        if candidates:
            best.append(max(candidates, key=lambda m: m.score))
    return rank(best)


def offers_for_need(need: Need, offers: list[Offer]) -> list[Match]:
    """The offers that can meet ``need``, best first (offers prefetched with
    ``offers_with_coverage``)."""
    named = set().union(*({p.pk for p in o.perimeters.all()} for o in offers)) if offers else set()
    territory = territories_of([need.project], named)[need.project_id]
    words = need_stems(need)
    found = [m for o in offers if (m := score(need, o, coverage_of(o), territory, words))]
    return sorted(found, key=lambda m: (-m.score, m.offer.title, m.offer.pk))
