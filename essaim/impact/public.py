"""What impact adds to pages of the steps below it, through their hooks (registered in
``ImpactConfig.ready``): the links of a labelled territory's public page to its published
figures and report (``labels.hooks.territory_page_links``), and the way from a project's page to
its indicator plan (``projects.hooks.project_editor_sections``)."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from essaim.impact import rules
from essaim.impact.checks import label_criteria
from essaim.impact.models import Report, ReportStatus, YearlyFigure
from essaim.labels.models import Label


def territory_links(*, label, user) -> list[dict]:
    """Public links only: the territory's published figures when some are, its latest published
    evaluation report. Two queries."""
    links = []
    if YearlyFigure.objects.filter(label=label, count__gt=0).exists():
        query = urlencode({"programme": label.programme.slug, "territoire": label.perimeter.slug})
        links.append(
            {
                "label": _("Les chiffres d'impact publiés du territoire"),
                "url": f"{reverse('impact:open_data')}?{query}",
            }
        )
    report = (
        Report.objects.filter(label=label, published_at__isnull=False, status=ReportStatus.DONE)
        .order_by("-year", "-published_at")
        .first()
    )
    if report is not None:
        links.append(
            {
                "label": _("Le rapport d'évaluation %(year)s du territoire")
                % {"year": report.year},
                "url": report.get_absolute_url(),
            }
        )
    return links


def project_section(*, request, project) -> dict | None:
    """On the page of a project its editor reads: the way to its indicator plan, when the project
    is in a labelled territory whose plan the reader may change."""
    labels = (
        Label.objects.filter(label_criteria(project), status="valid")
        .select_related("application")
        .order_by("pk")
    )
    if not any(
        rules.can_plan_project(request.user, label=label, project=project) for label in labels
    ):
        return None
    return {"template": "impact/_project_section.html", "project": project}
