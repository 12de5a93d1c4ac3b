"""Services: numbering, idempotency, the ticket workflow, answers by real SMTP, outcomes,
experimentation requests, the knowledge base, reminders and public figures."""

from datetime import date, timedelta
from email import message_from_bytes, policy

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from essaim.core.models import HistoryEvent, Notification
from essaim.regulatory import inbound, queries, services
from essaim.regulatory.models import (
    ExperimentationRequest,
    KnowledgeArticle,
    PendingTicket,
    RuleLevel,
    Ticket,
)
from essaim.regulatory.tests.factories import (
    CallFactory,
    OrganisationFactory,
    PerimeterFactory,
    ProgrammeFactory,
    holder,
    officer,
    ticket,
)
from essaim.regulatory.tests.mails import make_mail
from essaim.regulatory.workflow import ExperimentationState, Outcome, TicketState

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    return ProgrammeFactory(single_window=True, single_window_email="hacker@le-frenchimpact.fr")


@pytest.fixture
def guichet(programme):
    return officer(programme)


def _routed(programme, guichet, **kwargs):
    t = ticket(programme, **kwargs)
    services.ticket_triage(ticket=t, user=guichet, category="food", priority="high")
    services.ticket_route(
        ticket=t, user=guichet, administration=OrganisationFactory(kind="public_body")
    )
    t.refresh_from_db()
    return t


def test_numbers_follow_each_other_within_a_year(programme):
    first, second = ticket(programme), ticket(programme)
    year = timezone.now().year
    assert first.number == f"SAISINE-{year}-0001"
    assert second.number == f"SAISINE-{year}-0002"
    assert first.first_answer_due_at == first.received_at + timedelta(
        days=services.FIRST_ANSWER_DAYS
    )


def test_same_idempotency_key_creates_one_ticket(programme):
    user = holder()
    a = ticket(programme, user=user, idempotency_key="k-1")
    b = ticket(programme, user=user, idempotency_key="k-1")
    assert a.pk == b.pk
    assert Ticket.objects.count() == 1


def test_web_ticket_needs_what_and_why(programme):
    with pytest.raises(ValidationError) as exc:
        ticket(programme, wants_to_do="", blocked_by=" ")
    assert set(exc.value.message_dict) == {"wants_to_do", "blocked_by"}
    assert Ticket.objects.count() == 0


def test_rules_are_structured(programme):
    t = ticket(
        programme,
        rules=[{"level": "decree", "text": "Code de la consommation", "article": "R. 412-1"}],
    )
    assert [(r.level, str(r)) for r in t.rules.all()] == [
        ("decree", "Code de la consommation, R. 412-1")
    ]
    with pytest.raises(ValidationError):
        ticket(programme, rules=[{"level": "bogus", "text": "x"}])


def test_only_officers_of_the_programme_triage(programme):
    t = ticket(programme)
    other = officer(ProgrammeFactory(single_window=True))
    for user in (holder(), other):
        with pytest.raises(PermissionDenied):
            services.ticket_triage(ticket=t, user=user, category="food", priority="high")
    t.refresh_from_db()
    assert (t.state, t.category) == (TicketState.NEW, "")


def test_route_sets_administration_and_assignee_and_notifies(programme, guichet):
    colleague = officer(programme)
    t = ticket(programme)
    administration = OrganisationFactory(kind="public_body", name="DGCCRF")
    services.ticket_route(ticket=t, user=guichet, administration=administration, assignee=colleague)
    t.refresh_from_db()
    assert (t.state, t.administration, t.assignee) == (
        TicketState.ROUTED,
        administration,
        colleague,
    )
    assert Notification.objects.filter(user=colleague).exists()
    with pytest.raises(ValidationError):
        services.ticket_route(
            ticket=t, user=guichet, administration=administration, assignee=holder()
        )


