"""Who may do what in this app, over the one vocabulary of ``essaim.accounts.permissions``."""

import rules

from essaim.accounts import permissions
from essaim.actors.rules import can_edit_organisation

# --- The ecosystem network (``essaim.synergies.network``) -----------------------------------------


@rules.predicate
def can_view_network_people(user, label) -> bool:
    """People's names in a territory's network: the staff (admins, instructors) of the label's
    programme and the lead and members of the territory's collective; a superuser as staff."""
    if label is None:
        return False
    if label.programme_id in permissions.staff_programmes(user):
        return True
    return label.application.collective_id in permissions.territory_collectives(user)


rules.add_perm("synergies.view_network_people", can_view_network_people)


@rules.predicate
def can_add_project_relation(user, project) -> bool:
    """Declare a funder, partner, supplier or mentor of a project: who may change its holder's
    directory entry (the relation is the holder's partnership, ``actors.rules``)."""
    return project is not None and can_edit_organisation(user, project.holder)


rules.add_perm("synergies.add_project_relation", can_add_project_relation)
