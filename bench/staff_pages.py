"""Benchmark: the staff list pages in-process (Django test client), on a data set's database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<data set> uv run python bench/staff_pages.py \\
        [--repeat 3] [--only NAME ...]

Signs in the synthetic programme's instructor (and the single window's officer, ``guichet@``)
with a second factor, as staff must be, and gets each page ``--repeat`` times after one warm-up
request: the best wall time, the number of queries and the time spent in SQL of that request.
No HTTP server: what the page costs in Python and SQL, without the load of ``bench/pages.py``.
The data set is read, not changed, except for the sessions and one read-only API token made for
the run and deleted at its end.
"""

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "essaim.settings")
    os.environ.setdefault("SECRET_KEY", "bench-staff-pages")
    os.environ.setdefault("ESSAIM_MODE", "demo")
    os.environ["ESSAIM_API_RATE_LIMIT"] = "100000000/60"
    import django

    django.setup()


class SqlTimer:
    def __init__(self):
        self.count, self.seconds = 0, 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - started


def client_for(email: str):
    from django.test import Client

    from essaim.accounts.models import User

    user = User.objects.get(email=email)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    session = client.session
    now = time.time()
    session["account_authentication_methods"] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "type": "totp"},
    ]
    session.save()
    return user, client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", action="append")
    args = parser.parse_args()
    setup()
    from django.db import connection
    from django.utils import timezone

    from essaim.accounts.models import ApiToken

    instructor, staff = client_for("instructeur@synthetique.invalid")
    _officer, officer = client_for("guichet@synthetique.invalid")
    raw, key_hash = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=instructor,
        name="bench/staff_pages.py",
        prefix=raw[4:12],
        key_hash=key_hash,
        access="read",
        expires_at=timezone.now() + timedelta(hours=1),
    )
    api = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    pages = [
        ("instruction-queue", staff, "/avis/instruction/", {}),
        ("instruction-followed", staff, "/avis/instruction/?onglet=suivis", {}),
        ("instruction-done", staff, "/avis/instruction/?onglet=traites", {}),
        ("instruction-search", staff, "/avis/instruction/?q=99&onglet=traites", {}),
        ("api-applications", staff, "/api/v1/applications", api),
        ("regulatory-queue", officer, "/guichet-unique/saisines/", {}),
        ("api-tickets", officer, "/api/v1/tickets", {}),
    ]
    print("| page | best (ms) | queries | SQL (ms) | status |")
    print("|---|---:|---:|---:|---:|")
    try:
        for name, client, url, headers in pages:
            if args.only and name not in args.only:
                continue
            client.get(url, **headers)  # warm
            best = None
            for _ in range(args.repeat):
                timer = SqlTimer()
                started = time.perf_counter()
                with connection.execute_wrapper(timer):
                    response = client.get(url, **headers)
                elapsed = time.perf_counter() - started
                if best is None or elapsed < best[0]:
                    best = (elapsed, timer.count, timer.seconds, response.status_code)
            elapsed, count, sql, status = best
            print(
                f"| {name} `{url}` | {elapsed * 1000:.0f} | {count} | {sql * 1000:.0f} | {status} |"
            )
    finally:
        token.delete()


if __name__ == "__main__":
    main()
