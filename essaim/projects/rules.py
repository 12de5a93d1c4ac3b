"""Object permissions of projects (django-rules), delegating to the services' one definition."""

import rules

from essaim.projects import services


@rules.predicate
def can_edit_project(user, project) -> bool:
    return project is not None and services.can_edit(user, project)


rules.add_perm("projects.change_project", can_edit_project)
rules.add_perm("projects.add_project", rules.predicate(services.can_create_any))
