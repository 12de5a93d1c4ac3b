"""Rows of the permission matrix (``permission_matrix.API``, same columns and letters) for a
ticket's actions and thread in the API. The ticket asked about is the world's new ticket of
French Impact, written by the project holder: its officers (and a superuser) act on it, its
author writes in its thread; being new, it can be neither converted into an experimentation
request nor published (a 409 for those who may). The experimentation request is the world's
submitted one (its programme's admins and officers review it); the held message its first
quarantined one (its programme's officers act on it)."""

TICKET = "ticket_id=ticket"

REGULATORY_API: dict[str, tuple[str, str | None, dict | None]] = {
    "POST /api/v1/tickets/{ticket_id}/transitions/{name}": (
        f"{TICKET} name=:triage",
        "u d d d o d d d d o",
        {"category": "food", "priority": "normal"},
    ),
    "GET /api/v1/tickets/{ticket_id}/messages": (TICKET, "u d d d o d d d o o", None),
    "POST /api/v1/tickets/{ticket_id}/messages": (
        TICKET,
        "u d d d d d d d o d",  # the author's messages; the single window answers
        {"body": "Matrice"},
    ),
    "POST /api/v1/tickets/{ticket_id}/experimentation-request": (
        TICKET,
        "u d d d c d d d d c",
        {
            "call_id": "@call",
            "derogation_asked": "Matrice",
            "rule_text": "Matrice",
            "rule_level": "decree",
            "duration_months": 12,
            "evaluation_plan": "Matrice",
        },
    ),
    "PUT /api/v1/tickets/{ticket_id}/article": (
        TICKET,
        "u d d d c d d d d c",
        {"title": "Matrice"},
    ),
    "POST /api/v1/experimentation-requests/{request_id}/transitions/{name}": (
        "request_id=experimentation name=:review",
        "u d o d o d d d d o",
        {"comment": "Matrice"},
    ),
    "GET /api/v1/held-mail": ("", "u d d d o d d d d o", None),
    "POST /api/v1/held-mail/{item_id}/actions/{name}": (
        "item_id=quarantine name=:reprocess",
        "u d d d c d d d d c",
        {"comment": "Matrice"},
    ),
}
