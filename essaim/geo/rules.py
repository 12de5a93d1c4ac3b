"""Who may change perimeters: the programme team (reading geography is public)."""

import rules

from essaim.accounts.rules import is_programme_staff

rules.add_perm("geo.manage_perimeters", is_programme_staff | rules.is_superuser)
