"""Every write on evaluation reports: create, ask for a generation (queued once however many
times it is asked), write and delete narrative sections, publish. The generation itself runs in
the background (``essaim.impact.reports.generate_report``, a ``django.tasks`` task)."""

import datetime
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.core.services import history_record
from essaim.impact import rules
from essaim.impact.history import ReportAction
from essaim.impact.models import YEAR_MAX, YEAR_MIN, Report, ReportSection, ReportStatus
from essaim.impact.reports import generate_report

# A generation queued or running for longer than this is taken as lost (a worker stopped): it
# may be asked again.
STALE_AFTER = datetime.timedelta(minutes=30)


def default_title(programme, label, year: int) -> str:
    if label is None:
        return _("Rapport d'évaluation %(year)s — %(programme)s") % {
            "year": year,
            "programme": programme.name,
        }
    return _("Rapport d'évaluation %(year)s — %(territory)s") % {
        "year": year,
        "territory": label.perimeter.name,
    }


def report_create(
    *, user, programme, label=None, year: int, title: str = "", is_fictitious: bool = False
) -> Report:
    if not rules.can_manage_reports(user, programme):
        raise PermissionDenied(_("Seule l'équipe du programme crée les rapports d'évaluation."))
    errors = {}
    if label is not None and label.programme_id != programme.pk:
        errors["label"] = _("Choisissez un territoire labellisé du programme.")
    if not (YEAR_MIN <= int(year) <= YEAR_MAX):
        errors["year"] = _("L'année doit être comprise entre %(min)s et %(max)s.") % {
            "min": YEAR_MIN,
            "max": YEAR_MAX,
        }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        report = Report.objects.create(
            programme=programme,
            label=label,
            year=year,
            title=(str(title).strip() or default_title(programme, label, year))[:200],
            created_by=user,
            is_fictitious=is_fictitious,
        )
        history_record(obj=report, user=user, action=ReportAction.CREATED)
    return report


def report_generate(*, user, report: Report) -> bool:
    """Queue the report's generation. Returns False (and queues nothing) when a generation is
    already queued or running: ten clicks make one generation."""
    if not rules.can_manage_report(user, report):
        raise PermissionDenied(_("Seule l'équipe du programme génère les rapports."))
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        now = timezone.now()
        fresh = locked.queued_at is not None and now - locked.queued_at < STALE_AFTER
        if locked.in_progress and fresh:
            return False
        previous = locked.status
        Report.objects.filter(pk=locked.pk).update(
            status=ReportStatus.QUEUED,
            progress=0,
            step=_("En attente d'un processus de génération"),
            error="",
            queued_at=now,
        )
        history_record(
            obj=locked,
            user=user,
            action=ReportAction.QUEUED,
            from_state=previous,
            to_state=ReportStatus.QUEUED,
        )
        transaction.on_commit(partial(generate_report.enqueue, report_pk=locked.pk))
    report.refresh_from_db()
    return True


def report_publish(*, user, report: Report) -> Report:
    if not rules.can_manage_report(user, report):
        raise PermissionDenied(_("Seule l'équipe du programme publie les rapports."))
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if locked.status != ReportStatus.DONE:
            raise ValidationError({"status": _("Générez le rapport avant de le publier.")})
        if locked.published_at is None:
            locked.published_at = timezone.now()
            locked.save(update_fields=["published_at", "updated_at"])
            history_record(obj=locked, user=user, action=ReportAction.PUBLISHED)
    return locked


def _lock_writable(user, report: Report) -> None:
    """Lock the report and check again, under the lock, that ``user`` may still write its
    sections: a publication that committed meanwhile closes them to the territory's people."""
    locked = (
        Report.objects.select_for_update(of=("self",))
        .select_related("label__application")
        .get(pk=report.pk)
    )
    if not rules.can_write_section(user, locked):
        raise PermissionDenied(_("Vous ne pouvez pas écrire dans ce rapport."))


def section_save(
    *, user, report: Report, title: str, body: str, position: int = 0, section=None
) -> ReportSection:
    if not rules.can_write_section(user, report):
        raise PermissionDenied(_("Vous ne pouvez pas écrire dans ce rapport."))
    errors = {}
    if not str(title).strip():
        errors["title"] = _("Le titre est obligatoire.")
    if not str(body).strip():
        errors["body"] = _("Le texte est obligatoire.")
    if len(str(body)) > 20000:
        errors["body"] = _("Le texte compte au plus 20 000 caractères.")
    if not (0 <= int(position) <= 1000):
        errors["position"] = _("La position est comprise entre 0 et 1000.")
    if section is not None and section.report_id != report.pk:
        errors["section"] = _("Cette section n'appartient pas à ce rapport.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _lock_writable(user, report)
        if section is None:
            section = ReportSection(report=report)
        section.title = str(title).strip()[:200]
        section.body = str(body).strip()
        section.position = int(position)
        section.author = user
        section.save()
        history_record(
            obj=report,
            user=user,
            action=ReportAction.SECTION_SAVED,
            payload={"section": section.pk, "title": section.title},
        )
    return section


def section_delete(*, user, section: ReportSection) -> None:
    report = section.report
    if not rules.can_write_section(user, report):
        raise PermissionDenied(_("Vous ne pouvez pas écrire dans ce rapport."))
    with transaction.atomic():
        _lock_writable(user, report)
        history_record(
            obj=report,
            user=user,
            action=ReportAction.SECTION_DELETED,
            payload={"section": section.pk, "title": section.title},
        )
        section.delete()
