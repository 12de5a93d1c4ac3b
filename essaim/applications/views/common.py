"""What the applicant's pages share: the application the user may see, the detail page's
context (also behind the forms re-shown with errors), service errors turned into messages or form
errors."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404

from essaim.applications import forms, queries, rules
from essaim.applications.completeness import missing_items
from essaim.applications.hooks import application_links
from essaim.applications.models import (
    Application,
)
from essaim.applications.services import allowed_transitions
from essaim.applications.workflow import EDITABLE_STATES, Status
from essaim.calls.formengine import FormEngine


def visible_application(request, pk: int) -> Application:
    return get_object_or_404(
        Application.objects.visible_to(request.user).select_related(
            "call__programme",
            "perimeter",
            "collective",
            "form_version",
            "wave",
            "cutoff",
            "decision",
            "label",
        ),
        pk=pk,
    )


def errors_to_messages(request, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                messages.error(request, error if field == "__all__" else f"{error}")
    else:
        for error in exc.messages:
            messages.error(request, error)


def detail_context(request, application: Application) -> dict:
    """What the detail page and its includes need; ``review`` reuses the includes."""
    role = rules.applicant_role(request.user, application)
    is_staff = rules.can_instruct(request.user, application)
    members = application.collective.members.select_related("organisation")
    transitions = allowed_transitions(application, request.user)
    return {
        "application": application,
        "status_label": queries.status_label(queries.shown_status(request.user, application)),
        "decision": queries.decision_visible_to(request.user, application),
        "role": role,
        "is_staff": is_staff,
        "can_edit": rules.can_edit_application(request.user, application),
        "members": members,
        "people": application.people.select_related("user").order_by("-is_lead", "email"),
        "challenges": application.challenges.all(),
        "sections": FormEngine(application.form_version.schema).readonly(application.answers),
        "attachments": application.attachments.order_by("uploaded_at"),
        "thread": application.messages.select_related("author"),
        "history_rows": queries.history_rows_visible_to(request.user, application),
        "transitions": [
            (t, forms.TransitionForm(auto_id=f"id_{t.name}_%s", transition=t)) for t in transitions
        ],
        "missing": missing_items(application) if application.status in EDITABLE_STATES else [],
        "show_thread": role.is_applicant or is_staff,
        "message_form": forms.MessageForm(),
        "outcome_links": _outcome_links(request.user, application),
        "change_request": queries.pending_change_request(application),
    }


def _outcome_links(user, application: Application) -> list[dict]:
    """The label, its certificate and the support plan, once the application is labelled
    (given by the later steps through the ``application_links`` hook)."""
    if application.status != Status.LABELLED:
        return []
    return [
        link for links in application_links(application=application, user=user) for link in links
    ]
