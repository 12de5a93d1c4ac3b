"""Fill the applications' expert-request columns (``review_deadline``, ``reviews_open``,
``reviews_submitted``, and ``instruction_deadline`` where a request is outstanding) from the requests: the
rule of ``services.application_reviews_refresh``."""

from django.db import migrations
from django.db.models import Count, Min, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

OPEN = ["requested", "accepted"]


def fill(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    ReviewRequest = apps.get_model("reviews", "ReviewRequest")
    Wave = apps.get_model("calls", "Wave")
    requests = ReviewRequest.objects.filter(application=OuterRef("pk")).order_by()
    outstanding = requests.filter(status__in=OPEN).values("application")
    given = requests.filter(status="submitted").values("application")
    first = Subquery(outstanding.annotate(first=Min("deadline")).values("first"))
    committee = Wave.objects.filter(pk=OuterRef("wave_id")).values("committee_on")[:1]
    Application.objects.filter(pk__in=ReviewRequest.objects.values("application")).update(
        review_deadline=first,
        instruction_deadline=Coalesce(first, Subquery(committee)),
        reviews_open=Coalesce(Subquery(outstanding.annotate(n=Count("pk")).values("n")), Value(0)),
        reviews_submitted=Coalesce(Subquery(given.annotate(n=Count("pk")).values("n")), Value(0)),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0002_alter_reviewrequest_last_reminder_at"),
        ("applications", "0004_queue_summary_columns"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
