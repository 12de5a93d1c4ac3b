"""Rows of the permission matrix (``permission_matrix.PAGES``, same columns and letters) for a
programme's knowledge-base categories and referenced financing instruments, run by its admins
(``essaim.operators.progdata_views``). The POSTs carry no data: a missing instrument is a 404
(``d``) even for the admin, a missing title a 422 (``b``)."""

PROGDATA_PAGES: dict[str, tuple[str, str | None, str | None]] = {
    "operators:categories": ("slug=programme_slug", "l d o d d d d d d o", "l d b d d d d d d b"),
    "operators:category_update": (
        "slug=programme_slug pk=kb_category",
        "l x x x x x x x x x",
        "l d b d d d d d d b",
    ),
    "operators:category_move": (
        "slug=programme_slug pk=kb_category",
        "l x x x x x x x x x",
        "l d r d d d d d d r",
    ),
    "operators:category_delete": (
        "slug=programme_slug pk=kb_category",
        "l x x x x x x x x x",
        "l d r d d d d d d r",
    ),
    "operators:instruments": ("slug=programme_slug", "l d o d d d d d d o", "l x x x x x x x x x"),
    "operators:instrument_add": (
        "slug=programme_slug",
        "l x x x x x x x x x",
        "l d d d d d d d d d",
    ),
    "operators:instrument_remove": (
        "slug=programme_slug",
        "l x x x x x x x x x",
        "l d d d d d d d d d",
    ),
}
