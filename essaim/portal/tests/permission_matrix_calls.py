"""Rows of the permission matrix (``permission_matrix.API``, same columns and letters) for the
API of a call's status and cut-offs (its programme's admins, as on the call's admin pages: the
world's call is public, so another programme's admin gets a 403 there as on the pages)."""

CALL = "call_id=call"

CALLS_API: dict[str, tuple[str, str | None, dict | None]] = {
    # The world's call is open: it is closed before being archived.
    "POST /api/v1/calls/{call_id}/status": (CALL, "u d c d d d d d d c", {"status": "archived"}),
    "POST /api/v1/calls/{call_id}/cutoffs": (CALL, "u d o d d d d d d o", {"date": "2031-06-30"}),
    "DELETE /api/v1/calls/{call_id}/cutoffs/{cutoff_id}": (
        f"{CALL} cutoff_id=cutoff",
        "u d c d d d d d d c",  # applications are attached to it: kept
        None,
    ),
}
