"""Demo: the Nouvelle-Aquitaine support plan's actions of axes 4 to 6 link to what they drive
(``essaim.support.links``) — the territory's introductions and the programme's events (synergies),
indicators and open campaign (impact) — and Atelier Boréal, the demo company of
``entreprise@demo.essaim.fr``, is a partner of an axis-6 action, so that its space shows it.

The territory's done introductions' reported results become cooperation measurements
(``essaim.support.bridge``). Runs after the synergies and impact loaders (it needs their
objects); links only fictitious actions, once (a plan whose actions already have links is left
as it is)."""

from essaim.accounts.models import User
from essaim.actors.models import Organisation
from essaim.demo.accounts import COMPANY_ORG
from essaim.impact.models import Campaign, Indicator
from essaim.support import bridge, links, services
from essaim.support.models import Action, SupportPlan
from essaim.synergies.models import Event, IntroductionStatus

ADMIN_EMAIL = "admin@demo.essaim.fr"
LEAD_EMAIL = "porteur@demo.essaim.fr"
SEED_PERIMETER = "region-nouvelle-aquitaine"
IMPACT_CODES = ("mises-en-relation", "emplois-crees", "personnes-touchees", "heures-mecenat")


def load(ctx) -> None:
    plan = (
        SupportPlan.objects.select_related("label__application", "label__programme")
        .filter(
            label__perimeter__slug=SEED_PERIMETER, label__programme=ctx.objects.get("programme")
        )
        .first()
    )
    admin = User.objects.filter(email=ADMIN_EMAIL).first()
    if plan is None or admin is None:
        ctx.say("    support links: no Nouvelle-Aquitaine plan, nothing to do")
        return
    actions = Action.objects.filter(plan=plan, is_fictitious=True).select_related("axis")
    if any(
        getattr(Action, kind).through.objects.filter(action__plan=plan).exists()
        for kind in links.KINDS
    ):
        ctx.say("    support links: already linked")
        return
    user = User.objects.filter(email=LEAD_EMAIL).first() or admin
    by_axis: dict[str, list[Action]] = {}
    for action in actions.order_by("axis__position", "pk"):
        by_axis.setdefault(action.axis.code, []).append(action)
    introductions = list(links.linkable(plan, "introductions").order_by("pk"))
    done = [i for i in introductions if i.status == IntroductionStatus.DONE]
    events = list(Event.objects.filter(programme_id=plan.label.programme_id).order_by("starts_at"))
    indicators = list(
        Indicator.objects.filter(programme_id=plan.label.programme_id, code__in=IMPACT_CODES)
    )
    campaigns = list(
        Campaign.objects.filter(programme_id=plan.label.programme_id, labels=plan.label)[:1]
    )
    count = 0
    for action in by_axis.get("synergies", [])[:2]:
        links.action_links_set(
            user=user, action=action, introductions=introductions[:3], events=events[:3]
        )
        count += 1
    for action in by_axis.get("impact", [])[:2]:
        links.action_links_set(user=user, action=action, indicators=indicators, campaigns=campaigns)
        count += 1
    companies = by_axis.get("companies", [])
    for action in companies[:2]:
        links.action_links_set(
            user=user,
            action=action,
            introductions=done or introductions[:2],
            indicators=[i for i in indicators if i.code in ("mises-en-relation", "heures-mecenat")],
        )
        count += 1
    boreal = Organisation.objects.filter(name=COMPANY_ORG).first()
    if boreal is not None and companies:
        action = companies[0]
        services.action_update(
            user=user, action=action, data={}, partners=[*action.partners.all(), boreal]
        )
    # What the companies reported on the territory's done introductions, as impact measurements
    # (the bulk-created demo introductions did not go through the synergies service's hook).
    measured = sum(
        len(bridge.introduction_results_to_measurements(introduction=i, user=admin)) for i in done
    )
    ctx.say(
        f"    support links: {count} actions of axes 4 to 6 linked, "
        f"{measured} cooperation values from introductions"
    )
