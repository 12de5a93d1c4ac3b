from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from essaim.accounts import permissions
from essaim.actors.models import Collective
from essaim.core import history
from essaim.core.forms import add_service_errors
from essaim.core.pagination import paginate
from essaim.financing import rules, services, workflow, worklists
from essaim.financing.forms import (
    BandFormSet,
    GrantForm,
    InstrumentCreateForm,
    InstrumentForm,
    RequestForm,
    TransitionForm,
)
from essaim.financing.matching import AMOUNT_BANDS, euros, find_gaps, match_project
from essaim.financing.models import (
    AlertSubscription,
    FinancingRequest,
    Instrument,
    InstrumentKind,
)
from essaim.projects.models import Project, Stage

# --- Instruments --------------------------------------------------------------------------------


@login_not_required
def instrument_list(request):
    instruments = list(
        Instrument.objects.visible_to(request.user)
        .select_related("provider")
        .prefetch_related("bands")
        .order_by("name")
    )
    editable = {i.pk for i in instruments if rules.can_edit_instrument(request.user, i)}
    return render(
        request,
        "financing/instrument_list.html",
        {
            "instruments": instruments,
            "editable": editable,
            "can_create": rules.can_create_instruments(request.user),
        },
    )


def _instrument(request, pk: int) -> Instrument:
    return get_object_or_404(
        Instrument.objects.visible_to(request.user).select_related("provider"), pk=pk
    )


@login_not_required
def instrument_detail(request, pk: int):
    instrument = _instrument(request, pk)
    can_edit = services.can_edit_instrument(request.user, instrument)
    return render(
        request,
        "financing/instrument_detail.html",
        {
            "instrument": instrument,
            "bands": instrument.bands.all(),
            "can_edit": can_edit,
            "history": _history(instrument) if can_edit else None,
        },
    )


def instrument_edit(request, pk: int):
    instrument = _instrument(request, pk)
    if not services.can_edit_instrument(request.user, instrument):
        raise PermissionDenied(_("Vous ne pouvez modifier que les outils de votre structure."))
    fresh = Instrument.objects.get(pk=instrument.pk)
    initial_bands = [
        {"stage": b.stage, "min_amount": b.min_amount, "max_amount": b.max_amount}
        for b in fresh.bands.all()
    ]
    form = InstrumentForm(request.POST or None, instance=fresh)
    bands = BandFormSet(request.POST or None, initial=initial_bands, prefix="bands")
    if request.method == "POST" and form.is_valid() and bands.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in services.INSTRUMENT_FIELDS}
        m2m = {k: form.cleaned_data[k] for k in services.INSTRUMENT_M2M}
        band_rows = _band_rows(bands)
        try:
            services.instrument_update(
                user=request.user,
                instrument=instrument,
                data=data,
                bands=band_rows,
                m2m=m2m,
            )
            messages.success(request, _("Outil enregistré."))
            return redirect(instrument)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(
        request,
        "financing/instrument_form.html",
        {"form": form, "bands": bands, "instrument": instrument},
    )


def _band_rows(bands) -> list[dict]:
    return [
        {"stage": b["stage"], "min_amount": b["min_amount"], "max_amount": b["max_amount"]}
        for b in bands.cleaned_data
        if b
        and not b.get("DELETE")
        and (b.get("stage") or b.get("min_amount") is not None or b.get("max_amount"))
    ]


def instrument_create(request):
    if not rules.can_create_instruments(request.user):
        raise PermissionDenied(_("Réservé aux financeurs."))
    providers = rules.providers_for(request.user)
    form = InstrumentCreateForm(request.POST or None, providers=providers)
    bands = BandFormSet(request.POST or None, prefix="bands")
    if request.method == "POST" and form.is_valid() and bands.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in services.INSTRUMENT_FIELDS}
        m2m = {k: form.cleaned_data[k] for k in services.INSTRUMENT_M2M}
        try:
            instrument = services.instrument_create(
                user=request.user,
                provider=form.cleaned_data["provider"],
                data=data,
                bands=_band_rows(bands),
                m2m=m2m,
            )
            messages.success(request, _("Outil créé."))
            return redirect(instrument)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(
        request,
        "financing/instrument_form.html",
        {"form": form, "bands": bands, "instrument": None},
    )


def project_section(*, request, project) -> dict:
    """The financing part of a project's page for its editors (``projects.hooks``): the requests
    sent for the project that the reader sees, and the alert on new instruments."""
    return {
        "template": "financing/_project_requests.html",
        "project": project,
        "requests": FinancingRequest.objects.visible_to(request.user)
        .filter(project=project)
        .select_related("instrument"),
    }


# --- Matches and requests -----------------------------------------------------------------------


@login_not_required
def matches(request, project_pk: int):
    project = get_object_or_404(
        Project.objects.visible_to(request.user).select_related("holder", "perimeter"),
        pk=project_pk,
    )
    needs = list(project.needs.filter(kind="financing").order_by("pk"))
    need = None
    if request.GET.get("need", "").isdecimal():
        need = next((n for n in needs if n.pk == int(request.GET["need"])), None)
    result = match_project(project, need)
    if need is None and result.facts.need_id:
        need = next((n for n in needs if n.pk == result.facts.need_id), None)
    return render(
        request,
        "financing/matches.html",
        {
            "project": project,
            "needs": needs,
            "need": need,
            "result": result,
            "can_request": rules.can_send_request(request.user, project),
        },
    )


