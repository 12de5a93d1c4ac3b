"""The synthetic data set behind the benchmarks (``essaim generate``): a fictitious programme with
its territories, organisations, projects, applications, labels, tickets and measurements, written
in bulk (no per-row service call, no history rows: the pages read none for these objects).

The same seed and sizes give the same rows (primary keys and creation times aside).
"""

import time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from essaim.actors.models import Organisation
from essaim.applications.models import Application
from essaim.calls.models import Programme
from essaim.core.models import DemoDataset
from essaim.demo.synthetic import field, flow, impact, world
from essaim.demo.synthetic.base import DATASET, PROGRAMME_SLUG, SCALES, Run, sizes
from essaim.projects.models import Project

__all__ = ["SCALES", "generate", "sizes"]

STEPS = [
    ("programme", world.programme),
    ("territories", world.territories),
    ("organisations", world.organisations),
    ("collectives", world.collectives),
    ("applications", flow.applications),
    ("decisions & labels", flow.decisions),
    ("projects", field.projects),
    ("tickets", field.tickets),
    ("indicators", impact.indicators),
    ("measurements", impact.measurements),
    ("yearly figures", impact.yearly_figures),
    ("search vectors", impact.search_vectors),
]


def holds_real_data() -> bool:
    """Whether the database holds data neither the demo nor this generator wrote: a programme,
    application, organisation or project while no demo or synthetic data set is recorded."""
    if DemoDataset.objects.exists():
        return False
    return any(model.objects.exists() for model in (Programme, Application, Organisation, Project))


def check(*, force: bool = False) -> None:
    """Refuse what would mix synthetic rows into a real database or generate twice."""
    if Programme.objects.filter(slug=PROGRAMME_SLUG).exists():
        raise ValidationError(
            _(
                "Cette base contient déjà le programme synthétique : générez dans une base neuve "
                "(ou une base de démonstration)."
            ),
            code="already_generated",
        )
    if not force and holds_real_data():
        raise ValidationError(
            _(
                "Cette base contient des données réelles (programmes, candidatures, organisations "
                "ou projets) : refus d'y ajouter des données synthétiques. Utilisez une base "
                "neuve, ou --force si vous êtes sûr de vous."
            ),
            code="real_data",
        )


def generate(
    *, scale: str, seed: int = 2019, factor: float = 1.0, force: bool = False, stdout=None
):
    """Write the data set; returns the run (its ``timings``: name, rows, seconds per step)."""
    if scale not in SCALES:
        raise ValidationError(
            _("Échelle inconnue : %(scale)s (attendu : %(known)s).")
            % {"scale": scale, "known": ", ".join(SCALES)},
            code="scale",
        )
    if not 0 < factor <= 10:
        raise ValidationError(_("Le facteur doit être compris entre 0 et 10."), code="factor")
    check(force=force)
    run = Run(counts=sizes(scale, factor), seed=seed, stdout=stdout, steps_total=len(STEPS))
    started = time.monotonic()
    with transaction.atomic():
        for name, function in STEPS:
            run.step(name, lambda function=function: function(run))
        DemoDataset.objects.update_or_create(
            name=DATASET, defaults={"version": f"{scale}-x{factor:g}-seed{seed}"}
        )
        committing = time.monotonic()
    # PostgreSQL checks the (deferred) foreign keys of every inserted row at the commit.
    run.record("commit", 0, time.monotonic() - committing)
    run.elapsed = time.monotonic() - started
    return run
