"""The instructors' pages: the queue of their programmes' applications (tabs « à traiter /
suivis / traités » defined in ``essaim.reviews.worklists``, filters, search, sort, pagination,
bulk actions) and the instruction page of one application (its content, what
changed since the last submission, private notes, expert requests, consolidation, actions).

Mounted by ``essaim.reviews.urls``. Anyone without a staff role on a programme gets a 403;
an application outside the user's programmes is a 404 (``essaim.applications.rules``).
"""

from functools import partial
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, F, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from essaim.applications import queries, rules, workflow
from essaim.applications.forms import MessageForm, TransitionForm
from essaim.applications.models import Application, Message, PrivateNote
from essaim.applications.services import allowed_transitions, application_transition
from essaim.applications.workflow import Status
from essaim.calls.models import CutOff
from essaim.core import cache, worklist
from essaim.core.forms import EssaimForm, add_service_errors, rendered
from essaim.core.pagination import paginate
from essaim.geo.models import PerimeterCommune, PerimeterUnit, Region, UnitKind
from essaim.reviews import services
from essaim.reviews.bulk import BulkForm, bulk_done
from essaim.reviews.consolidation import consolidate
from essaim.reviews.forms import ReviewRequestForm
from essaim.reviews.instruction import application_content, changes_since_last_submission
from essaim.reviews.models import ReviewRequest, ReviewStatus
from essaim.reviews.worklists import instruction_tabs, with_instruction_markers

PAGE_SIZE = 25
SORTS = {
    "deadline": "instruction_deadline",
    "reference": "reference",
    "title": "title",
    "territory": "perimeter__name",
    "status": "status",
    "submitted": "submitted_at",
    "assignee": "assignee__last_name",
    "reviews": "reviews_submitted",
    "score": None,  # computed: sorted in Python on the consolidation
}


QUEUE_COLUMNS = (
    "reference",
    "title",
    "status",
    "submitted_at",
    "call_id",
    "instruction_deadline",
    "reviews_open",
    "reviews_submitted",
    "last_message_at",
    "last_message_from_staff",
    "resubmitted_at",
    "perimeter__name",
    "assignee__first_name",
    "assignee__last_name",
    "assignee__email",
)


def staff_programmes(user):
    """The programmes ``user`` instructs (a scope); a 403 for anyone who instructs none."""
    if not rules.can_instruct_somewhere(user):
        raise PermissionDenied(_("Cette page est réservée à l'équipe du programme."))
    return rules.instructed_programmes(user)


def instruction_queryset(user):
    """The applications an instructor works on: their programmes' submitted ones (no drafts)."""
    staff_programmes(user)
    return Application.objects.instructed_by(user)


