"""Every write on expert opinions. Transitions obey the one table in ``workflow.py`` and each
one adds a row to the request's history in the same transaction."""

import datetime
from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Min, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.accounts.models import User
from essaim.applications.history import ApplicationAction
from essaim.applications.models import Application, PrivateNote
from essaim.applications.services import application_transition, summary
from essaim.applications.workflow import Status
from essaim.core import cache
from essaim.core.notifications import notify
from essaim.core.services import history_record
from essaim.reviews import rules, workflow
from essaim.reviews.history import ReviewAction
from essaim.reviews.models import CriterionMark, Recommendation, ReviewRequest, ReviewStatus

# Application states in which an instructor may ask experts for an opinion.
REQUESTABLE_STATES = {Status.SUBMITTED, Status.IN_REVIEW, Status.CHANGES_REQUESTED}


def eligible_experts(programme) -> "Iterable[User]":
    """Users holding the expert role for ``programme`` or in its expert partner organisation."""
    return rules.eligible_experts(programme)


def _locked(review: ReviewRequest) -> ReviewRequest:
    return (
        ReviewRequest.objects.select_for_update()
        .select_related("application__call__programme", "expert", "requested_by")
        .get(pk=review.pk)
    )


def _take(
    review: ReviewRequest,
    *,
    user,
    name: str,
    comment: str = "",
    payload: dict | None = None,
) -> ReviewRequest:
    """Check the table for ``name`` from the review's current state and record the change.
    The caller has locked the row and checked who acts."""
    transition = workflow.BY_NAME[name]
    if review.status not in transition.source:
        raise ValidationError(
            {
                "status": _("Impossible de faire « %(action)s » : la demande est « %(status)s ».")
                % {"action": transition.label, "status": review.get_status_display()}
            },
            code="stale_state",
        )
    from_state = review.status
    review.status = transition.target
    history_record(
        obj=review,
        user=user,
        action=ReviewAction(name),
        from_state=from_state,
        to_state=transition.target,
        comment=comment,
        payload=payload or {},
    )
    return review


def application_reviews_refresh(applications: QuerySet[Application]) -> int:
    """Recompute what ``applications`` show of their expert requests in the instruction queue
    (one UPDATE): ``review_deadline``, the earliest deadline of the outstanding requests (and
    ``instruction_deadline``, which it comes first in);
    ``reviews_open``, their count; ``reviews_submitted``, the count of opinions given. Called by
    every service that creates a request or changes its state, in its transaction."""
    cache.bump(cache.WORKLISTS)  # the queue's tabs count ``reviews_open``
    requests = ReviewRequest.objects.filter(application=OuterRef("pk")).order_by()
    outstanding = requests.open().values("application")
    given = requests.filter(status=ReviewStatus.SUBMITTED).values("application")
    first = Subquery(outstanding.annotate(first=Min("deadline")).values("first"))
    return applications.order_by().update(
        review_deadline=first,
        instruction_deadline=summary.deadline_of(first),
        reviews_open=Coalesce(Subquery(outstanding.annotate(n=Count("pk")).values("n")), Value(0)),
        reviews_submitted=Coalesce(Subquery(given.annotate(n=Count("pk")).values("n")), Value(0)),
    )


def _reviews_changed(review: ReviewRequest) -> None:
    application_reviews_refresh(Application.objects.filter(pk=review.application_id))


def _check_expert(review: ReviewRequest, user) -> None:
    if not rules.can_review(user, review):
        raise PermissionDenied(_("Seul l'expert sollicité peut répondre à cette demande d'avis."))


def review_url(review: ReviewRequest) -> str:
    return reverse("reviews:request_detail", args=[review.pk])


