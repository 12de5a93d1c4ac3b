"""Writing an application: my applications, create, the detail page, the form (edit,
autosave, repeatable blocks)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essaim.accounts import permissions
from essaim.actors.models import Collective
from essaim.applications import forms, queries, rules
from essaim.applications.completeness import missing_items
from essaim.applications.models import (
    Application,
)
from essaim.applications.services import applying
from essaim.applications.submission import submit_transition
from essaim.applications.views.common import (
    detail_context,
    errors_to_messages,
    visible_application,
)
from essaim.applications.worklists import lead_worklist
from essaim.calls.models import Call, CallStatus
from essaim.core.forms import add_service_errors
from essaim.core.pagination import paginate


def mine(request):
    """The applications of the collectives the user belongs to, and those they were invited to,
    in the tabs of ``essaim.applications.worklists``."""
    user = request.user
    collectives = permissions.territory_collectives(user)
    applications = (
        Application.objects.visible_to(user)
        .filter(Q(people__user=user) | collectives.q("collective"))
        .distinct()
    )
    tabs, rows = lead_worklist(request, applications)
    page = paginate(request, rows.select_related("call", "perimeter", "wave"), 50)
    for application in page:
        application.shown_status_label = queries.status_label(application.shown_status)
    calls = Call.objects.filter(status=CallStatus.OPEN).order_by("title")
    return render(
        request,
        "applications/mine.html",
        {
            "applications": page,
            "page": page,
            "calls": calls,
            "worklist": tabs,
            "today": timezone.localdate(),
        },
    )


def create(request):
    call = get_object_or_404(
        Call.objects.filter(status=CallStatus.OPEN), slug=request.GET.get("appel", "")
    )
    collectives = (
        permissions.lead_collectives(request.user)
        .filter(Collective.objects.all(), "pk")
        .select_related("perimeter")
    )
    form = forms.ApplicationCreateForm(request.POST or None, collectives=collectives)
    if request.method == "POST" and form.is_valid():
        try:
            collective = form.cleaned_data.get("collective")
            perimeter = (
                collective.perimeter
                if collective and not form.cleaned_data.get("perimeter")
                else form.resolved_perimeter()
            )
            application = applying.application_create(
                user=request.user,
                call=call,
                perimeter=perimeter,
                title=form.cleaned_data["title"],
                collective=collective,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Brouillon créé : complétez la candidature."))
            return redirect("applications:edit", pk=application.pk)
    return render(request, "applications/create.html", {"form": form, "call": call})


def detail(request, pk: int):
    application = visible_application(request, pk)
    return render(request, "applications/detail.html", detail_context(request, application))


def _edit_context(request, application, form, meta_form, result=None) -> dict:
    # One error summary for both forms, at the top of the page's form (edit.html).
    meta_form.show_error_summary = False
    return {
        "application": application,
        "form": form,
        "meta_form": meta_form,
        "layout": form.layout(),
        "file_names": ",".join(form.file_names()),
        "missing": missing_items(application),
        "challenges": application.challenges.all(),
        "result": result,
        "change_request": queries.pending_change_request(application),
        "submit_transition": submit_transition(application),
    }


def edit(request, pk: int):
    """The answers. POST saves every valid answer (and files), keeps what was typed, and with
    ``action=review`` goes on to the recap before submission (``views.submission``) once nothing
    typed is refused."""
    application = visible_application(request, pk)
    if not rules.can_edit_application(request.user, application):
        raise PermissionDenied
    engine = applying.engine_for(application)
    if request.method != "POST":
        form = engine.build_form(application.answers)
        meta_form = forms.ApplicationMetaForm(
            initial={"title": application.title, "summary": application.summary}
        )
        return render(
            request, "applications/edit.html", _edit_context(request, application, form, meta_form)
        )
    form = engine.build_form(application.answers, data=request.POST, files=request.FILES)
    meta_form = forms.ApplicationMetaForm(request.POST)
    result = applying.application_save_answers(
        user=request.user, application=application, form=form
    )
    if meta_form.is_valid():
        applying.application_update(
            user=request.user,
            application=application,
            title=meta_form.cleaned_data["title"],
            summary=meta_form.cleaned_data["summary"],
        )
    if request.POST.get("action") == "review" and not result.errors and meta_form.is_valid():
        # Saved: the recap of what the submission will send comes before any submission.
        return redirect("applications:submit", pk=application.pk)
    if not result.errors and meta_form.is_valid():
        messages.success(request, _("Vos réponses sont enregistrées."))
        return redirect("applications:edit", pk=application.pk)
    if request.POST.get("action") == "review":
        messages.error(request, _("Pas encore de dépôt : corrigez d'abord les réponses signalées."))
    application.refresh_from_db()
    return render(
        request,
        "applications/edit.html",
        _edit_context(request, application, form, meta_form, result),
    )


@require_POST
def autosave(request, pk: int):
    """htmx: save the valid answers of the posted form, answer the field errors and the time."""
    application = visible_application(request, pk)
    if not rules.can_edit_application(request.user, application):
        raise PermissionDenied
    engine = applying.engine_for(application)
    form = engine.build_form(application.answers, data=request.POST, files=None)
    result = applying.application_save_answers(
        user=request.user, application=application, form=form
    )
    meta_form = forms.ApplicationMetaForm(request.POST)
    if meta_form.is_valid():
        applying.application_update(
            user=request.user,
            application=application,
            title=meta_form.cleaned_data["title"],
            summary=meta_form.cleaned_data["summary"],
        )
    return render(
        request,
        "applications/includes/autosave_status.html",
        {
            "result": result,
            "saved_at": timezone.localtime(),
            "fields": [
                {"dom_id": name.replace(".", "-"), "error": result.errors.get(name, "")}
                for name in form.fields
                if name not in form.file_names()
            ],
            "missing": missing_items(application),
            "application": application,
        },
    )


def _save_posted(request, application) -> None:
    """Keep what was typed before a block is added or removed."""
    if not rules.can_edit_application(request.user, application):
        raise PermissionDenied
    if request.POST:
        form = applying.engine_for(application).build_form(
            application.answers, data=request.POST, files=request.FILES
        )
        applying.application_save_answers(user=request.user, application=application, form=form)


@require_POST
def block_add(request, pk: int, key: str):
    application = visible_application(request, pk)
    _save_posted(request, application)
    try:
        applying.block_add(user=request.user, application=application, key=key)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    return redirect(f"{application.get_absolute_url()}modifier/#bloc-{key}")


@require_POST
def block_remove(request, pk: int, key: str, index: int):
    application = visible_application(request, pk)
    _save_posted(request, application)
    try:
        applying.block_remove(user=request.user, application=application, key=key, index=index)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    return redirect(f"{application.get_absolute_url()}modifier/#bloc-{key}")
