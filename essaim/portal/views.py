from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from essaim.portal.queries import home_context, programme_context, programme_summaries


@login_not_required
def home(request):
    return render(request, "portal/home.html", home_context())


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
