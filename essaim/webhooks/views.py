"""A partner's webhooks, from "Mon espace": their subscriptions, each with its delivery log.
Only the owner sees a subscription (anyone else: 404)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from essaim.core import history
from essaim.core.forms import add_service_errors
from essaim.webhooks import rules, services
from essaim.webhooks.delivery import BACKOFF, MAX_ATTEMPTS
from essaim.webhooks.forms import SubscriptionCreateForm, SubscriptionEditForm
from essaim.webhooks.models import Delivery, Subscription

LOG_ROWS = 50


def _subscription(request, pk: int) -> Subscription:
    return get_object_or_404(
        Subscription.objects.owned_by(request.user).select_related("programme"), pk=pk
    )


@require_safe
def subscription_list(request):
    subscriptions = list(
        Subscription.objects.owned_by(request.user).select_related("programme")[:100]
    )
    return render(
        request,
        "webhooks/subscription_list.html",
        {"subscriptions": subscriptions, "may_register": rules.may_use_webhooks(request.user)},
    )


def subscription_create(request):
    if not rules.may_use_webhooks(request.user):
        raise PermissionDenied(_("Les webhooks sont ouverts aux équipes des programmes."))
    form = SubscriptionCreateForm(
        request.POST or None, programmes=rules.programmes_for(request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            subscription = services.subscription_create(
                user=request.user,
                programme=data["programme"],
                url=data["url"],
                events=data["events"],
                name=data["name"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Abonnement créé. Affichez son secret pour vérifier les signatures.")
            )
            return redirect("webhooks:detail", pk=subscription.pk)
    return render(
        request,
        "webhooks/subscription_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def _pause(pause) -> str:
    minutes = int(pause.total_seconds() // 60)
    return _("%(n)s min") % {"n": minutes} if minutes < 60 else _("%(n)s h") % {"n": minutes // 60}


def _detail(request, subscription, form, *, secret: str = "", status: int = 200):
    deliveries = list(
        Delivery.objects.filter(subscription=subscription).order_by("-created_at", "-pk")[:LOG_ROWS]
    )
    return render(
        request,
        "webhooks/subscription_detail.html",
        {
            "subscription": subscription,
            "form": form,
            "deliveries": deliveries,
            "secret": secret,
            "former_secret_until": (
                subscription.previous_secret_expires_at
                if len(subscription.signing_secrets(timezone.now())) > 1
                else None
            ),
            "grace_hours": settings.WEBHOOKS_SECRET_GRACE_HOURS,
            "max_attempts": MAX_ATTEMPTS,
            "timeout": settings.WEBHOOKS_TIMEOUT,
            "pauses": ", ".join(_pause(pause) for pause in BACKOFF),
            "history_rows": history.history_rows(subscription, limit=20),
        },
        status=status,
    )


def _edit_form(subscription, data=None) -> SubscriptionEditForm:
    initial = {
        "name": subscription.name,
        "url": subscription.url,
        "events": subscription.events,
        "active": subscription.active,
    }
    return SubscriptionEditForm(data, initial=initial)


def subscription_detail(request, pk: int):
    subscription = _subscription(request, pk)
    form = _edit_form(subscription, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.subscription_update(
                user=request.user,
                subscription=subscription,
                url=data["url"],
                events=data["events"],
                name=data["name"],
                active=data["active"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Abonnement enregistré."))
            return redirect("webhooks:detail", pk=subscription.pk)
    return _detail(request, subscription, form, status=400 if request.method == "POST" else 200)


@require_POST
def subscription_secret(request, pk: int):
    """The signing secret, shown on demand (a POST: never in a link, a log or a cache)."""
    subscription = _subscription(request, pk)
    response = _detail(request, subscription, _edit_form(subscription), secret=subscription.secret)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def subscription_secret_rotate(request, pk: int):
    """A new signing secret, shown once; the former one still signs during the grace period."""
    subscription = services.subscription_secret_rotate(
        user=request.user, subscription=_subscription(request, pk)
    )
    messages.success(
        request,
        _(
            "Nouveau secret créé : copiez-le maintenant. Jusqu'à la fin de la période de "
            "transition, chaque envoi est signé avec le nouveau et l'ancien secret."
        ),
    )
    response = _detail(request, subscription, _edit_form(subscription), secret=subscription.secret)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def delivery_replay(request, pk: int):
    delivery = get_object_or_404(
        Delivery.objects.filter(
            subscription__in=Subscription.objects.owned_by(request.user)
        ).select_related("subscription"),
        pk=pk,
    )
    try:
        services.delivery_replay(user=request.user, delivery=delivery)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Envoi rejoué : une nouvelle tentative part maintenant."))
    return redirect("webhooks:detail", pk=delivery.subscription_id)