class QueueFilterForm(EssaimForm):
    q = forms.CharField(
        label=gettext_lazy("Rechercher"),
        help_text=gettext_lazy("numéro, titre ou territoire"),
        required=False,
    )
    status = forms.ChoiceField(label=gettext_lazy("État"), required=False)
    cutoff = forms.ChoiceField(label=gettext_lazy("Date limite de dépôt"), required=False)
    region = forms.ChoiceField(label=gettext_lazy("Région"), required=False)
    assignee = forms.ChoiceField(label=gettext_lazy("Instructeur chargé"), required=False)
    disagreement = forms.BooleanField(
        label=gettext_lazy("Désaccord entre experts seulement"), required=False
    )
    score_min = forms.IntegerField(
        label=gettext_lazy("Note globale minimale (sur 100)"),
        required=False,
        min_value=0,
        max_value=100,
    )
    score_max = forms.IntegerField(
        label=gettext_lazy("Note globale maximale (sur 100)"),
        required=False,
        min_value=0,
        max_value=100,
    )

    def __init__(self, *args, programmes, user, **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", _("Toutes"))]
        self.fields["status"].choices = [("", _("Tous"))] + [
            c for c in Status.choices if c[0] != Status.DRAFT
        ]
        cutoffs = programmes.filter(CutOff.objects.select_related("call"), "call__programme")
        self.fields["cutoff"].choices = every + [
            (str(c.pk), f"{c.date:%d/%m/%Y} — {c.call.title}") for c in cutoffs
        ]
        self.fields["region"].choices = every + [
            (r.code, r.name) for r in Region.objects.order_by("name")
        ]
        self.fields["assignee"].choices = [
            ("", _("Tous")),
            ("me", _("Moi")),
            ("none", _("Personne")),
        ] + [(str(u.pk), str(u)) for u in rules.assignable_staff(programmes) if u.pk != user.pk]

    def clean(self):
        data = super().clean()
        low, high = data.get("score_min"), data.get("score_max")
        if low is not None and high is not None and low > high:
            self.add_error("score_max", _("La note maximale doit être supérieure à la minimale."))
        return data


def _filter(queryset, data: dict, user):
    if data.get("q"):
        term = data["q"].strip()
        queryset = queryset.filter(
            Q(reference__icontains=term)
            | Q(title__icontains=term)
            | Q(perimeter__name__icontains=term)
        )
    if data.get("status"):
        queryset = queryset.filter(status=data["status"])
    if data.get("cutoff"):
        queryset = queryset.filter(cutoff_id=data["cutoff"])
    if data.get("region"):
        code = data["region"]
        queryset = queryset.filter(
            Exists(
                PerimeterUnit.objects.filter(
                    perimeter=OuterRef("perimeter"),
                    kind=UnitKind.REGION,
                    code=code,
                    excluded=False,
                )
            )
            | Exists(
                PerimeterCommune.objects.filter(
                    perimeter=OuterRef("perimeter"), commune__region__code=code
                )
            )
        )
    assignee = data.get("assignee")
    if assignee == "me":
        queryset = queryset.filter(assignee=user)
    elif assignee == "none":
        queryset = queryset.filter(assignee__isnull=True)
    elif assignee:
        queryset = queryset.filter(assignee_id=assignee)
    return queryset


def _score_filter(consolidations: dict, data: dict) -> set[int]:
    low, high = data.get("score_min"), data.get("score_max")
    keep = set()
    for application_id, item in consolidations.items():
        if data.get("disagreement") and not item.disagreement:
            continue
        if (low is not None or high is not None) and item.total is None:
            continue
        if low is not None and item.total < low:
            continue
        if high is not None and item.total > high:
            continue
        keep.add(application_id)
    return keep


def _ordering(key: str, descending: bool) -> list:
    if key == "deadline":
        deadline = F("instruction_deadline")
        first = deadline.desc(nulls_last=True) if descending else deadline.asc(nulls_last=True)
        return [first, "submitted_at", "pk"]
    field = SORTS[key]
    return [f"-{field}" if descending else field, "pk"]


def _queue_rows(rows, tab: str):
    """Each row's values (what it prints, nothing else) and how to render them: the rows are
    kept rendered under those values (``cache.rows``) — 50 rows were two thirds of the page's
    rendering time."""
    template = get_template("reviews/instruction/_queue_row.html")
    today = timezone.localdate()
    for application, consolidation in rows:
        deadline = application.instruction_deadline
        submitted = application.submitted_at
        row = {
            "pk": application.pk,
            "reference": application.reference,
            "title": application.title,
            "new_message": bool(application.new_message),
            "resubmitted": bool(application.resubmitted),
            "perimeter": str(application.perimeter) if application.perimeter_id else "",
            "status": str(application.get_status_display()),
            "deadline": deadline,
            "overdue": bool(deadline and deadline < today and tab != "traites"),
            "submitted": timezone.localdate(submitted) if submitted else None,
            "assignee": str(application.assignee) if application.assignee_id else "",
            "reviews_submitted": application.reviews_submitted,
            "reviews_open": application.reviews_open,
            "total": consolidation.total if consolidation else None,
            "disagreement": bool(consolidation and consolidation.disagreement),
        }
        yield tuple(row.items()), partial(template.render, {"row": row})


def queue(request):
    programmes = staff_programmes(request.user)
    form = QueueFilterForm(request.GET or None, programmes=programmes, user=request.user)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    candidates = _filter(instruction_queryset(request.user), data, request.user)
    tabs, candidates = worklist.worklist(
        request,
        candidates,
        instruction_tabs(),
        keep=[*QueueFilterForm.base_fields, "tri"],
        distinct=False,  # no join that repeats an application (the region filter is EXISTS)
        cache_counts=True,  # 100,000 applications in a national programme's queue
    )
    sort = request.GET.get("tri", "deadline")
    key = sort.lstrip("-")
    if key not in SORTS:
        sort, key = "deadline", "deadline"
    descending = sort.startswith("-")
    needs_scores = key == "score" or any(
        data.get(f) not in (None, "", False) for f in ("disagreement", "score_min", "score_max")
    )
    # The columns the page shows (and the relations it names), no JSON of the answers.
    queryset = candidates.select_related("perimeter", "assignee").only(*QUEUE_COLUMNS)
    queryset = with_instruction_markers(queryset, request.user)
    if needs_scores:
        # Scores are computed (weighted, normalised): consolidate every candidate in a bounded
        # number of queries, filter and sort the ids, then load one page of rows.
        consolidations = consolidate(candidates.order_by())
        ids = _score_filter(consolidations, data)
        if key == "score":
            ordered = sorted(
                ids,
                key=lambda pk: (consolidations[pk].total is None, consolidations[pk].total or 0),
            )
            scored = [pk for pk in ordered if consolidations[pk].total is not None]
            if descending:
                scored.reverse()
            ordered = scored + [pk for pk in ordered if consolidations[pk].total is None]
        else:
            ordered = list(
                queryset.filter(pk__in=ids)
                .order_by(*_ordering(key, descending))
                .values_list("pk", flat=True)
            )
        page = paginate(request, ordered, PAGE_SIZE)
        rows = queryset.in_bulk(list(page.object_list))
        applications = [rows[pk] for pk in page.object_list]
    else:
        ordered_qs = queryset.order_by(*_ordering(key, descending))
        # The current tab's count, from the tabs' one query: no second COUNT.
        page = paginate(request, ordered_qs, PAGE_SIZE, count=tabs.current.count)
        applications = list(page.object_list)
        consolidations = consolidate(applications)
    rows = [(a, consolidations.get(a.pk)) for a in applications]
    params = {k: v for k, v in request.GET.items() if k not in {"page", "tri"} and v}
    columns = [
        ("reference", _("Numéro")),
        ("title", _("Candidature")),
        ("territory", _("Territoire")),
        ("status", _("État")),
        ("deadline", _("Échéance")),
        ("submitted", _("Déposée le")),
        ("assignee", _("Instructeur")),
        ("reviews", _("Avis rendus")),
        ("score", _("Note /100")),
    ]
    headers = []
    for column, label in columns:
        next_sort = column if sort != column else f"-{column}"
        headers.append(
            {
                "label": label,
                "url": "?" + urlencode({**params, "tri": next_sort}),
                "active": key == column,
                "descending": descending,
            }
        )
    bulk_form = BulkForm(programmes=programmes)
    return render(
        request,
        "reviews/instruction/queue.html",
        {
            "form": form,
            "rows": rows,
            "row_html": cache.rows("queue_row", _queue_rows(rows, tabs.tab)),
            "page": page,
            "headers": headers,
            "query_string": urlencode({**params, "tri": sort}),
            # Rendered once per set of choices and data (core.forms.rendered): 30 ms a request.
            "filter_fields": rendered(
                "queue_filters",
                form,
                lambda: render_to_string(
                    "reviews/instruction/_queue_filter_fields.html", {"form": form}
                ),
            ),
            "bulk_fields": rendered("queue_bulk", bulk_form, lambda: str(bulk_form)),
            "total": page.paginator.count,
            "worklist": tabs,
            "today": timezone.localdate(),
        },
    )


# --- Bulk actions ----------------------------------------------------------------------------


@require_POST
def bulk_action(request):
    """Apply one action to the selected applications: everything or nothing, with a message per
    application that could not take it (``services.applications_bulk_action``)."""
    programmes = staff_programmes(request.user)
    form = BulkForm(request.POST, programmes=programmes)
    back = "{}?{}".format(
        request.path.rsplit("actions-groupees/", 1)[0], request.POST.get("retour", "")
    )
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdecimal()]
    if not ids:
        messages.error(request, _("Cochez au moins une candidature."))
        return redirect(back)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                label = form.fields[field].label if field in form.fields else ""
                messages.error(request, f"{label} : {error}" if label else error)
        return redirect(back)
    applications = list(
        instruction_queryset(request.user).filter(pk__in=ids).select_related("call", "perimeter")
    )
    if len(applications) != len(set(ids)):
        raise Http404(_("Candidature introuvable parmi celles que vous instruisez."))
    action = form.cleaned_data["action"]
    try:
        services.applications_bulk_action(
            applications=applications, user=request.user, action=action, data=form.cleaned_data
        )
    except ValidationError as refused:
        messages.error(
            request,
            _("Rien n'a été fait : %(count)s candidature(s) ne peuvent pas recevoir cette action.")
            % {"count": len(refused.messages)},
        )
        for error in refused.messages:
            messages.error(request, error)
        return redirect(back)
    messages.success(request, bulk_done(action, form.cleaned_data, len(applications)))
    return redirect(back)


