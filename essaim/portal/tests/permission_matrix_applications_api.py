"""Rows of the permission matrix (``permission_matrix.API``, same columns and letters) for an
application's collective, challenges, thread and attachments in the API. The application asked
about is the world's (French Impact, labelled): whoever sees it reads its members, challenges and
attachments; the thread is its collective's and its programme's staff's. The writes are its
lead's only: closed, a 409 for them (or a 422 when the input is refused first: an invalid SIRET,
nobody at the address, an empty message) and refused to everyone else, as on the pages."""

APPLICATION = "application_id=application"
SEEN_BY = "u d o o d o o d d o"

APPLICATIONS_API: dict[str, tuple[str, str | None, dict | None]] = {
    "GET /api/v1/applications/{application_id}/members": (APPLICATION, SEEN_BY, None),
    "POST /api/v1/applications/{application_id}/members": (
        APPLICATION,
        "u d d d d b d d d d",
        {"siret": "12345678901234", "role": "member"},
    ),
    "PATCH /api/v1/applications/{application_id}/members/{member_id}": (
        f"{APPLICATION} member_id=member",
        "u d d d d c d d d d",
        {"role": "supporter"},
    ),
    "DELETE /api/v1/applications/{application_id}/members/{member_id}": (
        f"{APPLICATION} member_id=member",
        "u d d d d c d d d d",
        None,
    ),
    "POST /api/v1/applications/{application_id}/handover": (
        APPLICATION,
        "u d d d d b d d d d",
        {"email": "matrice@example.org"},
    ),
    "GET /api/v1/applications/{application_id}/challenges": (APPLICATION, SEEN_BY, None),
    "POST /api/v1/applications/{application_id}/challenges": (
        APPLICATION,
        "u d d d d c d d d d",
        {"title": "Matrice"},
    ),
    "PUT /api/v1/applications/{application_id}/challenges/{challenge_id}": (
        f"{APPLICATION} challenge_id=challenge",
        "u d d d d c d d d d",
        {"title": "Matrice"},
    ),
    "DELETE /api/v1/applications/{application_id}/challenges/{challenge_id}": (
        f"{APPLICATION} challenge_id=challenge",
        "u d d d d c d d d d",
        None,
    ),
    "GET /api/v1/applications/{application_id}/messages": (
        APPLICATION,
        "u d o o d o d d d o",
        None,
    ),
    "POST /api/v1/applications/{application_id}/messages": (
        APPLICATION,
        "u d b b d b d d d b",
        None,
    ),
    "GET /api/v1/applications/{application_id}/messages/{message_id}/attachment": (
        f"{APPLICATION} message_id=message",
        "u d o o d o d d d o",
        None,
    ),
    "GET /api/v1/applications/{application_id}/attachments": (APPLICATION, SEEN_BY, None),
    "POST /api/v1/applications/{application_id}/attachments": (
        APPLICATION,
        "u d d d d c d d d d",
        None,
    ),
    "GET /api/v1/applications/{application_id}/attachments/{attachment_id}": (
        f"{APPLICATION} attachment_id=attachment",
        SEEN_BY,
        None,
    ),
    "DELETE /api/v1/applications/{application_id}/attachments/{attachment_id}": (
        f"{APPLICATION} attachment_id=attachment",
        "u d d d d c d d d d",
        None,
    ),
}
