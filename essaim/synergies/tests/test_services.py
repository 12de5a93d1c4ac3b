"""Offers, matching, introductions and events through their services: rules, states, history,
and what the other side is told."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from essaim.accounts.tests.factories import MembershipFactory
from essaim.core import history
from essaim.core.models import Notification
from essaim.projects.models import Need
from essaim.synergies import matching, services
from essaim.synergies.history import IntroductionAction
from essaim.synergies.models import Event, Introduction, Offer, Registration
from essaim.testing import run_concurrently, superuser, table_state

pytestmark = pytest.mark.django_db


# --- Offers -------------------------------------------------------------------------------------


def test_a_company_member_publishes_changes_and_withdraws_its_offer(syn):
    offer = services.offer_update(
        user=syn.company, offer=syn.offer, data={"conditions": "80 heures"}
    )
    assert offer.conditions == "80 heures"
    services.offer_set_status(user=syn.company, offer=offer, status="withdrawn")
    assert Offer.objects.active().filter(pk=offer.pk).count() == 0
    assert Offer.objects.visible_to(None).filter(pk=offer.pk).count() == 0
    assert Offer.objects.visible_to(syn.company).filter(pk=offer.pk).count() == 1


@pytest.mark.parametrize("who", ["other_company", "holder", "staff"])
def test_nobody_else_changes_a_company_s_offer(syn, who):
    user = getattr(syn, who, None) or getattr(syn.w, who)
    before = table_state(Offer)
    with pytest.raises(PermissionDenied):
        services.offer_update(user=user, offer=syn.offer, data={"title": "Pris"})
    with pytest.raises(PermissionDenied):
        services.offer_set_status(user=user, offer=syn.offer, status="withdrawn")
    with pytest.raises(PermissionDenied):
        services.offer_create(user=user, company=syn.boreal, data={"title": "x"})
    assert table_state(Offer) == before


def test_an_offer_names_its_territory_or_covers_all_of_france(syn):
    with pytest.raises(ValidationError) as error:
        services.offer_create(
            user=syn.company,
            company=syn.boreal,
            data={"kind": "mentoring", "title": "Mentorat", "description": "Un mentor"},
        )
    assert "regions" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.offer_create(
            user=syn.company,
            company=syn.boreal,
            data={
                "kind": "mentoring",
                "title": "Mentorat",
                "description": "Un mentor",
                "is_national": True,
                "starts_on": timezone.localdate(),
                "ends_on": timezone.localdate() - timedelta(days=1),
            },
        )
    assert "ends_on" in error.value.message_dict


# --- Matching -----------------------------------------------------------------------------------


def test_the_logistics_offer_matches_the_supermarket_skills_need_with_its_reasons(syn):
    offers = list(matching.offers_with_coverage(Offer.objects.filter(pk=syn.offer.pk)))
    found = matching.needs_for_offers(offers)
    assert [m.need for m in found] == [syn.logistics]  # not the financing need, not Lyon's
    reasons = " | ".join(found[0].reasons)
    assert "région couverte : Nouvelle-Aquitaine" in reasons
    assert "« mécénat de compétences » répond à un besoin de compétences" in reasons
    assert "logistique" in reasons and "stock" in reasons


def test_an_offer_elsewhere_or_of_another_kind_does_not_match(syn):
    elsewhere = services.offer_create(
        user=syn.other_company,
        company=syn.rhone,
        data={"kind": "skills_sponsorship", "title": "Logistique", "description": "Logistique"},
        regions=[syn.rhone_region],
    )
    purchasing = services.offer_create(
        user=syn.company,
        company=syn.boreal,
        data={"kind": "investment", "title": "Logistique", "description": "Logistique"},
        regions=[syn.aquitaine],
    )
    for offer in (elsewhere, purchasing):
        offers = list(matching.offers_with_coverage(Offer.objects.filter(pk=offer.pk)))
        assert syn.logistics not in [m.need for m in matching.needs_for_offers(offers)]


def test_a_named_territory_ranks_above_a_region_and_a_region_above_all_of_france(syn):
    national = services.offer_create(
        user=syn.other_company,
        company=syn.rhone,
        data={
            "kind": "mentoring",
            "title": "Mentorat",
            "description": "Un dirigeant",
            "is_national": True,
        },
    )
    local = services.offer_create(
        user=syn.company,
        company=syn.boreal,
        data={"kind": "mentoring", "title": "Mentorat local", "description": "Un dirigeant"},
        perimeters=[syn.w.collective.perimeter],
    )
    offers = list(matching.offers_with_coverage(Offer.objects.order_by("pk")))
    ranked = matching.offers_for_need(syn.logistics, offers)
    assert [m.offer for m in ranked][:1] == [syn.offer]  # shared words win
    scores = {m.offer.pk: m.score for m in ranked}
    assert scores[local.pk] > scores[national.pk]
    assert "territoire couvert : Région Nouvelle-Aquitaine" in " ".join(
        next(m for m in ranked if m.offer == local).reasons
    )


def test_a_company_without_offers_sees_its_region_s_skills_and_partners_needs(syn):
    found = matching.needs_for_offers([], default_region=syn.aquitaine)
    assert [m.need for m in found] == [syn.logistics]


# --- Introductions ------------------------------------------------------------------------------


def _propose(syn, **kwargs):
    return services.introduction_propose(
        user=syn.company, need=syn.logistics, company=syn.boreal, offer=syn.offer, **kwargs
    )


def test_je_peux_aider_proposes_once_and_tells_the_project_side(syn):
    introduction = _propose(syn, message="Disponibles en mars")
    assert introduction.status == "proposed"
    assert introduction.project == syn.w.supermarket
    assert _propose(syn).pk == introduction.pk  # a second click
    assert Introduction.objects.count() == 1
    told = set(Notification.objects.values_list("user_id", flat=True))
    assert {syn.w.holder.pk, syn.w.lead.pk} <= told
    assert syn.company.pk not in told


@pytest.mark.parametrize("who", ["holder", "staff", "other_lead"])
def test_only_a_company_member_says_je_peux_aider(syn, who):
    with pytest.raises(PermissionDenied):
        services.introduction_propose(
            user=getattr(syn.w, who), need=syn.logistics, company=syn.boreal
        )
    with pytest.raises(PermissionDenied):  # in another company's name
        services.introduction_propose(
            user=syn.other_company, need=syn.logistics, company=syn.boreal
        )
    assert Introduction.objects.count() == 0


def test_a_closed_need_or_another_company_s_offer_is_refused(syn):
    other_offer = services.offer_create(
        user=syn.other_company,
        company=syn.rhone,
        data={"kind": "mentoring", "title": "M", "description": "M", "is_national": True},
    )
    with pytest.raises(ValidationError) as error:
        services.introduction_propose(
            user=syn.company, need=syn.logistics, company=syn.boreal, offer=other_offer
        )
    assert "offer" in error.value.message_dict
    Need.objects.filter(pk=syn.logistics.pk).update(status="met")
    with pytest.raises(PermissionDenied):
        _propose(syn)


def test_the_holder_accepts_both_sides_mark_done_and_the_company_reports(syn):
    introduction = _propose(syn)
    with pytest.raises(PermissionDenied):  # the company does not accept its own proposal
        services.introduction_transition(user=syn.company, introduction=introduction, name="accept")
    with pytest.raises(PermissionDenied):  # another territory's lead
        services.introduction_transition(
            user=syn.w.other_lead, introduction=introduction, name="accept"
        )
    with pytest.raises(PermissionDenied):  # staff follow, they do not answer
        services.introduction_transition(user=syn.w.staff, introduction=introduction, name="accept")
    services.introduction_transition(user=syn.w.holder, introduction=introduction, name="accept")
    with pytest.raises(PermissionDenied):
        services.introduction_report(
            user=syn.w.holder, introduction=introduction, data={"hours": 3}
        )
    done = services.introduction_transition(
        user=syn.company, introduction=introduction, name="mark_done"
    )
    assert done.status == "accepted" and done.company_done and not done.project_done
    with pytest.raises(ValidationError):  # the company marked already
        services.introduction_transition(user=syn.company, introduction=done, name="mark_done")
    done = services.introduction_transition(
        user=syn.w.lead, introduction=introduction, name="mark_done"
    )
    assert done.status == "done" and done.done_at is not None
    services.introduction_report(
        user=syn.company,
        introduction=done,
        data={"hours": 40, "purchases": 1200, "invested": 0, "result": "Tournées organisées"},
    )
    services.introduction_report(user=syn.company, introduction=done, data={"hours": 45})
    done.refresh_from_db()
    assert (done.hours, done.purchases, done.result) == (45, 1200, "Tournées organisées")

    rows = history.history_rows(done)
    assert [r.event.action for r in rows].count("reported") == 2
    words = [r.action_label for r in rows]
    for action in IntroductionAction:
        if action != IntroductionAction.DECLINE:
            assert str(action.label) in words  # every action shown in words
    assert "réalisée" in [r.to_label for r in rows]


def test_a_decline_needs_a_reason_and_frees_the_need_for_a_new_proposal(syn):
    introduction = _propose(syn)
    with pytest.raises(ValidationError) as error:
        services.introduction_transition(
            user=syn.w.holder, introduction=introduction, name="decline"
        )
    assert "comment" in error.value.message_dict
    declined = services.introduction_transition(
        user=syn.w.holder, introduction=introduction, name="decline", comment="Déjà trouvé"
    )
    assert declined.status == "declined" and declined.decline_reason == "Déjà trouvé"
    with pytest.raises(ValidationError):
        services.introduction_transition(user=syn.w.holder, introduction=declined, name="accept")
    assert _propose(syn).pk != declined.pk


def test_introductions_are_seen_by_their_parties_and_owning_staff_only(syn, rival):
    introduction = _propose(syn)
    for user in (syn.company, syn.w.holder, syn.w.lead, syn.w.staff, superuser()):
        assert Introduction.objects.visible_to(user).filter(pk=introduction.pk).exists(), user
    for user in (syn.other_company, syn.w.other_holder, rival.admin, rival.lead, syn.w.nobody):
        assert not Introduction.objects.visible_to(user).filter(pk=introduction.pk).exists()
    assert not Introduction.objects.visible_to(None).exists()


# --- Events -------------------------------------------------------------------------------------


def _event(syn, capacity=2, **data):
    return services.event_create(
        user=syn.w.staff,
        programme=syn.w.programme,
        data={
            "title": "Rencontre",
            "starts_at": timezone.now() + timedelta(days=10),
            "is_online": True,
            "capacity": capacity,
            **data,
        },
    )


def test_programme_staff_create_events_others_do_not(syn, rival):
    for user in (rival.admin, syn.w.lead, syn.company):
        with pytest.raises(PermissionDenied):
            services.event_create(
                user=user,
                programme=syn.w.programme,
                data={"title": "x", "starts_at": timezone.now(), "is_online": True, "capacity": 1},
            )
    with pytest.raises(ValidationError) as error:
        _event(syn, is_online=False)
    assert "place" in error.value.message_dict
    assert Event.objects.count() == 0


def test_the_capacity_is_kept_and_registering_twice_counts_once(syn, rival):
    event = _event(syn, capacity=2)
    services.event_register(user=syn.w.lead, event=event)
    services.event_register(user=syn.w.lead, event=event)
    services.event_register(user=syn.w.holder, event=event)
    with pytest.raises(ValidationError) as error:
        services.event_register(user=syn.w.other_lead, event=event)
    assert "Complet" in " ".join(error.value.messages)
    assert event.registrations.count() == 2
    for outsider in (rival.lead, rival.holder, syn.company, rival.admin):
        with pytest.raises(PermissionDenied):
            services.event_register(user=outsider, event=event)
    with pytest.raises(ValidationError):
        services.event_update(user=syn.w.staff, event=event, data={"capacity": 1})


def test_events_are_seen_by_their_programme_s_staff_and_territories_only(syn, rival):
    event = _event(syn)
    for user in (syn.w.staff, syn.w.lead, syn.w.holder, syn.w.other_lead):
        assert Event.objects.visible_to(user).filter(pk=event.pk).exists(), user
    for user in (rival.admin, rival.instructor, rival.lead, rival.holder, syn.company, None):
        assert not Event.objects.visible_to(user).filter(pk=event.pk).exists()


def test_staff_mark_attendance_other_programme_s_staff_cannot(syn, rival):
    event = _event(syn)
    mine = services.event_register(user=syn.w.lead, event=event)
    other = services.event_register(user=syn.w.holder, event=event)
    with pytest.raises(PermissionDenied):
        services.event_attendance(user=rival.admin, event=event, present_ids=[mine.pk])
    assert services.event_attendance(user=syn.w.staff, event=event, present_ids=[mine.pk]) == 1
    assert Registration.objects.get(pk=mine.pk).attended is True
    assert Registration.objects.get(pk=other.pk).attended is False


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency needs PostgreSQL")
def test_ten_registrations_at_once_never_overbook(syn):
    event = _event(syn, capacity=3)
    people = [
        MembershipFactory(role="territory_member", collective=syn.w.collective).user
        for _ in range(10)
    ]

    def register(index):
        return services.event_register(user=people[index], event=event)

    outcomes = run_concurrently(register, 10)
    assert Registration.objects.filter(event=event).count() == 3
    assert sum(isinstance(o, Registration) for o in outcomes) == 3
    assert all(isinstance(o, Registration | ValidationError) for o in outcomes), outcomes


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency needs PostgreSQL")
def test_ten_identical_registrations_at_once_register_once(syn):
    event = _event(syn, capacity=5)
    outcomes = run_concurrently(
        lambda index: services.event_register(user=syn.w.lead, event=event), 10
    )
    assert Registration.objects.filter(event=event).count() == 1
    assert all(isinstance(o, Registration) for o in outcomes), outcomes
