"""Campaign pages and the published figures' downloads."""

import csv
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from essaim.accounts import permissions
from essaim.calls.models import Programme
from essaim.core import history
from essaim.core.forms import add_service_errors
from essaim.impact import opendata, queries, reminders, rules, services
from essaim.impact.forms import CampaignForm
from essaim.impact.models import Campaign, CampaignStatus, Indicator
from essaim.labels.models import Label


def _campaign(request, pk: int) -> Campaign:
    return get_object_or_404(
        Campaign.objects.visible_to(request.user).select_related("programme"), pk=pk
    )


@require_safe
def campaign_list(request):
    campaigns = list(
        Campaign.objects.visible_to(request.user)
        .select_related("programme")
        .order_by("-due_on")[:100]
    )
    programmes = permissions.staff_programmes(request.user).filter(Programme.objects.all(), "pk")
    return render(
        request,
        "impact/campaign_list.html",
        {"campaigns": campaigns, "programmes": list(programmes.order_by("name")[:20])},
    )


@require_safe
def campaign_detail(request, pk: int):
    campaign = _campaign(request, pk)
    today = timezone.localdate()
    rows = queries.campaign_completion(campaign)
    staff = rules.can_manage_campaign(request.user, campaign.programme)
    if not staff:  # a territory's people see their own line only
        collectives = permissions.territory_collectives(request.user)
        mine = set(
            Label.objects.filter(
                pk__in=[r.label.pk for r in rows],
                application__collective_id__in=collectives.sorted(),
            ).values_list("pk", flat=True)
        )
        rows = [r for r in rows if r.label.pk in mine]
    return render(
        request,
        "impact/campaign_detail.html",
        {
            "campaign": campaign,
            "rows": rows,
            "late": queries.late_rows(campaign, rows, today),
            "indicators": list(campaign.indicators.all()),
            "can_manage": staff,
            "history_rows": history.history_rows(campaign) if staff else [],
        },
    )


def campaign_create(request, slug: str):
    programme = get_object_or_404(Programme, slug=slug)
    if not rules.can_manage_campaign(request.user, programme):
        raise Http404(_("Programme introuvable."))
    form = CampaignForm(
        request.POST or None,
        indicators=Indicator.objects.filter(programme=programme),
        labels=Label.objects.filter(programme=programme, status="valid")
        .select_related("perimeter")
        .order_by("perimeter__name"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(
                user=request.user,
                programme=programme,
                title=data["title"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                due_on=data["due_on"],
                indicators=data["indicators"],
                labels=data["labels"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Campagne créée : ouvrez-la pour que les territoires répondent.")
            )
            return redirect(campaign.get_absolute_url())
    return render(
        request,
        "impact/campaign_form.html",
        {"programme": programme, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def campaign_status(request, pk: int, status: str):
    campaign = _campaign(request, pk)
    if not rules.can_manage_campaign(request.user, campaign.programme):
        raise PermissionDenied(_("Seule l'équipe du programme organise les campagnes."))
    try:
        services.campaign_set_status(user=request.user, campaign=campaign, status=status)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Campagne ouverte.") if status == CampaignStatus.OPEN else _("Campagne close."),
        )
    return redirect(campaign.get_absolute_url())


@require_POST
def campaign_remind(request, pk: int):
    campaign = _campaign(request, pk)
    if not rules.can_manage_campaign(request.user, campaign.programme):
        raise PermissionDenied(_("Seule l'équipe du programme organise les campagnes."))
    sent = reminders.campaign_remind(campaign, timezone.localdate(), force=True, user=request.user)
    messages.success(request, _("%(n)s territoire(s) relancé(s).") % {"n": sent})
    return redirect(campaign.get_absolute_url())


# --- Open data ----------------------------------------------------------------------------------


def _data_args(request):
    programme = None
    slug = request.GET.get("programme", "")[:80]
    if slug:
        programme = Programme.objects.filter(slug=slug).first()
        if programme is None:
            raise Http404(_("Programme introuvable."))
    level = request.GET.get("niveau", "programme")
    level = {"territoire": "territory"}.get(level, level)
    if level not in opendata.LEVELS:
        level = "programme"
    return programme, level


@login_not_required
@require_safe
def open_data(request):
    programme, level = _data_args(request)
    territory = None
    slug = request.GET.get("territoire", "")[:80]
    if programme is not None and slug:
        # One territory's figures: the link of its public page (labels' territory_page_links).
        territory = (
            Label.objects.filter(programme=programme, perimeter__slug=slug)
            .select_related("perimeter")
            .first()
        )
        if territory is None:
            raise Http404(_("Territoire introuvable."))
        level = "territory"
    rows = opendata.published_rows(programme=programme, level=level, label=territory)
    return render(
        request,
        "impact/open_data.html",
        {
            "rows": rows[:500],
            "level": level,
            "programme": programme,
            "territory": territory,
            "programmes": Programme.objects.filter(impact_indicators__isnull=False).distinct(),
        },
    )


@login_not_required
@require_safe
def aggregates_csv(request):
    programme, level = _data_args(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="impact-{level}.csv"'
    writer = csv.DictWriter(response, fieldnames=opendata.COLUMNS, delimiter=";")
    writer.writeheader()
    for row in opendata.published_rows(programme=programme, level=level):
        writer.writerow({**row, "value": f"{row['value'].normalize():f}"})
    return response


@login_not_required
@require_safe
def aggregates_json(request):
    programme, level = _data_args(request)
    rows = [
        {**row, "value": float(row["value"])}
        for row in opendata.published_rows(programme=programme, level=level)
    ]
    response = HttpResponse(
        json.dumps({"level": level, "rows": rows}, cls=DjangoJSONEncoder, ensure_ascii=False),
        content_type="application/json",
    )
    response["Content-Disposition"] = f'attachment; filename="impact-{level}.json"'
    return response