# --- One application -------------------------------------------------------------------------


def _get_application(request, pk: int) -> Application:
    return get_object_or_404(
        instruction_queryset(request.user).select_related(
            "call__programme",
            "call__grid",
            "perimeter",
            "collective",
            "assignee",
            "cutoff",
            "form_version",
            "wave",
        ),
        pk=pk,
    )


class NoteForm(EssaimForm):
    body = forms.CharField(
        label=gettext_lazy("Nouvelle note privée"),
        help_text=gettext_lazy("visible de l'équipe du programme seulement"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AssignForm(EssaimForm):
    assignee = forms.ModelChoiceField(
        label=gettext_lazy("Instructeur chargé"), queryset=None, required=False
    )

    def __init__(self, *args, programme_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = rules.assignable_staff([programme_id])
        self.fields["assignee"].empty_label = _("— personne —")


def instruction_detail(request, pk: int, *, forms_override=None, status=200):
    application = _get_application(request, pk)
    forms_override = forms_override or {}
    transitions = [
        t
        for t in allowed_transitions(application, request.user)
        if t.actor == workflow.Actor.INSTRUCTOR
    ]
    reviews = list(
        ReviewRequest.objects.filter(application=application)
        .select_related("expert", "requested_by")
        .order_by("requested_at", "pk")
    )
    consolidation = consolidate([application])[application.pk]
    review_form = forms_override.get("review") or ReviewRequestForm(
        experts=services.eligible_experts(application.call.programme).exclude(
            pk__in=[r.expert_id for r in reviews if r.status != ReviewStatus.CANCELLED]
        )
    )
    context = {
        "application": application,
        "content": application_content(application),
        "changes": changes_since_last_submission(application),
        "transitions": [
            (t, forms_override.get(t.name) or TransitionForm(prefix=t.name, transition=t))
            for t in transitions
        ],
        "reviews": reviews,
        "can_request_review": application.status in services.REQUESTABLE_STATES,
        "experts_available": bool(review_form.fields["experts"].queryset),
        "review_form": review_form,
        "consolidation": consolidation,
        "grid": getattr(application.call, "grid", None),
        "notes": PrivateNote.objects.filter(application=application).select_related("author"),
        "note_form": forms_override.get("note") or NoteForm(),
        "thread": Message.objects.filter(application=application).select_related("author"),
        "message_form": forms_override.get("message") or MessageForm(prefix="thread"),
        "assign_form": AssignForm(
            programme_id=application.call.programme_id,
            initial={"assignee": application.assignee_id},
        ),
        "history_rows": queries.history_rows_visible_to(request.user, application)[::-1][:50],
        "today": timezone.localdate(),
    }
    return render(request, "reviews/instruction/detail.html", context, status=status)


@require_POST
def instruction_transition(request, pk: int, name: str):
    application = _get_application(request, pk)
    transition = workflow.BY_NAME.get(name)
    if transition is None or transition.actor != workflow.Actor.INSTRUCTOR:
        raise Http404(_("Action inconnue : « %(name)s ».") % {"name": name})
    form = TransitionForm(request.POST, prefix=name, transition=transition)
    if form.is_valid():
        try:
            application_transition(
                application=application,
                user=request.user,
                name=name,
                comment=form.cleaned_data["comment"],
                audience=form.cleaned_data.get("audience"),
            )
            messages.success(request, workflow.done_message(name))
            return redirect("reviews:instruction_detail", pk=application.pk)
        except ValidationError as error:
            add_service_errors(form, error)
    return instruction_detail(request, pk, forms_override={name: form}, status=422)


@require_POST
def note_create(request, pk: int):
    application = _get_application(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.private_note_create(
                application=application, user=request.user, body=form.cleaned_data["body"]
            )
            messages.success(request, _("Note enregistrée."))
            return redirect("reviews:instruction_detail", pk=application.pk)
        except ValidationError as error:
            add_service_errors(form, error)
    return instruction_detail(request, pk, forms_override={"note": form}, status=422)


@require_POST
def assign(request, pk: int):
    application = _get_application(request, pk)
    form = AssignForm(request.POST, programme_id=application.call.programme_id)
    if form.is_valid():
        try:
            services.application_assign(
                application=application, user=request.user, assignee=form.cleaned_data["assignee"]
            )
            assignee = form.cleaned_data["assignee"]
            messages.success(
                request,
                _("La candidature est attribuée à %(name)s.") % {"name": assignee}
                if assignee
                else _("La candidature n'est plus attribuée à personne."),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Instructeur inconnu."))
    return redirect("reviews:instruction_detail", pk=application.pk)


@require_POST
def review_request(request, pk: int):
    application = _get_application(request, pk)
    form = ReviewRequestForm(
        request.POST, experts=services.eligible_experts(application.call.programme)
    )
    if form.is_valid():
        try:
            created = services.review_request_create(
                application=application,
                user=request.user,
                experts=form.cleaned_data["experts"],
                deadline=form.cleaned_data["deadline"],
            )
            messages.success(
                request, _("%(count)s demande(s) d'avis envoyée(s).") % {"count": len(created)}
            )
            return redirect("reviews:instruction_detail", pk=application.pk)
        except ValidationError as error:
            add_service_errors(form, error)
    return instruction_detail(request, pk, forms_override={"review": form}, status=422)


@require_POST
def review_cancel(request, pk: int):
    review = get_object_or_404(
        ReviewRequest.objects.filter(
            application__in=instruction_queryset(request.user)
        ).select_related("application"),
        pk=pk,
    )
    try:
        services.review_cancel(
            review=review, user=request.user, comment=request.POST.get("comment", "")
        )
        messages.success(request, _("Demande d'avis annulée."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("reviews:instruction_detail", pk=review.application_id)