@transaction.atomic
def review_request_create(
    *,
    application: Application,
    user,
    experts: Iterable[User],
    deadline: datetime.date,
) -> list[ReviewRequest]:
    """Ask each of ``experts`` for an opinion on ``application`` by ``deadline``.

    Guarantees: only the programme's staff may ask; only users holding the expert role for the
    programme (or in its expert partner) may be asked; the deadline is not past; an expert is
    asked at most once while a request is alive; every request gets a history row and the
    expert a notification (e-mail after commit) that names only the territory and the deadline.
    """
    application = Application.objects.select_related("call__programme", "perimeter").get(
        pk=application.pk
    )
    if not rules.can_request_review(user, application):
        raise PermissionDenied(_("Seule l'équipe du programme peut demander un avis."))
    if application.status not in REQUESTABLE_STATES:
        raise ValidationError(
            {
                "application": _(
                    "La candidature %(reference)s est « %(status)s » : on ne peut plus "
                    "y demander d'avis."
                )
                % {"reference": application.reference, "status": application.get_status_display()}
            }
        )
    experts = list({e.pk: e for e in experts}.values())
    if not experts:
        raise ValidationError({"experts": _("Choisissez au moins un expert.")})
    if deadline is None or deadline < timezone.localdate():
        raise ValidationError({"deadline": _("La date limite doit être aujourd'hui ou plus tard.")})
    allowed = set(eligible_experts(application.call.programme).values_list("pk", flat=True))
    for expert in experts:
        if expert.pk not in allowed:
            raise ValidationError(
                {
                    "experts": _(
                        "%(name)s n'est pas expert pour ce programme : on ne peut pas lui "
                        "demander d'avis."
                    )
                    % {"name": expert}
                }
            )
    already = set(
        ReviewRequest.objects.filter(application=application, expert__in=experts)
        .exclude(status=ReviewStatus.CANCELLED)
        .values_list("expert_id", flat=True)
    )
    if already:
        names = ", ".join(str(e) for e in experts if e.pk in already)
        raise ValidationError(
            {
                "experts": _(
                    "Un avis est déjà demandé à %(names)s sur la candidature %(reference)s."
                )
                % {"names": names, "reference": application.reference}
            }
        )
    created = []
    for expert in experts:
        try:
            with transaction.atomic():  # a savepoint: two instructors asking the same expert
                review = ReviewRequest.objects.create(
                    application=application, expert=expert, requested_by=user, deadline=deadline
                )
        except IntegrityError as error:
            raise ValidationError(
                {
                    "experts": _(
                        "Un avis est déjà demandé à %(names)s sur la candidature %(reference)s."
                    )
                    % {"names": expert, "reference": application.reference}
                }
            ) from error
        history_record(
            obj=review,
            user=user,
            action=ReviewAction.REQUEST,
            to_state=ReviewStatus.REQUESTED,
            payload={"deadline": deadline.isoformat(), "expert": expert.pk},
        )
        notify(
            users=[expert],
            title=_("Demande d'avis : %(territory)s") % {"territory": application.perimeter},
            body=_(
                "L'équipe du programme vous demande un avis sur la candidature du territoire "
                "%(territory)s, d'ici le %(deadline)s. Déclarez d'abord tout conflit d'intérêts."
            )
            % {"territory": application.perimeter, "deadline": deadline.strftime("%d/%m/%Y")},
            url=review_url(review),
        )
        created.append(review)
    application_reviews_refresh(Application.objects.filter(pk=application.pk))
    history_record(
        obj=application,
        user=user,
        action=ApplicationAction.REVIEW_REQUESTED,
        payload={"experts": [e.pk for e in experts], "deadline": deadline.isoformat()},
    )
    return created


@transaction.atomic
def review_declare_conflict(*, review: ReviewRequest, user, details: str) -> ReviewRequest:
    """The expert declares a conflict of interest: the application never opens to them and the
    instructor who asked is told."""
    review = _locked(review)
    _check_expert(review, user)
    if not details.strip():
        raise ValidationError(
            {"details": _("Décrivez la nature du conflit d'intérêts (lien, intérêt, rôle).")}
        )
    _take(review, user=user, name="declare_conflict", comment=details.strip())
    review.conflict_declared_at = timezone.now()
    review.conflict_details = details.strip()
    review.save(update_fields=["status", "conflict_declared_at", "conflict_details"])
    _reviews_changed(review)
    notify(
        users=[review.requested_by],
        title=_("Conflit d'intérêts déclaré : %(reference)s")
        % {"reference": review.application.reference},
        body=_("%(expert)s a déclaré un conflit d'intérêts et ne rendra pas d'avis.")
        % {"expert": review.expert},
        url=reverse("reviews:instruction_detail", args=[review.application_id]),
    )
    return review


