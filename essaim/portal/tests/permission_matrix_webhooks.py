"""The permission matrix's rows of the webhooks pages (``permission_matrix.py`` merges them; same
columns and letters). The subscription asked about (``webhook``) and its failed delivery
(``webhook_delivery``) belong to French Impact's admin: anybody else gets a 404. Registering
needs a staff role in some programme (admins, instructors, officers — of any programme)."""

WEBHOOKS_PAGES: dict[str, tuple[str, str | None, str | None]] = {
    "webhooks:list": ("", "l o o o o o o o o o", "l x x x x x x x x x"),
    "webhooks:create": ("", "l o o o o d d d d o", "l b b b b d d d d b"),
    "webhooks:detail": ("pk=webhook", "l d o d d d d d d d", "l d b d d d d d d d"),
    "webhooks:secret": ("pk=webhook", "l x x x x x x x x x", "l d o d d d d d d d"),
    "webhooks:secret_rotate": ("pk=webhook", "l x x x x x x x x x", "l d o d d d d d d d"),
    "webhooks:replay": ("pk=webhook_delivery", "l x x x x x x x x x", "l d r d d d d d d d"),
}
