from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render

from essaim.actors.models import Organisation


@login_not_required
def directory(request):
    return render(
        request, "actors/directory.html", {"organisations": Organisation.objects.all()[:50]}
    )


@login_not_required
def organisation_detail(request, pk: int):
    organisation = get_object_or_404(Organisation, pk=pk)
    return render(request, "actors/organisation_detail.html", {"organisation": organisation})