@transaction.atomic
def review_declare_no_conflict(*, review: ReviewRequest, user) -> ReviewRequest:
    """The expert declares no conflict of interest: the application's content opens to them."""
    review = _locked(review)
    _check_expert(review, user)
    _take(review, user=user, name="declare_no_conflict")
    review.conflict_declared_at = timezone.now()
    review.conflict_details = ""
    review.save(update_fields=["status", "conflict_declared_at", "conflict_details"])
    _reviews_changed(review)
    return review


MarksInput = Mapping[int, tuple[int | None, str]]


def _write_opinion(
    review: ReviewRequest,
    *,
    marks: MarksInput,
    recommendation: str,
    comment: str,
    final: bool,
) -> None:
    cleaned = _clean_opinion(
        review, marks=marks, recommendation=recommendation, comment=comment, final=final
    )
    existing = {m.criterion_id: m for m in review.marks.all()}
    to_create, to_update = [], []
    for cid, (mark, mark_comment) in cleaned.items():
        current = existing.pop(cid, None)
        if current is None:
            to_create.append(
                CriterionMark(review=review, criterion_id=cid, mark=mark, comment=mark_comment)
            )
        elif (current.mark, current.comment) != (mark, mark_comment):
            current.mark, current.comment = mark, mark_comment
            to_update.append(current)
    CriterionMark.objects.bulk_create(to_create)
    CriterionMark.objects.bulk_update(to_update, ["mark", "comment"])
    if existing:  # marks cleared in this draft
        CriterionMark.objects.filter(pk__in=[m.pk for m in existing.values()]).delete()
    review.recommendation = recommendation
    review.comment = comment.strip()


def _clean_opinion(
    review: ReviewRequest, *, marks: MarksInput, recommendation: str, comment: str, final: bool
) -> dict[int, tuple[int, str]]:
    """The marks checked against the grid (and, when ``final``, complete), or the errors."""
    grid = getattr(review.application.call, "grid", None)
    if grid is None:
        raise ValidationError(
            {"marks": _("L'appel n'a pas de grille de notation : aucun avis possible.")}
        )
    criteria = {c.pk: c for c in grid.criteria.all()}
    errors: dict[str, str] = {}
    unknown = [str(cid) for cid in marks if cid not in criteria]
    if unknown:
        errors["marks"] = _("Critère(s) inconnu(s) dans cette grille : %(ids)s.") % {
            "ids": ", ".join(unknown)
        }
    cleaned: dict[int, tuple[int, str]] = {}
    for cid, criterion in criteria.items():
        mark, mark_comment = marks.get(cid, (None, ""))
        mark_comment = (mark_comment or "").strip()
        if mark is None or mark == "":
            if final:
                errors[f"mark_{cid}"] = _("« %(criterion)s » : donnez une note.") % {
                    "criterion": criterion.title
                }
            continue
        try:
            mark = int(mark)
        except (TypeError, ValueError):
            errors[f"mark_{cid}"] = _("« %(criterion)s » : la note doit être un nombre entier.") % {
                "criterion": criterion.title
            }
            continue
        if not grid.scale_min <= mark <= grid.scale_max:
            errors[f"mark_{cid}"] = _(
                "« %(criterion)s » : la note doit être comprise entre %(min)s et %(max)s."
            ) % {"criterion": criterion.title, "min": grid.scale_min, "max": grid.scale_max}
            continue
        if (
            final
            and grid.comment_required_below is not None
            and mark < grid.comment_required_below
            and not mark_comment
        ):
            errors[f"comment_{cid}"] = _(
                "« %(criterion)s » : un commentaire est obligatoire pour une note inférieure "
                "à %(threshold)s."
            ) % {"criterion": criterion.title, "threshold": grid.comment_required_below}
        cleaned[cid] = (mark, mark_comment)
    if recommendation and recommendation not in Recommendation.values:
        errors["recommendation"] = _("Recommandation inconnue : « %(value)s ».") % {
            "value": recommendation
        }
    if final and not recommendation:
        errors["recommendation"] = _("Choisissez une recommandation.")
    if final and not comment.strip():
        errors["comment"] = _("Rédigez un avis général.")
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def review_save_draft(
    *, review: ReviewRequest, user, marks: MarksInput, recommendation: str = "", comment: str = ""
) -> ReviewRequest:
    """Save the opinion as it stands (marks checked against the scale, nothing required yet)."""
    review = _locked(review)
    _check_expert(review, user)
    _check_writable(review)
    _write_opinion(review, marks=marks, recommendation=recommendation, comment=comment, final=False)
    review.save(update_fields=["recommendation", "comment"])
    return review


