"""The submission receipt (récépissé de dépôt) as a PDF, made with WeasyPrint."""

from django.template.loader import render_to_string
from django.utils import timezone

from essaim.calls.formengine import FormEngine


def receipt_pdf(application) -> bytes:
    """The receipt of the last submission: reference, call, territory, collective, challenges
    and the answers as sent."""
    from weasyprint import HTML

    html = render_to_string(
        "applications/receipt.html",
        {
            "application": application,
            "members": application.collective.members.select_related("organisation"),
            "challenges": application.challenges.all(),
            "sections": FormEngine(application.form_version.schema).readonly(application.answers),
            "generated_at": timezone.now(),
        },
    )
    return HTML(string=html).write_pdf()
