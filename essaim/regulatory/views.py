"""Pages of the single window: public form, knowledge base and figures; officers' queue, ticket
page and quarantine; project holders' tickets; experimentation requests. Every write goes
through ``services``; every read through ``queries`` or ``visible_to``."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlencode

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essaim.actors.models import Organisation
from essaim.calls.models import Programme
from essaim.core import cache, history
from essaim.core.forms import add_service_errors
from essaim.core.pagination import paginate
from essaim.regulatory import forms, queries, rules, services, views_mail, workflow
from essaim.regulatory.models import (
    ExperimentationRequest,
    KnowledgeArticle,
    Ticket,
)
from essaim.regulatory.services.categories import (
    category_choices,
    public_category_choices,
)
from essaim.regulatory.worklists import ticket_worklist

PAGE_SIZE = 50


def _officer_programmes(user) -> set[int]:
    return rules.officer_programme_ids(user)


def _require_officer(user) -> set[int]:
    programmes = _officer_programmes(user)
    if not programmes:
        raise PermissionDenied(_("Réservé aux agents du guichet unique."))
    return programmes


def _default_programme() -> Programme:
    programme = Programme.objects.exclude(single_window_email="").order_by("pk").first()
    if programme is None:
        raise Http404(_("Aucun programme n'a de guichet unique."))
    return programme


# --- Public -------------------------------------------------------------------------------------


@login_not_required
def home(request):
    programme = Programme.objects.exclude(single_window_email="").order_by("pk").first()
    return render(
        request,
        "regulatory/home.html",
        {
            "programme": programme,
            "figures": queries.public_figures(),
            "latest": queries.published_articles()[:5],
            "is_officer": rules.is_officer(request.user),
        },
    )


@login_not_required
def knowledge_base(request):
    """The same for every reader; what anonymous readers are shown is cached
    (``essaim.core.cache``, topic knowledge: articles, categories, ticket figures)."""
    body = cache.for_anonymous(
        request,
        "knowledge_base",
        topics=(cache.KNOWLEDGE,),
        compute=partial(_knowledge_base_body, request),
    )
    return render(request, "regulatory/knowledge_base.html", {"body": body})


def _knowledge_base_body(request) -> str:
    q = request.GET.get("q", "").strip()
    theme = request.GET.get("theme", "")
    rule = request.GET.get("rule", "").strip()
    themes = public_category_choices()
    if theme not in {code for code, _title in themes}:
        theme = ""
    articles = queries.published_articles(q=q, theme=theme, rule=rule)
    page = paginate(request, articles, 20)
    params = urlencode({k: v for k, v in (("q", q), ("theme", theme), ("rule", rule)) if v})
    return render_to_string(
        "regulatory/_knowledge_base_body.html",
        {
            "page": page,
            "params": params,
            "ask_url": reverse("regulatory:ticket_new")
            + (f"?{urlencode({'question': q})}" if q else ""),
            "q": q,
            "theme": theme,
            "rule": rule,
            "themes": themes,
            "figures": queries.public_figures(),
        },
        request,
    )


@login_not_required
def article_detail(request, slug: str):
    article = get_object_or_404(
        KnowledgeArticle.objects.filter(is_published=True).annotate(
            theme_title=queries.theme_title_subquery()
        ),
        slug=slug,
    )
    return render(request, "regulatory/article_detail.html", {"article": article})


@login_not_required
def ticket_new(request):
    """Signed-in people open a ticket at once; others confirm their address first (the form's
    content waits in a pending ticket, nothing is lost)."""
    anonymous = not request.user.is_authenticated
    programme = _default_programme()
    # From the knowledge base's "no answer" link: the question typed there becomes the subject.
    question = " ".join(request.GET.get("question", "").split())[:255]
    form = forms.TicketForm(
        request.POST or None,
        request.FILES or None,
        anonymous=anonymous,
        user=request.user,
        initial={"title": question} if question else None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            "title": data["title"],
            "project_title": data["project_title"],
            "wants_to_do": data["wants_to_do"],
            "blocked_by": data["blocked_by"],
            "rules_text": data["rules_text"],
            "rules": form.rules(),
            "publish_consent": data["publish_consent"],
        }
        try:
            if anonymous:
                services.pending_ticket_create(
                    email=data["email"],
                    data={
                        **fields,
                        "programme": programme.pk,
                        "perimeter": data["perimeter"].pk if data["perimeter"] else None,
                    },
                    attachment=data.get("attachment"),
                    idempotency_key=data["idempotency_key"],
                )
                return render(request, "regulatory/ticket_pending.html", {"email": data["email"]})
            ticket = services.ticket_create(
                user=request.user,
                programme=programme,
                project=data.get("project"),
                perimeter=data["perimeter"],
                idempotency_key=data["idempotency_key"],
                attachments=[data["attachment"]] if data.get("attachment") else [],
                **fields,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Votre saisine %(number)s est enregistrée ; un accusé de réception vous est "
                    "envoyé par courriel."
                )
                % {"number": ticket.number},
            )
            return redirect("regulatory:ticket_detail", pk=ticket.pk)
    return render(
        request,
        "regulatory/ticket_form.html",
        {"form": form, "programme": programme, "anonymous": anonymous},
        status=422 if form.is_bound and form.errors else 200,
    )


@login_not_required
def ticket_confirm(request, token: str):
    try:
        ticket = services.pending_ticket_confirm(token=token)
    except ValidationError as error:
        return render(
            request, "regulatory/ticket_confirm.html", {"error": error.messages[0]}, status=404
        )
    return render(request, "regulatory/ticket_confirm.html", {"ticket": ticket})


# --- Signed in ----------------------------------------------------------------------------------


def my_tickets(request):
    tickets = Ticket.objects.authored_by(request.user).select_related("perimeter")
    requests = ExperimentationRequest.objects.visible_to(request.user).select_related("call")
    return render(
        request,
        "regulatory/my_tickets.html",
        {"tickets": tickets, "experimentations": requests},
    )


QUEUE_DEFERRED = (
    "wants_to_do",
    "blocked_by",
    "rules_text",
    "outcome_reason",
    "search_text",
    "search_vector",
)


def queue(request):
    programmes = _require_officer(request.user)
    form = forms.QueueFilterForm(request.GET or None, programme_ids=programmes)
    filters = form.cleaned_data if form.is_valid() else {}
    tickets = queries.tickets_for(request.user, filters=filters, q=filters.get("q", ""))
    tabs, tickets = ticket_worklist(request, tickets, keep=forms.QueueFilterForm.base_fields)
    # The long texts stay out of the rows sorted for the page (the list shows none of them).
    tickets = tickets.defer(*QUEUE_DEFERRED)
    page = paginate(request, tickets, PAGE_SIZE, count=tabs.current.count)  # no second COUNT
    return render(
        request,
        "regulatory/queue.html",
        {
            "form": form,
            "page": page,
            "params": tabs.query,
            "worklist": tabs,
            "held_mail": views_mail.held_mail_counts(request.user),
        },
    )


@dataclass(frozen=True)
class PageAction:
    """One action of the ticket page: its form, the service it calls with the form's data
    (``perform(ticket, user, data, uploads)``), and where it leads once done."""

    form: type[django_forms.Form]
    perform: Callable[[Ticket, Any, dict, list], Any]
    # What the confirmation says (``None``: the workflow's words, ``workflow.ticket_done``).
    success: Callable[[Any], str] | None = None
    next_url: Callable[[Any, Ticket], str] = lambda result, ticket: reverse(
        "regulatory:ticket_detail", args=[ticket.pk]
    )


def _to_experimentation(ticket, user, data, uploads):
    return services.ticket_to_experimentation(
        ticket=ticket,
        user=user,
        call=data["call"],
        derogation_asked=data["derogation_asked"],
        rule_text=data["rule_text"],
        rule_level=data["rule_level"],
        duration_months=data["duration_months"],
        evaluation_plan=data["evaluation_plan"],
    )


ACTIONS: dict[str, PageAction] = {
    "triage": PageAction(
        forms.TriageForm,
        lambda ticket, user, data, uploads: services.ticket_triage(
            ticket=ticket,
            user=user,
            category=data["category"],
            priority=data["priority"],
            comment=data["comment"],
        ),
    ),
    "route": PageAction(
        forms.RouteForm,
        lambda ticket, user, data, uploads: services.ticket_route(
            ticket=ticket,
            user=user,
            administration=data["administration"],
            assignee=data["assignee"],
            comment=data["comment"],
        ),
    ),
    "start": PageAction(
        forms.CommentForm,
        lambda ticket, user, data, uploads: services.ticket_start(ticket=ticket, user=user),
    ),
    "answer": PageAction(
        forms.AnswerForm,
        lambda ticket, user, data, uploads: services.ticket_answer(
            ticket=ticket, user=user, body=data["body"], attachments=uploads
        ),
    ),
    "close": PageAction(
        forms.CloseForm,
        lambda ticket, user, data, uploads: services.ticket_close(
            ticket=ticket,
            user=user,
            outcome=data["outcome"],
            reason=data["reason"],
            out_of_scope_reason=data["out_of_scope_reason"],
        ),
    ),
    "reopen": PageAction(
        forms.ReopenForm,
        lambda ticket, user, data, uploads: services.ticket_reopen(
            ticket=ticket, user=user, comment=data["comment"]
        ),
    ),
    "withdraw": PageAction(
        forms.CommentForm,
        lambda ticket, user, data, uploads: services.ticket_withdraw(
            ticket=ticket, user=user, comment=data["comment"]
        ),
    ),
    "message": PageAction(
        forms.MessageForm,
        lambda ticket, user, data, uploads: services.ticket_message_receive(
            ticket=ticket, user=user, body=data["body"], attachments=uploads
        ),
        success=lambda message: _("Votre message a été transmis au guichet unique."),
    ),
    "to_experimentation": PageAction(
        forms.ExperimentationFieldsForm,
        _to_experimentation,
        success=lambda request_obj: (
            _("Demande d'expérimentation %(number)s créée.") % {"number": request_obj.number}
        ),
        next_url=lambda request_obj, ticket: reverse(
            "regulatory:experimentation_detail", args=[request_obj.pk]
        ),
    ),
    "publish": PageAction(
        forms.PublishForm,
        lambda ticket, user, data, uploads: services.article_publish(
            ticket=ticket, user=user, **data
        ),
        success=lambda article: _("Réponse publiée dans la base de connaissances."),
        next_url=lambda article, ticket: reverse("regulatory:article_detail", args=[article.slug]),
    ),
}


def _action_forms(ticket, user, bound=None) -> dict:
    names = [t.name for t in services.ticket_actions(ticket, user)]
    if rules.is_author(user, ticket):
        names.append("message")
    if (
        rules.can_publish_article(user, ticket)
        and ticket.publish_consent
        and ticket.state == "closed"
        and ticket.outcome != "withdrawn"
    ):
        names.append("publish")
    labels = {t.name: t.label for t in services.ticket_actions(ticket, user)}
    labels["message"] = _("Ajouter un message")
    labels["publish"] = _("Publier dans la base de connaissances")
    result = []
    for name in names:
        form = bound[1] if bound is not None and bound[0] == name else _make_form(name, ticket)
        result.append({"name": name, "label": labels[name], "form": form})
    return result


def _make_form(name, ticket, data=None, files=None):
    cls = ACTIONS[name].form
    kwargs = {}
    if name == "route":
        kwargs["ticket"] = ticket
        kwargs["initial"] = {
            "administration": ticket.administration_id,
            "assignee": ticket.assignee_id,
        }
    elif name == "triage":
        kwargs["initial"] = {"category": ticket.category, "priority": ticket.priority}
    elif name == "to_experimentation":
        kwargs["programme_id"] = ticket.programme_id
        rule = ticket.rules.first()
        kwargs["initial"] = {
            "rule_text": str(rule) if rule else ticket.rules_text,
            "rule_level": rule.level if rule else "",
            "derogation_asked": ticket.blocked_by,
        }
    elif name == "publish":
        kwargs["themes"] = category_choices(ticket.programme_id)
        article = getattr(ticket, "article", None)
        if article is not None:
            kwargs["initial"] = {
                f: getattr(article, f)
                for f in ("title", "question", "answer", "theme", "rule_level", "rule_reference")
            }
        else:
            kwargs["initial"] = services.article_draft(ticket)
    return cls(data, files, prefix=name, **kwargs)


def _ticket(request, pk):
    return get_object_or_404(
        Ticket.objects.visible_to(request.user).select_related(
            "programme",
            "organisation",
            "perimeter",
            "administration",
            "assignee",
            "author",
            "project",
        ),
        pk=pk,
    )


def ticket_detail(request, pk: int, bound=None, status=200):
    ticket = _ticket(request, pk)
    is_officer = rules.can_handle_ticket(request.user, ticket)
    thread = ticket.messages.select_related("author").prefetch_related("attachments")
    return render(
        request,
        "regulatory/ticket_detail.html",
        {
            "ticket": ticket,
            "thread": thread,
            "attachments": ticket.attachments.filter(message__isnull=True),
            "rules": ticket.rules.all(),
            "action_forms": _action_forms(ticket, request.user, bound),
            "is_officer": is_officer,
            "history": history.history_rows(ticket) if is_officer else None,
            "experimentation": ExperimentationRequest.objects.filter(ticket=ticket).first(),
            "article": KnowledgeArticle.objects.filter(ticket=ticket).first(),
            "overdue": ticket.is_overdue(),
        },
        status=status,
    )


@require_POST
def ticket_action(request, pk: int, name: str):
    """Take action ``name`` (one of :data:`ACTIONS`) on the ticket; an unknown name is a 404."""
    ticket = _ticket(request, pk)
    action = ACTIONS.get(name)
    if action is None:
        raise Http404(_("Action inconnue sur une saisine : « %(name)s ».") % {"name": name})
    form = _make_form(name, ticket, request.POST, request.FILES)
    if not form.is_valid():
        return ticket_detail(request, pk, bound=(name, form), status=422)
    data = form.cleaned_data
    uploads = [data["attachment"]] if data.get("attachment") else []
    try:
        result = action.perform(ticket, request.user, data, uploads)
    except ValidationError as error:
        add_service_errors(form, error)
        return ticket_detail(request, pk, bound=(name, form), status=422)
    if action.success is not None:
        done = action.success(result)
    else:
        ticket.refresh_from_db()
        done = workflow.ticket_done(name, ticket)
    messages.success(request, done)
    return redirect(action.next_url(result, ticket))


def attachment_download(request, pk: int, attachment_pk: int):
    """An attachment of a ticket the user may see (always as a download, never rendered)."""
    ticket = _ticket(request, pk)
    attachment = get_object_or_404(ticket.attachments.all(), pk=attachment_pk)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type="application/octet-stream",
    )


# --- Experimentation requests -------------------------------------------------------------------


def experimentation_list(request):
    requests = ExperimentationRequest.objects.visible_to(request.user).select_related(
        "call", "perimeter", "organisation"
    )
    state = request.GET.get("state", "")
    if state:
        requests = requests.filter(state=state)
    page = paginate(request, requests, PAGE_SIZE)
    return render(request, "regulatory/experimentation_list.html", {"page": page})


def experimentation_new(request):
    form = forms.ExperimentationNewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organisation_id = rules.default_organisation_id(request.user)
        try:
            obj = services.experimentation_submit(
                user=request.user,
                organisation=Organisation.objects.filter(pk=organisation_id).first(),
                **data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("regulatory:experimentation_detail", pk=obj.pk)
    return render(
        request,
        "regulatory/experimentation_form.html",
        {"form": form},
        status=422 if form.is_bound and form.errors else 200,
    )


def experimentation_detail(request, pk: int, bound=None, status=200):
    obj = get_object_or_404(
        ExperimentationRequest.objects.visible_to(request.user).select_related(
            "call", "ticket", "perimeter", "granted_perimeter", "organisation"
        ),
        pk=pk,
    )
    actions = services.experimentation_actions(obj, request.user)
    form = bound or forms.ExperimentationActionForm(initial={"granted_perimeter": obj.perimeter_id})
    handles = rules.can_handle_experimentation(request.user, obj)
    return render(
        request,
        "regulatory/experimentation_detail.html",
        {
            "obj": obj,
            "actions": actions,
            "form": form,
            "history": history.history_rows(obj) if handles else None,
        },
        status=status,
    )


@require_POST
def experimentation_action(request, pk: int, name: str):
    obj = get_object_or_404(ExperimentationRequest.objects.visible_to(request.user), pk=pk)
    form = forms.ExperimentationActionForm(request.POST)
    if not form.is_valid():
        return experimentation_detail(request, pk, bound=form, status=422)
    data = form.cleaned_data
    try:
        services.experimentation_transition(
            request=obj,
            user=request.user,
            name=name,
            comment=data["comment"],
            granted_from=data["granted_from"],
            granted_until=data["granted_until"],
            granted_perimeter=data["granted_perimeter"],
            evaluation_dates=[data["evaluation_date_1"], data["evaluation_date_2"]],
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return experimentation_detail(request, pk, bound=form, status=422)
    messages.success(request, workflow.experimentation_done(name, obj))
    return redirect("regulatory:experimentation_detail", pk=pk)
