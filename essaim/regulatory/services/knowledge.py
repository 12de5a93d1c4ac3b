"""The knowledge base: the anonymised question and answer of a resolved ticket, published with
its author's consent."""

import re
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from essaim.core.services import history_record
from essaim.regulatory import rules as access
from essaim.regulatory import search
from essaim.regulatory.history import TicketAction
from essaim.regulatory.models import (
    KnowledgeArticle,
    KnowledgeCategory,
    MessageKind,
    RuleLevel,
    Ticket,
    TicketMessage,
)
from essaim.regulatory.workflow import Outcome, TicketState

# --- Knowledge base ---------------------------------------------------------------------------

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE = re.compile(r"(?:(?:\+|00)33[\s.-]?|0)[1-9](?:[\s.-]?\d{2}){4}")
URL = re.compile(r"https?://\S+")


def anonymise(text: str, ticket: Ticket | None = None) -> str:
    """Remove what points at a person or an organisation: e-mail addresses, phone numbers,
    links, and the names the ticket knows (author, organisation, project)."""
    text = EMAIL.sub(_("[adresse retirée]"), text or "")
    text = PHONE.sub(_("[téléphone retiré]"), text)
    text = URL.sub(_("[lien retiré]"), text)
    if ticket is not None:
        names = [ticket.author_name, ticket.project_title]
        if ticket.author_id:
            names += [ticket.author.first_name, ticket.author.last_name]
        if ticket.organisation_id:
            names += [ticket.organisation.name, ticket.organisation.acronym]
        for name in sorted({n.strip() for n in names if n and len(n.strip()) > 2}, key=len)[::-1]:
            text = re.sub(re.escape(name), _("[nom retiré]"), text, flags=re.IGNORECASE)
    return text


def article_draft(ticket: Ticket) -> dict:
    """A first anonymised draft of the published question and answer, for the officer to edit."""
    answer = (
        TicketMessage.objects.filter(ticket=ticket, kind=MessageKind.ANSWER)
        .order_by("-created_at")
        .first()
    )
    rule = ticket.rules.first()
    question = "\n\n".join(p for p in (ticket.wants_to_do, ticket.blocked_by) if p.strip())
    return {
        "title": anonymise(ticket.title, ticket),
        "question": anonymise(question, ticket),
        "answer": anonymise(answer.body if answer else ticket.outcome_reason, ticket),
        "theme": ticket.category or "other",
        "rule_level": rule.level if rule else "",
        "rule_reference": str(rule) if rule else "",
    }


def _check_anonymous(fields: dict) -> None:
    errors = {}
    for field, value in fields.items():
        if EMAIL.search(value or "") or PHONE.search(value or ""):
            errors[field] = _(
                "Le texte contient encore une adresse électronique ou un numéro de téléphone."
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def article_publish(
    *,
    ticket: Ticket,
    user,
    title: str,
    question: str,
    answer: str,
    theme: str,
    rule_reference: str = "",
    rule_level: str = "",
) -> KnowledgeArticle:
    """Publish (or update) the anonymised question and answer of a resolved ticket whose author
    agreed (the officers of the ticket's programme). Refuses text that still holds an e-mail
    address or a phone number."""
    if not access.can_publish_article(user, ticket):
        raise PermissionDenied(_("Vous n'avez pas le droit de faire cette action."))
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    errors = {}
    if not ticket.publish_consent:
        errors["publish_consent"] = _("L'auteur n'a pas accepté la publication.")
    if ticket.state != TicketState.CLOSED or ticket.outcome == Outcome.WITHDRAWN:
        errors["state"] = _("Seule une saisine close avec une issue peut être publiée.")
    for field, value in (("title", title), ("question", question), ("answer", answer)):
        if not (value or "").strip():
            errors[field] = _("Ce champ est obligatoire.")
    if not KnowledgeCategory.objects.filter(programme_id=ticket.programme_id, code=theme).exists():
        errors["theme"] = _("Choisissez une catégorie du programme.")
    if rule_level and rule_level not in RuleLevel.values:
        errors["rule_level"] = _("Niveau de règle inconnu.")
    if errors:
        raise ValidationError(errors)
    _check_anonymous({"title": title, "question": question, "answer": answer})
    article = KnowledgeArticle.objects.filter(ticket=ticket).first()
    created = article is None
    if created:
        base = slugify(title)[:100] or "reponse"
        slug = base
        while KnowledgeArticle.objects.filter(slug=slug).exists():
            slug = f"{base}-{secrets.token_hex(2)}"
        article = KnowledgeArticle(ticket=ticket, slug=slug)
    article.programme_id = ticket.programme_id
    article.title = title.strip()[:255]
    article.question = question.strip()
    article.answer = answer.strip()
    article.theme = theme
    article.rule_reference = rule_reference[:255]
    article.rule_level = rule_level
    article.outcome = ticket.outcome
    article.is_published = True
    article.published_at = article.published_at or timezone.now()
    article.is_fictitious = ticket.is_fictitious
    article.save()
    search.index([article])
    history_record(
        obj=ticket,
        user=user,
        action=TicketAction.PUBLISH if created else TicketAction.PUBLISH_UPDATE,
        payload={"article": article.pk},
    )
    return article


@transaction.atomic
def article_unpublish(*, article: KnowledgeArticle, user) -> KnowledgeArticle:
    """Withdraw an article from the knowledge base (the officers of its ticket's programme; an
    article without a ticket: any officer). One already withdrawn is refused (on ``state``)."""
    if not access.can_unpublish_article(user, article):
        raise PermissionDenied(_("Vous n'avez pas le droit de faire cette action."))
    article = KnowledgeArticle.objects.select_for_update().get(pk=article.pk)
    if not article.is_published:
        raise ValidationError({"state": _("Cette réponse n'est déjà plus publiée.")})
    article.is_published = False
    article.save(update_fields=["is_published"])
    if article.ticket_id:
        history_record(obj=article.ticket, user=user, action=TicketAction.UNPUBLISH)
    return article
