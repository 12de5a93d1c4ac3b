"""The permission matrix's rows of the impact app (``permission_matrix.py`` merges them at the end
of ``PAGES`` and ``API``; same columns and letters). The objects asked about are the matrix world's
Nouvelle-Aquitaine label (``label``), its indicator ``emplois-crees`` (``impact_indicator``), one of
its territory values not yet published (``impact_measurement``) and the demo's open campaign
(``impact_campaign``)."""

IMPACT_PAGES: dict[str, tuple[str, str | None, str | None]] = {
    "impact:library": ("", "o o o o o o o o o o", "x x x x x x x x x x"),
    "impact:home": ("", "l o o o d o d d o o", "l x x x x x x x x x"),
    "impact:territory": ("pk=label", "l d o o d o d d d o", "l x x x x x x x x x"),
    "impact:measurement_create": ("pk=label", "l d o o d o d d d o", "l d b b d b d d d b"),
    "impact:csv_upload": ("pk=label", "l d o o d o d d d o", "l d b b d b d d d b"),
    "impact:publish": ("pk=label", "l x x x x x x x x x", "l d r r d d d d d r"),
    "impact:plan_edit": (
        "pk=label indicator=impact_indicator",
        "l d o o d o d d d o",
        "l d r r d r d d d r",
    ),
    # The library's editing: the programme's admins only (another programme's admin: 404).
    "impact:indicator_create": (
        "slug=programme_slug",
        "l d o d d d d d d o",
        "l d b d d d d d d b",
    ),
    "impact:indicator_edit": ("pk=impact_indicator", "l d o d d d d d d o", "l d b d d d d d d b"),
    # A project's plan: its holder, the territory's lead, the programme's staff.
    "impact:project_plan": ("pk=project", "l d o o d o d d o o", "l x x x x x x x x x"),
    "impact:project_plan_edit": (
        "pk=project indicator=impact_indicator",
        "l d o o d o d d o o",
        "l d r r d r d d r r",
    ),
    "impact:project_measurement_create": (
        "pk=project",
        "l d o o d o d d o o",
        "l d b b d b d d b b",
    ),
    "impact:measurement": ("pk=impact_measurement", "l d o o d o d d d o", "l x x x x x x x x x"),
    "impact:measurement_correct": (
        "pk=impact_measurement",
        "l x x x x x x x x x",
        "l d b b d b d d d b",
    ),
    "impact:measurement_review": (
        "pk=impact_measurement",
        "l x x x x x x x x x",
        "l d b b d d d d d b",
    ),
    "impact:campaigns": ("", "l o o o o o o o o o", "l x x x x x x x x x"),
    "impact:campaign_create": ("slug=programme_slug", "l d o o d d d d d o", "l d b b d d d d d b"),
    "impact:campaign": ("pk=impact_campaign", "l d o o d o d d d o", "l x x x x x x x x x"),
    "impact:campaign_status": (
        "pk=impact_campaign status=:closed",
        "l x x x x x x x x x",
        "l d r r d d d d d r",
    ),
    "impact:campaign_remind": ("pk=impact_campaign", "l x x x x x x x x x", "l d r r d d d d d r"),
    "impact:open_data": ("", "o o o o o o o o o o", "x x x x x x x x x x"),
    "impact:aggregates_csv": ("", "o o o o o o o o o o", "x x x x x x x x x x"),
    "impact:aggregates_json": ("", "o o o o o o o o o o", "x x x x x x x x x x"),
    # Evaluation reports: the demo's Nouvelle-Aquitaine report (generated, not published) and
    # its first section. The territory's lead reads it and writes sections; only the staff
    # generate and publish.
    "impact:reports": ("", "o o o o o o o o o o", "x x x x x x x x x x"),
    "impact:report_create": ("slug=programme_slug", "l d o o d d d d d o", "l d b b d d d d d b"),
    "impact:report": ("pk=impact_report", "d d o o d o d d d o", "x x x x x x x x x x"),
    "impact:report_status": ("pk=impact_report", "d d o o d o d d d o", "x x x x x x x x x x"),
    "impact:report_generate": ("pk=impact_report", "l x x x x x x x x x", "l d r r d d d d d r"),
    "impact:report_publish": ("pk=impact_report", "l x x x x x x x x x", "l d r r d d d d d r"),
    "impact:report_pdf": ("pk=impact_report", "d d o o d o d d d o", "x x x x x x x x x x"),
    "impact:report_section_create": (
        "pk=impact_report",
        "l d o o d o d d d o",
        "l d b b d b d d d b",
    ),
    "impact:report_section": (
        "pk=impact_report_section",
        "l d o o d o d d d o",
        "l d b b d b d d d b",
    ),
    "impact:report_section_delete": (
        "pk=impact_report_section",
        "l x x x x x x x x x",
        "l d r r d r d d d r",
    ),
}

IMPACT_API: dict[str, tuple[str, str | None, dict | None]] = {
    "GET /api/v1/indicators": ("", "o o o o o o o o o o", None),
    "GET /api/v1/indicators/{indicator_id}": (
        "indicator_id=impact_indicator",
        "o o o o o o o o o o",
        None,
    ),
    "GET /api/v1/measurements": ("", "u o o o o o o o o o", None),
    "POST /api/v1/measurements": (
        "",
        "u d o o d o d d d o",
        {
            "indicator_id": "@impact_indicator",
            "territory_id": "@label",
            "period_end": "2019-12-31",
            "value": "1",
            "source": "Matrice",
        },
    ),
    "GET /api/v1/measurements/{measurement_id}": (
        "measurement_id=impact_measurement",
        "u d o o d o d d d o",
        None,
    ),
    "POST /api/v1/measurements/{measurement_id}/corrections": (
        "measurement_id=impact_measurement",
        "u d o o d o d d d o",
        {"value": "2", "comment": "Matrice"},
    ),
    "GET /api/v1/impact/aggregates": ("", "o o o o o o o o o o", None),
}
