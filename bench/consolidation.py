"""Consolidation benchmark: ``consolidate()`` over N applications (3 opinions × 5 criteria
each), against a baseline measured in the same run — the naive way, one query per application
for its marks — and the instructor queue sorted by score (which consolidates every candidate).

Synthetic data in a throw-away SQLite database:

    uv run python bench/consolidation.py [--applications 5000]

The last line, ``RESULT {json}``, is the headline read by ``bench/all.py``.
"""

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(tmp: str) -> None:
    os.environ["ESSAIM_MODE"] = "demo"
    os.environ["ESSAIM_VAR_DIR"] = tmp
    os.environ["ESSAIM_SQLITE_PATH"] = str(Path(tmp) / "bench.sqlite3")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "essaim.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def generate(count: int, rng: random.Random):
    from django.db import transaction
    from django.utils import timezone

    from essaim.accounts.models import Membership, Role, User
    from essaim.actors.models import Collective, Organisation
    from essaim.applications.models import Application
    from essaim.calls.models import Call, Criterion, FormVersion, Programme, ScoringGrid
    from essaim.geo.models import Perimeter
    from essaim.reviews.models import CriterionMark, ReviewRequest

    with transaction.atomic():
        avise = Organisation.objects.create(name="Avise")
        programme = Programme.objects.create(
            name="P", slug="p", label_name="L", expert_partner=avise
        )
        call = Call.objects.create(
            programme=programme, title="AMI", slug="ami", kind="permanent_ami"
        )
        form = FormVersion.objects.create(call=call, number=1, schema={"sections": []})
        grid = ScoringGrid.objects.create(call=call, comment_required_below=2)
        criteria = Criterion.objects.bulk_create(
            [Criterion(grid=grid, position=i, title=f"C{i}", weight=1 + i % 2) for i in range(5)]
        )
        instructor = User.objects.create(email="i@x.test")
        Membership.objects.create(user=instructor, role=Role.INSTRUCTOR, programme=programme)
        experts = User.objects.bulk_create([User(email=f"e{i}@x.test") for i in range(3)])
        perimeters = Perimeter.objects.bulk_create(
            [Perimeter(name=f"T{i}", slug=f"t{i}") for i in range(count)]
        )
        collectives = Collective.objects.bulk_create(
            [Collective(name=f"C{i}", perimeter=p) for i, p in enumerate(perimeters)]
        )
        applications = Application.objects.bulk_create(
            [
                Application(
                    call=call,
                    form_version=form,
                    reference=f"B-{i:06d}",
                    title=f"Candidature {i}",
                    perimeter=p,
                    collective=c,
                    status="in_review",
                    created_by=instructor,
                    submitted_at=timezone.now(),
                )
                for i, (p, c) in enumerate(zip(perimeters, collectives, strict=True))
            ]
        )
        reviews = ReviewRequest.objects.bulk_create(
            [
                ReviewRequest(
                    application=a,
                    expert=e,
                    requested_by=instructor,
                    deadline=timezone.localdate(),
                    status="submitted",
                    recommendation="label",
                )
                for a in applications
                for e in experts
            ]
        )
        CriterionMark.objects.bulk_create(
            [
                CriterionMark(review=r, criterion=c, mark=rng.randint(0, 4))
                for r in reviews
                for c in criteria
            ],
            batch_size=5000,
        )
    return instructor


def naive(applications):
    """The baseline: one query per application for its submitted marks, means in Python."""
    from essaim.reviews.models import CriterionMark

    totals = {}
    for application in applications:
        marks = list(
            CriterionMark.objects.filter(
                review__application=application, review__status="submitted"
            ).values_list("criterion__weight", "mark")
        )
        weights = sum(float(w) for w, _m in marks)
        totals[application.pk] = 100 * sum(float(w) * m / 4 for w, m in marks) / weights
    return totals


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup(tmp)
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from essaim.applications.models import Application
        from essaim.reviews.consolidation import consolidate

        started = time.perf_counter()
        instructor = generate(args.applications, random.Random(42))
        print(
            f"generated {args.applications} applications × 3 opinions × 5 criteria "
            f"in {time.perf_counter() - started:.1f} s"
        )
        applications = list(Application.objects.all())

        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            result = consolidate(applications)
        ours = time.perf_counter() - started
        print(f"consolidate(): {ours * 1000:.0f} ms, {len(queries)} queries")

        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            baseline = naive(applications)
        base = time.perf_counter() - started
        print(f"baseline (a query per application): {base * 1000:.0f} ms, {len(queries)} queries")
        some = applications[0].pk
        if abs(baseline[some] - result[some].total) > 0.1:
            raise SystemExit(f"totals differ: {baseline[some]} != {result[some].total}")
        print(f"ratio baseline / consolidate(): {base / ours:.1f}×")

        client = Client()
        client.force_login(instructor)
        # Staff sign in with a second factor (the queue redirects them otherwise): recorded in
        # the session as allauth records it, as bench/pages.py does.
        session = client.session
        session["account_authentication_methods"] = [
            {"method": "password", "at": time.time(), "email": instructor.email},
            {"method": "mfa", "at": time.time(), "type": "totp"},
        ]
        session.save()
        client.get("/avis/instruction/?q=warm-up")  # first request: URL and template loading
        for params in ("", "?tri=-score", "?disagreement=on&score_min=40"):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(f"/avis/instruction/{params}")
            if response.status_code != 200:
                raise SystemExit(f"queue answered {response.status_code}")
            print(
                f"queue {params or '(default sort)'}: "
                f"{(time.perf_counter() - started) * 1000:.0f} ms, {len(queries)} queries"
            )
        result = {
            "bench": "consolidation",
            "figure": f"consolidate() of {args.applications:,} applications {ours * 1000:.0f} ms",
            "baseline": f"a query per application {base * 1000:.0f} ms (ratio {base / ours:.1f}x)",
            "goal": "faster than the naive baseline",
            "met": ours < base,
        }
        print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
