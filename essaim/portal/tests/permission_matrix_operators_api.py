"""Rows of the permission matrix (``permission_matrix.API``, same columns and letters) for the
API of a programme's settings, configuration file and referenced instruments (its admins; anyone
else a 404, as on the settings pages), a new programme (a superuser), a call's creation, edit,
form draft and grid, and a wave's creation and edit (the programme's admins, as on their pages).
The world's call is open, with no form draft and a reviewed application."""

PROGRAMME = "programme_id=programme_id"
CALL = "call_id=call"
ADMINS = "u d o d d d d d d o"
NEW_CALL = {"programme_id": "@programme_id", "title": "Matrice", "slug": "matrice"}

OPERATORS_API: dict[str, tuple[str, str | None, dict | None]] = {
    "GET /api/v1/programmes/{programme_id}/settings": (PROGRAMME, ADMINS, None),
    "PATCH /api/v1/programmes/{programme_id}/settings": (
        PROGRAMME,
        ADMINS,
        {"home_text": "Matrice"},
    ),
    # The matrix sends no file: refused before the programme is looked up.
    "POST /api/v1/programmes/{programme_id}/logo": (PROGRAMME, "u b b b b b b b b b", None),
    "DELETE /api/v1/programmes/{programme_id}/logo": (PROGRAMME, ADMINS, None),
    "GET /api/v1/programmes/{programme_id}/configuration": (PROGRAMME, ADMINS, None),
    "POST /api/v1/programmes/{programme_id}/configuration": (
        PROGRAMME,
        "u d b d d d d d d b",  # a file without its sections: every problem named
        {"content": "programme: {}", "dry_run": True},
    ),
    "GET /api/v1/programmes/{programme_id}/instruments": (PROGRAMME, ADMINS, None),
    "POST /api/v1/programmes/{programme_id}/instruments": (
        PROGRAMME,
        ADMINS,
        {"instrument_id": "@instrument"},
    ),
    "DELETE /api/v1/programmes/{programme_id}/instruments/{instrument_id}": (
        f"{PROGRAMME} instrument_id=instrument",
        ADMINS,  # the financer's instrument is referenced by the programme
        None,
    ),
    "POST /api/v1/programmes": (
        "",
        "u d d d d d d d d o",
        {"template": "french-impact", "slug": "matrice", "name": "Matrice"},
    ),
    # Another programme's admin may create calls and waves, in their own programmes: a 422.
    "POST /api/v1/calls": ("", "u b o d d d d d d o", NEW_CALL),
    "PATCH /api/v1/calls/{call_id}": (CALL, ADMINS, {"title": "Matrice"}),
    "GET /api/v1/calls/{call_id}/form-draft": (CALL, "u d d d d d d d d d", None),
    "PUT /api/v1/calls/{call_id}/form-draft": (
        CALL,
        "u d b d d d d d d b",
        {"form_schema": {"sections": []}},
    ),
    "POST /api/v1/calls/{call_id}/form-draft/publish": (CALL, "u d c d d d d d d c", None),
    "PUT /api/v1/calls/{call_id}/grid": (
        CALL,
        "u d c d d d d d d c",  # leaving out criteria the world's reviews marked: kept
        {"criteria": [{"title": "Matrice", "weight": "1"}]},
    ),
    "POST /api/v1/waves": ("", "u b o d d d d d d o", {"programme_id": "@programme_id"}),
    "PATCH /api/v1/waves/{wave_id}": ("wave_id=wave", ADMINS, {"title": "Matrice"}),
}
