"""The expert's pages: "Mes demandes d'avis", the conflict-of-interest declaration, the opinion.

A request is fetched among the caller's own (``expert=user``): any other is a 404. Until the
expert declares no conflict, the page shows the territory's name and the deadline only.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import CharField, Exists, OuterRef, Q
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essaim.core import worklist
from essaim.core.forms import add_service_errors
from essaim.core.pagination import paginate
from essaim.reviews import services
from essaim.reviews.consolidation import opinion_total
from essaim.reviews.forms import ConflictForm, OpinionForm
from essaim.reviews.instruction import application_content, resubmissions
from essaim.reviews.models import ReviewRequest, ReviewStatus


def _own_requests(user):
    return ReviewRequest.objects.visible_to(user).filter(expert=user)


# The expert's worklist (``essaim.core.worklist``): "à traiter" — requests waiting on the expert
# (to declare their interests, or to write the opinion); "suivis" — a conflict of interest they
# declared, waiting on the programme team; "traités" — opinions given and requests cancelled.
# Each tab by deadline (overdue first). Marker: the application was submitted again after the
# request (its content changed since the expert was asked) — shown once the content is open.
EXPERT_TABS = {
    worklist.TODO: Q(status__in=[ReviewStatus.REQUESTED, ReviewStatus.ACCEPTED]),
    worklist.FOLLOWED: Q(status=ReviewStatus.CONFLICT),
    worklist.DONE: Q(status__in=[ReviewStatus.SUBMITTED, ReviewStatus.CANCELLED]),
}


def my_requests(request):
    tabs, requests = worklist.worklist(request, _own_requests(request.user), EXPERT_TABS)
    requests = requests.select_related("application__perimeter").annotate(
        resubmitted=Exists(
            resubmissions().filter(
                object_id=Cast(OuterRef("application_id"), CharField()),
                at__gt=OuterRef("requested_at"),
            )
        )
    )
    page = paginate(request, requests.order_by(*worklist.by_deadline("deadline", "pk")), 25)
    return render(request, "reviews/my_requests.html", {"page": page, "worklist": tabs})


def _get_own(request, pk: int) -> ReviewRequest:
    return get_object_or_404(
        _own_requests(request.user).select_related(
            "application__perimeter", "application__call__grid", "requested_by"
        ),
        pk=pk,
    )


def request_detail(request, pk: int, *, conflict_form=None, opinion_form=None, status=200):
    review = _get_own(request, pk)
    context = {"review": review, "today_overdue": review.is_overdue()}
    if review.status == ReviewStatus.REQUESTED:
        context["conflict_form"] = conflict_form or ConflictForm()
        # To declare knowingly, the expert sees who is in the collective (names only).
        context["members"] = review.application.collective.members.select_related(
            "organisation"
        ).order_by("role", "organisation__name")
    if review.content_open:
        application = review.application
        context["content"] = application_content(application)
        grid = getattr(application.call, "grid", None)
        context["grid"] = grid
        if grid is not None:
            context["scale"] = [
                (m, (grid.scale_labels or {}).get(str(m), ""))
                for m in range(grid.scale_min, grid.scale_max + 1)
            ]
            if review.status == ReviewStatus.ACCEPTED:
                context["opinion_form"] = opinion_form or OpinionForm(grid=grid, review=review)
            else:
                context["marks"] = review.marks.select_related("criterion").order_by(
                    "criterion__position", "criterion__pk"
                )
    return render(request, "reviews/request_detail.html", context, status=status)


@require_POST
def request_conflict(request, pk: int):
    review = _get_own(request, pk)
    form = ConflictForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["has_conflict"]:
                services.review_declare_conflict(
                    review=review, user=request.user, details=form.cleaned_data["details"]
                )
                messages.info(
                    request,
                    _("Conflit d'intérêts enregistré : l'équipe du programme est prévenue."),
                )
            else:
                services.review_declare_no_conflict(review=review, user=request.user)
                messages.success(
                    request, _("Déclaration enregistrée : la candidature vous est ouverte.")
                )
            return redirect("reviews:request_detail", pk=review.pk)
        except ValidationError as error:
            add_service_errors(form, error)
    return request_detail(request, pk, conflict_form=form, status=422)


@require_POST
def request_opinion(request, pk: int):
    review = _get_own(request, pk)
    grid = getattr(review.application.call, "grid", None)
    if grid is None or not review.content_open:
        # Before the declaration (or without a grid) there is no opinion to write.
        return request_detail(request, pk, status=409)
    action = request.POST.get("action")
    if action == "confirm":
        return _opinion_confirm(request, review)
    form = OpinionForm(request.POST, grid=grid)
    if form.is_valid():
        data = form.cleaned_data
        opinion = {
            "marks": form.marks(),
            "recommendation": data["recommendation"],
            "comment": data["comment"],
        }
        try:
            # Saved first, whatever follows: nothing typed is lost.
            services.review_save_draft(review=review, user=request.user, **opinion)
            if action != "submit":
                messages.success(request, _("Brouillon enregistré."))
                return redirect("reviews:request_detail", pk=review.pk)
            services.review_check(review=review, user=request.user, **opinion)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _opinion_recap(request, review, grid)
    return request_detail(request, pk, opinion_form=form, status=422)


def _opinion_recap(request, review, grid):
    """Giving the opinion is final: the saved draft's marks, weighted total and
    recommendation, to confirm (``action=confirm``) or to go back to."""
    review.refresh_from_db(fields=["recommendation", "comment"])  # saved on a locked copy
    marks = {m.criterion_id: m for m in review.marks.all()}
    rows = [(c, marks.get(c.pk)) for c in grid.criteria.all()]
    total = opinion_total(grid, {cid: m.mark for cid, m in marks.items()})
    context = {"review": review, "grid": grid, "rows": rows, "total": total}
    return render(request, "reviews/opinion_confirm.html", context)


def _opinion_confirm(request, review):
    """Give the opinion as saved in the draft the recap showed."""
    marks = {m.criterion_id: (m.mark, m.comment) for m in review.marks.all()}
    try:
        services.review_submit(
            review=review,
            user=request.user,
            marks=marks,
            recommendation=review.recommendation,
            comment=review.comment,
        )
    except ValidationError as error:
        grid = review.application.call.grid
        form = OpinionForm(grid=grid, review=review, data=_draft_data(review))
        form.is_valid()
        add_service_errors(form, error)
        return request_detail(request, review.pk, opinion_form=form, status=422)
    messages.success(request, _("Votre avis a été transmis à l'équipe."))
    return redirect("reviews:request_detail", pk=review.pk)


def _draft_data(review) -> dict:
    data = {"recommendation": review.recommendation, "comment": review.comment}
    for mark in review.marks.all():
        data[f"mark_{mark.criterion_id}"] = str(mark.mark)
        data[f"comment_{mark.criterion_id}"] = mark.comment
    return data
