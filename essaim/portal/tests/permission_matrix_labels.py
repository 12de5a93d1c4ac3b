"""Rows of the permission matrix (``permission_matrix.API``, same columns and letters) for the
API of a wave's committee, its decisions and publication, and label revocation: the programme's
staff read the committee (another programme's staff get a 404, as on the committee page), its
admins decide, publish and revoke. The world's wave is planned (nothing decided: publishing it is
a 409) and its label valid."""

LABELS_API: dict[str, tuple[str, str | None, dict | None]] = {
    "GET /api/v1/waves/{wave_id}/committee": ("wave_id=wave", "u d o o d d d d d o", None),
    "POST /api/v1/waves/{wave_id}/decisions": (
        "wave_id=wave",
        "u d b d d d d d d b",  # an application of no wave: refused naming it
        {
            "decisions": [
                {"application_id": 999_999_999, "outcome": "labelled", "motivation": "Matrice"}
            ]
        },
    ),
    "POST /api/v1/waves/{wave_id}/applications": (
        "wave_id=wave",
        "u d b d d d d d d b",  # an id unknown in the programme: refused naming the field
        {"application_ids": [999_999_999]},
    ),
    "DELETE /api/v1/waves/{wave_id}/applications/{application_id}": (
        "wave_id=wave application_id=application",
        "u d d d d d d d d d",  # the world's application is not in the planned wave: 404
        None,
    ),
    "POST /api/v1/waves/{wave_id}/publish": ("wave_id=wave", "u d c d d d d d d c", None),
    "POST /api/v1/labels/{label_id}/revoke": (
        "label_id=label",
        "u d o d d d d d d o",
        {"reason": "Matrice"},
    ),
}
