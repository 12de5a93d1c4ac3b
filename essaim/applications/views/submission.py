"""Submitting an application: the recap of what will be sent and to whom, then the signatory's
confirmation (disabled, with its reason, while the submission is not possible)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from essaim.applications import rules
from essaim.applications.services import application_transition
from essaim.applications.submission import submission_recap, submitted_message
from essaim.applications.views.common import errors_to_messages, visible_application


def submit(request, pk: int):
    """GET: the recap. POST: submit (or submit again after a request for changes)."""
    application = visible_application(request, pk)
    if not rules.can_prepare_submission(request.user, application):
        raise PermissionDenied
    recap = submission_recap(application, request.user)
    status = 200
    if request.method == "POST":
        if recap.transition is None:
            raise PermissionDenied
        try:
            application_transition(
                application=application, user=request.user, name=recap.transition.name
            )
        except ValidationError as exc:
            messages.error(request, _("La candidature n'a pas été déposée :"))
            errors_to_messages(request, exc)
        except PermissionDenied:
            messages.error(
                request, _("La candidature n'a pas été déposée : seul un signataire le peut.")
            )
        else:
            messages.success(
                request, submitted_message(recap.transition.name, len(recap.receipt_to))
            )
            return redirect("applications:detail", pk=application.pk)
        application.refresh_from_db()
        recap = submission_recap(application, request.user)
        status = 422
    return render(
        request,
        "applications/submit.html",
        {
            "application": application,
            "recap": recap,
            "can_edit": rules.can_edit_application(request.user, application),
            "is_lead": rules.applicant_role(request.user, application).is_lead,
        },
        status=status,
    )
