"""Pages: the programme admin's waves and committee view, label revocation, certificates and
their public verification, and the public pages of labelled territories."""

import re
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from essaim.actors.models import CollectiveMember
from essaim.applications.models import Challenge
from essaim.calls.models import WaveStatus
from essaim.core import cache, history
from essaim.core.forms import add_service_errors
from essaim.core.models import HistoryEvent
from essaim.labels import (
    certificates,
    publication,
    queries,
    rules,
    services,
    services_certificates,
    territory_map,
)
from essaim.labels.forms import (
    AddApplicationsForm,
    DecisionBatchForm,
    RevokeForm,
    TerritoryFilterForm,
    VerifyForm,
    WaveForm,
)
from essaim.labels.hooks import territory_page_links
from essaim.labels.models import Label, LabelState, LabelStatus


def _history(obj, limit: int = 20) -> list:
    """The ``limit`` latest events of ``obj``'s history, newest first, in words."""
    events = (
        HistoryEvent.objects.for_object(obj).select_related("actor").order_by("-at", "-pk")[:limit]
    )
    return history.rows_for_events(obj._meta.model, events)


# --- Programme admin: waves ----------------------------------------------------------------------


def _require_staff(user) -> None:
    if not rules.can_see_waves(user):
        raise PermissionDenied(_("Cette page est réservée à l'équipe du programme."))


def _require_decide(user, wave) -> None:
    if not rules.can_decide(user, wave):
        raise PermissionDenied(_("Seuls les administrateurs du programme peuvent faire cela."))


def wave_list(request):
    _require_staff(request.user)
    waves = list(queries.wave_list(request.user))
    return render(
        request,
        "labels/wave_list.html",
        {"waves": waves, "can_create": rules.can_create_waves(request.user)},
    )


