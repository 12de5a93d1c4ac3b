"""Rows of the permission matrix (``permission_matrix.PAGES``, same columns and letters) for a
programme's settings pages, run by its admins (``essaim.operators.settings_views``)."""

SETTINGS_PAGES: dict[str, tuple[str, str | None, str | None]] = {
    "operators:settings_home": ("", "l r r d d d d d d o", "l x x x x x x x x x"),
    "operators:settings": ("slug=programme_slug", "l d o d d d d d d o", "l d b d d d d d d b"),
    "operators:logo_change": (
        "slug=programme_slug",
        "l x x x x x x x x x",
        "l d b d d d d d d b",
    ),
    "operators:axes": ("slug=programme_slug", "l d o d d d d d d o", "l d b d d d d d d b"),
    "operators:axis_update": (
        "slug=programme_slug pk=axis",
        "l x x x x x x x x x",
        "l d b d d d d d d b",
    ),
    "operators:axis_move": (
        "slug=programme_slug pk=axis",
        "l x x x x x x x x x",
        "l d r d d d d d d r",
    ),
    "operators:axis_delete": (
        "slug=programme_slug pk=axis",
        "l x x x x x x x x x",
        "l d r d d d d d d r",
    ),
    "operators:configuration_download": (
        "slug=programme_slug",
        "l d o d d d d d d o",
        "l x x x x x x x x x",
    ),
    "operators:configuration_import": (
        "slug=programme_slug",
        "l d o d d d d d d o",
        "l d b d d d d d d b",
    ),
    "operators:configuration_import_confirm": (
        "slug=programme_slug",
        "l x x x x x x x x x",
        "l d r d d d d d d r",
    ),
    "operators:programme_create_from_file": ("", "l x x x x x x x x x", "l d d d d d d d d b"),
    "operators:programme_logo": (
        "slug=programme_slug",
        "d d d d d d d d d d",
        "x x x x x x x x x x",
    ),
}
