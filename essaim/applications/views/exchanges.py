"""Challenges, messages, transitions and files of an application (receipt, attachments)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essaim.applications import forms, rules, workflow
from essaim.applications.models import (
    Attachment,
    Message,
)
from essaim.applications.receipt import receipt_pdf
from essaim.applications.services import application_transition, applying
from essaim.applications.services import challenges as challenge_services
from essaim.applications.views.common import (
    detail_context,
    errors_to_messages,
    visible_application,
)
from essaim.core.forms import add_service_errors


def challenges(request, pk: int, challenge_pk: int | None = None):
    application = visible_application(request, pk)
    if not rules.can_edit_application(request.user, application):
        raise PermissionDenied
    challenge = get_object_or_404(application.challenges, pk=challenge_pk) if challenge_pk else None
    initial = (
        {
            "title": challenge.title,
            "description": challenge.description,
            "lines": "\n".join(challenge.lines),
        }
        if challenge
        else None
    )
    form = forms.ChallengeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            challenge_services.challenge_save(
                user=request.user, application=application, challenge=challenge, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Défi enregistré."))
            return redirect("applications:challenges", pk=application.pk)
    return render(
        request,
        "applications/challenges.html",
        {
            "application": application,
            "challenges": application.challenges.all(),
            "form": form,
            "editing": challenge,
        },
    )


@require_POST
def challenge_remove(request, pk: int, challenge_pk: int):
    application = visible_application(request, pk)
    challenge = get_object_or_404(application.challenges, pk=challenge_pk)
    try:
        challenge_services.challenge_remove(
            user=request.user, application=application, challenge=challenge
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
    return redirect("applications:challenges", pk=application.pk)


@require_POST
def challenge_move(request, pk: int, challenge_pk: int, direction: str):
    application = visible_application(request, pk)
    challenge = get_object_or_404(application.challenges, pk=challenge_pk)
    try:
        challenge_services.challenge_move(
            user=request.user,
            application=application,
            challenge=challenge,
            offset=-1 if direction == "haut" else 1,
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
    return redirect("applications:challenges", pk=application.pk)


# -- messages, transitions, files ----------------------------------------------------------------


@require_POST
def message_create(request, pk: int):
    application = visible_application(request, pk)
    form = forms.MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            applying.message_post(
                user=request.user,
                application=application,
                body=form.cleaned_data["body"],
                attachment=form.cleaned_data.get("attachment"),
            )
        except ValidationError as exc:
            context = detail_context(request, application)
            add_service_errors(form, exc)
            context["message_form"] = form
            return render(request, "applications/detail.html", context, status=422)
        messages.success(
            request,
            _("Votre message est publié dans le fil ; l'équipe du programme en est prévenue.")
            if not rules.can_instruct(request.user, application)
            else _("Votre message est publié dans le fil ; le collectif en est prévenu."),
        )
        return redirect(f"{application.get_absolute_url()}#messages")
    if not rules.can_message(request.user, application):
        raise PermissionDenied
    context = detail_context(request, application)
    context["message_form"] = form
    return render(request, "applications/detail.html", context, status=422)


@require_POST
def transition(request, pk: int, name: str):
    """The one view for every workflow action the table offers (applicant or instructor)."""
    application = visible_application(request, pk)
    transition = workflow.BY_NAME.get(name)
    if transition is None:
        raise Http404(_("Action inconnue : « %(name)s ».") % {"name": name})
    form = forms.TransitionForm(request.POST, transition=transition)
    form.is_valid()
    try:
        application_transition(
            application=application,
            user=request.user,
            name=name,
            comment=form.cleaned_data.get("comment", ""),
            audience=form.cleaned_data.get("audience"),
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, workflow.done_message(name))
    return redirect("applications:detail", pk=application.pk)


def receipt(request, pk: int):
    application = visible_application(request, pk)
    if application.submitted_at is None:
        raise Http404(_("Pas encore déposée : pas de récépissé."))
    if not rules.can_message(request.user, application):
        raise PermissionDenied
    response = HttpResponse(
        receipt_pdf(application, user=request.user), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="recepisse-{application.reference}.pdf"'
    )
    return response


def attachment_download(request, pk: int, attachment_pk: int):
    application = visible_application(request, pk)
    attachment = get_object_or_404(Attachment, application=application, pk=attachment_pk)
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name
    )


def message_attachment(request, pk: int, message_pk: int):
    application = visible_application(request, pk)
    if not rules.can_message(request.user, application):
        raise Http404  # the thread is between the collective and the programme team only
    message = get_object_or_404(Message, application=application, pk=message_pk)
    if not message.attachment:
        raise Http404
    return FileResponse(
        message.attachment.open("rb"),
        as_attachment=True,
        filename=message.attachment_name or "piece-jointe",
    )
