"""Role predicates shared by every app's rules (django-rules)."""

import rules

from essaim.accounts.models import Role
from essaim.accounts.queries import has_role


def role_predicate(*roles: Role) -> rules.Predicate:
    name = "has_role:" + ",".join(roles)

    @rules.predicate(name=name)
    def predicate(user) -> bool:
        return has_role(user, roles)

    return predicate


is_programme_admin = role_predicate(Role.PROGRAMME_ADMIN)
is_instructor = role_predicate(Role.INSTRUCTOR)
is_programme_staff = role_predicate(Role.PROGRAMME_ADMIN, Role.INSTRUCTOR)
is_expert = role_predicate(Role.EXPERT)
is_territory_person = role_predicate(Role.TERRITORY_LEAD, Role.TERRITORY_MEMBER)
is_project_holder = role_predicate(Role.PROJECT_HOLDER)
is_financer = role_predicate(Role.FINANCER)
is_company = role_predicate(Role.COMPANY)
is_single_window_officer = role_predicate(Role.SINGLE_WINDOW_OFFICER)

rules.add_perm("accounts.manage_api_tokens", rules.is_authenticated)