def _check_writable(review: ReviewRequest) -> None:
    if review.status == ReviewStatus.REQUESTED:
        raise ValidationError(
            {"status": _("Déclarez d'abord l'absence de conflit d'intérêts.")},
            code="conflict_not_declared",
        )
    if review.status != ReviewStatus.ACCEPTED:
        raise ValidationError(
            {
                "status": _("Cette demande est « %(status)s » : l'avis ne peut plus changer.")
                % {"status": review.get_status_display()}
            },
            code="stale_state",
        )


def review_check(
    *, review: ReviewRequest, user, marks: MarksInput, recommendation: str, comment: str
) -> None:
    """What ``review_submit`` would refuse, without writing anything: the expert's page shows
    the recap to confirm only for an opinion that may be given."""
    _check_expert(review, user)
    _check_writable(review)
    _clean_opinion(review, marks=marks, recommendation=recommendation, comment=comment, final=True)


@transaction.atomic
def review_submit(
    *, review: ReviewRequest, user, marks: MarksInput, recommendation: str, comment: str
) -> ReviewRequest:
    """Give the opinion: a mark within the grid's scale for every criterion, a comment where the
    mark is under the grid's threshold, a recommendation and a general comment — or nothing is
    written and the errors name each criterion at fault. The opinion is final once given."""
    review = _locked(review)
    _check_expert(review, user)
    _check_writable(review)
    _write_opinion(review, marks=marks, recommendation=recommendation, comment=comment, final=True)
    _take(review, user=user, name="submit", payload={"recommendation": recommendation})
    review.submitted_at = timezone.now()
    review.save(update_fields=["status", "recommendation", "comment", "submitted_at"])
    _reviews_changed(review)
    notify(
        users=[review.requested_by],
        title=_("Avis rendu : %(reference)s") % {"reference": review.application.reference},
        body=_("%(expert)s a rendu son avis.") % {"expert": review.expert},
        url=reverse("reviews:instruction_detail", args=[review.application_id]),
    )
    return review


@transaction.atomic
def review_cancel(*, review: ReviewRequest, user, comment: str = "") -> ReviewRequest:
    """Programme staff withdraw a request that is still pending or in progress; the expert is
    told and loses access to the application."""
    review = _locked(review)
    if not rules.can_manage_review(user, review):
        raise PermissionDenied(_("Seule l'équipe du programme peut annuler une demande d'avis."))
    _take(review, user=user, name="cancel", comment=comment)
    review.save(update_fields=["status"])
    _reviews_changed(review)
    notify(
        users=[review.expert],
        title=_("Demande d'avis annulée : %(territory)s")
        % {"territory": review.application.perimeter},
        body=comment,
    )
    return review


def _should_remind(review: ReviewRequest, today: datetime.date, days_before: int) -> str:
    """``"soon"``, ``"overdue"`` or ``""``: which reminder ``review`` is due today."""
    last = timezone.localdate(review.last_reminder_at) if review.last_reminder_at else None
    if last == today:
        return ""
    window_opens = review.deadline - datetime.timedelta(days=days_before)
    if window_opens <= today <= review.deadline:
        return "soon" if last is None or last < window_opens else ""
    if today > review.deadline:
        overdue_every = datetime.timedelta(days=7)
        if last is None or last <= review.deadline or today - last >= overdue_every:
            return "overdue"
    return ""


