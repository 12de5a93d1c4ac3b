"""The demo data set: the French Impact programme — real facts from
``data/french-impact-2019.yaml``, and fictitious people and figures (marked as such) — and a
second, wholly fictitious programme, "Innovation sociale en Nouvelle-Aquitaine (fictif)", with its
own staff, so that every demo and test run has two programmes side by side (programme scoping).

Demo data is a composition of every app, so it sits above them all, in this package: one module
per app (``essaim.demo.<app>``) with ``load(ctx)`` (French Impact) and, for the apps the second
programme uses, ``load_regional(ctx)``; they run in the flow's order, each in its own
transaction, French Impact first, and only when the recorded data set version differs, so a second
``essaim demo`` start skips loading. Loaders must be idempotent all the same (get-or-create by
natural keys): ``load_demo(force=True)`` on a loaded database adds no row.
"""

import hashlib
import importlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from essaim.actors.services import organisation_reindex_all
from essaim.core.models import DemoDataset, HistoryEvent

DEMO_PASSWORD = "essaim-demo-2019"  # noqa: S105 - the demo's published password
DEMO_ACCOUNTS = [
    ("admin@demo.essaim.fr", _("administrateur du programme")),
    ("instructeur@demo.essaim.fr", _("instructeur")),
    ("expert@demo.essaim.fr", _("expert (partenaire Avise)")),
    ("porteur@demo.essaim.fr", _("référent du collectif Nouvelle-Aquitaine")),
    ("projet@demo.essaim.fr", _("porteur de projet")),
    ("financeur@demo.essaim.fr", _("financeur")),
    ("guichet@demo.essaim.fr", _("agent du guichet unique")),
    ("entreprise@demo.essaim.fr", _("entreprise engagée")),
    # The second, fictitious programme's staff: their roles are scoped to it only.
    ("admin-region@demo.essaim.fr", _("administrateur du programme régional (fictif)")),
    ("instructeur-region@demo.essaim.fr", _("instructeur du programme régional (fictif)")),
    ("guichet-region@demo.essaim.fr", _("agent du guichet unique régional (fictif)")),
]
DATA_DIR = Path(__file__).parent / "data"
REFERENCE_FILE = DATA_DIR / "french-impact-2019.yaml"

# The apps whose demo.py contributes, in the order of the programme's flow.
LOADERS = [
    "essaim.demo.geo",
    "essaim.demo.actors",
    "essaim.demo.calls",
    "essaim.demo.accounts",
    "essaim.demo.applications",
    "essaim.demo.reviews",
    "essaim.demo.labels",
    "essaim.demo.support",
    "essaim.demo.projects",
    "essaim.demo.network",
    "essaim.demo.financing",
    "essaim.demo.regulatory",
    "essaim.demo.operators",
    "essaim.demo.synergies",
    "essaim.demo.impact",
    # Support's axes 4 to 6 link to synergies' and impact's objects: after both.
    "essaim.demo.support_links",
    # The portal's news, last: they link to the pages the others made.
    "essaim.demo.news",
]
# The apps with a part in the second, fictitious programme (``load_regional``), in flow order.
REGIONAL_LOADERS = [
    "essaim.demo.geo",
    "essaim.demo.actors",
    "essaim.demo.calls",
    "essaim.demo.accounts",
    "essaim.demo.applications",
    "essaim.demo.labels",
    "essaim.demo.support",
    "essaim.demo.projects",
    "essaim.demo.financing",
    "essaim.demo.regulatory",
    "essaim.demo.impact",
    "essaim.demo.news",
]


@dataclass
class DemoContext:
    reference: dict[str, Any]
    stdout: Any = None
    objects: dict[str, Any] = field(default_factory=dict)

    def say(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message + "\n")
            self.stdout.flush()


def dataset_version() -> str:
    """Changes whenever the reference file, a loader or a shipped data file changes."""
    digest = hashlib.sha256(REFERENCE_FILE.read_bytes())
    for name in LOADERS:
        module = importlib.import_module(name)
        digest.update(Path(module.__file__).read_bytes())
    package = Path(__file__).resolve().parent.parent
    data_files = [*DATA_DIR.glob("**/*"), *package.glob("geo/data/*.json.gz")]
    for path in sorted(p for p in data_files if p.is_file()):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def load_demo(stdout=None, force: bool = False) -> bool:
    """Load the demo data set; return False when the same version is already loaded."""
    version = dataset_version()
    current = DemoDataset.objects.filter(name="french-impact").first()
    if current and current.version == version and not force:
        if stdout is not None:
            stdout.write(f"Demo data already loaded (version {version}).\n")
        return False
    ctx = DemoContext(reference=yaml.safe_load(REFERENCE_FILE.read_text()), stdout=stdout)
    steps = [(name, "load") for name in LOADERS]
    steps += [(name, "load_regional") for name in REGIONAL_LOADERS]
    for name, function in steps:
        started = time.monotonic()
        module = importlib.import_module(name)
        with transaction.atomic():
            getattr(module, function)(ctx)
        step = name.split(".")[-1] + (" (régional)" if function == "load_regional" else "")
        ctx.say(f"  {step:<25} {time.monotonic() - started:5.1f} s")
    # Loaders write organisations in bulk; index them all once for the directory search.
    organisation_reindex_all()
    DemoDataset.objects.update_or_create(name="french-impact", defaults={"version": version})
    return True


def history_bulk_create(events) -> None:
    """Insert demo history rows in bulk, keeping the ``at`` dates of the story they tell (the
    field is ``auto_now_add``: switched off for the insert, restored right after)."""
    field = HistoryEvent._meta.get_field("at")
    field.auto_now_add = False
    try:
        HistoryEvent.objects.bulk_create(events)
    finally:
        field.auto_now_add = True
