"""Who may run programmes as data, over the one vocabulary of ``essaim.accounts.permissions``.

- creating a programme (from a template or a file): superusers, the platform's operators;
- exporting or importing an existing programme's configuration: its admins (a superuser is
  admin of every programme).

The shell commands (``essaim programme …``) are the operator's, trusted like the database; the
pages that will import and export ask these rules.
"""

import rules

from essaim.accounts import permissions


@rules.predicate
def can_create_programme(user) -> bool:
    return permissions.runs_the_platform(user)


@rules.predicate
def can_configure_programme(user, programme) -> bool:
    return programme is not None and permissions.is_programme_admin(user, programme.pk)


rules.add_perm("operators.create_programme", can_create_programme)
rules.add_perm("operators.configure_programme", can_configure_programme)


@rules.predicate
def can_manage_team(user, programme) -> bool:
    """Invite people to a programme's team, cancel invitations, end roles: its admins."""
    return programme is not None and permissions.is_programme_admin(user, programme.pk)


rules.add_perm("operators.manage_team", can_manage_team)
