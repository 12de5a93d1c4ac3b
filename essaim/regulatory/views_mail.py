"""Pages of the mail intake: the held mail of the officers' programmes (messages to confirm, shown
apart from the quarantine), and the page where a sender confirms a mail-born ticket. Reads go
through ``QuarantinedMail.objects.visible_to`` (outside one's programmes: 404), writes through
``services_mail``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essaim.calls.models import Programme
from essaim.core import history
from essaim.core.pagination import paginate
from essaim.regulatory import addresses, forms, inbound, mailparse, rules_mail, services_mail
from essaim.regulatory.models import HeldMailKind, QuarantinedMail, QuarantineStatus

PAGE_SIZE = 50


def _require_officer(user) -> None:
    if not rules_mail.can_list_held_mail(user):
        raise PermissionDenied(_("Réservé aux agents du guichet unique."))


def held_mail_counts(user) -> dict:
    """Pending held messages of ``user``'s programmes, by kind."""
    counts = QuarantinedMail.objects.visible_to(user).aggregate(
        **{
            kind: Count("pk", filter=Q(kind=kind, status=QuarantineStatus.PENDING))
            for kind in HeldMailKind.values
        }
    )
    return {kind: counts[kind] or 0 for kind in HeldMailKind.values}


def held_mail_list(request):
    _require_officer(request.user)
    kind = request.GET.get("kind", HeldMailKind.TO_CONFIRM)
    if kind not in HeldMailKind.values:
        kind = HeldMailKind.TO_CONFIRM
    show_all = request.GET.get("status") == "all"
    items = (
        QuarantinedMail.objects.visible_to(request.user)
        .filter(kind=kind)
        .defer("raw")
        .select_related("programme", "ticket")
        .order_by("status", "-received_at", "-pk")
    )
    if not show_all:
        items = items.pending()
    page = paginate(request, items, PAGE_SIZE)
    return render(
        request,
        "regulatory/quarantine_list.html",
        {
            "page": page,
            "kind": kind,
            "show_all": show_all,
            "counts": held_mail_counts(request.user),
            "params": f"kind={kind}" + ("&status=all" if show_all else ""),
        },
    )


def _item(request, pk: int) -> QuarantinedMail:
    _require_officer(request.user)
    return get_object_or_404(
        QuarantinedMail.objects.visible_to(request.user).select_related("programme", "ticket"),
        pk=pk,
    )


def _assignable(user):
    return rules_mail.held_mail_scope(user).filter(
        Programme.objects.exclude(single_window_email="").order_by("name"), "pk"
    )


def held_mail_detail(request, pk: int, bound=None, status=200):
    item = _item(request, pk)
    pending = item.status == QuarantineStatus.PENDING
    context = {
        "item": item,
        "pending": pending,
        "ticket_closed": item.ticket is not None and item.ticket.state == "closed",
        "history": history.history_rows(item),
    }
    if item.kind == HeldMailKind.TO_CONFIRM:
        try:
            context["body"] = mailparse.parse(bytes(item.raw)).body
        except mailparse.UnusableMail:
            context["body"] = ""
    if pending:
        number = item.ticket.number if item.ticket else ""
        attach = forms.HeldMailAttachForm(item=item, prefix="attach", initial={"number": number})
        context.update(
            attach_form=attach,
            discard_form=forms.HeldMailDiscardForm(prefix="discard"),
            assign_form=(
                forms.HeldMailAssignForm(prefix="assign", programmes=_assignable(request.user))
                if item.programme_id is None
                else None
            ),
        )
        if bound is not None:
            context[f"{bound[0]}_form"] = bound[1]
    return render(request, "regulatory/quarantine_detail.html", context, status=status)


@require_POST
def held_mail_action(request, pk: int, name: str):
    item = _item(request, pk)
    user = request.user
    form = None
    try:
        if name == "reprocess":
            result = services_mail.quarantine_reprocess(item=item, user=user)
            if result.status == inbound.QUARANTINED:
                messages.warning(
                    request,
                    _("Toujours inutilisable : %(reason)s") % {"reason": result.quarantine.reason},
                )
            elif result.status == inbound.TO_CONFIRM:
                messages.info(request, _("Message retraité : il est à confirmer."))
            else:
                messages.success(
                    request,
                    _("Message retraité : saisine %(number)s.") % {"number": result.ticket.number},
                )
                return redirect("regulatory:ticket_detail", pk=result.ticket.pk)
        elif name == "attach":
            form = forms.HeldMailAttachForm(request.POST, item=item, prefix="attach")
            if not form.is_valid():
                return held_mail_detail(request, pk, bound=("attach", form), status=422)
            services_mail.held_mail_attach(item=item, user=user, ticket=form.ticket)
            done = _("Message rattaché à la saisine %(number)s.")
            messages.success(request, done % {"number": form.ticket.number})
            return redirect("regulatory:ticket_detail", pk=form.ticket.pk)
        elif name == "file":
            ticket = services_mail.held_mail_file(item=item, user=user)
            messages.success(
                request, _("Nouvelle saisine %(number)s enregistrée.") % {"number": ticket.number}
            )
            return redirect("regulatory:ticket_detail", pk=ticket.pk)
        elif name == "discard":
            form = forms.HeldMailDiscardForm(request.POST, prefix="discard")
            form.is_valid()
            services_mail.held_mail_discard(
                item=item, user=user, comment=form.cleaned_data.get("comment", "")
            )
            messages.success(request, _("Courriel écarté."))
            return redirect("regulatory:quarantine_list")
        elif name == "assign":
            form = forms.HeldMailAssignForm(
                request.POST, prefix="assign", programmes=_assignable(user)
            )
            if not form.is_valid():
                return held_mail_detail(request, pk, bound=("assign", form), status=422)
            services_mail.held_mail_assign(
                item=item, user=user, programme=form.cleaned_data["programme"]
            )
            messages.success(request, _("Courriel confié au programme."))
        else:
            raise Http404(name)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return held_mail_detail(request, pk, status=422)
    return redirect("regulatory:quarantine_detail", pk=item.pk)


def quarantine_raw(request, pk: int):
    """The held message exactly as received (its beginning only when it was too large), as an
    .eml file."""
    item = _item(request, pk)
    response = HttpResponse(bytes(item.raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="courriel-{item.pk}.eml"'
    return response


@login_not_required
def mail_sender_confirm(request, token: str):
    """The link of a mail-born ticket's acknowledgement. Opening it changes nothing (mail
    scanners open links): the sender confirms with the button; when an account has that
    address, they must be signed in with it."""
    try:
        ticket = addresses.ticket_for_sender_token(token)
    except ValidationError as error:
        return render(
            request, "regulatory/mail_sender_confirm.html", {"error": error.messages[0]}, status=404
        )
    account = services_mail.sender_account(ticket)
    needs_login = account is not None and request.user.pk != account.pk
    if request.method == "POST":
        if needs_login:
            return redirect_to_login(request.get_full_path())
        ticket = services_mail.ticket_sender_confirm(token=token, user=request.user)
    return render(
        request,
        "regulatory/mail_sender_confirm.html",
        {
            "ticket": ticket,
            "needs_login": needs_login,
            "confirmed": not ticket.awaiting_sender_confirmation,
            "signed_in_as_author": account is not None and request.user.pk == account.pk,
        },
    )
