"""Benchmark: export 100,000 applications of a call (CSV, ZIP of CSV files, XLSX).

Generates a temporary SQLite database (migrated) with one call of 100,000 submitted applications,
each with its collective (three organisations), three challenges and answers to a small form
(a repeatable block included); a tenth of them have an expert opinion (five marks). Then, each in
a fresh Python process (so that the peak resident memory is the export's own):

- baseline: a raw ``cursor.execute`` of the same application rows (joined to their territory and
  collective) dumped with ``csv.writer`` — what the export costs at the very least;
- the CSV export, end to end through Django (middleware, permission, the view, the streamed
  response read to its end): time to first byte, total time, peak resident memory
  (``resource.getrusage``) and, in a second run, the peak of Python allocations (``tracemalloc``,
  which slows the run down, hence not timed);
- the ZIP of CSV files (applications, challenges, members, marks) and the XLSX workbook.

    uv run python bench/export.py [--count 100000]

Targets: the CSV of 100,000 applications under 10 s, peak memory under 200 MB, first byte
within a second.
The last line, ``RESULT {json}``, is the headline read by ``bench/all.py``.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 10.0
TARGET_MB = 200.0
FIRST_BYTE_SECONDS = 1.0
BATCH = 5000

SCHEMA = {
    "sections": [
        {
            "key": "main",
            "title": "Le territoire",
            "fields": [
                {"key": "pitch", "kind": "short_text", "label": "Accroche", "max_length": 200},
                {"key": "story", "kind": "long_text", "label": "Histoire"},
                {"key": "size", "kind": "number", "label": "Taille", "unit": "structures"},
                {"key": "start", "kind": "date", "label": "Début"},
                {
                    "key": "sector",
                    "kind": "choice",
                    "label": "Secteur",
                    "choices": [
                        {"value": "food", "label": "Alimentation"},
                        {"value": "health", "label": "Santé"},
                    ],
                },
                {"key": "ptce", "kind": "yes_no", "label": "PTCE ?"},
                {
                    "key": "defis",
                    "kind": "repeat",
                    "label": "Défis",
                    "item_label": "Défi",
                    "fields": [
                        {"key": "titre", "kind": "short_text", "label": "Titre"},
                        {"key": "budget", "kind": "number", "label": "Budget"},
                    ],
                },
            ],
        }
    ]
}


def setup_django(workdir: Path) -> None:
    os.environ.update(
        {
            "ESSAIM_MODE": "demo",
            "ESSAIM_SQLITE_PATH": str(workdir / "bench.sqlite3"),
            "ESSAIM_VAR_DIR": str(workdir / "var"),
            "ESSAIM_MEDIA_ROOT": str(workdir / "media"),
            "DJANGO_SETTINGS_MODULE": "essaim.settings",
        }
    )
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    import logging

    logging.disable(logging.WARNING)


def generate(count: int) -> None:
    """Bulk insert the call and its ``count`` applications."""
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    call_command("migrate", interactive=False, verbosity=0)
    from django.db import connection

    with connection.cursor() as cursor:  # a throwaway database: no need to wait for the disk
        cursor.execute("PRAGMA synchronous = OFF")
        cursor.execute("PRAGMA journal_mode = MEMORY")
    from essaim.accounts.models import Membership, Role, User
    from essaim.actors.models import Collective, CollectiveMember, CollectiveRole, Organisation
    from essaim.applications.models import Application, Challenge
    from essaim.calls.models import (
        Call,
        Criterion,
        CutOff,
        FormVersion,
        Programme,
        ScoringGrid,
        Wave,
    )
    from essaim.geo.models import Commune, Departement, Perimeter, PerimeterCommune, Region
    from essaim.reviews.models import CriterionMark, ReviewRequest, ReviewStatus

    now = timezone.now()
    with transaction.atomic():
        programme = Programme.objects.create(name="Bench", slug="bench", label_name="Bench")
        call = Call.objects.create(
            programme=programme, title="AMI bench", slug="ami-bench", kind="permanent_ami"
        )
        version = FormVersion.objects.create(call=call, number=1, schema=SCHEMA, published_at=now)
        wave = Wave.objects.create(programme=programme, number=1)
        cutoff = CutOff.objects.create(call=call, date=now.date(), wave=wave)
        grid = ScoringGrid.objects.create(call=call)
        criteria = Criterion.objects.bulk_create(
            Criterion(grid=grid, position=i, title=f"Critère {i}") for i in range(5)
        )
        instructor = User.objects.create_user("instructeur@bench.invalid", "bench-password")
        Membership.objects.create(user=instructor, role=Role.INSTRUCTOR, programme=programme)
        expert = User.objects.create_user("expert@bench.invalid", "bench-password")
        region = Region.objects.create(code="75", name="Nouvelle-Aquitaine")
        departement = Departement.objects.create(code="79", name="Deux-Sèvres", region=region)
        perimeters = Perimeter.objects.bulk_create(
            Perimeter(name=f"Territoire {i}", slug=f"territoire-{i}") for i in range(500)
        )
        communes = Commune.objects.bulk_create(
            Commune(insee=f"79{i:03d}", name=f"Commune {i}", departement=departement, region=region)
            for i in range(500)
        )
        PerimeterCommune.objects.bulk_create(
            PerimeterCommune(perimeter=p, commune=c)
            for p, c in zip(perimeters, communes, strict=True)
        )
        organisations = Organisation.objects.bulk_create(
            Organisation(name=f"Organisation {i}", kind="association", siret="")
            for i in range(3000)
        )
    for start in range(0, count, BATCH):
        stop = min(count, start + BATCH)
        with transaction.atomic():
            collectives = Collective.objects.bulk_create(
                Collective(name=f"Collectif {i}", perimeter=perimeters[i % 500])
                for i in range(start, stop)
            )
            CollectiveMember.objects.bulk_create(
                CollectiveMember(
                    collective=collective,
                    organisation=organisations[(i + k * 1000) % 3000],
                    role=[CollectiveRole.LEAD, CollectiveRole.MEMBER, CollectiveRole.SUPPORTER][k],
                    position=k,
                )
                for i, collective in zip(range(start, stop), collectives, strict=True)
                for k in range(3)
            )
            applications = Application.objects.bulk_create(
                Application(
                    call=call,
                    form_version=version,
                    reference=f"TFI-{i:06d}",
                    title=f"Territoire d'innovation sociale n° {i}",
                    perimeter=collective.perimeter,
                    collective=collective,
                    status="submitted",
                    cutoff=cutoff,
                    wave=wave,
                    submitted_at=now,
                    created_by=instructor,
                    answers={
                        "pitch": f"Un territoire qui coopère, n° {i}",
                        "story": "Des associations, des entreprises et des collectivités. " * 4,
                        "size": i % 50,
                        "start": "2018-09-01",
                        "sector": "food" if i % 2 else "health",
                        "ptce": bool(i % 3),
                        "defis": [{"titre": f"Défi {k}", "budget": 1000 * k} for k in range(3)],
                    },
                )
                for i, collective in zip(range(start, stop), collectives, strict=True)
            )
            Challenge.objects.bulk_create(
                Challenge(
                    application=application,
                    position=k,
                    title=f"Défi {k} du territoire",
                    description="Se nourrir mieux, se déplacer, travailler.",
                    lines=["axe un", "axe deux", "axe trois"],
                )
                for application in applications
                for k in range(3)
            )
            reviews = ReviewRequest.objects.bulk_create(
                ReviewRequest(
                    application=application,
                    expert=expert,
                    requested_by=instructor,
                    deadline=now.date(),
                    status=ReviewStatus.SUBMITTED,
                    recommendation="label",
                    submitted_at=now,
                )
                for application in applications[::10]
            )
            CriterionMark.objects.bulk_create(
                CriterionMark(review=review, criterion=criterion, mark=(review.pk + n) % 5)
                for review in reviews
                for n, criterion in enumerate(criteria)
            )
        print(f"  {stop:,} applications generated", file=sys.stderr, flush=True)


def memory_mb(field: str) -> float:
    """``VmRSS`` (resident now) or ``VmHWM`` (peak resident) of this process, in MB. Unlike
    ``getrusage``'s ``ru_maxrss``, ``VmHWM`` is not inherited from the parent across ``exec``."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(mode: str, trace: bool) -> dict:
    """One export (or the baseline), in this process; returns the figures."""
    import tracemalloc

    from django.test import Client

    from essaim.accounts.models import User
    from essaim.calls.models import Call

    # Warm up as a running server would be: URLs, views and templates imported, session open.
    client = Client()
    instructor = User.objects.get(email="instructeur@bench.invalid")
    client.force_login(instructor)
    # Staff sign in with a second factor (the export pages redirect them otherwise): recorded in
    # the session as allauth records it, as bench/pages.py does.
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "email": instructor.email},
        {"method": "mfa", "at": time.time(), "type": "totp"},
    ]
    session.save()
    call = Call.objects.get(slug="ami-bench")
    assert client.get("/avis/instruction/exports/").status_code == 200  # noqa: S101
    rss_before = memory_mb("VmRSS")
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    first = None
    size = 0
    if mode == "baseline":
        import csv

        from django.db import connection

        class Sink:
            def write(self, text):
                nonlocal size, first
                if first is None:
                    first = time.perf_counter()
                size += len(text.encode())

        writer = csv.writer(Sink(), delimiter=";")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT a.reference, a.title, p.name, c.name, a.status, a.submitted_at, a.answers"
                " FROM applications_application a"
                " JOIN geo_perimeter p ON p.id = a.perimeter_id"
                " JOIN actors_collective c ON c.id = a.collective_id"
                " ORDER BY a.reference"
            )
            while rows := cursor.fetchmany(2000):
                writer.writerows(rows)
    elif mode == "xlsx":
        # A background job since issue 12 (a GET answers 405): started as the export page's
        # button does, then run here as the worker would; the figure is the worker's time.
        from essaim.core.jobs import run_job
        from essaim.reviews.services_exports import call_export_start

        started = time.perf_counter()
        job, _created = call_export_start(user=instructor, call=call, fmt="xlsx", query={})
        run_job.call(job_pk=job.pk)
        job.refresh_from_db()
        assert job.result, job.error  # noqa: S101
        size = job.result.size
    else:
        started = time.perf_counter()
        response = client.get(f"/avis/instruction/exports/{call.pk}.{mode}")
        assert response.status_code == 200, response.status_code  # noqa: S101
        for piece in response.streaming_content:
            if first is None:
                first = time.perf_counter()
            size += len(piece)
    total = time.perf_counter() - started
    peak_traced = tracemalloc.get_traced_memory()[1] / 1024 / 1024 if trace else None
    return {
        "mode": mode,
        "first_byte": (first or time.perf_counter()) - started,
        "total": total,
        "bytes": size,
        "rss_before_mb": rss_before,
        "max_rss_mb": memory_mb("VmHWM"),
        "traced_peak_mb": peak_traced,
    }


