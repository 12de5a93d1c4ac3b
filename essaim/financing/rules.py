"""Object permissions of financing (django-rules), delegating to the services' one definition."""

import rules

from essaim.financing import services


@rules.predicate
def can_edit_instrument(user, instrument) -> bool:
    return instrument is not None and services.can_edit_instrument(user, instrument)


rules.add_perm("financing.change_instrument", can_edit_instrument)