def request_create(request, project_pk: int, instrument_pk: int):
    project = get_object_or_404(Project.objects.visible_to(request.user), pk=project_pk)
    instrument = get_object_or_404(
        Instrument.objects.published().select_related("provider"), pk=instrument_pk
    )
    if not rules.can_send_request(request.user, project):
        raise PermissionDenied(_("Vous ne pouvez pas envoyer de demande pour ce projet."))
    initial, prefill_note = {}, ""
    first = project.needs.filter(kind="financing", status="open").order_by("pk").first()
    if first:
        amount, prefill_note = _prefill(instrument, project, first.amount)
        initial = {"need": first.pk, "amount": amount, "purpose": first.purpose}
    form = RequestForm(
        request.POST or None, request.FILES or None, project=project, initial=initial
    )
    if prefill_note:  # the bound field keeps its own copy of the help text
        form.fields["amount"].help_text = form["amount"].help_text = prefill_note
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.financing_request_send(
                user=request.user,
                project=project,
                instrument=instrument,
                amount=form.cleaned_data["amount"],
                purpose=form.cleaned_data["purpose"],
                need=form.cleaned_data["need"],
                documents=form.cleaned_data["documents"],
            )
            messages.success(request, _("Demande envoyée."))
            return redirect(sent)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(
        request,
        "financing/request_form.html",
        {"form": form, "project": project, "instrument": instrument},
        status=422 if request.method == "POST" else 200,
    )


def _prefill(instrument: Instrument, project: Project, need: int | None) -> tuple:
    """The amount the request form proposes for a need: the need, but at most what the
    instrument puts in (its share of the costs × the need, capped by its maximum for the
    project's stage) — and why, in words, for under the field."""
    if not need:
        return need, ""
    amount, why = need, []
    share = instrument.share_of_costs_max
    if share is not None and share < 1:
        amount = int(need * share)
        why.append(
            _("%(share)s %% du besoin de %(need)s (l'outil finance au plus %(share)s %% des coûts)")
            % {"share": f"{share * 100:.0f}", "need": euros(need)}
        )
    limit = services.request_max_for(instrument, project.stage)
    if limit is not None and amount > limit:
        amount = limit
        why.append(
            _("plafonné au montant maximal de l'outil pour ce stade (%(limit)s)")
            % {"limit": euros(limit)}
        )
    if not why:
        return amount, _("Prérempli avec le besoin de %(need)s.") % {"need": euros(need)}
    return amount, _("Prérempli à %(amount)s : %(why)s. Vous pouvez le modifier.") % {
        "amount": euros(amount),
        "why": " ; ".join(why),
    }


def request_list(request):
    """The requests the user sees, in the tabs of ``essaim.financing.worklists``."""
    qs = FinancingRequest.objects.visible_to(request.user)
    form, tabs, rows = worklists.request_worklist(request, qs)
    page = paginate(request, rows, 50)
    for req in page:
        req.contact = worklists.contact(req)
    return render(
        request,
        "financing/request_list.html",
        {
            "form": form,
            "page": page,
            "requests": page,
            "worklist": tabs,
            "totals": services.request_totals(qs),
        },
    )


def _request(request, pk: int) -> FinancingRequest:
    return get_object_or_404(
        FinancingRequest.objects.visible_to(request.user).select_related(
            "project", "project__holder", "instrument", "instrument__provider", "need", "sent_by"
        ),
        pk=pk,
    )


def _history(obj) -> list:
    return history.history_rows(obj)


def _terms_display(terms: dict) -> dict:
    """The terms frozen into a request, with the kinds' and stages' names (not their codes)."""
    kinds = dict(InstrumentKind.choices)
    stages = dict(Stage.choices)
    return {
        "kinds": [str(kinds.get(code, code)) for code in terms.get("kinds", [])],
        "bands": [
            {**band, "stage": str(stages.get(band.get("stage"), ""))}
            for band in terms.get("bands", [])
        ],
        "conditions": terms.get("conditions", ""),
    }


def request_detail(request, pk: int):
    req = _request(request, pk)
    return render(
        request,
        "financing/request_detail.html",
        {
            "req": req,
            "contact": worklists.contact(req),
            "terms": _terms_display(req.terms),
            "project_visible": Project.objects.visible_to(request.user)
            .filter(pk=req.project_id)
            .exists(),
            "actions": services.request_allowed_transitions(req, request.user),
            "form": TransitionForm(),
            "documents": req.documents.all(),
            "history": _history(req),
        },
    )


def request_document(request, pk: int, document_pk: int):
    """A document of a request, to the people who see the request (404 for anyone else)."""
    from django.http import FileResponse

    req = _request(request, pk)
    document = get_object_or_404(req.documents.all(), pk=document_pk)
    return FileResponse(
        document.file.open("rb"), as_attachment=True, filename=document.original_name
    )