def wave_create(request):
    programmes = rules.wave_programmes(request.user)
    if not rules.can_create_waves(request.user):
        raise PermissionDenied(_("Seuls les administrateurs du programme peuvent créer une vague."))
    form = WaveForm(request.POST or None, programmes=programmes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            wave = services.wave_create(
                programme=data["programme"],
                user=request.user,
                number=data["number"],
                title=data["title"],
                committee_on=data["committee_on"],
                announced_on=data["announced_on"],
                announced_at=data["announced_at"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("La vague %(wave)s est créée.") % {"wave": wave})
            return redirect("labels:wave_committee", pk=wave.pk)
    return render(request, "labels/wave_form.html", {"form": form, "wave": None})


def wave_edit(request, pk: int):
    wave = get_object_or_404(queries.waves_visible_to(request.user), pk=pk)
    _require_decide(request.user, wave)
    form = WaveForm(request.POST or None, instance=wave)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in services.WAVE_FIELDS}
        if data["number"] is None:
            data["number"] = wave.number
        try:
            wave = services.wave_update(
                wave=queries.waves_visible_to(request.user).get(pk=pk), user=request.user, **data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("La vague est modifiée."))
            return redirect("labels:wave_committee", pk=wave.pk)
    return render(request, "labels/wave_form.html", {"form": form, "wave": wave})


def _committee_context(request, wave, *, decision_form=None, add_form=None) -> dict:
    rows = queries.committee_rows(wave)
    is_admin = rules.can_decide(request.user, wave)
    undecided = [r.application for r in rows if r.decision is None]
    can_decide = is_admin and wave.status != WaveStatus.PUBLISHED and bool(undecided)
    if decision_form is None and can_decide:
        decision_form = DecisionBatchForm(applications=undecided)
    addable = queries.addable_applications(wave)
    can_add = is_admin and wave.status == WaveStatus.PLANNED
    if add_form is None and can_add:
        add_form = AddApplicationsForm(queryset=addable)
    today = timezone.localdate()
    return {
        "wave": wave,
        "rows": rows,
        "is_admin": is_admin,
        "decision_form": decision_form if can_decide else None,
        "add_form": add_form if can_add and addable.exists() else None,
        "publish_recap": (
            publication.publish_recap(wave, rows, today)
            if is_admin and wave.status != WaveStatus.PUBLISHED
            else None
        ),
        "can_remove": can_add,
        "history": _history(wave),
        "certificates_job": (
            services_certificates.last_job(wave, request.user)
            if is_admin and wave.status == WaveStatus.PUBLISHED
            else None
        ),
    }


def wave_committee(request, pk: int):
    wave = get_object_or_404(queries.waves_visible_to(request.user), pk=pk)
    return render(request, "labels/wave_committee.html", _committee_context(request, wave))


@require_POST
def wave_add(request, pk: int):
    wave = get_object_or_404(queries.waves_visible_to(request.user), pk=pk)
    _require_decide(request.user, wave)
    form = AddApplicationsForm(request.POST, queryset=queries.addable_applications(wave))
    if form.is_valid():
        try:
            added = services.wave_add_applications(
                wave=wave, applications=form.cleaned_data["applications"], user=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(count)s candidature(s) ajoutée(s) à la vague.") % {"count": added},
            )
            return redirect("labels:wave_committee", pk=wave.pk)
    context = _committee_context(request, wave, add_form=form)
    return render(request, "labels/wave_committee.html", context, status=422)


@require_POST
def wave_remove(request, pk: int, application_pk: int):
    wave = get_object_or_404(queries.waves_visible_to(request.user), pk=pk)
    _require_decide(request.user, wave)
    application = get_object_or_404(wave.applications.all(), pk=application_pk)
    try:
        services.wave_remove_application(wave=wave, application=application, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("« %(ref)s » ne fait plus partie de la vague.") % {"ref": application.reference},
        )
    return redirect("labels:wave_committee", pk=wave.pk)


@require_POST
def wave_decide(request, pk: int):
    wave = get_object_or_404(queries.waves_visible_to(request.user), pk=pk)
    _require_decide(request.user, wave)
    # Also the applications decided since the page was opened (by another admin), so that the
    # service names them in its refusal instead of silently ignoring them.
    rows = queries.committee_rows(wave)
    posted = [
        r.application
        for r in rows
        if r.decision is None or request.POST.get(f"outcome-{r.application.pk}")
    ]
    form = DecisionBatchForm(request.POST, applications=posted)
    if form.is_valid():
        try:
            recorded = services.wave_decide(
                wave=wave, decisions=form.decisions(), user=request.user
            )
        except ValidationError as exc:
            add_service_errors(
                form, exc, rename=lambda key: key.replace("application-", "outcome-")
            )
        else:
            messages.success(
                request,
                _("%(count)s décision(s) enregistrée(s).") % {"count": len(recorded)},
            )
            return redirect("labels:wave_committee", pk=wave.pk)
    context = _committee_context(request, wave, decision_form=form)
    return render(request, "labels/wave_committee.html", context, status=422)


def _published_message(labels: list, recap: publication.PublishRecap) -> str:
    """What the confirmation of a publication says it did (nothing said of what did not
    happen, but "no label" and "no e-mail")."""
    count = len(labels)
    parts = [
        ngettext(
            "%(count)s label attribué et son plan d'accompagnement ouvert",
            "%(count)s labels attribués et autant de plans d'accompagnement ouverts",
            count,
        )
        % {"count": count}
        if count
        else _("aucun label attribué")
    ]
    if recap.refusals:
        parts.append(
            ngettext(
                "%(count)s candidature non labellisée",
                "%(count)s candidatures non labellisées",
                recap.refusals,
            )
            % {"count": recap.refusals}
        )
    parts.append(
        ngettext(
            "%(count)s courriel envoyé aux candidats",
            "%(count)s courriels envoyés aux candidats",
            recap.emails,
        )
        % {"count": recap.emails}
        if recap.emails
        else _("aucun courriel envoyé")
    )
    return _("La vague est publiée : %(done)s. Les décisions sont publiques.") % {
        "done": ", ".join(parts)
    }


@require_POST
def wave_publish(request, pk: int):
    wave = get_object_or_404(queries.waves_visible_to(request.user), pk=pk)
    _require_decide(request.user, wave)
    recap = publication.publish_recap(wave, queries.committee_rows(wave), timezone.localdate())
    try:
        labels = services.wave_publish(wave=wave, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _published_message(labels, recap))
    return redirect("labels:wave_committee", pk=wave.pk)


@require_POST
def wave_certificates(request, pk: int):
    """Start the batch of the wave's certificates (a background job) and go back to the wave,
    where its progress shows."""
    wave = get_object_or_404(queries.waves_visible_to(request.user), pk=pk)
    try:
        services_certificates.wave_certificates_start(wave=wave, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("labels:wave_committee", pk=wave.pk)


def label_revoke(request, pk: int):
    label = get_object_or_404(queries.labels_visible_to(request.user), pk=pk)
    if not rules.can_revoke_label(request.user, label):
        raise PermissionDenied(_("Seuls les administrateurs du programme peuvent faire cela."))
    form = RevokeForm(request.POST or None)
    if label.status == LabelStatus.REVOKED:
        messages.info(request, _("Ce label est déjà révoqué."))
        return redirect("labels:wave_committee", pk=label.wave_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.label_revoke(
                label=label, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Le label de %(t)s est révoqué.") % {"t": label.perimeter})
            return redirect("labels:wave_committee", pk=label.wave_id)
    return render(
        request,
        "labels/label_revoke.html",
        {"form": form, "label": label, "history": _history(label)},
    )


# --- Public: certificates and verification -------------------------------------------------------


@login_not_required
def certificate(request, pk: int):
    label = get_object_or_404(
        Label.objects.public()
        .valid_on(timezone.localdate())
        .select_related("perimeter", "wave", "programme__owner"),
        pk=pk,
    )
    stored = certificates.certificate_file(label)
    return FileResponse(
        stored.open("rb"),
        content_type="application/pdf",
        filename=f"attestation-{label.perimeter.slug}.pdf",
    )


@login_not_required
def verify_form(request):
    form = VerifyForm(request.GET or None)
    if request.GET and form.is_valid():
        return redirect("labels:verify", code=form.cleaned_data["code"])
    return render(request, "labels/verify.html", {"form": form, "searched": False})


@login_not_required
def verify(request, code: str):
    label = Label.objects.public().select_related("perimeter", "wave", "programme").with_code(code)
    if label is not None and label.verification_code != code:
        # Typed differently (case, spaces, O for 0…): the page of the code as printed.
        return redirect("labels:verify", code=label.verification_code)
    context = {
        "form": VerifyForm(initial={"code": code}),
        "searched": True,
        "code": code,
        "label": label,
        "state": label.state if label else None,
        "States": LabelState,
    }
    return render(request, "labels/verify.html", context, status=200 if label else 404)


# --- Public: labelled territories ----------------------------------------------------------------


# A filter value worth caching the page of; any other is rendered afresh (the form says what is
# wrong), so that odd query strings cannot fill the cache.
_CACHEABLE_FILTER = re.compile(r"^[0-9A-Za-z]{0,4}$")


def _territory_list_body(filters: dict) -> str:
    """The list and map of labelled territories, for the filter of the query string."""
    waves = list(queries.public_waves())
    regions = list(queries.regions_with_labels())
    form = TerritoryFilterForm(filters or None, waves=waves, regions=regions)
    wave_number, region_code = None, ""
    if form.is_bound and form.is_valid():
        wave_number = form.cleaned_data["vague"]
        region_code = form.cleaned_data["region"]
    labels = list(queries.public_labels(wave_number=wave_number, region_code=region_code))
    perimeter_ids = {label.perimeter_id for label in labels}
    regions_by_perimeter = queries.regions_of(perimeter_ids)
    for label in labels:
        label.region_names = regions_by_perimeter.get(label.perimeter_id, [])
    region_name = next((r.name for r in regions if r.code == region_code), "")
    return render_to_string(
        "labels/_territory_list_body.html",
        {
            "form": form,
            "labels": labels,
            "map": territory_map.build(labels),
            "filter_wave": wave_number,
            "filter_region": region_name,
            "territory_count": len(perimeter_ids),
        },
    )


@login_not_required
def territory_list(request):
    """Identical for every visitor: its body is cached (``essaim.core.cache``, topic labels)."""
    filters = {name: request.GET[name] for name in ("vague", "region") if name in request.GET}
    render_body = partial(_territory_list_body, filters)
    if all(_CACHEABLE_FILTER.match(value) for value in filters.values()):
        body = cache.fragment(
            "territory_list",
            topics=(cache.LABELS,),
            parts=sorted(filters.items()),
            render=render_body,
        )
    else:
        body = mark_safe(render_body())  # noqa: S308 - our own template, autoescaped
    return render(request, "labels/territory_list.html", {"body": body})


def _territory_detail_page(slug: str) -> dict | None:
    label = queries.territory_label(slug)
    if label is None:
        return None
    return {"territory_name": label.perimeter.name, "body": _territory_detail_body(label)}


def _territory_detail_body(label) -> str:
    application = label.application
    members = (
        CollectiveMember.objects.filter(collective_id=application.collective_id)
        .select_related("organisation")
        .order_by("position", "pk")
    )
    challenges = Challenge.objects.filter(application=application).order_by("position", "pk")
    regions = queries.regions_of([label.perimeter_id]).get(label.perimeter_id, [])
    return render_to_string(
        "labels/_territory_detail_body.html",
        {
            "label": label,
            "territory": label.perimeter,
            "collective": application.collective,
            "members": members,
            "challenges": challenges,
            "regions": regions,
            "verify_url": reverse("labels:verify", args=[label.verification_code]),
            # The links the hook offers are public ones (figures, reports): asked for anonymous.
            "links": [
                link
                for links in territory_page_links(label=label, user=AnonymousUser())
                for link in links
            ],
        },
    )


@login_not_required
def territory_detail(request, slug: str):
    """Identical for every visitor: cached whole (``essaim.core.cache``, topic labels)."""
    page = cache.cached(
        "territory_detail",
        topics=(cache.LABELS,),
        parts=(slug,),
        compute=partial(_territory_detail_page, slug),
    )
    if page is None:
        raise Http404(
            _("Aucun territoire labellisé n'a l'identifiant « %(slug)s ».") % {"slug": slug}
        )
    return render(request, "labels/territory_detail.html", page)
