"""Rows of the permission matrix (``permission_matrix.PAGES``, same columns and letters) for the
programmes' news, the Atom feed and the sitemap. The objects asked about: the demo's first French
Impact post (``news_slug``, published) and a French Impact draft with an image (``news_draft``,
``news_draft_slug``). The team's pages are open to any programme's staff ("other" writes its own
programme's news) but a post of French Impact is only French Impact's team's (404 for "other");
the single-window officer is not on the team that writes news."""

NEWS_PAGES: dict[str, tuple[str, str | None, str | None]] = {
    "portal:news_list": ("", "o o o o o o o o o o", "x x x x x x x x x x"),
    "portal:news_feed": ("", "o o o o o o o o o o", "x x x x x x x x x x"),
    "portal:news_detail": ("slug=news_slug", "o o o o o o o o o o", "x x x x x x x x x x"),
    "portal:news_image": ("slug=news_draft_slug", "d d o o d d d d d o", "x x x x x x x x x x"),
    "portal:news_manage": ("", "l o o o d d d d d o", "l x x x x x x x x x"),
    "portal:news_create": ("", "l o o o d d d d d o", "l b b b d d d d d b"),
    "portal:news_edit": ("pk=news_draft", "l d o o d d d d d o", "l d b b d d d d d b"),
    "portal:news_status": (
        "pk=news_draft name=:publier",
        "l x x x x x x x x x",
        "l d r r d d d d d r",
    ),
    "portal:sitemap": ("", "o o o o o o o o o o", "x x x x x x x x x x"),
    "portal:sitemap_section": ("section=:actualites", "o o o o o o o o o o", "x x x x x x x x x x"),
}
