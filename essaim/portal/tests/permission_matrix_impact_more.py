"""Rows of the permission matrix (``permission_matrix.API``, same columns and letters) for the
API of an evaluation report's sections and of the measurements' CSV import
(``essaim.impact.api_campaigns``, ``essaim.impact.api``), and of a project's relations in the
ecosystem network (``essaim.synergies.network_api``).

The report is the demo's Nouvelle-Aquitaine one (generated, not published): its sections are read
by whoever sees it and written by the programme's staff and the territory's lead, as on its page.
The CSV import is multipart: the matrix's JSON body lacks its form fields, a 422 for everyone
signed in (its scoping is ``impact/tests/test_api_more.py``'s). The relations are those of the
holder's project: read by its editors, declared and ended by its holder's members."""

REPORT = "report_id=impact_report"
SECTION = f"{REPORT} section_id=impact_report_section"
SECTION_BODY = {"title": "Matrice", "body": "Matrice", "position": 10}
PROJECT = "project_id=project"

IMPACT_MORE_API: dict[str, tuple[str, str | None, dict | None]] = {
    "GET /api/v1/impact/reports/{report_id}/sections": (REPORT, "d d o o d o d d d o", None),
    "POST /api/v1/impact/reports/{report_id}/sections": (
        REPORT,
        "u d o o d o d d d o",
        SECTION_BODY,
    ),
    "PUT /api/v1/impact/reports/{report_id}/sections/{section_id}": (
        SECTION,
        "u d o o d o d d d o",
        SECTION_BODY,
    ),
    "DELETE /api/v1/impact/reports/{report_id}/sections/{section_id}": (
        SECTION,
        "u d o o d o d d d o",
        None,
    ),
    "POST /api/v1/measurements/import": ("", "u b b b b b b b b b", {"territory_id": "@label"}),
    "GET /api/v1/projects/{project_id}/relations": (PROJECT, "u d o o d o d d o o", None),
    "POST /api/v1/projects/{project_id}/relations": (
        PROJECT,
        "u d d d d d d d o o",
        {"organisation_id": "@partner_organisation", "kind": "partner"},
    ),
    "POST /api/v1/projects/{project_id}/relations/{relation_id}/end": (
        f"{PROJECT} relation_id=project_relation",
        "u d d d d d d d b b",
        {"ended_on": "1900-01-01"},
    ),
}
