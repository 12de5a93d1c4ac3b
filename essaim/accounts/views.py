from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essaim.accounts import identity, services
from essaim.accounts.forms import ApiTokenForm
from essaim.accounts.models import ApiToken, Membership, TokenAccess
from essaim.accounts.navigation import user_shortcuts


def dashboard(request):
    memberships = (
        Membership.objects.active()
        .filter(user=request.user)
        .select_related("programme", "collective", "organisation")
    )
    memberships = list(memberships)
    return render(
        request,
        "accounts/dashboard.html",
        {
            "memberships": memberships,
            "shortcuts": user_shortcuts(request.user),
            "has_second_factor": identity.has_second_factor(request.user),
            "second_factor_required": identity.second_factor_required(request.user),
        },
    )


def api_tokens(request):
    new_key = None
    form = ApiTokenForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        programme = form.cleaned_data["programme"]
        _token, new_key = services.api_token_create(
            user=request.user,
            name=form.cleaned_data["name"],
            access=form.cleaned_data["access"] or TokenAccess.READ,
            programme_id=programme.pk if programme else None,
        )
        form = ApiTokenForm(user=request.user)
    tokens = (
        ApiToken.objects.filter(user=request.user)
        .select_related("programme")
        .order_by("-created_at")
    )
    return render(
        request, "accounts/api_tokens.html", {"form": form, "tokens": tokens, "new_key": new_key}
    )


@require_POST
def api_token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken.objects.filter(user=request.user), pk=pk)
    services.api_token_revoke(user=request.user, token=token)
    messages.success(request, _("Le jeton %(prefix)s… est révoqué.") % {"prefix": token.prefix})
    return redirect("accounts:api_tokens")


@login_not_required
def former_password_reset_link(request, uidb64: str, token: str):
    """A password-reset link e-mailed before the move to allauth."""
    messages.warning(
        request,
        _("Ce lien n'est plus valable : demandez un nouveau lien ci-dessous."),
    )
    return redirect("account_reset_password")
