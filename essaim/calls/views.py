"""Calls: the public call pages, and the programme admin's configuration (call, cut-offs, form
versions, scoring grid)."""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from essaim.calls import rules, services
from essaim.calls.editor_strings import editor_strings
from essaim.calls.formdiff import KIND_LABELS, describe_changes, error_in_words
from essaim.calls.formengine import FormEngine
from essaim.calls.formschema import UNIT_KINDS, schema_errors
from essaim.calls.models import Call, CallKind, CallStatus, CutOff, Programme, Wave
from essaim.core.forms import EssaimForm, EssaimModelForm, add_service_errors


def _admin_call(request, slug: str) -> Call:
    """The call's admin pages: a draft of another programme is a 404; a public call of another
    programme a 403 (it is public anyway)."""
    call = get_object_or_404(
        Call.objects.visible_to(request.user).select_related("programme"), slug=slug
    )
    if not rules.can_manage_call(request.user, call):
        raise PermissionDenied
    return call


class CallForm(EssaimModelForm):
    class Meta:
        model = Call
        fields = [
            "programme",
            "title",
            "slug",
            "kind",
            "purpose",
            "description",
            "opens_on",
            "closes_on",
        ]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "closes_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, programmes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = (
            programmes if programmes is not None else Programme.objects.none()
        )


class CutOffForm(EssaimForm):
    date = forms.DateField(
        label=gettext_lazy("Date limite"), widget=forms.DateInput(attrs={"type": "date"})
    )
    wave = forms.ModelChoiceField(
        label=gettext_lazy("Vague"), queryset=Wave.objects.none(), required=False
    )


class SchemaForm(EssaimForm):
    schema = forms.CharField(
        label=gettext_lazy("Définition du formulaire (JSON)"),
        widget=forms.Textarea(attrs={"rows": 30, "class": "fr-input", "spellcheck": "false"}),
    )


@login_not_required
def call_list(request):
    calls = Call.objects.visible_to(request.user).select_related("programme").order_by("-opens_on")
    return render(
        request,
        "calls/call_list.html",
        {"calls": calls, "can_create": rules.can_create_call(request.user)},
    )


@login_not_required
@require_safe
def open_calls(request):
    """The menu's "Candidater": the call open now (its page), or the list of those open now."""
    calls = list(Call.objects.open_now().select_related("programme").order_by("-opens_on"))
    if len(calls) == 1:
        return redirect("calls:detail", slug=calls[0].slug)
    return render(
        request,
        "calls/call_list.html",
        {"calls": calls, "can_create": False, "open_only": True},
    )


@login_not_required
def call_detail(request, slug: str):
    call = get_object_or_404(
        Call.objects.visible_to(request.user).select_related("programme"), slug=slug
    )
    grid = getattr(call, "grid", None)
    form_version = services.published_form(call)
    cutoffs = list(call.cutoffs.select_related("wave"))
    today = timezone.localdate()
    start_url = f"{reverse('applications:create')}?{urlencode({'appel': call.slug})}"
    return render(
        request,
        "calls/call_detail.html",
        {
            "call": call,
            "cutoffs": cutoffs,
            "next_cutoff": next((c for c in cutoffs if c.date >= today), None),
            "criteria": grid.criteria.all() if grid else [],
            "grid": grid,
            "form_version": form_version,
            "form_intro": form_version.schema.get("intro", "") if form_version else "",
            "form_sections": [
                section.get("title", "")
                for section in (form_version.schema.get("sections", []) if form_version else [])
                if section.get("title")
            ],
            "can_apply": call.status == CallStatus.OPEN and form_version is not None,
            "start_url": start_url,
            "login_url": f"{reverse('account_login')}?{urlencode({'next': start_url})}",
            "signup_url": f"{reverse('account_signup')}?{urlencode({'next': start_url})}",
            "is_admin": rules.can_manage_call(request.user, call),
        },
    )


