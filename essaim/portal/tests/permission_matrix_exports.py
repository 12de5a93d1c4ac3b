"""Rows of the permission matrix (``permission_matrix.API``, same columns and letters) for the
API's exports and background jobs: the caller's jobs (``job`` is French Impact's instructor's
finished export: anybody else — the superuser included — gets a 404; the list shows each caller
their own), the instruction queue's exports of the world's call (its programme's staff; another
programme's staff a 404, anyone without a staff role a 403) and a wave's certificate batch (its
programme's admins; the world's wave is planned, so starting one is a 409)."""

EXPORTS_API: dict[str, tuple[str, str | None, dict | None]] = {
    "GET /api/v1/jobs": ("", "u o o o o o o o o o", None),
    "GET /api/v1/jobs/{job_id}": ("job_id=job", "u d d o d d d d d d", None),
    "GET /api/v1/jobs/{job_id}/download": ("job_id=job", "u d d o d d d d d d", None),
    "POST /api/v1/instruction/exports": (
        "",
        "u d o o d d d d d o",
        {"call_id": "@call", "format": "xlsx", "status": "submitted"},
    ),
    "GET /api/v1/instruction/exports/{call_id}/csv": ("call_id=call", "u d o o d d d d d o", None),
    "GET /api/v1/waves/{wave_id}/certificates": ("wave_id=wave", "u d o d d d d d d o", None),
    "POST /api/v1/waves/{wave_id}/certificates": ("wave_id=wave", "u d c d d d d d d c", None),
}
