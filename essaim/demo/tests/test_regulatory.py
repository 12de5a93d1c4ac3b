"""The demo loader: figures consistent with the reference facts, e-mails imported through the
real import code, and a second load that changes nothing."""

import pytest
import yaml

from essaim.accounts.models import Membership, Role
from essaim.accounts.tests.factories import UserFactory
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
