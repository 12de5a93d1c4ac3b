"""``essaim tickets remind``: service-level reminders for overdue tickets."""

from django.core.management.base import BaseCommand

from essaim.regulatory.services import ticket_reminders_send


class Command(BaseCommand):
    help = "Single window tickets: send the reminders of overdue tickets."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("remind", help="remind officers of overdue tickets (once a day)")

    def handle(self, *args, **options):
        count = ticket_reminders_send()
        self.stdout.write(f"{count} saisine(s) en retard relancée(s).")
