"""Who may do what on waves, decisions and labels, over the one vocabulary of
``essaim.accounts.permissions``.

Waves, their decisions and the labels they grant belong to a programme: its staff (admins and
instructors; a superuser is staff of every programme) read the committee pages, its admins
create and change waves, decide, publish and revoke. A published wave's labels are public
(``Label.objects.public()``: the territory pages, the certificates and their verification).

Reads are scoped by ``Wave.objects.of_staff(user)`` and ``Label.objects.visible_to(user)``:
another programme's wave or label is a 404 on the committee and revocation pages.
"""

import rules

from essaim.accounts import permissions
from essaim.calls.rules import managed_programmes


@rules.predicate
def can_view_wave(user, wave) -> bool:
    """The committee page of ``wave``: its programme's staff."""
    return wave is not None and permissions.is_programme_staff(user, wave.programme_id)


@rules.predicate
def can_decide(user, wave) -> bool:
    """Change ``wave``, put applications in it, decide and publish: its programme's admins."""
    return wave is not None and permissions.is_programme_admin(user, wave.programme_id)


@rules.predicate
def can_create_wave(user, programme) -> bool:
    return programme is not None and permissions.is_programme_admin(user, programme.pk)


@rules.predicate
def can_grant_label(user, decision) -> bool:
    """Grant the label a decision calls for (at the wave's publication): the admins."""
    return decision is not None and can_decide(user, decision.wave)


@rules.predicate
def can_revoke_label(user, label) -> bool:
    return label is not None and permissions.is_programme_admin(user, label.programme_id)


def can_see_waves(user) -> bool:
    """The wave list: staff of at least one programme (then narrowed to those programmes)."""
    return permissions.is_programme_staff(user)


def can_create_waves(user) -> bool:
    """Admin of at least one programme (the form offers those programmes only)."""
    return permissions.is_programme_admin(user)


def wave_programmes(user):
    """The programmes in which ``user`` may create waves, as a queryset (the form's choices)."""
    return managed_programmes(user)


rules.add_perm("labels.read_wave", can_view_wave)
rules.add_perm("labels.decide_wave", can_decide)
rules.add_perm("labels.create_wave", can_create_wave)
rules.add_perm("labels.grant_label", can_grant_label)
rules.add_perm("labels.revoke_label", can_revoke_label)
