"""Rows of the permission matrix (``permission_matrix.API``, same columns and letters) for a
ticket's actions and thread in the API. The ticket asked about is the world's new ticket of
French Impact, written by the project holder: its officers (and a superuser) act on it, its
author writes in its thread."""

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
}
