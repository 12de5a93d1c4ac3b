"""Rows of the permission matrix (``permission_matrix.API``, same columns and letters) for the
API's writes that close the pages' actions: impact's review and publication, library, plans and
campaign reminders; an introduction's report and an event's attendance (synergies); the
instruction queue's bulk actions (reviews); an action from a meeting's decision (support).

The objects asked about are the matrix world's French Impact ones: its territory's recorded
value (``impact_measurement``), indicator and open campaign, the holder's project, the proposed
introduction, the event to come, the application and the plan's meeting decision."""

STAFF = "u d o o d d d d d o"
ADMINS = "u d o d d d d d d o"
INDICATOR = {
    "code": "emplois-crees",
    "name": "Emplois créés (matrice)",
    "unit": "emplois",
    "aggregation": "sum",
}
PLAN = {"baseline": "10", "baseline_year": 2025, "targets": [{"year": 2026, "value": "12"}]}

MORE_API: dict[str, tuple[str, str | None, dict | None]] = {
    "POST /api/v1/measurements/{measurement_id}/review": (
        "measurement_id=impact_measurement",
        STAFF,
        {"decision": "confirm"},
    ),
    "POST /api/v1/impact/territories/{territory_id}/publish": ("territory_id=label", STAFF, None),
    "POST /api/v1/indicators": (
        "",
        ADMINS,
        {**INDICATOR, "code": "matrice", "programme_id": "@programme_id"},
    ),
    "PUT /api/v1/indicators/{indicator_id}": ("indicator_id=impact_indicator", ADMINS, INDICATOR),
    # A territory's plan: its people and the programme's staff.
    "PUT /api/v1/impact/territories/{territory_id}/plans/{indicator_id}": (
        "territory_id=label indicator_id=impact_indicator",
        "u d o o d o d d d o",
        PLAN,
    ),
    # A project's plan: its holder too.
    "PUT /api/v1/projects/{project_id}/impact-plans/{indicator_id}": (
        "project_id=project indicator_id=impact_indicator",
        "u d o o d o d d o o",
        PLAN,
    ),
    "POST /api/v1/impact/campaigns/{campaign_id}/remind": (
        "campaign_id=impact_campaign",
        STAFF,
        None,
    ),
    # Only the company's members report (none among the identities; its parties see it: 403).
    "PUT /api/v1/introductions/{introduction_id}/report": (
        "introduction_id=introduction",
        "u d d d d d d d d d",
        {"hours": 1},
    ),
    "GET /api/v1/events/{event_id}/registrations": ("event_id=event", STAFF, None),
    "PUT /api/v1/events/{event_id}/attendance": ("event_id=event", STAFF, {"present": []}),
    "POST /api/v1/instruction/bulk-actions": (
        "",
        STAFF,
        {"action": "assign_me", "application_ids": ["@application"]},
    ),
    # Those who co-build the plan; the world's decision already gave its action: 409.
    "POST /api/v1/support-decisions/{decision_id}/action": (
        "decision_id=decision",
        "u d c c d c d d d c",
        {"axis_id": "@axis"},
    ),
}
