"""``essaim tickets remind``: service-level reminders for overdue tickets."""

from django.core.management.base import BaseCommand

from essaim.regulatory.services import ticket_reminders_send
from essaim.regulatory.tasks import ticket_reminders_periodic


class Command(BaseCommand):
    help = "Single window tickets: send the reminders of overdue tickets."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        remind = sub.add_parser("remind", help="remind officers of overdue tickets (once a day)")
        remind.add_argument(
            "--schedule",
            action="store_true",
            help="also queue the periodic reminder task (it re-schedules itself)",
        )

    def handle(self, *args, **options):
        count = ticket_reminders_send()
        self.stdout.write(f"{count} saisine(s) en retard relancée(s).")
        if options["schedule"]:
            ticket_reminders_periodic.enqueue()