@require_POST
def request_transition(request, pk: int):
    req = _request(request, pk)
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            done = services.financing_request_transition(
                user=request.user,
                request=req,
                name=form.cleaned_data["name"],
                comment=form.cleaned_data["comment"],
                amount=form.cleaned_data["amount"],
            )
            messages.success(
                request,
                _grant_message(done)
                if done.status == "granted"
                else workflow.done_message(form.cleaned_data["name"], euros(done.granted_amount)),
            )
            return redirect(req)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(
        request,
        "financing/request_detail.html",
        {
            "req": req,
            "contact": worklists.contact(req),
            "terms": _terms_display(req.terms),
            "project_visible": Project.objects.visible_to(request.user)
            .filter(pk=req.project_id)
            .exists(),
            "actions": services.request_allowed_transitions(req, request.user),
            "form": form,
            "documents": req.documents.all(),
            "history": _history(req),
        },
        status=422,
    )


def _grant_message(granted: FinancingRequest) -> str:
    count = granted.notified_count
    if not count:
        told = _("aucun porteur n'a de compte actif : prévenez-le vous-même.")
    else:
        told = ngettext(
            "le porteur en est informé par courriel.",
            "les %(count)s porteurs en sont informés par courriel.",
            count,
        ) % {"count": count}
    return _("La demande a été accordée : %(amount)s ; %(told)s") % {
        "amount": euros(granted.granted_amount),
        "told": told,
    }


def request_grant(request, pk: int):
    """Grant a request in two steps: the amount, conditions and (when partial) its reason, then
    a recap of what will happen — the grant is irreversible — before the confirm button."""
    req = _request(request, pk)
    if not services.can_act_as(request.user, req, workflow.Actor.FINANCER):
        raise PermissionDenied(_("Seul un financeur de l'outil peut accorder cette demande."))
    blocker = services.grant_blocker(request.user, req)
    form = GrantForm(request.POST or None, initial={"amount": req.amount})
    step = request.POST.get("step", "")
    recap = False
    if request.method == "POST" and not blocker and form.is_valid():
        data = form.cleaned_data
        try:
            if step == "confirm":
                granted = services.financing_request_transition(
                    user=request.user, request=req, name="grant", **data
                )
                messages.success(request, _grant_message(granted))
                return redirect(granted)
            services.check_grant(request=req, **data)
            recap = step != "edit"
        except ValidationError as exc:
            add_service_errors(form, exc)
    invalid = request.method == "POST" and (bool(form.errors) or bool(blocker))
    return render(
        request,
        "financing/request_grant.html",
        {
            "req": req,
            "form": form,
            "recap": recap,
            "blocker": blocker,
            "recipients": len(services.holders_of(req.project)),
        },
        status=422 if invalid else 200,
    )


# --- Programme view: gaps -----------------------------------------------------------------------


def gaps(request):
    """Needs no open instrument can meet, per territory, stage and amount: the projects of the
    user's programmes (programme staff) and of their own territories (its people)."""
    projects = rules.gap_projects(request.user)
    if projects is None:
        raise PermissionDenied(
            _("Réservé à l'équipe du programme, aux territoires et aux financeurs.")
        )
    report = find_gaps(project_queryset=projects)
    rows = report.by_territory()
    stages = list(Stage)
    for row in rows:
        row["stage_cells"] = [row["stages"].get(stage.value, [0, 0]) for stage in stages]
        row["band_cells"] = [row["bands"].get(i, [0, 0]) for i in range(len(AMOUNT_BANDS))]
    return render(
        request,
        "financing/gaps.html",
        {
            "report": report,
            "rows": rows,
            "stages": stages,
            "amount_bands": [label for _low, _high, label in AMOUNT_BANDS],
            "gaps": report.gaps[:300],
        },
    )


# --- Alerts -------------------------------------------------------------------------------------


def alerts(request):
    subscriptions = AlertSubscription.objects.filter(user=request.user).select_related(
        "project", "collective"
    )
    collectives = permissions.territory_collectives(request.user).filter(
        Collective.objects.all(), "pk"
    )
    return render(
        request,
        "financing/alerts.html",
        {"subscriptions": subscriptions, "collectives": collectives},
    )


@require_POST
def alert_subscribe(request):
    project = collective = None
    if request.POST.get("project", "").isdecimal():
        project = get_object_or_404(
            Project.objects.visible_to(request.user), pk=int(request.POST["project"])
        )
    elif request.POST.get("collective", "").isdecimal():
        collective = get_object_or_404(Collective, pk=int(request.POST["collective"]))
    try:
        services.alert_subscribe(user=request.user, project=project, collective=collective)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("financing:alerts")
    messages.success(
        request, _("Alerte enregistrée : vous recevrez un récapitulatif par courriel.")
    )
    return redirect("financing:alerts")


@require_POST
def alert_unsubscribe(request, pk: int):
    subscription = get_object_or_404(AlertSubscription.objects.filter(user=request.user), pk=pk)
    services.alert_unsubscribe(user=request.user, subscription=subscription)
    messages.success(request, _("Alerte supprimée."))
    return redirect("financing:alerts")