def run_child(workdir: Path, mode: str, trace: bool = False) -> dict:
    command = [sys.executable, __file__, "--measure", mode, "--workdir", str(workdir)]
    if trace:
        command.append("--trace")
    done = subprocess.run(command, check=False, capture_output=True, text=True)  # noqa: S603
    if done.returncode:
        sys.exit(f"The {mode} measurement failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--measure", choices=["baseline", "csv", "zip", "xlsx"])
    parser.add_argument("--workdir")
    parser.add_argument("--trace", action="store_true")
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="generate into DIR and keep it; reuse the database already there (same --count)",
    )
    args = parser.parse_args()

    if args.measure:
        setup_django(Path(args.workdir))
        print(json.dumps(measure(args.measure, args.trace)))
        return 0

    with tempfile.TemporaryDirectory(prefix="essaim-bench-export-") as name:
        workdir = Path(args.keep or name)
        workdir.mkdir(parents=True, exist_ok=True)
        reuse = (workdir / "bench.sqlite3").exists()
        setup_django(workdir)
        if reuse:
            from essaim.applications.models import Application

            print(f"Reusing {Application.objects.count():,} applications in {workdir}")
        else:
            started = time.perf_counter()
            generate(args.count)
            print(f"Generated {args.count:,} applications in {time.perf_counter() - started:.1f} s")
        print(f"Load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")

        base = run_child(workdir, "baseline")
        csv_run = run_child(workdir, "csv")
        csv_traced = run_child(workdir, "csv", trace=True)
        zip_run = run_child(workdir, "zip")
        xlsx_run = run_child(workdir, "xlsx")

        print(
            f"\n{'':<28}{'1st byte':>10}{'total':>10}{'ratio':>8}{'size':>10}"
            f"{'peak RSS':>10}{'(before)':>9}"
        )
        for label, run in [
            ("baseline (raw SQL + csv)", base),
            ("CSV", csv_run),
            ("ZIP (4 CSV files)", zip_run),
            ("XLSX (4 sheets)", xlsx_run),
        ]:
            print(
                f"{label:<28}{run['first_byte']:>9.2f}s{run['total']:>9.2f}s"
                f"{run['total'] / base['total']:>7.1f}x{run['bytes'] / 1e6:>8.1f}MB"
                f"{run['max_rss_mb']:>8.0f}MB{run['rss_before_mb']:>7.0f}MB"
            )
        print(
            f"\nCSV peak Python allocations (tracemalloc, separate run): "
            f"{csv_traced['traced_peak_mb']:.1f} MB"
        )
        ok = (
            csv_run["total"] < TARGET_SECONDS
            and csv_run["max_rss_mb"] < TARGET_MB
            and csv_run["first_byte"] < FIRST_BYTE_SECONDS
        )
        print(
            f"Targets (CSV of {args.count:,}: < {TARGET_SECONDS:.0f} s, < {TARGET_MB:.0f} MB, "
            f"first byte < {FIRST_BYTE_SECONDS:.0f} s): {'met' if ok else 'NOT met'}"
        )
        result = {
            "bench": "export",
            "figure": f"CSV of {args.count:,} applications: {csv_run['total']:.1f} s, "
            f"{csv_run['max_rss_mb']:.0f} MB peak, first byte {csv_run['first_byte']:.2f} s",
            "baseline": f"raw SQL + csv.writer {base['total']:.2f} s "
            f"(CSV {csv_run['total'] / base['total']:.1f}x)",
            "goal": f"< {TARGET_SECONDS:.0f} s, < {TARGET_MB:.0f} MB, first byte "
            f"< {FIRST_BYTE_SECONDS:.0f} s (for 100,000)",
            "met": ok,
        }
        print("RESULT " + json.dumps(result))
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
