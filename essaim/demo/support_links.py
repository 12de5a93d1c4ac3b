"""Demo: the Nouvelle-Aquitaine support plan's actions of axes 4 to 6 link to what they drive
(``essaim.support.links``) — the territory's introductions and the programme's events (synergies),
indicators and open campaign (impact) — and Atelier Boréal, the demo company of
``entreprise@demo.essaim.fr``, is a partner of an axis-6 action, so that its space shows it.

The territory's done introductions' reported results become cooperation measurements
(``essaim.support.bridge``). One Nouvelle-Aquitaine cooperation is walked through the services
end to end (``_told_cooperation``): Atelier Boréal helps the cooperative supermarket train its
volunteers, the introduction is done, the company reports its hours and purchases — the network
gains the relation, impact the measurements. Runs after the synergies and impact loaders (it
needs their objects); links only fictitious actions, once (a plan whose actions already have
links is left as it is)."""

from essaim.accounts.models import User
from essaim.actors.models import Organisation
from essaim.demo.accounts import COMPANY_ORG
from essaim.demo.projects import SUPERMARKET_TITLE
from essaim.impact.models import Campaign, Indicator
from essaim.projects import services as projects_services
from essaim.projects.models import Need, NeedKind, NeedStatus, Project
from essaim.support import bridge, links, services
from essaim.support.models import Action, SupportPlan
from essaim.synergies import services as synergies_services
from essaim.synergies.models import (
    Event,
    Introduction,
    IntroductionStatus,
    Offer,
    OfferStatus,
)

ADMIN_EMAIL = "admin@demo.essaim.fr"
LEAD_EMAIL = "porteur@demo.essaim.fr"
HOLDER_EMAIL = "projet@demo.essaim.fr"
COMPANY_EMAIL = "entreprise@demo.essaim.fr"
TOLD_NEED = "Former l'équipe bénévole à la gestion du stock et des commandes (fictif)"
TOLD_RESULTS = {
    "hours": 40,
    "purchases": 1800,
    "result": "Quatre ateliers de formation et un outil de suivi du stock (fictif).",
}
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
    told = _told_cooperation()
    if told is not None:
        ctx.say(f"    support links: introduction {told.pk} done and reported (Atelier Boréal)")
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


def _told_cooperation() -> Introduction | None:
    """Nouvelle-Aquitaine's cooperation told through the services, as the people would on the
    pages: Atelier Boréal (``entreprise@``) proposes its help on a second skills need of the
    cooperative supermarket, its holder (``projet@``) accepts, both mark it done, the company
    reports what its help produced. The done introduction becomes a relation of the network
    (``network_services.relation_from_introduction``) and the report cooperation measurements
    (``bridge``, through synergies' hook); the need is then met. Once: a done introduction on
    that need is kept."""
    company_user = User.objects.filter(email=COMPANY_EMAIL).first()
    holder_user = User.objects.filter(email=HOLDER_EMAIL).first()
    boreal = Organisation.objects.filter(name=COMPANY_ORG).first()
    supermarket = Project.objects.filter(title=SUPERMARKET_TITLE, is_published=True).first()
    if None in (company_user, holder_user, boreal, supermarket):
        return None
    need = Need.objects.filter(project=supermarket, purpose=TOLD_NEED).first()
    if need is not None:
        done = Introduction.objects.filter(
            need=need, company=boreal, status=IntroductionStatus.DONE
        ).first()
        if done is not None or need.status != NeedStatus.OPEN:
            return done
    else:
        need = projects_services.need_add(
            user=holder_user, project=supermarket, kind=NeedKind.SKILLS, purpose=TOLD_NEED
        )
    offer = (
        Offer.objects.filter(company=boreal, status=OfferStatus.PUBLISHED).order_by("pk").first()
    )
    introduction = synergies_services.introduction_propose(
        user=company_user,
        need=need,
        company=boreal,
        offer=offer,
        message="Nos logisticiens forment vos bénévoles en quatre ateliers.",
    )
    # Demo data is marked as such (the relation it becomes copies the mark).
    Introduction.objects.filter(pk=introduction.pk).update(is_fictitious=True)
    introduction.is_fictitious = True
    for user, name in (
        (holder_user, "accept"),
        (company_user, "mark_done"),
        (holder_user, "mark_done"),
    ):
        introduction = synergies_services.introduction_transition(
            user=user, introduction=introduction, name=name
        )
    introduction = synergies_services.introduction_report(
        user=company_user, introduction=introduction, data=dict(TOLD_RESULTS)
    )
    # The need is met: it leaves the open needs the companies are shown.
    projects_services.need_set_status(user=holder_user, need=need, status=NeedStatus.MET)
    return introduction
