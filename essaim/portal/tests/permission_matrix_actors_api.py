"""Rows of the permission matrix (``permission_matrix.API``, same columns and letters) for the
API's writes on the shared directory and the projects: perimeters, organisations (their people
and partnerships), a project's edition and needs. The objects asked about are the pages' rows':
the labelled territory's perimeter (French Impact's), the project holder's organisation (already
confirmed: confirming it again is a 409) and the world's project with its first need."""

PERIMETER = "perimeter_id=perimeter_id"
ORGANISATION = "organisation_id=organisation"
PROJECT = "project_id=project"
# The project's editors: its programme's admin and instructor, its territory's lead, its holder.
PROJECT_EDITORS = "u d o o d o d d o o"
# The organisation's own members (its project holder) and a superuser.
ORGANISATION_MEMBERS = "u d d d d d d d o o"

ACTORS_API: dict[str, tuple[str, str | None, dict | None]] = {
    # Programme staff build perimeters; a labelled one is changed by its programme's admins.
    "POST /api/v1/geo/perimeters": (
        "",
        "u o o o d d d d d o",
        {"name": "Matrice", "units": [{"kind": "commune", "code": "86194"}]},
    ),
    "PATCH /api/v1/geo/perimeters/{perimeter_id}": (
        PERIMETER,
        "u d o d d d d d d o",
        {"description": "Matrice"},
    ),
    # Programme admins create organisations; their own members change them.
    "POST /api/v1/organisations": (
        "",
        "u o o d d d d d d o",
        {"name": "Matrice", "kind": "association"},
    ),
    "PATCH /api/v1/organisations/{organisation_id}": (
        ORGANISATION,
        ORGANISATION_MEMBERS,
        {"acronym": "MTX"},
    ),
    # The holder's organisation is confirmed and involves no French Impact application: only a
    # superuser may confirm, and finds it done (409) — the page says the same.
    "POST /api/v1/organisations/{organisation_id}/verify": (
        ORGANISATION,
        "u d d d d d d d d c",
        None,
    ),
    "POST /api/v1/organisations/{organisation_id}/people": (
        ORGANISATION,
        ORGANISATION_MEMBERS,
        {"first_name": "Marie", "last_name": "Trice"},
    ),
    "POST /api/v1/organisations/{organisation_id}/partnerships": (
        ORGANISATION,
        ORGANISATION_MEMBERS,
        {"kind": "cooperates", "organisation_id": "@partner_organisation"},
    ),
    # A project and its needs: who may edit it, as on its page.
    "PATCH /api/v1/projects/{project_id}": (PROJECT, PROJECT_EDITORS, {"title": "Matrice"}),
    "POST /api/v1/projects/{project_id}/needs": (
        PROJECT,
        PROJECT_EDITORS,
        {"kind": "skills", "purpose": "Matrice"},
    ),
    "POST /api/v1/projects/{project_id}/needs/{need_id}/status": (
        f"{PROJECT} need_id=need",
        PROJECT_EDITORS,
        {"status": "dropped"},
    ),
}
