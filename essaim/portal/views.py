from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from essaim.core import cache
from essaim.portal.queries import home_context, programme_context, programme_summaries

# The home page shows the programmes and open calls, the labels' and directory's figures, news.
HOME_TOPICS = (cache.PROGRAMME, cache.LABELS, cache.DIRECTORY, cache.NEWS)


@login_not_required
def home(request):
    """Identical for every visitor: its body is cached (``essaim.core.cache``)."""
    body = cache.fragment(
        "home",
        topics=HOME_TOPICS,
        render=lambda: render_to_string("portal/_home_body.html", home_context()),
    )
    return render(request, "portal/home.html", {"body": body})


@login_not_required
def accessibility(request):
    return render(request, "portal/accessibility.html")


@login_not_required
def legal(request):
    return render(request, "portal/legal.html")


@login_not_required
@require_GET
def programme_list(request):
    return render(request, "portal/programme_list.html", {"programmes": programme_summaries()})


@login_not_required
@require_GET
def programme_detail(request, slug: str):
    programme = get_object_or_404(
        programme_summaries().select_related("owner", "expert_partner"), slug=slug[:50]
    )
    return render(request, "portal/programme_detail.html", programme_context(programme))
