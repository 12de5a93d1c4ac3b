from django.core.management.base import BaseCommand

from essaim.actors.services import organisation_reindex_all


class Command(BaseCommand):
    help = (
        "Refresh the search columns (search_text, and search_vector on PostgreSQL) of every "
        "organisation, e.g. after a bulk import that bypassed the services."
    )

    def handle(self, *args, **options):
        count = organisation_reindex_all()
        self.stdout.write(f"{count} organisations indexed.")
