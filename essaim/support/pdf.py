"""A support plan as a PDF for a steering committee (WeasyPrint, from an HTML template): the axes
with their progress, every action with its status and budget, the late items, the next
meetings."""

from django.template.loader import render_to_string
from django.utils import timezone

from essaim.support import queries
from essaim.support.models import Action, SupportPlan


def plan_html(plan: SupportPlan) -> str:
    today = timezone.localdate()
    progress = queries.plan_progress(plan, today)
    actions = list(
        Action.objects.filter(plan=plan)
        .select_related("axis", "lead_organisation", "challenge")
        .order_by("axis__position", "due_on", "pk")
    )
    by_axis: dict[int, list[Action]] = {}
    for action in actions:
        action.late = action.is_late_on(today)
        by_axis.setdefault(action.axis_id, []).append(action)
    return render_to_string(
        "support/plan_pdf.html",
        {
            "plan": plan,
            "today": today,
            "progress": progress.overall,
            "sections": [
                {"axis": r.axis, "progress": r.progress, "actions": by_axis.get(r.axis.pk, [])}
                for r in progress.axes
            ],
            "late": [a for a in actions if a.late],
            "blocked": [a for a in actions if a.status == "blocked"],
            "next_meetings": plan.meetings.filter(held_on__gte=today).order_by("held_on")[:5],
            "next_milestones": plan.milestones.filter(reached_on__isnull=True).order_by("due_on")[
                :10
            ],
        },
    )


def plan_pdf(plan: SupportPlan) -> bytes:
    from weasyprint import HTML

    return HTML(string=plan_html(plan)).write_pdf()