def test_answer_goes_out_by_smtp_threaded_on_the_author_mail(
    programme, guichet, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = inbound.mail_ingest(make_mail(to=programme.single_window_email))
    with django_capture_on_commit_callbacks(execute=True):
        answer = services.ticket_answer(
            ticket=first.ticket, user=guichet, body="La vente en vrac est permise."
        )

    assert len(smtp_server.messages) == 2  # acknowledgement, then the answer
    sent = message_from_bytes(smtp_server.messages[1].content, policy=policy.default)
    assert smtp_server.messages[1].rcpt_tos == ["lucie.vernet@example.test"]
    assert sent["Message-ID"] == answer.message_id
    assert sent["In-Reply-To"] == "<m1@example.test>"
    assert "<m1@example.test>" in sent["References"]
    assert f"[{first.ticket.number}]" in sent["Subject"]
    assert "vrac est permise" in sent.get_content()
    answer.refresh_from_db()
    assert answer.sent_at is not None
    first.ticket.refresh_from_db()
    assert first.ticket.state == TicketState.ANSWERED
    assert first.ticket.first_answered_at is not None

    # The author's reply to the answer joins the same ticket.
    reply = make_mail(
        to=programme.single_window_email,
        subject="Re: merci",
        message_id="<m9@example.test>",
        in_reply_to=answer.message_id,
    )
    assert inbound.mail_ingest(reply).ticket == first.ticket


def test_close_out_of_scope_needs_its_reason(programme, guichet):
    t = _routed(programme, guichet)
    with pytest.raises(ValidationError) as exc:
        services.ticket_close(ticket=t, user=guichet, outcome=Outcome.OUT_OF_SCOPE)
    assert {"out_of_scope_reason", "reason"} <= set(exc.value.message_dict)
    services.ticket_close(
        ticket=t,
        user=guichet,
        outcome=Outcome.OUT_OF_SCOPE,
        out_of_scope_reason="eu_law",
        reason="Règlement (UE) 1169/2011.",
    )
    t.refresh_from_db()
    assert (t.state, t.outcome, t.out_of_scope_reason) == ("closed", "out_of_scope", "eu_law")
    actions = list(HistoryEvent.objects.for_object(t).values_list("action", flat=True))
    assert actions == ["create", "triage", "route", "close"]


def test_cannot_close_a_new_ticket_or_pick_experimentation_outcome(programme, guichet):
    t = ticket(programme)
    with pytest.raises(ValidationError):
        services.ticket_close(ticket=t, user=guichet, outcome=Outcome.CLARIFIED)
    t2 = _routed(programme, guichet)
    with pytest.raises(ValidationError):
        services.ticket_close(ticket=t2, user=guichet, outcome=Outcome.EXPERIMENTATION)


def test_author_withdraws_and_officer_reopens(programme, guichet):
    author = holder()
    t = ticket(programme, user=author)
    services.ticket_withdraw(ticket=t, user=author, comment="Projet abandonné")
    t.refresh_from_db()
    assert (t.state, t.outcome) == ("closed", "withdrawn")
    with pytest.raises(ValidationError):
        services.ticket_reopen(ticket=t, user=guichet, comment="")
    services.ticket_reopen(ticket=t, user=guichet, comment="Le projet reprend")
    t.refresh_from_db()
    assert (t.state, t.outcome) == ("in_progress", "")


def test_ticket_becomes_an_experimentation_request_keeping_its_links(programme, guichet):
    organisation = OrganisationFactory()
    author = holder(organisation)
    perimeter = PerimeterFactory()
    t = _routed(programme, guichet, user=author, perimeter=perimeter, project_title="Épicerie")
    call = CallFactory(experimentation=True, programme=programme)

    request = services.ticket_to_experimentation(
        ticket=t,
        user=guichet,
        call=call,
        derogation_asked="Vendre du vrac sans pré-emballage",
        rule_text="Code de la consommation, R. 412-1",
        rule_level=RuleLevel.DECREE,
        duration_months=24,
        evaluation_plan="Bilan sanitaire à 12 et 24 mois",
    )

    t.refresh_from_db()
    assert (t.state, t.outcome) == ("closed", Outcome.EXPERIMENTATION)
    assert request.ticket == t
    assert (request.organisation, request.perimeter, request.applicant) == (
        organisation,
        perimeter,
        author,
    )
    assert request.project_title == "Épicerie"
    assert ExperimentationRequest.objects.visible_to(author).filter(pk=request.pk).exists()
    with pytest.raises(ValidationError):
        services.ticket_to_experimentation(
            ticket=t,
            user=guichet,
            call=call,
            derogation_asked="x",
            rule_text="x",
            rule_level="decree",
            duration_months=1,
            evaluation_plan="x",
        )


def test_experimentation_excludes_eu_law_and_needs_an_experimentation_call(programme):
    user = holder()
    call = CallFactory(experimentation=True, programme=programme)
    fields = {
        "title": "Dérogation",
        "derogation_asked": "x",
        "rule_text": "Directive",
        "rule_level": RuleLevel.EU_LAW,
        "duration_months": 12,
        "evaluation_plan": "x",
    }
    with pytest.raises(ValidationError) as exc:
        services.experimentation_submit(user=user, call=call, **fields)
    assert "rule_level" in exc.value.message_dict
    call.purpose = "label"
    with pytest.raises(ValidationError) as exc:
        services.experimentation_submit(user=user, call=call, **{**fields, "rule_level": "decree"})
    assert "call" in exc.value.message_dict


def test_experimentation_workflow_grant_evaluate_generalise(programme, guichet):
    call = CallFactory(experimentation=True, programme=programme)
    perimeter = PerimeterFactory()
    request = services.experimentation_submit(
        user=holder(),
        call=call,
        title="Vrac",
        derogation_asked="x",
        rule_text="Décret",
        rule_level="decree",
        duration_months=24,
        evaluation_plan="x",
        perimeter=perimeter,
    )
    with pytest.raises(ValidationError):  # not in review yet
        services.experimentation_transition(request=request, user=guichet, name="grant")
    services.experimentation_transition(request=request, user=guichet, name="review")
    with pytest.raises(ValidationError) as exc:
        services.experimentation_transition(request=request, user=guichet, name="grant")
    assert {"granted_from", "granted_until", "evaluation_dates"} <= set(exc.value.message_dict)
    with pytest.raises(PermissionDenied):
        services.experimentation_transition(request=request, user=holder(), name="refuse")
    services.experimentation_transition(
        request=request,
        user=guichet,
        name="grant",
        granted_from=date(2019, 6, 1),
        granted_until=date(2021, 6, 1),
        evaluation_dates=[date(2020, 6, 1), date(2021, 5, 1)],
    )
    request.refresh_from_db()
    assert request.state == ExperimentationState.GRANTED
    assert request.granted_perimeter == perimeter
    assert request.evaluation_dates == ["2020-06-01", "2021-05-01"]
    services.experimentation_transition(
        request=request, user=guichet, name="evaluate", comment="Aucun incident sanitaire."
    )
    services.experimentation_transition(request=request, user=guichet, name="generalise")
    request.refresh_from_db()
    assert request.state == ExperimentationState.GENERALISED
    actions = list(HistoryEvent.objects.for_object(request).values_list("action", flat=True))
    assert actions == ["submit", "review", "grant", "evaluate", "generalise"]


def test_publish_needs_consent_and_anonymous_text(programme, guichet):
    t = _routed(programme, guichet, publish_consent=False)
    services.ticket_close(ticket=t, user=guichet, outcome=Outcome.CLARIFIED, reason="ok")
    fields = {"title": "Vrac", "question": "Peut-on ?", "answer": "Oui.", "theme": "food"}
    with pytest.raises(ValidationError) as exc:
        services.article_publish(ticket=t, user=guichet, **fields)
    assert "publish_consent" in exc.value.message_dict

    t2 = _routed(programme, guichet, publish_consent=True)
    services.ticket_close(ticket=t2, user=guichet, outcome=Outcome.CLARIFIED, reason="ok")
    with pytest.raises(ValidationError) as exc:
        services.article_publish(
            ticket=t2, user=guichet, **{**fields, "answer": "Écrivez à jean@exemple.fr"}
        )
    assert "answer" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.article_publish(ticket=t2, user=holder(), **fields)
    article = services.article_publish(ticket=t2, user=guichet, **fields)
    assert article.is_published and article.outcome == Outcome.CLARIFIED
    assert list(queries.published_articles(q="vrac")) == [article]


def test_draft_is_anonymised(programme, guichet):
    organisation = OrganisationFactory(name="Épicerie du Marais")
    t = _routed(
        programme,
        guichet,
        user=holder(organisation),
        wants_to_do="L'Épicerie du Marais (tél. 05 49 00 00 00, lea@marais.fr) veut vendre.",
    )
    draft = services.article_draft(t)
    assert "Marais" not in draft["question"]
    assert "05 49" not in draft["question"] and "lea@" not in draft["question"]


def test_reminders_once_a_day_for_overdue_tickets(programme, guichet):
    late = ticket(programme)
    Ticket.objects.filter(pk=late.pk).update(first_answer_due_at=timezone.now() - timedelta(days=1))
    ticket(programme)  # on time

    call_command("tickets", "remind")
    assert Notification.objects.filter(user=guichet).count() == 1
    assert services.ticket_reminders_send() == 0  # not twice the same day
    assert services.ticket_reminders_send(now=timezone.now() + timedelta(days=2)) == 1
    assert list(Ticket.objects.overdue()) == [late]


def test_anonymous_web_ticket_waits_for_the_confirmed_address(programme):
    mail.outbox = []
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        pending = services.pending_ticket_create(
            email="Anne@Example.test",
            data={
                "title": "Tiers-lieu",
                "wants_to_do": "x",
                "blocked_by": "y",
                "programme": programme.pk,
            },
            idempotency_key="form-1",
        )
    assert Ticket.objects.count() == 0
    assert pending.token in mail.outbox[0].body
    assert (
        services.pending_ticket_create(email="anne@example.test", data={}, idempotency_key="form-1")
        == pending
    )
    assert PendingTicket.objects.count() == 1

    t = services.pending_ticket_confirm(token=pending.token)
    assert (t.author_email, t.author) == ("anne@example.test", None)
    assert services.pending_ticket_confirm(token=pending.token) == t
    with pytest.raises(ValidationError):
        services.pending_ticket_confirm(token="nope")


def test_public_figures(programme, guichet):
    for outcome in (Outcome.CLARIFIED, Outcome.WORKAROUND, Outcome.OUT_OF_SCOPE):
        t = _routed(programme, guichet)
        services.ticket_answer(ticket=t, user=guichet, body="réponse")
        services.ticket_close(
            ticket=t,
            user=guichet,
            outcome=outcome,
            reason="r",
            out_of_scope_reason="local_rule" if outcome == Outcome.OUT_OF_SCOPE else "",
        )
    ticket(programme)
    figures = queries.public_figures()
    assert figures["received"] == 4
    assert figures["resolved"] == 2
    assert figures["share_resolved"] == 50
    assert figures["share_feasible_without_derogation"] == 33
    assert figures["median_days_to_first_answer"] == 0.0


def test_knowledge_base_search_is_accent_insensitive(programme, guichet):
    t = _routed(programme, guichet, publish_consent=True)
    services.ticket_close(ticket=t, user=guichet, outcome=Outcome.CLARIFIED, reason="ok")
    article = services.article_publish(
        ticket=t,
        user=guichet,
        title="Agrément d'une régie de quartier",
        question="Quel agrément ?",
        answer="Aucun.",
        theme="employment",
        rule_reference="Code du travail, L. 5132-1",
    )
    assert list(queries.published_articles(q="regie agrement")) == [article]
    assert list(queries.published_articles(rule="L. 5132")) == [article]
    assert list(queries.published_articles(theme="food")) == []
    assert list(KnowledgeArticle.objects.all()) == [article]


def test_a_failed_send_is_recorded_on_the_message(
    programme, guichet, settings, django_capture_on_commit_callbacks
):
    from essaim.regulatory.tests.conftest import free_port

    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    t = ticket(programme)
    with django_capture_on_commit_callbacks(execute=True):
        answer = services.ticket_answer(ticket=t, user=guichet, body="Réponse")
    answer.refresh_from_db()
    assert answer.sent_at is None
    assert answer.send_error
