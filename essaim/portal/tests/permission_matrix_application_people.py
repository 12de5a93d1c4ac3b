"""Rows of the permission matrix (``permission_matrix.API``, same columns and letters) for an
application's people and the order of its challenges in the API. The application asked about is
the world's (French Impact, labelled): whoever sees it reads its people (the addresses are the
lead's to read); the writes are its lead's (the people) and its editors' (the order), refused to
everyone else as on the pages, and a 409 for them since the application is closed."""

APPLICATION = "application_id=application"

APPLICATION_PEOPLE_API: dict[str, tuple[str, str | None, dict | None]] = {
    "GET /api/v1/applications/{application_id}/people": (
        APPLICATION,
        "u d o o d o o d d o",
        None,
    ),
    "POST /api/v1/applications/{application_id}/people": (
        APPLICATION,
        "u d d d d c d d d d",
        {"email": "matrice@example.org", "can_edit": True, "is_signatory": False},
    ),
    "PATCH /api/v1/applications/{application_id}/people/{person_id}": (
        f"{APPLICATION} person_id=person",
        "u d d d d c d d d d",
        {"is_signatory": True},
    ),
    "DELETE /api/v1/applications/{application_id}/people/{person_id}": (
        f"{APPLICATION} person_id=person",
        "u d d d d c d d d d",
        None,
    ),
    "POST /api/v1/applications/{application_id}/challenges/order": (
        APPLICATION,
        "u d d d d c d d d d",
        {"challenge_ids": ["@challenge"]},
    ),
}
