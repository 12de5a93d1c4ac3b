from pathlib import Path

from django.core.management.base import BaseCommand

from essaim.geo.services import geo_load_reference


class Command(BaseCommand):
    help = (
        "Charge (ou met à jour) la géographie officielle : régions, départements, EPCI et "
        "communes du référentiel livré (essaim/geo/data/). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--path", type=Path, default=None, help="autre instantané (.json.gz) à charger"
        )

    def handle(self, *args, path=None, **options):
        report = geo_load_reference(user=None, path=path)
        self.stdout.write(report.summary())
