"""The applicant's pages, by concern: ``writing`` (my applications, create, detail, the form),
``collective`` (members and people), ``exchanges`` (challenges, messages, transitions, files).
Instructors' pages are in ``essaim.reviews.views_instruction``."""

from essaim.applications.views.collective import (
    collective,
    handover,
    invitation,
    member_add,
    member_remove,
    member_role,
    organisation_search,
    person_invite,
    person_remove,
    person_update,
)
from essaim.applications.views.exchanges import (
    attachment_download,
    challenge_move,
    challenge_remove,
    challenges,
    message_attachment,
    message_create,
    receipt,
    transition,
)
from essaim.applications.views.submission import submit
from essaim.applications.views.writing import (
    autosave,
    block_add,
    block_remove,
    create,
    detail,
    edit,
    mine,
)

__all__ = [
    "attachment_download",
    "autosave",
    "block_add",
    "block_remove",
    "challenge_move",
    "challenge_remove",
    "challenges",
    "collective",
    "create",
    "detail",
    "edit",
    "handover",
    "invitation",
    "member_add",
    "member_remove",
    "member_role",
    "message_attachment",
    "message_create",
    "mine",
    "organisation_search",
    "person_invite",
    "person_remove",
    "person_update",
    "receipt",
    "submit",
    "transition",
]
