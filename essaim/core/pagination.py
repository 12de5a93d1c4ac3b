"""Pagination of HTML list pages: one rule for ``?page=``.

No parameter (or an empty one) is the first page; a positive integer within range is that page;
anything else — ``abc``, ``0``, ``-1``, a page past the last — answers 404, rather than quietly
showing another page (Django's ``Paginator.get_page`` clamps, so a URL with a page that does not
exist would answer 200 with other content). The API paginates on its own (``core.api``).
"""

from django.core.paginator import InvalidPage, Page, Paginator
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _


def paginate(request: HttpRequest, object_list, per_page: int, *, count: int | None = None) -> Page:
    """The page of ``object_list`` that ``request``'s ``?page=`` asks for (404 when there is no
    such page). ``count``, when the caller knows it, saves the ``COUNT`` query."""
    paginator = Paginator(object_list, per_page)
    if count is not None:
        paginator.count = count
    raw = request.GET.get("page", "")
    if raw == "":
        return paginator.page(1)
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        raise Http404(_("Page introuvable."))
    try:
        return paginator.page(int(raw))
    except InvalidPage:
        raise Http404(_("Page introuvable.")) from None
