"""Who may register webhooks, over ``essaim.accounts.permissions``.

A subscription is for one programme. Its owner must hold a staff role there (admin, instructor or
single-window officer) — the people who may use the programme's data through the API — and may
choose only the events whose objects their role lets them read (``events.FAMILIES``: tickets for
single-window officers, the rest for admins and instructors). Both are asked again before each
delivery, with the object's ``visible_to(owner)``: a role taken away stops the deliveries.
"""

from essaim.accounts import permissions
from essaim.calls.models import Programme


def programmes_for(user):
    """The programmes ``user`` may subscribe to (a queryset)."""
    return permissions.any_staff_programmes(user).filter(Programme.objects.all(), "pk")


def may_register(user, programme_id: int | None) -> bool:
    return programme_id is not None and programme_id in permissions.any_staff_programmes(user)


def may_use_webhooks(user) -> bool:
    return bool(permissions.any_staff_programmes(user))
