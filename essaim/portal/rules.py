"""Who may do what on the public portal, on the one vocabulary (``essaim.accounts.permissions``).

The portal's pages are public. Its news posts belong to a programme: the programme's team — its
admins and instructors (``staff_programmes``; a superuser is staff of every programme) — writes,
edits, publishes and unpublishes them; another programme's staff cannot, and nobody else sees a
draft (a 404).
"""

from essaim.accounts import permissions


def news_programme_ids(user) -> permissions.Scope:
    """The programmes whose news ``user`` writes."""
    return permissions.staff_programmes(user)


def can_write_news(user, programme) -> bool:
    """Whether ``user`` writes, edits, publishes and unpublishes ``programme``'s news."""
    return programme is not None and permissions.is_programme_staff(user, programme.pk)


def can_manage_news(user) -> bool:
    """Whether ``user`` writes news for some programme (the management page, "Mon espace")."""
    return bool(permissions.staff_programmes(user))
