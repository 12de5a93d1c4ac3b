"""Rows of the permission matrix (``permission_matrix.API``, same columns and letters) for a
support plan's co-construction in the API: action edit and comments, milestones, meetings. The
plan asked about is the world's French Impact plan (its first planned action and milestone): its
programme's team and its territory's lead co-build it, as on the pages."""

PLAN = "plan_id=plan"
ACTION = "action_id=action"
CO_BUILDERS = "u d o o d o d d d o"

SUPPORT_API: dict[str, tuple[str, str | None, dict | None]] = {
    "PATCH /api/v1/support-actions/{action_id}": (ACTION, CO_BUILDERS, {"title": "Matrice"}),
    "GET /api/v1/support-actions/{action_id}/comments": (ACTION, CO_BUILDERS, None),
    "POST /api/v1/support-actions/{action_id}/comments": (
        ACTION,
        CO_BUILDERS,
        {"body": "Matrice"},
    ),
    "GET /api/v1/support-plans/{plan_id}/milestones": (PLAN, CO_BUILDERS, None),
    "POST /api/v1/support-plans/{plan_id}/milestones": (
        PLAN,
        CO_BUILDERS,
        {"title": "Matrice", "due_on": "2026-12-01"},
    ),
    "POST /api/v1/support-milestones/{milestone_id}/reach": (
        "milestone_id=milestone",
        CO_BUILDERS,
        {"reached_on": "2026-06-01"},
    ),
    "GET /api/v1/support-plans/{plan_id}/meetings": (PLAN, CO_BUILDERS, None),
    "POST /api/v1/support-plans/{plan_id}/meetings": (
        PLAN,
        CO_BUILDERS,
        {"title": "Matrice", "held_on": "2026-01-15", "decisions": ["Matrice"]},
    ),
}
