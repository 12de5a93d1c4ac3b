import datetime
import random

import pytest

from essaim.financing.matching import (
    NO,
    OK,
    PARTLY,
    RULES,
    RULES_BY_CODE,
    Context,
    InstrumentIndex,
    InstrumentTerms,
    ProjectFacts,
    compile_instruments,
    covered_by_rules,
    find_gaps,
    match_project,
    rank,
)

TODAY = datetime.date(2026, 6, 1)
FAMILIES = ["association", "cooperative", "company"]
CTX = Context(today=TODAY)


def terms(**over) -> InstrumentTerms:
    base = {
        "id": 1,
        "name": "Outil",
        "label": "Outil",
        "provider": "Financeur",
        "provider_id": 1,
        "kinds": frozenset({"grant"}),
        "bands": (),
        "share": None,
        "families": frozenset(),
        "categories": frozenset(),
        "requires_ess": False,
        "requires_esus": False,
        "min_age": None,
        "max_age": None,
        "max_budget": None,
        "national": True,
        "regions": frozenset(),
        "perimeters": frozenset(),
        "excluded_regions": frozenset(),
        "excluded_perimeters": frozenset(),
        "themes": frozenset(),
        "opens_on": None,
        "closes_on": None,
    }
    base.update(over)
    return InstrumentTerms(**base)


def facts(**over) -> ProjectFacts:
    base = {
        "id": 1,
        "title": "Projet",
        "stage": "seed",
        "amount": 40_000,
        "need_id": 1,
        "families": frozenset({"association"}),
        "legal_category": "9220",
        "legal_label": "association déclarée (9220)",
        "is_ess": True,
        "esus": False,
        "age": 1,
        "budget": 60_000,
        "regions": frozenset({75}),
        "perimeters": frozenset({7}),
        "domains": frozenset({"food"}),
    }
    base.update(over)
    return ProjectFacts(**base)


def verdict(code, inst, project):
    from essaim.financing.matching import RuleResult

    rule = RULES_BY_CODE[code]
    status = rule.check(inst, project, CTX)
    return status, RuleResult(rule, status, inst, project, CTX).message


# --- Each rule: eligible, not eligible, partly, and the message -------------------------------


@pytest.mark.parametrize(
    ("code", "inst", "project", "status", "message"),
    [
        ("open", terms(), facts(), OK, "ouvert aux demandes"),
        (
            "open",
            terms(closes_on=datetime.date(2026, 1, 31)),
            facts(),
            NO,
            "fermé aux demandes : clos le 2026-01-31",
        ),
        (
            "open",
            terms(opens_on=datetime.date(2026, 9, 1)),
            facts(),
            NO,
            "fermé aux demandes : ouvre le 2026-09-01",
        ),
        ("stage", terms(bands=(("seed", 30_000, None),)), facts(), OK, "finance le stade amorçage"),
        (
            "stage",
            terms(bands=(("development", 1, 2), ("scale_up", 3, 4))),
            facts(),
            NO,
            "ne finance que les stades développement, changement d'échelle ; "
            "le projet est au stade amorçage",
        ),
        (
            "ticket",
            terms(bands=(("seed", 30_000, None),)),
            facts(amount=20_000),
            NO,
            "le besoin de 20 000 € est inférieur à son minimum de 30 000 €",
        ),
        (
            "ticket",
            terms(bands=(("", 5_000, 30_000),)),
            facts(),
            PARTLY,
            "le besoin de 40 000 € dépasse son maximum de 30 000 € : il n'en couvrirait "
            "qu'une partie",
        ),
        (
            "ticket",
            terms(bands=(("seed", 30_000, None),)),
            facts(),
            OK,
            "le besoin de 40 000 € est dans sa fourchette (à partir de 30 000 €)",
        ),
        (
            "legal_form",
            terms(families=frozenset({"association", "cooperative"})),
            facts(),
            OK,
            "ouvert à la forme juridique de la structure (association déclarée (9220))",
        ),
        (
            "legal_form",
            terms(families=frozenset({"association"})),
            facts(families=frozenset({"company"}), legal_category="5710", legal_label="SAS (5710)"),
            NO,
            "réservé à associations ; la structure est SAS (5710)",
        ),
        (
            "legal_form",
            terms(families=frozenset({"association"})),
            facts(families=frozenset(), legal_category="", legal_label="inconnue"),
            PARTLY,
            "réservé à associations ; la forme juridique de la structure est inconnue",
        ),
        (
            "equity",
            terms(kinds=frozenset({"equity"})),
            facts(),
            NO,
            "n'intervient qu'en fonds propres (entrée au capital) : une association n'a pas de "
            "capital à ouvrir",
        ),
        ("equity", terms(kinds=frozenset({"equity", "loan"})), facts(), OK, None),
        ("ess", terms(requires_ess=True), facts(), OK, "conditions ESS remplies"),
        (
            "ess",
            terms(requires_ess=True),
            facts(is_ess=False),
            NO,
            "réservé aux structures de l'ESS",
        ),
        (
            "ess",
            terms(requires_esus=True),
            facts(),
            NO,
            "exige l'agrément ESUS, que la structure n'a pas",
        ),
        (
            "age",
            terms(min_age=3),
            facts(age=1),
            NO,
            "réservé aux structures de 3 ans ou plus ; elle a 1 an",
        ),
        (
            "age",
            terms(max_age=3),
            facts(age=None),
            PARTLY,
            "réservé aux structures de 3 ans ou moins ; l'âge de la structure est inconnu",
        ),
        ("age", terms(min_age=0, max_age=3), facts(age=2), OK, None),
        ("budget", terms(max_budget=300_000), facts(budget=60_000), OK, "budget annuel compatible"),
        (
            "budget",
            terms(max_budget=300_000),
            facts(budget=900_000),
            NO,
            "réservé aux budgets annuels de 300 000 € au plus ; le projet en a 900 000 €",
        ),
        ("budget", terms(max_budget=300_000), facts(budget=None), PARTLY, None),
        ("perimeter", terms(), facts(), OK, "couvre le territoire du projet"),
        (
            "perimeter",
            terms(national=False, regions=frozenset({84})),
            facts(),
            NO,
            "ne couvre pas le territoire du projet",
        ),
        (
            "perimeter",
            terms(excluded_perimeters=frozenset({7})),
            facts(),
            NO,
            "exclut le territoire du projet",
        ),
        (
            "perimeter",
            terms(national=False, regions=frozenset({84})),
            facts(regions=frozenset(), perimeters=frozenset()),
            PARTLY,
            "limité à certains territoires ; la localisation du projet est inconnue",
        ),
        (
            "money",
            terms(kinds=frozenset({"orientation"})),
            facts(),
            PARTLY,
            "oriente vers les bons interlocuteurs sans apporter de fonds",
        ),
        ("money", terms(kinds=frozenset({"loan"})), facts(), OK, "apporte des fonds (prêt)"),
        ("stage_focus", terms(bands=(("seed", None, None),)), facts(), OK, None),
        (
            "stage_focus",
            terms(),
            facts(),
            PARTLY,
            "outil généraliste, non dédié au stade amorçage",
        ),
        ("themes", terms(themes=frozenset({"food", "health"})), facts(), OK, None),
        (
            "themes",
            terms(themes=frozenset({"mobility"})),
            facts(),
            PARTLY,
            "cible d'autres thèmes (mobilité)",
        ),
        (
            "share",
            terms(share=0.5),
            facts(),
            PARTLY,
            "finance au plus 50 % des coûts : un cofinancement est nécessaire",
        ),
        ("share", terms(), facts(), OK, "peut financer l'essentiel du besoin"),
    ],
)
def test_rule(code, inst, project, status, message):
    got_status, got_message = verdict(code, inst, project)
    assert got_status == status
    if message is not None:
        assert got_message == message


