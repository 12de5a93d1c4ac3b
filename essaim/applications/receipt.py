"""The submission receipt (récépissé de dépôt) as a PDF, made with WeasyPrint."""

from django.template.loader import render_to_string
from django.utils import timezone

from essaim.applications import queries
from essaim.calls.formengine import FormEngine


def receipt_pdf(application, *, user=None) -> bytes:
    """The receipt of the last submission: reference, call, territory, collective, challenges
    and the answers as sent, with the state as ``user`` sees it (``None``: as the applicants
    see it — nothing of an unpublished decision)."""
    from weasyprint import HTML

    status = (
        queries.shown_status(user, application)
        if user is not None
        else queries.applicant_status(application)
    )

    html = render_to_string(
        "applications/receipt.html",
        {
            "application": application,
            "status_label": queries.status_label(status),
            "members": application.collective.members.select_related("organisation"),
            "challenges": application.challenges.all(),
            "sections": FormEngine(application.form_version.schema).readonly(application.answers),
            "generated_at": timezone.now(),
        },
    )
    return HTML(string=html).write_pdf()
