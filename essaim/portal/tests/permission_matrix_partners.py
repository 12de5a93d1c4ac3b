"""Rows of the permission matrix (``permission_matrix.py``, same columns and letters) for the
operators' partner pages: roles ended in collectives and partner organisations, a programme's
partner organisations. Kept apart because the matrix module's size is capped."""

PARTNER_PAGES: dict[str, tuple[str, str | None, str | None]] = {
    "operators:revoke_partner": (
        "slug=programme_slug pk=partner_member",
        "l x x x x x x x x x",
        "l d r d d d d d d r",
    ),
    "operators:partners": ("slug=programme_slug", "l d o d d d d d d o", "l x x x x x x x x x"),
    "operators:partner_add": ("slug=programme_slug", "l x x x x x x x x x", "l d b d d d d d d b"),
    "operators:partner_create": (
        "slug=programme_slug",
        "l x x x x x x x x x",
        "l d b d d d d d d b",
    ),
    "operators:partner_end": (
        "slug=programme_slug pk=partner",
        "l x x x x x x x x x",
        "l d r d d d d d d r",
    ),
    "operators:expert_partner_end": (
        "slug=programme_slug",
        "l x x x x x x x x x",
        "l d r d d d d d d r",
    ),
    "operators:partner_invite": (
        "slug=programme_slug pk=partner_organisation",
        "l x x x x x x x x x",
        "l d b d d d d d d b",
    ),
}
