"""Demo support plans: runs after the labels' demo (which opened a plan per label).

The programme's six axes come from the reference file (``support_axes``). Every labelled territory
gets a few fictitious actions (bulk), a milestone and a meeting; the Nouvelle-Aquitaine plan (the
seed) is rich: actions on every axis tied to its three challenges, made through the services (so
that their history is real), meetings with minutes and decisions, milestones, late and blocked
actions, budgets. Dates are relative to the day the demo is loaded, so that "late" and the
reminders mean something. Everything invented says "(fictif)" and has ``is_fictitious``.
Idempotent: a plan that already has actions is left alone.

``load_regional`` gives the second, fictitious programme its own four axes and fills the plan of
its labelled territory (Creuse) through the services, acting as its admin and as the collective's
referent: actions done, in progress, late and blocked, a meeting with its decisions, milestones.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from essaim.accounts.models import User
from essaim.labels.models import Label
from essaim.support import services
from essaim.support.models import Action, Meeting, Milestone, SupportAxis, SupportPlan

ADMIN_EMAIL = "admin@demo.essaim.fr"
LEAD_EMAIL = "porteur@demo.essaim.fr"
SEED_PERIMETER = "region-nouvelle-aquitaine"

# (axis code, title, status, start offset, due offset, planned, committed, spent, reason)
GENERIC = (
    (
        "strategy",
        "Atelier de co-construction du plan stratégique (fictif)",
        "done",
        -200,
        -120,
        8000,
        8000,
        7600,
        "",
    ),
    (
        "financing",
        "Rencontre des financeurs de l'amorçage (fictif)",
        "in_progress",
        -60,
        30,
        5000,
        3000,
        1200,
        "",
    ),
    (
        "synergies",
        "Cartographie des coopérations du territoire (fictif)",
        "planned",
        -30,
        -5,
        12000,
        0,
        0,
        "",
    ),
    ("impact", "Choix des indicateurs d'impact (fictif)", "planned", 10, 90, 6000, 0, 0, ""),
    (
        "regulation",
        "Recensement des freins réglementaires (fictif)",
        "blocked",
        -90,
        20,
        3000,
        1500,
        500,
        "(fictif) En attente de la désignation d'un référent juridique.",
    ),
)


def _day(today: datetime.date, offset: int) -> datetime.date:
    return today + datetime.timedelta(days=offset)


def load(ctx) -> None:
    programme = ctx.objects.get("programme")
    admin = User.objects.filter(email=ADMIN_EMAIL).first()
    if programme is None or admin is None:
        ctx.say("    support: no programme or admin account, nothing to do")
        return
    axes = _axes(ctx, programme)
    for label in Label.objects.filter(programme=programme).exclude(support_plan__isnull=False):
        services.support_plan_open(label=label, user=admin)
    plans = list(
        SupportPlan.objects.filter(label__programme=programme).select_related(
            "label__perimeter", "label__application"
        )
    )
    # The plans opened when the labels were granted (the demo's 2019 waves).
    for plan in plans:
        opened = timezone.make_aware(
            datetime.datetime.combine(plan.label.granted_on, datetime.time(12))
        )
        if plan.opened_at.date() != plan.label.granted_on:
            SupportPlan.objects.filter(pk=plan.pk).update(opened_at=opened)
    busy = set(Action.objects.filter(plan__in=plans).values_list("plan_id", flat=True).distinct())
    today = timezone.localdate()
    seed = next((p for p in plans if p.label.perimeter.slug == SEED_PERIMETER), None)
    if seed is not None and seed.pk not in busy:
        _seed_plan(seed, axes, admin, today)
    _generic_plans([p for p in plans if p.pk not in busy and p is not seed], axes, admin, today)
    ctx.say(
        f"    support: {len(axes)} axes, {len(plans)} plans, "
        f"{Action.objects.filter(plan__in=plans).count()} actions"
    )


# The seed's axes 4 to 6: their actions link to introductions, events, indicators and
# campaigns (``support.links``).
LINK_AXES = ("synergies", "impact", "companies")


def _axes(ctx, programme) -> dict[str, SupportAxis]:
    axes = {}
    for position, entry in enumerate(ctx.reference.get("support_axes", []), start=1):
        ((code, title),) = entry.items()
        axes[code], _ = SupportAxis.objects.update_or_create(
            programme=programme,
            code=code,
            defaults={"title": title, "position": position, "takes_links": code in LINK_AXES},
        )
    return axes


def _generic_plans(plans, axes, user, today) -> None:
    actions, milestones, meetings = [], [], []
    for index, plan in enumerate(plans):
        lead_org = plan.label.application.collective.members.filter(role="lead").first()
        for number, row in enumerate(GENERIC):
            code, title, status, start, due, planned, committed, spent, reason = row
            if code not in axes:
                continue
            # Not every territory is at the same point: shift some statuses, dates and budgets.
            if (index + number) % 4 == 0 and status == "planned":
                status = "in_progress"
            if status == "blocked" and index % 3:
                status, reason = "in_progress", ""
            if status == "in_progress" and index % 5 == 1:
                status = "done"
            scale = Decimal(4 + index % 5) / 4
            actions.append(
                Action(
                    plan=plan,
                    axis=axes[code],
                    title=title,
                    description="(fictif) Action de démonstration.",
                    lead_organisation_id=lead_org.organisation_id if lead_org else None,
                    starts_on=_day(today, start + index),
                    due_on=_day(today, due + index),
                    budget_planned=round(Decimal(planned) * scale),
                    budget_committed=round(Decimal(committed) * scale),
                    budget_spent=round(Decimal(spent) * scale),
                    status=status,
                    status_reason=reason,
                    done_on=_day(today, due + index) if status == "done" else None,
                    created_by=user,
                    is_fictitious=True,
                )
            )
        milestones.append(
            Milestone(
                plan=plan,
                title="Bilan à un an du plan (fictif)",
                due_on=_day(today, 45 + index),
                is_fictitious=True,
            )
        )
        meetings.append(
            Meeting(
                plan=plan,
                title="Comité de pilotage semestriel (fictif)",
                held_on=_day(today, 10 + index * 3),
                agenda="(fictif) Bilan des actions ; budget engagé ; suite du plan.",
                created_by=user,
                is_fictitious=True,
            )
        )
        meetings.append(
            Meeting(
                plan=plan,
                title="Comité de pilotage (fictif)",
                held_on=_day(today, -40 + index),
                agenda="(fictif) Point d'étape sur les actions du plan.",
                minutes="(fictif) Le comité a fait le point sur chaque axe.",
                participants="(fictif) Collectif porteur\n(fictif) Équipe du programme",
                created_by=user,
                is_fictitious=True,
            )
        )
    Action.objects.bulk_create(actions, batch_size=500)
    Milestone.objects.bulk_create(milestones, batch_size=500)
    Meeting.objects.bulk_create(meetings, batch_size=500)


def _seed_plan(plan, axes, admin, today) -> None:
    """The Nouvelle-Aquitaine plan, through the services (so its history is real)."""
    lead = User.objects.filter(email=LEAD_EMAIL).first() or admin
    application = plan.label.application
    challenges = {c.title.split(" ")[0]: c for c in application.challenges.all()}
    health = challenges.get("Santé")
    food = challenges.get("Alimentation")
    work = challenges.get("Qualité")
    orgs = {
        m.organisation.acronym or m.organisation.name: m.organisation
        for m in application.collective.members.select_related("organisation")
    }

    def org(*names):
        for key, value in orgs.items():
            if any(n.lower() in key.lower() or n.lower() in value.name.lower() for n in names):
                return value
        return None

    def add(user, code, title, challenge, lead_names, start, due, budget, partners=(), **extra):
        planned, committed, spent = budget
        return services.action_create(
            user=user,
            plan=plan,
            data={
                "axis": axes[code],
                "challenge": challenge,
                "title": title,
                "description": extra.get("description", "(fictif) Action de démonstration."),
                "lead_organisation": org(*lead_names),
                "starts_on": _day(today, start),
                "due_on": _day(today, due),
                "budget_planned": planned,
                "budget_committed": committed,
                "budget_spent": spent,
            },
            partners=[o for o in (org(n) for n in partners) if o],
            is_fictitious=True,
        )

    def move(user, action, *names, reason=""):
        for name in names:
            action = services.action_transition(user=user, action=action, name=name, reason=reason)
        return action

    roadmap = add(
        admin,
        "strategy",
        "Feuille de route régionale de l'innovation sociale 2020-2022 (fictif)",
        None,
        ["Région"],
        -300,
        -150,
        (40000, 40000, 38500),
        ["ADI", "ATIS"],
    )
    move(lead, roadmap, "start", "complete")
    silver = add(
        lead,
        "strategy",
        "Cartographie des acteurs de la Silver Économie (fictif)",
        health,
        ["ADI"],
        -90,
        60,
        (15000, 10000, 4000),
        ["Ellyx"],
    )
    move(lead, silver, "start")
    coop = add(
        lead,
        "financing",
        "Tour de table des financeurs des supermarchés coopératifs (fictif)",
        food,
        ["France Active"],
        -60,
        20,
        (25000, 20000, 6000),
        ["Région"],
    )
    move(lead, coop, "start")
    seed_fund = add(
        admin,
        "financing",
        "Fonds d'amorçage des tiers lieux agricoles (fictif)",
        food,
        ["France Active"],
        -120,
        -10,
        (120000, 60000, 0),
        ["Région", "ADI"],
    )
    move(admin, seed_fund, "start")
    blocker = add(
        lead,
        "regulation",
        "Saisine du guichet unique : vente directe en tiers lieu agricole (fictif)",
        food,
        ["ATIS"],
        -75,
        15,
        (2000, 500, 500),
    )
    move(
        lead,
        blocker,
        "block",
        reason="(fictif) En attente de la réponse de l'administration saisie par le guichet "
        "unique sur l'agrément sanitaire.",
    )
    add(
        lead,
        "regulation",
        "Candidature France Expérimentation : nouveau modèle de prévention primaire (fictif)",
        health,
        ["Ellyx"],
        15,
        120,
        (5000, 0, 0),
        ["ADI"],
    )
    meetings_days = add(
        admin,
        "synergies",
        "Rencontres régionales de la coopération (fictif)",
        None,
        ["ATIS"],
        -200,
        -140,
        (18000, 18000, 17200),
        ["CMA", "Région"],
    )
    move(admin, meetings_days, "start", "complete")
    pat = add(
        lead,
        "synergies",
        "Réseau des projets alimentaires territoriaux (fictif)",
        food,
        ["Région"],
        -150,
        -20,
        (30000, 25000, 12000),
        ["France Active"],
    )
    move(lead, pat, "start")
    add(
        lead,
        "impact",
        "Indicateurs d'impact des approches non médicamenteuses pour les personnes âgées (fictif)",
        health,
        ["Ellyx"],
        -30,
        90,
        (20000, 8000, 2000),
        ["ADI"],
    )
    evaluation = add(
        admin,
        "impact",
        "Évaluation des supermarchés coopératifs (fictif)",
        food,
        ["Ellyx"],
        -100,
        40,
        (15000, 0, 0),
    )
    move(
        admin,
        evaluation,
        "drop",
        reason="(fictif) Remplacée par l'évaluation nationale conduite par le programme.",
    )
    club = add(
        lead,
        "companies",
        "Club d'entreprises « qualité de vie au travail » (fictif)",
        work,
        ["CMA"],
        -45,
        75,
        (10000, 6000, 2500),
        ["ADI"],
    )
    move(lead, club, "start")
    add(
        lead,
        "companies",
        "Accompagner la transformation numérique des artisans (fictif)",
        work,
        ["CMA"],
        -20,
        5,
        (12000, 4000, 0),
        ["ATIS"],
    )
    late_sense = add(
        admin,
        "companies",
        "Enquête sur la recherche de sens des salariés (fictif)",
        work,
        ["ADI"],
        -80,
        -3,
        (6000, 6000, 3000),
        ["Ellyx"],
    )
    move(admin, late_sense, "start")
    services.comment_add(
        user=admin,
        action=seed_fund,
        body="(fictif) Le fonds attend la délibération régionale : pouvez-vous donner une date ?",
    )
    services.comment_add(
        user=lead,
        action=seed_fund,
        body="(fictif) Passage en commission permanente prévu le mois prochain.",
    )

    kickoff = services.meeting_create(
        user=admin,
        plan=plan,
        title="Comité de pilotage de lancement (fictif)",
        held_on=_day(today, -160),
        agenda="(fictif) 1. Présentation du plan sur-mesure\n2. Gouvernance\n3. Priorités 2020",
        minutes=(
            "(fictif) Le collectif et l'équipe du programme ont arrêté les priorités des "
            "trois défis. La Région pilote la feuille de route."
        ),
        participants=(
            "(fictif) Région Nouvelle-Aquitaine\n(fictif) ADI N-A\n(fictif) ATIS\n"
            "(fictif) France Active\n(fictif) Ellyx\n(fictif) CMA79\n"
            "(fictif) Équipe du programme French Impact"
        ),
        decisions=[
            "Réunir les financeurs des supermarchés coopératifs avant l'été (fictif)",
            "Créer un club d'entreprises sur la qualité de vie au travail (fictif)",
        ],
    )
    technical = services.meeting_create(
        user=lead,
        plan=plan,
        title="Comité technique (fictif)",
        held_on=_day(today, -30),
        agenda="(fictif) Points bloquants ; tiers lieux agricoles ; mesure d'impact",
        minutes=(
            "(fictif) Le blocage sur la vente directe est remonté au guichet unique. "
            "Le fonds d'amorçage prend du retard."
        ),
        participants="(fictif) ADI N-A\n(fictif) France Active\n(fictif) Équipe du programme",
        decisions=[
            "Organiser une visite d'un tiers lieu agricole avec les services de l'État (fictif)",
            "Relancer la Région sur la délibération du fonds d'amorçage (fictif)",
        ],
    )
    services.meeting_create(
        user=admin,
        plan=plan,
        title="Comité de pilotage semestriel (fictif)",
        held_on=_day(today, 25),
        agenda="(fictif) Bilan des actions en retard ; budget engagé ; suite du plan",
        participants="(fictif) Collectif porteur\n(fictif) Équipe du programme",
    )
    first, second = list(kickoff.decisions.order_by("position"))
    Action.objects.filter(pk=coop.pk).update(source_decision=first)
    Action.objects.filter(pk=club.pk).update(source_decision=second)
    visit = technical.decisions.order_by("position").first()
    services.action_create_from_decision(
        user=lead,
        decision=visit,
        axis=axes["regulation"],
        data={"due_on": _day(today, 35), "starts_on": _day(today, -5)},
    )
    Action.objects.filter(source_decision=visit).update(is_fictitious=True)
    Meeting.objects.filter(plan=plan).update(is_fictitious=True)

    reached = services.milestone_create(
        user=admin,
        plan=plan,
        title="Feuille de route validée (fictif)",
        due_on=_day(today, -150),
        action=roadmap,
    )
    services.milestone_reach(user=admin, milestone=reached, reached_on=_day(today, -148))
    services.milestone_create(
        user=lead, plan=plan, title="Bilan à mi-parcours (fictif)", due_on=_day(today, -15)
    )
    services.milestone_create(
        user=lead,
        plan=plan,
        title="Premier supermarché coopératif accompagné (fictif)",
        due_on=_day(today, 60),
        action=coop,
    )
    Milestone.objects.filter(plan=plan).update(is_fictitious=True)


# --- The fictitious regional programme ------------------------------------------------------------

REGIONAL_AXES = [
    ("ingenierie", "Ingénierie de projet et diagnostic partagé (fictif)"),
    ("financement", "Financement de l'amorçage par le fonds régional (fictif)"),
    ("cooperation", "Coopération entre les territoires de la région (fictif)"),
    ("evaluation", "Évaluation de l'impact social (fictif)"),
]


def load_regional(ctx) -> None:
    """The regional axes, and the actions of its labelled territory's plan (once)."""
    regional = ctx.objects["regional"]
    programme, admin = regional["programme"], regional["admin"]
    axes = {}
    for position, (code, title) in enumerate(REGIONAL_AXES, start=1):
        axes[code], _ = SupportAxis.objects.update_or_create(
            programme=programme, code=code, defaults={"title": title, "position": position}
        )
    plans = list(
        SupportPlan.objects.filter(label__programme=programme).select_related(
            "label__application__collective"
        )
    )
    today = timezone.localdate()
    for plan in plans:
        opened = timezone.make_aware(
            datetime.datetime.combine(plan.label.granted_on, datetime.time(12))
        )
        if plan.opened_at != opened:
            SupportPlan.objects.filter(pk=plan.pk).update(opened_at=opened)
        if plan.actions.exists():
            continue
        application = plan.label.application
        referent = regional["referents"].get(application.perimeter.name, admin)
        _regional_plan(plan, axes, admin, referent, today)
    ctx.say(
        f"    support: {len(axes)} axes, {len(plans)} plan, "
        f"{Action.objects.filter(plan__in=plans).count()} actions (programme régional)"
    )


