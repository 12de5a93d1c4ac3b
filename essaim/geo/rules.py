"""Who may do what with perimeters, on the one vocabulary (``essaim.accounts.permissions``).

Perimeters are shared (``docs/architecture.md``):

- everyone reads the official geography and every perimeter;
- programme staff (admins and instructors of any programme) and superusers build perimeters; so
  does the system (``user=None``: reference loads, the one-unit territories of applications, the
  demo data);
- a perimeter is changed by its creator or a superuser — and once a label uses it, only by the
  admins of the programme of every label that uses it (and a superuser): a labelled territory is
  shown on the public label pages, so nobody else may rename or redefine it.
"""

import rules

from essaim.accounts import permissions


def owns_every_shared_object(user) -> bool:
    """The owner of every shared object (``docs/architecture.md``)."""
    return permissions.owns_shared_objects(user)


def label_programme_ids(perimeter) -> set[int]:
    """The programmes whose labels use ``perimeter`` (one query; ``labels.Label.perimeter``,
    read through the reverse relation so that geo does not import labels)."""
    return set(perimeter.labels.values_list("programme_id", flat=True))


@rules.predicate
def can_create_perimeter(user) -> bool:
    return permissions.is_programme_staff(user)


@rules.predicate
def can_change_perimeter(user, perimeter) -> bool:
    if perimeter is None or not permissions.is_signed_in(user):
        return False
    programmes = label_programme_ids(perimeter)
    if programmes:
        return all(permissions.is_programme_admin(user, pk) for pk in programmes)
    if owns_every_shared_object(user):
        return True
    return perimeter.created_by_id is not None and perimeter.created_by_id == user.pk


@rules.predicate
def can_view_perimeter_history(user, perimeter) -> bool:
    return permissions.is_programme_staff(user) or can_change_perimeter(user, perimeter)


def change_refusal(perimeter) -> str:
    """Why a person may not change ``perimeter`` (the message of the 403)."""
    from django.utils.translation import gettext as _

    if label_programme_ids(perimeter):
        return _(
            "Ce périmètre est celui d'un territoire labellisé : seuls les administrateurs du "
            "programme qui l'a labellisé peuvent le renommer ou le redéfinir."
        )
    return _("Seule la personne qui a créé ce périmètre peut le modifier.")


rules.add_perm("geo.add_perimeter", can_create_perimeter)
rules.add_perm("geo.change_perimeter", can_change_perimeter)
rules.add_perm("geo.view_perimeter_history", can_view_perimeter_history)
