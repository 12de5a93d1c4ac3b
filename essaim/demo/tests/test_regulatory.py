"""The demo loader: figures consistent with the reference facts, e-mails imported through the
real import code, and a second load that changes nothing."""

import pytest
import yaml
from django.contrib.contenttypes.models import ContentType

from essaim.accounts.models import Membership, Role
from essaim.accounts.tests.factories import UserFactory
from essaim.core.models import HistoryEvent
from essaim.demo import REFERENCE_FILE, DemoContext
from essaim.demo import regulatory as demo
from essaim.regulatory import queries
from essaim.regulatory.models import (
    ExperimentationRequest,
    KnowledgeArticle,
    QuarantinedMail,
    Ticket,
    TicketMessage,
)
from essaim.regulatory.tests.factories import PerimeterFactory, ProgrammeFactory


@pytest.mark.django_db
def test_demo_load_is_consistent_and_idempotent():
    programme = ProgrammeFactory(
        single_window=True, slug="french-impact-territoires", single_window_email=""
    )
    guichet = UserFactory(email="guichet@demo.essaim.fr")
    Membership.objects.create(user=guichet, role=Role.SINGLE_WINDOW_OFFICER, programme=programme)
    UserFactory(email="projet@demo.essaim.fr")
    PerimeterFactory(slug="region-nouvelle-aquitaine")
    ctx = DemoContext(reference=yaml.safe_load(REFERENCE_FILE.read_text()))

    demo.load(ctx)

    programme.refresh_from_db()
    assert programme.single_window_email == "hacker@le-frenchimpact.fr"
    assert Ticket.objects.count() == 60
    assert Ticket.objects.filter(channel="email").count() == 6
    assert set(Ticket.objects.values_list("state", flat=True)) == {
        "new", "triaged", "routed", "in_progress", "answered", "closed",
    }  # fmt: skip
    assert ExperimentationRequest.objects.count() == 5
    assert KnowledgeArticle.objects.filter(is_published=True, is_fictitious=True).count() == 15
    assert QuarantinedMail.objects.filter(kind="quarantine").count() == 1
    # Replies that only claim to continue a ticket wait for an officer (one was attached).
    held = QuarantinedMail.objects.filter(kind="to_confirm")
    assert sorted(held.values_list("status", flat=True)) == ["attached", "pending", "pending"]
    assert not Ticket.objects.filter(received_at__year__lt=2019).exists()
    figures = queries.public_figures()
    assert 45 <= figures["share_resolved"] <= 55  # "about 1 request in 2 resolved"
    assert 35 <= figures["share_feasible_without_derogation"] <= 45  # "about 40 %"
    assert Ticket.objects.visible_to(guichet).count() == 60
    # Replies were threaded into their ticket, not opened as new ones.
    vrac = Ticket.objects.get(channel="email", title__contains="vrac")
    assert vrac.messages.filter(direction="in").count() == 2
    # Its sender confirmed through the acknowledgement's link: the ticket is now the account's.
    assert (vrac.author.email, vrac.awaiting_sender_confirmation) == (
        "projet@demo.essaim.fr",
        False,
    )
    assert vrac.number.startswith("SAISINE-2019-")
    _history_is_dated_in_the_story()

    counts = (
        Ticket.objects.count(),
        TicketMessage.objects.count(),
        KnowledgeArticle.objects.count(),
        QuarantinedMail.objects.count(),
    )
    demo.load(ctx)
    assert counts == (
        Ticket.objects.count(),
        TicketMessage.objects.count(),
        KnowledgeArticle.objects.count(),
        QuarantinedMail.objects.count(),
    )
    _history_is_dated_in_the_story()  # a second load keeps the dates


def _history_is_dated_in_the_story():
    """Each demo ticket's history starts at its reception, the answer at the first answer, the
    outcome at its date, in order — not at the time the demo was loaded."""
    ticket_type = ContentType.objects.get_for_model(Ticket)
    events = {}
    for event in HistoryEvent.objects.filter(content_type=ticket_type).order_by("pk"):
        events.setdefault(int(event.object_id), []).append(event)
    tickets = Ticket.objects.filter(pk__in=events)
    assert tickets.count() == Ticket.objects.count()
    for ticket in tickets:
        rows = events[ticket.pk]
        assert rows[0].at == ticket.received_at, ticket.title
        times = [row.at for row in rows]
        assert times == sorted(times), ticket.title
        answers = [row.at for row in rows if row.action == "answer"]
        if ticket.first_answered_at:
            assert answers[0] == ticket.first_answered_at, ticket.title
        closes = [row.at for row in rows if row.action == "close"]
        if closes and ticket.outcome_at:
            assert closes[0] == ticket.outcome_at, ticket.title
    # The closed 2019 tickets' history is in 2019, not today.
    closed_2019 = Ticket.objects.filter(state="closed", received_at__year=2019).first()
    assert closed_2019 is not None
    assert {row.at.year for row in events[closed_2019.pk]} <= {2019, 2020}
