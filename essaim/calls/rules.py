"""Who may do what on programmes, calls, forms, grids and cut-offs, over the one vocabulary of
``essaim.accounts.permissions``.

A call, its cut-offs, form versions and scoring grid belong to the call's programme: only that
programme's admins change them (a superuser is admin of every programme). A call is public once
out of preparation; a draft is seen by its programme's admins only (``Call.objects.visible_to``).
"""

import rules

from essaim.accounts import permissions
from essaim.calls.models import CallStatus, Programme


@rules.predicate
def can_manage_programme(user, programme) -> bool:
    """Admin of ``programme``: creates its calls, waves and support axes."""
    return programme is not None and permissions.is_programme_admin(user, programme.pk)


@rules.predicate
def can_manage_call(user, call) -> bool:
    """Admin of the call's programme: the call, its cut-offs, form versions and grid."""
    return call is not None and permissions.is_programme_admin(user, call.programme_id)


@rules.predicate
def can_view_call(user, call) -> bool:
    """Everyone once the call is out of preparation; a draft, its programme's admins only."""
    return call is not None and (call.status != CallStatus.DRAFT or can_manage_call(user, call))


def can_create_call(user) -> bool:
    """Admin of at least one programme (the form then offers those programmes only)."""
    return permissions.is_programme_admin(user)


def managed_programmes(user):
    """The programmes ``user`` administers, as a queryset (pick lists of the admin pages)."""
    return permissions.admin_programmes(user).filter(Programme.objects.order_by("name"), "pk")


rules.add_perm("calls.manage_programme", can_manage_programme)
rules.add_perm("calls.manage_call", can_manage_call)
rules.add_perm("calls.read_call", can_view_call)
