"""Who may do what on expert opinions, over the one vocabulary of ``essaim.accounts.permissions``.

A review request belongs to its application's programme:

- the programme's staff (admins and instructors; a superuser is staff of every programme) ask
  experts, cancel requests, read the opinions and their consolidation, put an instructor in
  charge and write private notes;
- only the *assigned expert* declares conflicts of interest and gives the opinion — never a
  superuser by status, nor another expert;
- experts that may be asked: those holding the expert role for the programme or in its expert
  partner organisation.

Reads are scoped by ``ReviewRequest.objects.visible_to(user)`` (models): outside it, a 404.
"""

import rules

from essaim.accounts import permissions
from essaim.accounts.models import Role
from essaim.applications.rules import can_instruct


@rules.predicate
def can_request_review(user, application) -> bool:
    """Ask experts for an opinion on ``application``: its programme's staff."""
    return can_instruct(user, application)


@rules.predicate
def can_manage_review(user, review) -> bool:
    """Cancel a request, read its opinion: the staff of the application's programme."""
    return review is not None and can_instruct(user, review.application)


@rules.predicate
def can_review(user, review) -> bool:
    """Declare conflicts and give the opinion: the assigned expert, while they hold the expert
    role (a superuser is not an expert by status)."""
    return (
        review is not None
        and permissions.is_signed_in(user)
        and review.expert_id == user.pk
        and permissions.is_expert(user)
    )


# Instruction writes on the application itself (the instruction pages live in reviews' URLs).
can_assign = can_instruct
can_write_private_note = can_instruct
can_see_consolidation = can_instruct


def eligible_experts(programme):
    """Users holding the expert role for ``programme`` or in its expert partner organisation."""
    return experts_of([programme])


def experts_of(programmes):
    """The experts that may be asked on any of ``programmes`` (Programme objects)."""
    programmes = list(programmes)
    return permissions.holders(
        [Role.EXPERT],
        programmes=[p.pk for p in programmes],
        organisations=[p.expert_partner_id for p in programmes if p.expert_partner_id],
    ).distinct()


def is_assignable(user, programme_id: int) -> bool:
    """Who may be put in charge of an application: the programme's staff."""
    return permissions.is_programme_staff(user, programme_id)


rules.add_perm("reviews.request_review", can_request_review)
rules.add_perm("reviews.manage_reviewrequest", can_manage_review)
rules.add_perm("reviews.give_reviewrequest", can_review)
rules.add_perm("reviews.see_consolidation", can_see_consolidation)