@transaction.atomic
def review_reminders_send(
    *, today: datetime.date | None = None, days_before: int = 3
) -> dict[str, int]:
    """Remind experts of their open requests: once when the deadline is ``days_before`` days
    away or less, then once the day after it passed and weekly after that. At most one
    reminder per request per day, so running it twice a day sends nothing twice."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=days_before)
    candidates = (
        ReviewRequest.objects.open()
        .select_for_update()
        .filter(deadline__lte=horizon)
        .select_related("expert", "application__perimeter")
    )
    now = timezone.now()
    sent = {"soon": 0, "overdue": 0}
    reminded = []
    for review in candidates:
        kind = _should_remind(review, today, days_before)
        if not kind:
            continue
        values = {
            "territory": review.application.perimeter,
            "deadline": review.deadline.strftime("%d/%m/%Y"),
        }
        if kind == "soon":
            title = _("Rappel : avis attendu d'ici le %(deadline)s") % values
            body = (
                _(
                    "Votre avis sur la candidature du territoire %(territory)s est attendu "
                    "d'ici le %(deadline)s."
                )
                % values
            )
        else:
            title = _("Relance : avis en retard (date limite %(deadline)s)") % values
            body = (
                _(
                    "La date limite de votre avis sur la candidature du territoire %(territory)s "
                    "était le %(deadline)s. Merci de le rendre au plus vite ou de prévenir "
                    "l'équipe du programme."
                )
                % values
            )
        notify(users=[review.expert], title=title, body=body, url=review_url(review))
        review.last_reminder_at = now
        reminded.append(review)
        history_record(obj=review, user=None, action=ReviewAction(f"reminder_{kind}"))
        sent[kind] += 1
    ReviewRequest.objects.bulk_update(reminded, ["last_reminder_at"])
    return sent


# --- Instruction writes on the application (assignment, private notes) --------------------------


@transaction.atomic
def application_assign(*, application: Application, user, assignee) -> Application:
    """Make ``assignee`` (programme staff, or nobody) the instructor in charge. Only programme
    staff may assign; the change is in the application's history."""
    application = (
        Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    )
    if not rules.can_assign(user, application):
        raise PermissionDenied(_("Seule l'équipe du programme peut attribuer une candidature."))
    if assignee is not None and not rules.is_assignable(assignee, application.call.programme_id):
        raise ValidationError(
            {"assignee": _("%(name)s n'est pas instructeur de ce programme.") % {"name": assignee}}
        )
    if application.assignee_id == (assignee.pk if assignee else None):
        return application
    previous = application.assignee_id
    application.assignee = assignee
    application.save(update_fields=["assignee", "updated_at"])
    history_record(
        obj=application,
        user=user,
        action=ApplicationAction.ASSIGN,
        payload={"from": previous, "to": assignee.pk if assignee else None},
    )
    if assignee is not None and assignee != user:
        notify(
            users=[assignee],
            title=_("Candidature attribuée : %(reference)s") % {"reference": application.reference},
            url=reverse("reviews:instruction_detail", args=[application.pk]),
            email=False,
        )
    return application


@transaction.atomic
def private_note_create(*, application: Application, user, body: str):
    """An instructor's note on the application, never shown to applicants or experts."""
    if not rules.can_write_private_note(user, application):
        raise PermissionDenied(_("Seule l'équipe du programme peut écrire une note privée."))
    if not body.strip():
        raise ValidationError({"body": _("La note est vide.")})
    return PrivateNote.objects.create(application=application, author=user, body=body.strip())


# --- Bulk actions of the instructors' queue ------------------------------------------------------

BULK_ACTIONS = {
    "assign_me": lambda application, user, data: application_assign(
        application=application, user=user, assignee=user
    ),
    "assign": lambda application, user, data: application_assign(
        application=application, user=user, assignee=data["assignee"]
    ),
    "start_review": lambda application, user, data: application_transition(
        application=application, user=user, name="start_review"
    ),
    "request_review": lambda application, user, data: review_request_create(
        application=application, user=user, experts=data["experts"], deadline=data["deadline"]
    ),
}


@transaction.atomic
def applications_bulk_action(*, applications, user, action: str, data: Mapping) -> None:
    """Apply ``action`` (a key of ``BULK_ACTIONS``; ``data``: its choices) to every application:
    everything or nothing. When some cannot take it, nothing is written and a
    ``ValidationError`` lists, per application, why ("REF : reason")."""
    step = BULK_ACTIONS[action]
    errors = []
    for application in applications:
        try:
            step(application, user, data)
        except ValidationError as error:
            errors.append(f"{application.reference} : {' '.join(error.messages)}")
        except PermissionDenied as error:
            errors.append(f"{application.reference} : {error}")
    if errors:
        raise ValidationError(errors)