def test_every_rule_is_declared_with_a_message_per_verdict():
    codes = [rule.code for rule in RULES]
    assert len(codes) == len(set(codes))
    for rule in RULES:
        assert OK in rule.messages
        assert NO in rule.messages or PARTLY in rule.messages
        assert rule.hard or NO not in rule.messages  # soft rules never exclude


def test_hard_rules_exclude_soft_rules_rank():
    result = rank(
        [
            terms(id=1, label="A", share=0.5),
            terms(id=2, label="B"),
            terms(id=3, label="C", requires_esus=True),
        ],
        facts(),
        today=TODAY,
    )
    assert [m.instrument.label for m in result.ranked] == ["B", "A"]
    assert result.ranked[0].score > result.ranked[1].score
    assert [m.instrument.label for m in result.excluded] == ["C"]
    assert result.excluded[0].reasons == ["C : exige l'agrément ESUS, que la structure n'a pas"]


def test_ranking_is_deterministic_whatever_the_input_order():
    instruments = [
        terms(id=i, label=f"Outil {i % 7}", share=(0.5 if i % 3 else None)) for i in range(40)
    ]
    expected = [m.instrument.id for m in rank(instruments, facts(), today=TODAY).ranked]
    shuffled = instruments[:]
    for seed in range(5):
        random.Random(seed).shuffle(shuffled)
        assert [m.instrument.id for m in rank(shuffled, facts(), today=TODAY).ranked] == expected
    # ties are broken by label, then id
    tied = [m for m in rank(instruments, facts(), today=TODAY).ranked if m.score == 100]
    assert [(m.instrument.label, m.instrument.id) for m in tied] == sorted(
        (m.instrument.label, m.instrument.id) for m in tied
    )


# --- The gaps' bit masks agree with the rules evaluated pair by pair ---------------------------


