"""Every write on applications, by concern: ``transitions`` (the workflow's moves),
``applying`` (what the applicants write: the application, its collective, people,
messages), ``challenges`` and ``form_versions`` (drafts moved to a new form version)."""

from essaim.applications.services import applying, challenges, summary
from essaim.applications.services.form_versions import drafts_affected_by, drafts_move_to
from essaim.applications.services.transitions import (
    addressed_comment_post,
    allowed_transitions,
    application_transition,
    snapshot,
)

__all__ = [
    "addressed_comment_post",
    "allowed_transitions",
    "application_transition",
    "applying",
    "challenges",
    "drafts_affected_by",
    "drafts_move_to",
    "snapshot",
    "summary",
]
