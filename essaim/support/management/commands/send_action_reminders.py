"""Send today's reminders about support-plan actions (for cron), or queue the background task."""

from django.core.management.base import BaseCommand

from essaim.support.reminders import send_action_reminders
from essaim.support.tasks import send_action_reminders as reminders_task


class Command(BaseCommand):
    help = "Remind territories of support-plan actions due soon or late (once per day per action)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="queue the background task instead"
        )

    def handle(self, *args, **options):
        if options["enqueue"]:
            result = reminders_task.enqueue()
            self.stdout.write(f"Queued task {result.id}.")
            return
        self.stdout.write(f"{send_action_reminders()} action(s) reminded.")
