"""Who may do what with organisations (django-rules predicates, one readable place).

- Everyone, anonymous included, reads the directory and the public part of an organisation page.
- Programme admins create and edit any organisation.
- The organisation's own members (financer, engaged company, project holder, expert roles held in
  that organisation) edit their own organisation, add its people and declare its partnerships.
- The history of an organisation is shown to programme admins and to its own members.
"""

import rules

from essaim.accounts.models import Role
from essaim.accounts.queries import has_role, scope_ids

ORGANISATION_EDITOR_ROLES = [Role.FINANCER, Role.COMPANY, Role.PROJECT_HOLDER, Role.EXPERT]


@rules.predicate
def is_admin(user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or has_role(user, Role.PROGRAMME_ADMIN)


@rules.predicate
def is_member_of_organisation(user, organisation) -> bool:
    if user is None or not user.is_authenticated or organisation is None:
        return False
    return organisation.pk in scope_ids(user, ORGANISATION_EDITOR_ROLES, "organisation")


can_create_organisation = is_admin
can_edit_organisation = is_admin | is_member_of_organisation
can_view_organisation_history = is_admin | is_member_of_organisation

rules.add_perm("actors.add_organisation", can_create_organisation)
rules.add_perm("actors.change_organisation", can_edit_organisation)
rules.add_perm("actors.view_organisation_history", can_view_organisation_history)
