from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

from essaim.portal.queries import home_context


@login_not_required
def home(request):
    return render(request, "portal/home.html", home_context())


@login_not_required
def accessibility(request):
    return render(request, "portal/accessibility.html")


@login_not_required
def legal(request):
    return render(request, "portal/legal.html")
