"""Who may handle the single window's held mail (quarantine and messages "to confirm").

Built on the permission vocabulary (``essaim.accounts.permissions``) only. A held message belongs
to the programme it was addressed to; mail addressed to no known programme belongs to none and
only those who staff every single window (superusers) see it.
"""

from essaim.accounts.permissions import (
    Scope,
    holder_organisations,
    is_window_officer,
    window_programmes,
)


def held_mail_scope(user) -> Scope:
    """The programmes whose held mail ``user`` sees (``Scope.every`` also covers mail of no
    programme)."""
    return window_programmes(user)


def can_list_held_mail(user) -> bool:
    """The quarantine pages: single-window officers of at least one programme."""
    return is_window_officer(user)


def can_handle_held_mail(user, item) -> bool:
    """Read the raw message and act on it (re-process, attach, file, discard)."""
    if item.programme_id is None:
        return held_mail_scope(user).every
    return is_window_officer(user, item.programme_id)


def can_assign_held_mail(user, item, programme) -> bool:
    """Give a message addressed to no known programme to ``programme``'s single window."""
    return (
        item.programme_id is None
        and can_handle_held_mail(user, item)
        and is_window_officer(user, programme.pk)
    )


def can_attach_held_mail(user, item, ticket) -> bool:
    """Attach a held message to a ticket of the same programme."""
    return can_handle_held_mail(user, item) and ticket.programme_id == item.programme_id


def organisations_held_by(user) -> list[int]:
    """The organisations ``user`` holds projects in (a confirmed mail-born ticket joins the
    first one, as a web ticket does)."""
    return holder_organisations(user).sorted()