def _random_terms(rng, i) -> InstrumentTerms:
    stages = ["emergence", "seed", "development", "scale_up", "spreading"]
    bands = []
    for stage in rng.sample(["", *stages], rng.randint(0, 3)):
        low = rng.choice([None, 5_000, 30_000, 100_000])
        high = rng.choice([None, 20_000, 50_000, 500_000, 5_000_000])
        if low is not None and high is not None and low > high:
            low, high = high, low
        bands.append((stage, low, high))
    return terms(
        id=i,
        label=f"I{i}",
        kinds=frozenset(rng.sample(["grant", "loan", "equity", "orientation", "guarantee"], 2)),
        bands=tuple(bands),
        families=frozenset(
            rng.sample(["association", "cooperative", "company"], rng.randint(0, 2))
        ),
        requires_ess=rng.random() < 0.3,
        requires_esus=rng.random() < 0.1,
        min_age=rng.choice([None, None, 3]),
        max_age=rng.choice([None, None, 3, 6]),
        max_budget=rng.choice([None, None, 300_000]),
        national=rng.random() < 0.5,
        regions=frozenset(rng.sample([75, 84, 11], rng.randint(0, 2))),
        perimeters=frozenset(rng.sample([1, 2, 3], rng.randint(0, 1))),
        excluded_regions=frozenset(rng.sample([75, 84], rng.randint(0, 1))),
        closes_on=rng.choice([None, None, datetime.date(2026, 1, 1)]),
    )


def _random_facts(rng, i) -> ProjectFacts:
    families = rng.choice(
        [frozenset({"association"}), frozenset({"company", "cooperative"}), frozenset()]
    )
    return facts(
        id=i,
        stage=rng.choice(["emergence", "seed", "development", "scale_up", "spreading"]),
        amount=rng.choice([None, 3_000, 20_000, 40_000, 120_000, 700_000, 6_000_000]),
        families=families,
        legal_category="",
        is_ess=rng.random() < 0.6,
        esus=rng.random() < 0.2,
        age=rng.choice([None, 0, 2, 4, 10]),
        budget=rng.choice([None, 50_000, 400_000]),
        regions=frozenset(rng.sample([75, 84, 11], rng.randint(0, 2))),
        perimeters=frozenset(rng.sample([1, 2, 3], rng.randint(0, 2))),
    )


def test_masks_agree_with_pairwise_rules():
    rng = random.Random(2019)
    instruments = [_random_terms(rng, i) for i in range(60)]
    index = InstrumentIndex(instruments, today=TODAY)
    disagreements = []
    covered = 0
    for i in range(400):
        project = _random_facts(rng, i)
        by_mask = bool(index.covering_mask(project))
        by_rules = covered_by_rules(instruments, project, today=TODAY)
        covered += by_rules
        if by_mask != by_rules:
            disagreements.append(project)
    assert disagreements == []
    assert 0 < covered < 400  # the sample exercises both answers


# --- On data shaped like the demo ---------------------------------------------------------------


def test_supermarket_ranks_a_seed_stage_instrument_for_associations_first(world):
    result = match_project(world.supermarket)
    first = result.ranked[0]
    assert first.instrument.label == "FISO #2"
    assert "association" in first.instrument.families
    assert first.instrument.stages == frozenset({"seed"})
    novess = next(m for m in result.excluded if m.instrument.label == "NovESS")
    assert novess.reasons == [
        "NovESS : ne finance que les stades développement, changement d'échelle ; "
        "le projet est au stade amorçage",
        "NovESS : le besoin de 40 000 € est inférieur à son minimum de 100 000 €",
    ]
    # an association cannot take equity: the seed equity fund is excluded, and says why
    inco = next(m for m in result.excluded if m.instrument.label == "Amorçage French Impact")
    assert [r.rule.code for r in inco.failures] == ["equity"]


def test_small_need_is_under_fiso_minimum(world):
    world.need.amount = 20_000
    world.need.save()
    result = match_project(world.supermarket, world.need)
    fiso = next(m for m in result.excluded if m.instrument.label == "FISO #2")
    assert fiso.reasons == [
        "FISO #2 : le besoin de 20 000 € est inférieur à son minimum de 30 000 €"
    ]


def test_gaps_list_the_uncovered_need(world):
    report = find_gaps()
    assert report.needs_checked == 2
    assert [g.need_id for g in report.gaps] == [world.big_need.pk]
    rows = report.by_territory()
    assert rows[0]["territory"] == "Lyon Métropole"
    assert rows[0]["stages"]["spreading"] == [1, 2_000_000]


def test_gaps_respect_perimeters_and_exclusions(world):
    from essaim.financing.models import Instrument
    from essaim.geo.models import Region

    fiso = world.instruments["FISO #2"]
    fiso.is_national = False
    fiso.save()
    fiso.regions.set([Region.objects.get(code="84")])
    # FISO no longer covers Nouvelle-Aquitaine: the supermarket's need becomes a gap too
    report = find_gaps()
    assert world.need.pk in {g.need_id for g in report.gaps}
    fiso.regions.set([Region.objects.get(code="75")])
    assert world.need.pk not in {g.need_id for g in find_gaps().gaps}
    fiso.excluded_perimeters.set([world.collective.perimeter])
    assert world.need.pk in {g.need_id for g in find_gaps().gaps}
    assert Instrument.objects.count() == 8


def test_compile_instruments_query_count(world, django_assert_num_queries):
    with django_assert_num_queries(6):
        compiled = compile_instruments()
    assert len(compiled) == 8


def test_single_stage_message():
    _status, message = verdict("stage", terms(bands=(("emergence", None, 20_000),)), facts())
    assert message == "ne finance que le stade émergence ; le projet est au stade amorçage"
