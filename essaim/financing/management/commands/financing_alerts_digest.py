"""Send the financing alert digests now (for cron), or queue them as a background task."""

from django.core.management.base import BaseCommand

from essaim.financing.alerts import send_digests
from essaim.financing.tasks import send_alert_digests


class Command(BaseCommand):
    help = "Send the financing alert digests (new or changed instruments matching projects)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="queue the background task instead"
        )

    def handle(self, *args, **options):
        if options["enqueue"]:
            result = send_alert_digests.enqueue()
            self.stdout.write(f"Queued task {result.id}.")
            return
        self.stdout.write(f"{send_digests()} digest(s) sent.")