def _regional_plan(plan, axes, admin, referent, today) -> None:
    application = plan.label.application
    challenges = list(application.challenges.order_by("position"))
    places, reuse = (challenges + [None, None])[:2]
    members = [
        m.organisation for m in application.collective.members.select_related("organisation")
    ]
    lead_org, *others = members or [None]
    partner = others[0] if others else None

    def add(user, code, title, challenge, start, due, budget, lead=lead_org):
        planned, committed, spent = budget
        return services.action_create(
            user=user,
            plan=plan,
            data={
                "axis": axes[code],
                "challenge": challenge,
                "title": title,
                "description": "(fictif) Action de démonstration du programme régional.",
                "lead_organisation": lead,
                "starts_on": _day(today, start),
                "due_on": _day(today, due),
                "budget_planned": planned,
                "budget_committed": committed,
                "budget_spent": spent,
            },
            partners=[partner] if partner and partner != lead else [],
            is_fictitious=True,
        )

    diagnosis = add(
        admin,
        "ingenierie",
        "Diagnostic partagé des tiers-lieux creusois (fictif)",
        places,
        -140,
        -60,
        (12000, 12000, 11500),
    )
    services.action_transition(user=admin, action=diagnosis, name="start")
    services.action_transition(user=admin, action=diagnosis, name="complete")
    round_table = add(
        referent,
        "financement",
        "Tour de table des financeurs de la recyclerie (fictif)",
        reuse,
        -45,
        40,
        (8000, 5000, 1500),
        lead=partner or lead_org,
    )
    services.action_transition(user=referent, action=round_table, name="start")
    add(
        referent,
        "cooperation",
        "Rencontres régionales des tiers-lieux ruraux (fictif)",
        places,
        20,
        110,
        (15000, 0, 0),
    )
    add(
        admin,
        "evaluation",
        "Choix des indicateurs d'impact avec le collectif (fictif)",
        None,
        -50,
        -7,
        (4000, 2000, 0),
    )
    seed_fund = add(
        referent,
        "financement",
        "Dossier au fonds régional d'amorçage pour la recyclerie (fictif)",
        reuse,
        -30,
        25,
        (3000, 1000, 500),
        lead=partner or lead_org,
    )
    services.action_transition(
        user=referent,
        action=seed_fund,
        name="block",
        reason="(fictif) En attente de la réponse du guichet unique régional sur le statut des "
        "ventes de la recyclerie.",
    )
    services.meeting_create(
        user=admin,
        plan=plan,
        title="Comité de suivi de lancement (fictif)",
        held_on=_day(today, -100),
        agenda="(fictif) 1. Présentation du plan\n2. Priorités de la première année",
        minutes="(fictif) Le collectif et l'équipe du programme régional ont retenu deux "
        "priorités : les tiers-lieux de village et le réemploi.",
        participants="(fictif) Collectif Creuse solidaire\n(fictif) Équipe du programme régional",
        decisions=[
            "Lancer le diagnostic des tiers-lieux avant l'été (fictif)",
            "Réunir les financeurs de la recyclerie à l'automne (fictif)",
        ],
    )
    reached = services.milestone_create(
        user=admin,
        plan=plan,
        title="Diagnostic partagé remis (fictif)",
        due_on=_day(today, -60),
        action=diagnosis,
    )
    services.milestone_reach(user=admin, milestone=reached, reached_on=_day(today, -58))
    services.milestone_create(
        user=referent, plan=plan, title="Bilan à un an du label (fictif)", due_on=_day(today, 220)
    )
    Meeting.objects.filter(plan=plan).update(is_fictitious=True)
    Milestone.objects.filter(plan=plan).update(is_fictitious=True)
