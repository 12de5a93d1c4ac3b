"""Pages of events between labelled territories: list, detail, registration, attendance."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essaim.accounts import permissions
from essaim.calls.models import Programme
from essaim.core import history
from essaim.core.forms import add_service_errors
from essaim.synergies import rules, services
from essaim.synergies.forms import EventForm
from essaim.synergies.models import Event, Registration


def _managed_programmes(user):
    return permissions.staff_programmes(user).filter(Programme.objects.order_by("name"), "pk")


def event_list(request):
    events = list(
        Event.objects.visible_to(request.user)
        .select_related("programme")
        .annotate(registered=Count("registrations"))
        .order_by("-starts_at", "pk")[:200]
    )
    mine = set(
        Registration.objects.filter(user=request.user, event__in=events).values_list(
            "event_id", flat=True
        )
    )
    now = timezone.now()
    return render(
        request,
        "synergies/event_list.html",
        {
            "upcoming": sorted(
                (e for e in events if e.starts_at >= now), key=lambda e: e.starts_at
            ),
            "past": [e for e in events if e.starts_at < now],
            "mine": mine,
            "can_create": rules.can_manage_events(request.user),
        },
    )


def _event(request, pk: int) -> Event:
    return get_object_or_404(
        Event.objects.visible_to(request.user).select_related("programme"), pk=pk
    )


def event_detail(request, pk: int):
    event = _event(request, pk)
    manages = rules.can_manage_event(request.user, event)
    registrations = (
        list(event.registrations.select_related("user").order_by("created_at", "pk"))
        if manages
        else []
    )
    count = len(registrations) if manages else event.registrations.count()
    return render(
        request,
        "synergies/event_detail.html",
        {
            "event": event,
            "manages": manages,
            "registrations": registrations,
            "count": count,
            "left": max(event.capacity - count, 0),
            "registered": Registration.objects.filter(event=event, user=request.user).exists(),
            "can_register": rules.can_register(request.user, event),
            "is_past": event.starts_at < timezone.now(),
            "history": history.history_rows(event) if manages else None,
        },
    )


def _event_form(request, instance=None):
    form = EventForm(request.POST or None, instance=instance)
    if instance is None:
        form.fields["programme"] = forms.ModelChoiceField(
            label=_("Programme"), queryset=_managed_programmes(request.user), empty_label=None
        )
    return form


def event_create(request):
    if not rules.can_manage_events(request.user):
        raise PermissionDenied(_("Seule l'équipe d'un programme crée ses rencontres."))
    form = _event_form(request)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in services.EVENT_FIELDS}
        try:
            event = services.event_create(
                user=request.user, programme=form.cleaned_data["programme"], data=data
            )
            messages.success(request, _("Rencontre créée."))
            return redirect(event)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(
        request,
        "synergies/event_form.html",
        {"form": form, "event": None},
        status=422 if form.errors else 200,
    )


def event_edit(request, pk: int):
    event = _event(request, pk)
    if not rules.can_manage_event(request.user, event):
        raise PermissionDenied(_("Seule l'équipe du programme modifie ses rencontres."))
    form = _event_form(request, instance=Event.objects.get(pk=event.pk))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in services.EVENT_FIELDS}
        try:
            services.event_update(user=request.user, event=event, data=data)
            messages.success(request, _("Rencontre enregistrée."))
            return redirect(event)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(
        request,
        "synergies/event_form.html",
        {"form": form, "event": event},
        status=422 if form.errors else 200,
    )


@require_POST
def event_register(request, pk: int):
    event = _event(request, pk)
    try:
        services.event_register(user=request.user, event=event)
        messages.success(request, _("Vous êtes inscrit à « %(title)s ».") % {"title": event.title})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(event)


@require_POST
def event_unregister(request, pk: int):
    event = _event(request, pk)
    services.event_unregister(user=request.user, event=event)
    messages.success(request, _("Inscription annulée."))
    return redirect(event)


@require_POST
def event_attendance(request, pk: int):
    event = _event(request, pk)
    present = [
        value for value in request.POST.getlist("present") if value.isdecimal() and len(value) < 19
    ][:5000]
    try:
        count = services.event_attendance(user=request.user, event=event, present_ids=present)
        messages.success(request, _("Présences enregistrées : %(count)s.") % {"count": count})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(event)
