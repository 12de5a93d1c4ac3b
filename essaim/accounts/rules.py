"""Role predicates (django-rules) over the one vocabulary of ``essaim.accounts.permissions``.

These answer "does ``user`` hold this role anywhere?" — enough for a menu entry or a list page
that is then narrowed by a scope. A decision about one object goes through the object's app's
``rules.py``, which asks the vocabulary about that object's programme, collective or
organisation."""

import rules
from django.db.models import Q

from essaim.accounts import permissions
from essaim.core.models import BackgroundJob


def _predicate(name: str, test) -> rules.Predicate:
    return rules.predicate(lambda user: test(user), name=name)


is_superuser = _predicate("is_superuser", permissions.is_superuser)
is_programme_admin = _predicate("is_programme_admin", permissions.is_programme_admin)
is_programme_staff = _predicate("is_programme_staff", permissions.is_programme_staff)
is_window_officer = _predicate("is_window_officer", permissions.is_window_officer)
is_expert = _predicate("is_expert", permissions.is_expert)
is_territory_person = _predicate("is_territory_person", permissions.is_territory_person)
is_project_holder = _predicate("is_project_holder", permissions.is_project_holder)
is_financer = _predicate("is_financer", permissions.is_financer)
is_company = _predicate("is_company", permissions.is_company_member)

rules.add_perm("accounts.manage_api_tokens", rules.is_authenticated)


@rules.predicate
def can_follow_job(user, job) -> bool:
    """A background job's progress and file (``essaim.core.jobs``): its requester only, and a
    programme's job (an export of its applications) only while the requester is still that
    programme's staff."""
    return (
        job is not None
        and user.is_authenticated
        and job.requested_by_id == user.pk
        and (job.programme_id is None or permissions.is_programme_staff(user, job.programme_id))
    )


def followed_jobs(user):
    """The background jobs ``user`` may follow (``can_follow_job``), as a queryset: theirs, and a
    programme's only while they are still that programme's staff."""
    if not user.is_authenticated:
        return BackgroundJob.objects.none()
    staff = permissions.staff_programmes(user)
    return BackgroundJob.objects.filter(requested_by=user).filter(
        Q(programme_id__isnull=True) | staff.q("programme_id")
    )
