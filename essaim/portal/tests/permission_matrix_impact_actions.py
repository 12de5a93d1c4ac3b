"""Rows of the permission matrix (``permission_matrix.API``, same columns and letters) for the
API of impact's campaigns and evaluation reports (``essaim.impact.api_campaigns``). The objects
asked about are the matrix world's French Impact campaign (``impact_campaign``) and its generated
territory report (``impact_report``); a campaign asked with unknown indicators is refused (422)
to its programme's staff, a 404 to anyone else."""

CAMPAIGN = "campaign_id=impact_campaign"
REPORT = "report_id=impact_report"

IMPACT_ACTIONS_API: dict[str, tuple[str, str | None, dict | None]] = {
    "GET /api/v1/impact/campaigns": ("", "u o o o o o o o o o", None),
    "POST /api/v1/impact/campaigns": (
        "",
        "u d b b d d d d d b",
        {
            "programme_id": "@programme_id",
            "title": "Matrice",
            "period_start": "2025-01-01",
            "period_end": "2025-12-31",
            "due_on": "2026-01-31",
            "indicator_ids": [999_999_999],
            "label_ids": [999_999_999],
        },
    ),
    # The campaign asks the lead's territory: its line is theirs to read, not to change.
    "GET /api/v1/impact/campaigns/{campaign_id}": (CAMPAIGN, "u d o o d o d d d o", None),
    # The world's campaign is open: opening it again is a 409.
    "POST /api/v1/impact/campaigns/{campaign_id}/open": (CAMPAIGN, "u d c c d d d d d c", None),
    "POST /api/v1/impact/campaigns/{campaign_id}/close": (CAMPAIGN, "u d o o d d d d d o", None),
    "GET /api/v1/impact/reports": ("", "o o o o o o o o o o", None),
    "POST /api/v1/impact/reports": (
        "",
        "u d o o d d d d d o",
        {"programme_id": "@programme_id", "year": 2025},
    ),
    # A report is public once published; the world's is generated, not published.
    "GET /api/v1/impact/reports/{report_id}": (REPORT, "d d o o d o d d d o", None),
    "POST /api/v1/impact/reports/{report_id}/generate": (REPORT, "u d o o d d d d d o", None),
    "POST /api/v1/impact/reports/{report_id}/publish": (REPORT, "u d o o d d d d d o", None),
}
