"""``essaim send_review_reminders``: run it daily from cron (or enqueue the task with
``--enqueue`` for the worker). Running it twice the same day sends nothing twice."""

from django.core.management.base import BaseCommand

from essaim.reviews.services import review_reminders_send
from essaim.reviews.tasks import reminder_days_before, send_review_reminders


class Command(BaseCommand):
    help = "Remind experts of opinions due soon or overdue (at most once a day per request)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days-before",
            type=int,
            default=None,
            help="remind this many days before the deadline (default: setting, else 3)",
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="queue the task for the worker instead"
        )

    def handle(self, *args, **options):
        if options["enqueue"]:
            result = send_review_reminders.enqueue()
            self.stdout.write(f"Queued: {result.id}")
            return
        days = options["days_before"]
        sent = review_reminders_send(days_before=reminder_days_before() if days is None else days)
        self.stdout.write(
            f"Reminders sent: {sent['soon']} before the deadline, {sent['overdue']} overdue."
        )
