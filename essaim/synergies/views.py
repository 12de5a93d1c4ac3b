"""Pages of engaged companies, offers and introductions (events: ``views_events``). Thin: reads
through ``visible_to`` and ``matching``, writes through ``services``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essaim.core import history
from essaim.core.forms import add_service_errors
from essaim.core.pagination import paginate
from essaim.synergies import matching, rules, services
from essaim.synergies.forms import OfferForm, ProposeForm, ReportForm, TransitionForm
from essaim.synergies.hooks import company_space_sections
from essaim.synergies.models import (
    Event,
    Introduction,
    IntroductionStatus,
    Offer,
    OfferKind,
    OfferStatus,
)

PER_PAGE = 30


def _companies_or_403(request):
    companies = rules.companies_for(request.user).select_related("commune__region")
    if not companies:
        raise PermissionDenied(_("Réservé aux entreprises engagées."))
    return companies


# --- The company's space ------------------------------------------------------------------------


def company_space(request):
    """ "Besoins des projets": the open needs of the territories the company's active offers
    cover, each with its best offer and why; links to its offers and introductions."""
    companies = list(_companies_or_403(request))
    offers = list(
        matching.offers_with_coverage(
            Offer.objects.active().filter(company__in=companies).order_by("pk")
        )
    )
    region = next((c.commune.region for c in companies if c.commune_id), None)
    found = matching.needs_for_offers(offers, default_region=region)
    page = paginate(request, found, PER_PAGE, count=len(found))
    proposed = dict(
        Introduction.objects.filter(
            company__in=companies, need_id__in=[m.need.pk for m in page.object_list]
        )
        .exclude(status=IntroductionStatus.DECLINED)
        .values_list("need_id", "pk")
    )
    for match in page.object_list:
        match.introduction_id = proposed.get(match.need.pk)
    counts = dict(
        Introduction.objects.filter(company__in=companies)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    return render(
        request,
        "synergies/company_space.html",
        {
            "companies": companies,
            "offers": offers,
            "page": page,
            "matches": page.object_list,
            "counts": [(s.label, counts.get(s.value, 0)) for s in IntroductionStatus],
            "events": Event.objects.visible_to(request.user).count(),
            # Higher apps' sections (support: the actions of the plans the company is part of).
            "sections": [
                s for s in company_space_sections(request=request, companies=companies) if s
            ],
        },
    )


# --- Offers -------------------------------------------------------------------------------------


@login_not_required
def offer_list(request):
    """The published offers of every engaged company (public)."""
    kind = request.GET.get("nature", "")
    queryset = matching.offers_with_coverage(Offer.objects.active()).order_by("title", "pk")
    if kind in OfferKind.values:
        queryset = queryset.filter(kind=kind)
    page = paginate(request, queryset, PER_PAGE)
    return render(
        request,
        "synergies/offer_list.html",
        {
            "page": page,
            "offers": page.object_list,
            "kinds": OfferKind.choices,
            "kind": kind,
            "is_company": rules.is_engaged_company(request.user),
        },
    )


def my_offers(request):
    companies = _companies_or_403(request)
    offers = (
        Offer.objects.filter(company__in=companies)
        .select_related("company")
        .annotate(introduction_count=Count("introductions"))
        .order_by("status", "title", "pk")
    )
    return render(request, "synergies/my_offers.html", {"offers": offers})


def _offer(request, pk: int) -> Offer:
    return get_object_or_404(
        matching.offers_with_coverage(Offer.objects.visible_to(request.user)), pk=pk
    )


@login_not_required
def offer_detail(request, pk: int):
    offer = _offer(request, pk)
    can_edit = rules.can_edit_offer(request.user, offer)
    return render(
        request,
        "synergies/offer_detail.html",
        {
            "offer": offer,
            "can_edit": can_edit,
            "history": history.history_rows(offer) if can_edit else None,
        },
    )


def _offer_data(form) -> tuple[dict, list, list]:
    data = {k: v for k, v in form.cleaned_data.items() if k in services.OFFER_FIELDS}
    return data, list(form.cleaned_data["regions"]), list(form.cleaned_data["perimeters"])


def offer_create(request):
    companies = _companies_or_403(request)
    form = OfferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        company = companies.filter(pk=request.POST.get("company") or 0).first() or companies[0]
        data, regions, perimeters = _offer_data(form)
        try:
            offer = services.offer_create(
                user=request.user,
                company=company,
                data=data,
                regions=regions,
                perimeters=perimeters,
            )
            messages.success(request, _("Offre publiée."))
            return redirect(offer)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(
        request,
        "synergies/offer_form.html",
        {"form": form, "offer": None, "companies": companies},
        status=422 if form.errors else 200,
    )


def offer_edit(request, pk: int):
    offer = _offer(request, pk)
    if not rules.can_edit_offer(request.user, offer):
        raise PermissionDenied(_("Vous ne pouvez modifier que les offres de votre entreprise."))
    form = OfferForm(request.POST or None, instance=Offer.objects.get(pk=offer.pk))
    if request.method == "POST" and form.is_valid():
        data, regions, perimeters = _offer_data(form)
        try:
            services.offer_update(
                user=request.user, offer=offer, data=data, regions=regions, perimeters=perimeters
            )
            messages.success(request, _("Offre enregistrée."))
            return redirect(offer)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(
        request,
        "synergies/offer_form.html",
        {"form": form, "offer": offer, "companies": None},
        status=422 if form.errors else 200,
    )


@require_POST
def offer_status(request, pk: int):
    offer = _offer(request, pk)
    status = request.POST.get("status", "")
    try:
        services.offer_set_status(user=request.user, offer=offer, status=status)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(offer)
    if status == OfferStatus.WITHDRAWN:
        messages.success(request, _("Offre retirée : elle n'est plus proposée aux projets."))
    else:
        messages.success(request, _("Offre publiée de nouveau."))
    return redirect(offer)


# --- "Je peux aider" ----------------------------------------------------------------------------


def need_help(request, need_pk: int):
    """The need, the company's offers that can meet it (with why), and the proposal form."""
    companies = _companies_or_403(request)
    need = get_object_or_404(matching.open_needs(), pk=need_pk)
    offers_qs = Offer.objects.filter(company__in=companies, status=OfferStatus.PUBLISHED)
    matches = matching.offers_for_need(
        need, list(matching.offers_with_coverage(offers_qs.order_by("pk")))
    )
    existing = (
        Introduction.objects.filter(need=need, company__in=companies)
        .exclude(status=IntroductionStatus.DECLINED)
        .first()
    )
    initial = {"offer": matches[0].offer.pk} if matches else {}
    form = ProposeForm(
        request.POST or None,
        initial=initial,
        companies=companies,
        offers=offers_qs.order_by("title"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            introduction = services.introduction_propose(
                user=request.user,
                need=need,
                company=form.cleaned_data["company"],
                offer=form.cleaned_data["offer"],
                message=form.cleaned_data["message"],
            )
            messages.success(
                request,
                _("Mise en relation proposée : le porteur du projet est prévenu et vous répondra."),
            )
            return redirect(introduction)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(
        request,
        "synergies/need_help.html",
        {
            "need": need,
            "project": need.project,
            "matches": matches,
            "form": form,
            "existing": existing,
        },
        status=422 if form.errors else 200,
    )


def need_actions(*, request, project, needs) -> dict | None:
    """ "Je peux aider" beside each open need of a published project's page that an offer kind
    answers (``matching.ANSWERABLE_KINDS``: financing, skills, partners — not a regulatory
    one), for a member of an engaged company (``projects.hooks.project_need_actions``); nothing
    for anyone else."""
    if not project.is_published or not rules.is_engaged_company(request.user):
        return None
    actions = {}
    for need in needs:
        need.project = project
        if need.kind in matching.ANSWERABLE_KINDS and rules.can_offer_help(request.user, need):
            actions[need.pk] = [
                {
                    "url": reverse("synergies:need_help", args=[need.pk]),
                    "label": _("Je peux aider"),
                    "id": f"help-{need.pk}",
                }
            ]
    return actions


# --- Introductions ------------------------------------------------------------------------------


def introduction_list(request):
    """The introductions the user is party to, or follows as programme staff."""
    status = request.GET.get("etat", "")
    queryset = (
        Introduction.objects.visible_to(request.user)
        .select_related("project__perimeter", "company", "need", "offer")
        .order_by("-created_at", "-pk")
    )
    if status in IntroductionStatus.values:
        queryset = queryset.filter(status=status)
    page = paginate(request, queryset, PER_PAGE)
    return render(
        request,
        "synergies/introduction_list.html",
        {
            "page": page,
            "introductions": page.object_list,
            "statuses": IntroductionStatus.choices,
            "status": status,
            "is_company": rules.is_engaged_company(request.user),
        },
    )


def _introduction(request, pk: int) -> Introduction:
    return get_object_or_404(
        Introduction.objects.visible_to(request.user).select_related(
            "project__perimeter", "project__holder", "company", "need", "offer"
        ),
        pk=pk,
    )


def introduction_detail(request, pk: int):
    introduction = _introduction(request, pk)
    actions = services.introduction_allowed_transitions(introduction, request.user)
    return render(
        request,
        "synergies/introduction_detail.html",
        {
            "introduction": introduction,
            "actions": actions,
            "can_report": rules.can_report(request.user, introduction)
            and introduction.status in (IntroductionStatus.ACCEPTED, IntroductionStatus.DONE),
            "history": history.history_rows(introduction),
            "form": TransitionForm(),
        },
    )


@require_POST
def introduction_transition(request, pk: int):
    introduction = _introduction(request, pk)
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            done = services.introduction_transition(
                user=request.user,
                introduction=introduction,
                name=form.cleaned_data["name"],
                comment=form.cleaned_data["comment"],
            )
            messages.success(
                request,
                _("La mise en relation est « %(status)s » ; l'autre partie en est prévenue.")
                % {"status": done.get_status_display()},
            )
            return redirect(done)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(
        request,
        "synergies/introduction_detail.html",
        {
            "introduction": introduction,
            "actions": services.introduction_allowed_transitions(introduction, request.user),
            "can_report": False,
            "history": history.history_rows(introduction),
            "form": form,
        },
        status=422,
    )


def introduction_report(request, pk: int):
    introduction = _introduction(request, pk)
    if not rules.can_report(request.user, introduction):
        raise PermissionDenied(_("Seule l'entreprise déclare ce que son aide a produit."))
    form = ReportForm(
        request.POST or None,
        initial={name: getattr(introduction, name) for name in services.REPORT_FIELDS},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.introduction_report(
                user=request.user, introduction=introduction, data=form.cleaned_data
            )
            messages.success(request, _("Résultats enregistrés."))
            return redirect(introduction)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(
        request,
        "synergies/introduction_report.html",
        {"introduction": introduction, "form": form},
        status=422 if form.errors else 200,
    )


# --- Programme overview -------------------------------------------------------------------------


def overview(request):
    """The programme staff's count: introductions per territory and state, with what they
    produced; the programme's events and their registrations."""
    if not rules.sees_overview(request.user):
        raise PermissionDenied(_("Réservé à l'équipe du programme."))
    rows = services.introduction_counts(Introduction.objects.visible_to(request.user))
    events = (
        Event.objects.filter(rules.events_visible_q(request.user) or Q(pk__in=[]))
        .select_related("programme")
        .annotate(
            registered=Count("registrations"),
            present=Count("registrations", filter=Q(registrations__attended=True)),
        )
        .order_by("-starts_at", "pk")[:50]
    )
    return render(
        request,
        "synergies/overview.html",
        {"rows": rows, "statuses": IntroductionStatus.choices, "events": events},
    )
