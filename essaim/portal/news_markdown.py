"""News bodies in Markdown, rendered to HTML that is safe to show to anyone.

Two locks, each enough on its own: markdown-it-py's CommonMark parser with raw HTML turned off
(``<script>`` typed in a post is shown as text) and its link check (no ``javascript:`` or
``data:`` URL), then nh3 (the ammonia sanitiser) keeping only the tags and attributes a post
needs, with ``http``, ``https`` and ``mailto`` links only, each with ``rel="noopener noreferrer"``.
Images are not written in the body (a post has one image, uploaded and checked): an ``![]()`` is
dropped, so a post never loads anything from another site.
"""

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_PARSER = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h2", "h3", "h4", "h5", "h6",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
# A post's body stays below this (the form says so); longer text is cut, never rendered whole.
BODY_MAX_LENGTH = 20000


def _demote_headings(html: str) -> str:
    """The page's ``h1`` is the post's title: ``# Titre`` in a body becomes an ``h2``."""
    return html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")


def render_markdown(text: str) -> SafeString:
    """``text`` (Markdown) as sanitised HTML."""
    html = _demote_headings(_PARSER.render((text or "")[:BODY_MAX_LENGTH]))
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 just above
