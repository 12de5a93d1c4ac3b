"""Rows of the permission matrix (``permission_matrix.API``, same columns and letters) for the
instruction's writes in the API: private notes, the instructor in charge, review requests. The
application asked about is the world's French Impact application, instructed by its programme's
staff (admin, instructor, a superuser); the review request is the world expert's."""

APPLICATION = "application_id=application"

REVIEWS_API: dict[str, tuple[str, str | None, dict | None]] = {
    "GET /api/v1/applications/{application_id}/notes": (APPLICATION, "u d o o d d d d d o", None),
    "POST /api/v1/applications/{application_id}/notes": (
        APPLICATION,
        "u d o o d d d d d o",
        {"body": "Matrice"},
    ),
    "PUT /api/v1/applications/{application_id}/assignee": (
        APPLICATION,
        "u d o o d d d d d o",
        {"assignee_id": None},
    ),
    "POST /api/v1/applications/{application_id}/review-requests": (
        APPLICATION,
        "u d b b d d d d d b",  # user 1 is no expert of the programme: refused, naming expert_ids
        {"expert_ids": [1], "deadline": "2999-01-01"},
    ),
    "POST /api/v1/reviews/{review_id}/cancel": (
        "review_id=review",
        "u d c c d d d d d c",  # the world expert's opinion is given: nothing to cancel (409)
        {"comment": "Matrice"},
    ),
}
