"""Rows of the permission matrix (``permission_matrix.API``, same columns and letters) for a
ticket's attachments, an article's withdrawal and the held message as received (the single
window), and a financing request's documents and the alerts on new instruments. The ticket asked
about is the world's new ticket of French Impact, written by the project holder: whoever sees it
reads its attachments; an upload without a file is a 422 for those who may attach (its officers
answer, its author writes). The article withdrawn is the first published one with a ticket (its
programme's officers). The held message is the first quarantined one (its programme's officers).
The attachment downloaded is the first one of the demo (a ticket that is not the holder's). The
request's documents are read by whoever sees the request; the project followed is edited by its
holder, its territory's lead and its programme's staff; the alert stopped is the lead's own."""

TICKET = "ticket_id=ticket"
REQUEST = "request_id=request"

WINDOW_FINANCING_API: dict[str, tuple[str, str | None, dict | None]] = {
    "GET /api/v1/tickets/{ticket_id}/attachments": (TICKET, "u d d d o d d d o o", None),
    "POST /api/v1/tickets/{ticket_id}/attachments": (TICKET, "u d d d b d d d b b", None),
    "GET /api/v1/tickets/{ticket_id}/attachments/{attachment_id}": (
        "ticket_id=attachment_ticket attachment_id=ticket_attachment",
        "u d d d o d d d d o",
        None,
    ),
    "DELETE /api/v1/tickets/{ticket_id}/article": (
        "ticket_id=article_ticket",
        "u d d d o d d d d o",
        None,
    ),
    "GET /api/v1/held-mail/{item_id}/raw": ("item_id=quarantine", "u d d d o d d d d o", None),
    "GET /api/v1/financing-requests/{request_id}/documents": (REQUEST, "u d o o d o d o o o", None),
    "GET /api/v1/financing-requests/{request_id}/documents/{document_id}": (
        f"{REQUEST} document_id=document",
        "u d o o d o d o o o",
        None,
    ),
    "GET /api/v1/financing-alerts": ("", "u o o o o o o o o o", None),
    "POST /api/v1/financing-alerts": ("", "u d o o d o d d o o", {"project_id": "@project"}),
    "DELETE /api/v1/financing-alerts/{alert_id}": (
        "alert_id=alert",
        "u d d d d o d d d d",
        None,
    ),
}
