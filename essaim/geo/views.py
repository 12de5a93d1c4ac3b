from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render

from essaim.geo.models import Perimeter


@login_not_required
def perimeter_detail(request, slug: str):
    perimeter = get_object_or_404(Perimeter, slug=slug)
    return render(request, "geo/perimeter_detail.html", {"perimeter": perimeter})