def call_create(request):
    if not rules.can_create_call(request.user):
        raise PermissionDenied
    programmes = rules.managed_programmes(request.user)
    form = CallForm(
        request.POST or None, programmes=programmes, initial={"kind": CallKind.PERMANENT_AMI}
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "programme"}
        try:
            call = services.call_create(
                user=request.user, programme=form.cleaned_data["programme"], **data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Appel créé (en préparation)."))
            return redirect("calls:manage", slug=call.slug)
    return render(request, "calls/call_form.html", {"form": form})


def call_manage(request, slug: str):
    call = _admin_call(request, slug)
    form = CallForm(
        request.POST or None,
        instance=call,
        programmes=Programme.objects.filter(pk=call.programme_id),
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "programme"}
        call.refresh_from_db()
        try:
            services.call_update(user=request.user, call=call, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Appel enregistré."))
            return redirect("calls:manage", slug=call.slug)
    cutoff_form = CutOffForm()
    cutoff_form.fields["wave"].queryset = Wave.objects.filter(programme=call.programme)
    return render(
        request,
        "calls/call_manage.html",
        {
            "call": call,
            "form": form,
            "cutoffs": call.cutoffs.select_related("wave"),
            "cutoff_form": cutoff_form,
            "moves": [CallStatus(s) for s in services.CALL_STATUS_MOVES[CallStatus(call.status)]],
            "published": services.published_form(call),
            "draft": services.draft_form(call),
        },
    )


@require_POST
def call_status(request, slug: str):
    call = _admin_call(request, slug)
    try:
        call = services.call_set_status(
            user=request.user, call=call, status=request.POST.get("status", "")
        )
    except (ValidationError, ValueError) as exc:
        for message in getattr(exc, "messages", [str(exc)]):
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("L'appel est maintenant « %(status)s ».") % {"status": call.get_status_display()},
        )
    return redirect("calls:manage", slug=call.slug)


@require_POST
def cutoff_add(request, slug: str):
    call = _admin_call(request, slug)
    form = CutOffForm(request.POST)
    form.fields["wave"].queryset = Wave.objects.filter(programme=call.programme)
    if form.is_valid():
        try:
            services.cutoff_add(user=request.user, call=call, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("calls:manage", slug=call.slug)


@require_POST
def cutoff_remove(request, slug: str, pk: int):
    call = _admin_call(request, slug)
    cutoff = get_object_or_404(CutOff, call=call, pk=pk)
    try:
        services.cutoff_remove(user=request.user, cutoff=cutoff)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("calls:manage", slug=call.slug)


def _read_schema(text: str) -> tuple[object, list[str]]:
    """The schema typed (or written by the editor) and its problems, each with its place in
    words (« Section « Territoire », question « Code » : … »)."""
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [
            _("JSON invalide ligne %(line)s, colonne %(col)s : %(msg)s.")
            % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg}
        ]
    return schema, [error_in_words(schema, e) for e in schema_errors(schema)]


def _editor_settings() -> dict:
    """What the visual editor (calls/formbuilder.js) offers: kinds and territory levels."""
    return {
        "kinds": [{"value": k, "label": str(label)} for k, label in KIND_LABELS.items()],
        "unit_kinds": list(UNIT_KINDS),
        "t": editor_strings(),
    }


def form_edit(request, slug: str):
    """The editor of the draft version (visual editor writing the JSON, the JSON itself under
    "Édition avancée"): validate (errors with their place in words), preview, save; then what the
    draft changes against the published version, in words, and the drafts it would block."""
    call = _admin_call(request, slug)
    draft = services.draft_form(call)
    published = services.published_form(call)
    base = draft or published
    initial = json.dumps(base.schema if base else {"sections": []}, ensure_ascii=False, indent=2)
    form = SchemaForm(request.POST or None, initial={"schema": initial})
    schema, problems = None, []
    if request.method == "POST" and form.is_valid():
        schema, problems = _read_schema(form.cleaned_data["schema"])
        if not problems and request.POST.get("action") == "save":
            draft = services.formversion_save(user=request.user, call=call, schema=schema)
            messages.success(
                request,
                _(
                    "Brouillon de la version %(n)s enregistré. Il n'est pas encore visible des "
                    "candidats : vérifiez ci-dessous ce qui change, puis publiez-le."
                )
                % {"n": draft.number},
            )
            return redirect("calls:form_edit", slug=call.slug)
    preview_schema = (
        schema if schema is not None and not problems else (base.schema if base else None)
    )
    preview = FormEngine(preview_schema).build_form({}) if preview_schema else None
    drafts = services.version_drafts(draft) if draft else []
    return render(
        request,
        "calls/form_edit.html",
        {
            "call": call,
            "form": form,
            "problems": problems,
            "draft": draft,
            "published": published,
            "preview": preview.layout() if preview else [],
            "changes": describe_changes(published.schema if published else {}, draft.schema)
            if draft
            else [],
            "blocked": [d for d in drafts if d.blocked],
            "drafts_count": len(drafts),
            "editor_settings": _editor_settings(),
        },
    )


@require_POST
def form_preview(request, slug: str):
    """htmx: the live preview of the schema being typed, or its errors (place and problem)."""
    call = _admin_call(request, slug)
    schema, problems = _read_schema(request.POST.get("schema", ""))
    layout = FormEngine(schema).build_form({}).layout() if not problems else []
    return render(
        request,
        "calls/includes/form_preview.html",
        {"call": call, "problems": problems, "preview": layout},
    )


def form_publish(request, slug: str):
    """Publishing is irreversible: GET shows the recap (what changes against the published
    version, in words; the drafts it blocks and which; who is affected), the confirmation being
    disabled with its reason when the draft is invalid; POST publishes."""
    call = _admin_call(request, slug)
    draft = services.draft_form(call)
    if request.method == "POST":
        if draft is None:
            messages.error(request, _("Aucun brouillon à publier : rien n'a été publié."))
            return redirect("calls:form_edit", slug=call.slug)
        blocked = [d for d in services.version_drafts(draft) if d.blocked]
        try:
            version = services.formversion_publish(user=request.user, version=draft)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            messages.error(request, _("La version n'a pas été publiée."))
            return redirect("calls:form_publish", slug=call.slug)
        text = _(
            "Version %(n)s publiée : c'est désormais le formulaire des nouvelles candidatures et "
            "des brouillons en cours ; les candidatures déposées gardent leur version."
        ) % {"n": version.number}
        if blocked:
            text += " " + _(
                "%(count)s brouillon(s) devront compléter ou corriger leurs réponses avant le "
                "dépôt."
            ) % {"count": len(blocked)}
        messages.success(request, text)
        return redirect("calls:form_edit", slug=call.slug)
    published = services.published_form(call)
    drafts = services.version_drafts(draft) if draft else []
    problems = (
        [error_in_words(draft.schema, e) for e in schema_errors(draft.schema)] if draft else []
    )
    return render(
        request,
        "calls/form_publish.html",
        {
            "call": call,
            "draft": draft,
            "published": published,
            "changes": describe_changes(published.schema if published else {}, draft.schema)
            if draft
            else [],
            "problems": problems,
            "blocked": [d for d in drafts if d.blocked],
            "touched": [d for d in drafts if d.touched and not d.blocked],
            "drafts_count": len(drafts),
        },
    )


def grid_edit(request, slug: str):
    call = _admin_call(request, slug)
    grid = getattr(call, "grid", None)
    criteria = [
        {"pk": c.pk, "title": c.title, "help_text": c.help_text, "weight": c.weight}
        for c in (grid.criteria.all() if grid else [])
    ]
    scale_values = {
        "scale_min": grid.scale_min if grid else 0,
        "scale_max": grid.scale_max if grid else 4,
        "comment_required_below": grid.comment_required_below if grid else None,
        "disagreement_threshold": grid.disagreement_threshold if grid else 2,
    }
    labels_shown = dict(grid.scale_labels) if grid else {}
    errors: dict = {}
    if request.method == "POST":
        post = request.POST
        try:
            scale_min, scale_max = int(post.get("scale_min", 0)), int(post.get("scale_max", 4))
            below = (
                int(post["comment_required_below"]) if post.get("comment_required_below") else None
            )
            threshold = int(post.get("disagreement_threshold", 2))
        except ValueError:
            errors["scale"] = _("Les notes sont des nombres entiers.")
        else:
            items = []
            for index in range(int(post.get("criteria_count", 0)) + 1):
                title = post.get(f"criteria-{index}-title", "").strip()
                if not title and not post.get(f"criteria-{index}-id"):
                    continue
                if post.get(f"criteria-{index}-delete"):
                    continue
                items.append(
                    {
                        "id": int(post.get(f"criteria-{index}-id") or 0) or None,
                        "title": title,
                        "help_text": post.get(f"criteria-{index}-help", ""),
                        "weight": post.get(f"criteria-{index}-weight", "1").replace(",", ".")
                        or "0",
                    }
                )
            labels = {str(n): post.get(f"label-{n}", "") for n in range(scale_min, scale_max + 1)}
            try:
                services.grid_save(
                    user=request.user,
                    call=call,
                    scale_min=scale_min,
                    scale_max=scale_max,
                    scale_labels=labels,
                    comment_required_below=below,
                    disagreement_threshold=threshold,
                    criteria=items,
                )
            except (ValidationError, ValueError) as exc:
                errors = getattr(exc, "message_dict", {"criteria": [str(exc)]})
                # Show what was typed, not what is stored.
                criteria = [{**item, "pk": item["id"]} for item in items]
                scale_values = {
                    "scale_min": scale_min,
                    "scale_max": scale_max,
                    "comment_required_below": below,
                    "disagreement_threshold": threshold,
                }
                labels_shown = labels
            else:
                messages.success(request, _("Grille enregistrée."))
                return redirect("calls:grid_edit", slug=call.slug)
    low, high = scale_values["scale_min"], scale_values["scale_max"]
    scale = range(low, max(high, low) + 1)
    return render(
        request,
        "calls/grid_edit.html",
        {
            "call": call,
            "grid": scale_values,
            "criteria": criteria,
            "scale": [(n, labels_shown.get(str(n), "")) for n in scale],
            "errors": errors,
            "criteria_count": len(criteria),
        },
    )
