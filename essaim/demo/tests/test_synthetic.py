"""``essaim generate``: the synthetic data set of the benchmarks (``essaim.demo.synthetic``)."""

import io

import pytest
from django.db import transaction
from django.db.models import Sum

from essaim.accounts.models import User
from essaim.actors.models import Organisation
from essaim.applications.models import Application
from essaim.calls.models import Programme
from essaim.demo.synthetic import generate, sizes
from essaim.demo.synthetic.base import Run
from essaim.demo.synthetic.command import main
from essaim.impact.models import Measurement, YearlyFigure
from essaim.labels.models import Label
from essaim.projects.models import Project
from essaim.regulatory.models import Ticket

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def fingerprint() -> dict:
    """What the same seed must reproduce (primary keys and creation times aside)."""
    return {
        "applications": list(
            Application.objects.order_by("reference").values_list(
                "reference", "status", "title", "perimeter__name", "wave__number", "answers"
            )
        ),
        "organisations": list(Organisation.objects.order_by("name").values_list("name", "kind")),
        "projects": list(Project.objects.order_by("title").values_list("title", "is_published")),
        "tickets": list(Ticket.objects.order_by("number").values_list("number", "state")),
        "measurements": Measurement.objects.aggregate(total=Sum("value"))["total"],
    }


def test_small_scale_makes_the_scaled_counts_and_the_key_pages_answer(client):
    wanted = sizes("small")
    assert wanted["applications"] == 1000 and wanted["measurements"] == 20_000
    out = io.StringIO()
    assert main(["--scale", "small", "--no-migrate"], stdout=out) == 0
    programme = Programme.objects.get(slug="synthetique")
    assert "données générées" in programme.name
    assert Application.objects.filter(call__programme=programme).count() == 1000
    assert Organisation.objects.filter(is_fictitious=True).count() == 500
    assert Project.objects.count() == 200
    assert Ticket.objects.filter(programme=programme).count() == 500
    assert Measurement.objects.count() == 20_000
    assert Label.objects.filter(programme=programme).count() == 3  # 60 % of 5 territories
    # The yearly summary holds every published measurement: aggregates read the right totals.
    assert YearlyFigure.objects.aggregate(n=Sum("count"))["n"] == 20_000
    assert "measurements" in out.getvalue() and "20,000 rows" in out.getvalue()

    territory = Label.objects.filter(programme=programme).first().perimeter.name
    for url in ["/", "/territoires/", "/projets/", "/annuaire/", "/api/v1/labels"]:
        response = client.get(url)
        assert response.status_code == 200, url
    assert territory in client.get("/territoires/").content.decode()
    client.force_login(User.objects.get(email="instructeur@synthetique.invalid"))
    assert client.get("/avis/instruction/").status_code == 200


def test_the_same_seed_gives_the_same_rows_another_seed_others():
    runs = []
    for seed in (7, 7, 8):
        with pytest.raises(Rollback), transaction.atomic():
            generate(scale="small", factor=0.1, seed=seed)
            runs.append(fingerprint())
            raise Rollback
    assert runs[0] == runs[1]
    assert runs[0]["applications"] and runs[0] != runs[2]


def test_a_database_with_real_data_is_refused_unless_forced(capsys):
    Organisation.objects.create(name="Une vraie association", kind="association")
    assert main(["--scale", "small", "--factor", "0.1", "--no-migrate"]) == 2
    assert "données réelles" in capsys.readouterr().err
    assert not Programme.objects.filter(slug="synthetique").exists()

    assert main(["--scale", "small", "--factor", "0.1", "--no-migrate", "--force"]) == 0
    assert Programme.objects.filter(slug="synthetique").exists()
    # Twice in the same database: refused, nothing added.
    before = Application.objects.count()
    assert main(["--scale", "small", "--factor", "0.1", "--no-migrate", "--force"]) == 2
    assert "déjà" in capsys.readouterr().err
    assert Application.objects.count() == before


def test_bad_options_are_refused_clearly(capsys):
    assert main(["--scale", "small", "--factor", "0", "--no-migrate"]) == 2
    assert "facteur" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--scale", "galactic", "--no-migrate"])
    assert "invalid choice" in capsys.readouterr().err


def test_each_step_prints_its_rank_as_it_starts():
    out = io.StringIO()
    run = Run(counts={}, seed=1, stdout=out, steps_total=2)
    run.step("first", lambda: 3)
    run.step("second", lambda: 0)
    lines = out.getvalue().splitlines()
    assert lines[0] == "[1/2] first…" and lines[2] == "[2/2] second…"
    assert lines[1].split() == ["first", "3", "rows", lines[1].split()[3], "s"]
