"""Who may do what on impact data, over the one vocabulary of ``essaim.accounts.permissions``.

Everything here belongs to a programme: the indicator's, the label's, the campaign's.

- The indicator **library** is public to read; the programme's admins change it.
- A territory's **plans and measurements** are read by the programme's staff (admins and
  instructors) and the territory's collective (lead and members); a project's by its holder too.
- A **project's plan** (baseline, yearly targets): its holder, the territory's collective people
  and the programme's staff.
- **Entering** a value: the territory's collective people for their territory (and its projects),
  project holders for their projects, the programme's staff for any territory of the programme.
- **Reviewing** flagged values, **publishing** and running **campaigns**: the programme's staff.

Reads are scoped by the ``visible_to(user)`` of the models: outside them, a 404.
"""

import rules

from essaim.accounts import permissions


def _collective_id(label) -> int | None:
    return label.application.collective_id


@rules.predicate
def is_programme_staff(user, programme_id) -> bool:
    return programme_id is not None and permissions.is_programme_staff(user, programme_id)


@rules.predicate
def can_manage_library(user, programme) -> bool:
    return programme is not None and permissions.is_programme_admin(user, programme.pk)


@rules.predicate
def can_view_territory(user, label) -> bool:
    """The territory's figures (plan, series, values not yet published)."""
    return label is not None and (
        permissions.is_programme_staff(user, label.programme_id)
        or permissions.is_territory_person(user, _collective_id(label))
    )


@rules.predicate
def can_plan_territory(user, label) -> bool:
    """Baselines and targets: co-built by the territory and the programme's staff."""
    return can_view_territory(user, label)


def can_plan_project(user, *, label, project) -> bool:
    """A project's baselines and targets in its territory: its holder, with the territory's
    collective people and the programme's staff (who also read them)."""
    return (
        label is not None
        and project is not None
        and (
            can_view_territory(user, label)
            or permissions.is_project_holder(user, project.holder_id)
        )
    )


def can_enter(user, *, indicator, label, project=None) -> bool:
    """Whether ``user`` may record a value of ``indicator`` for ``label`` (and ``project``)."""
    if indicator is None or label is None or indicator.programme_id != label.programme_id:
        return False
    if permissions.is_programme_staff(user, label.programme_id):
        return True
    if permissions.is_territory_person(user, _collective_id(label)):
        return True
    return project is not None and permissions.is_project_holder(user, project.holder_id)


@rules.predicate
def can_enter_somewhere(user, label) -> bool:
    """The form's gate: someone who may enter at least one value for this territory."""
    return label is not None and (
        permissions.is_programme_staff(user, label.programme_id)
        or permissions.is_territory_person(user, _collective_id(label))
    )


@rules.predicate
def can_correct(user, measurement) -> bool:
    """The person who may enter the value may correct it; once published, only the staff."""
    if measurement is None:
        return False
    if measurement.status == "published":
        return permissions.is_programme_staff(user, measurement.label.programme_id)
    return can_enter(
        user, indicator=measurement.indicator, label=measurement.label, project=measurement.project
    )


@rules.predicate
def can_review(user, measurement) -> bool:
    return measurement is not None and permissions.is_programme_staff(
        user, measurement.label.programme_id
    )


@rules.predicate
def can_publish(user, label) -> bool:
    return label is not None and permissions.is_programme_staff(user, label.programme_id)


@rules.predicate
def can_manage_campaign(user, programme) -> bool:
    return programme is not None and permissions.is_programme_staff(user, programme.pk)


def has_impact_space(user) -> bool:
    """Menus: staff of a programme, a territory's people, a project holder."""
    return (
        permissions.is_programme_staff(user)
        or permissions.is_territory_person(user)
        or permissions.is_project_holder(user)
    )


rules.add_perm("impact.view_territory", can_view_territory)
rules.add_perm("impact.plan_territory", can_plan_territory)
rules.add_perm("impact.correct_measurement", can_correct)
rules.add_perm("impact.review_measurement", can_review)
rules.add_perm("impact.publish_territory", can_publish)
rules.add_perm("impact.manage_campaign", can_manage_campaign)
rules.add_perm("impact.manage_library", can_manage_library)


# --- Evaluation reports ---------------------------------------------------------------------------
# The programme's staff create, generate, publish reports and write their sections, for the
# programme and each of its territories. A territory's collective people read their territory's
# reports and write its narrative sections until it is published (they know the story behind
# the figures); they do not generate nor publish. A published report is public.


@rules.predicate
def can_manage_reports(user, programme) -> bool:
    return programme is not None and permissions.is_programme_staff(user, programme.pk)


@rules.predicate
def can_manage_report(user, report) -> bool:
    return report is not None and permissions.is_programme_staff(user, report.programme_id)


@rules.predicate
def can_view_report(user, report) -> bool:
    if report is None:
        return False
    if report.is_published and report.status == "done":
        return True
    if permissions.is_programme_staff(user, report.programme_id):
        return True
    return report.label is not None and permissions.is_territory_person(
        user, _collective_id(report.label)
    )


def writes_sections_until_published(user, report) -> bool:
    """The territory's people, who write their report's sections until it is published (then a
    refusal of the report's state, not of the person)."""
    return (
        report is not None
        and report.label is not None
        and permissions.is_territory_person(user, _collective_id(report.label))
    )


@rules.predicate
def can_write_section(user, report) -> bool:
    if report is None:
        return False
    if permissions.is_programme_staff(user, report.programme_id):
        return True
    return not report.is_published and writes_sections_until_published(user, report)


rules.add_perm("impact.manage_reports", can_manage_reports)
rules.add_perm("impact.manage_report", can_manage_report)
rules.add_perm("impact.view_report", can_view_report)
rules.add_perm("impact.write_report_section", can_write_section)
