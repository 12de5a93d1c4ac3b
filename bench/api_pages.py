"""Benchmark: a deep page of an API list, by page number (``OFFSET``) and by cursor (keyset).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<copy of a data set> \\
        uv run python bench/api_pages.py [--page 1000] [--repeat 5] [--path /api/v1/applications]

Through Django's test client, with a read-only API token made for the run (deleted at its end) of
the synthetic data set's instructor (``instructeur@synthetique.invalid``, staff of the programme:
sees every application). Prints, best
of ``--repeat``, the time of: the first page (the baseline), page ``--page`` by number, the same
page by cursor (the ``next`` cursor of page ``--page`` - 1), and the first page by cursor (no
``COUNT``); each with its ratio to the baseline and its number of SQL queries. The data set is
read; the token is a row written and deleted (use a copy of the data set, not the shared one).
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STAFF = "instructeur@synthetique.invalid"


def setup() -> None:
    os.environ["ESSAIM_MODE"] = "demo"
    # The API's per-token limit would answer 429 to the repeated calls.
    os.environ["ESSAIM_API_RATE_LIMIT"] = "100000000/60"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "essaim.settings")
    import django

    django.setup()


def timed(client, path: str, params: dict, repeat: int) -> tuple[float, int, dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries, body = [], 0, {}
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path, params)
            times.append(time.perf_counter() - started)
        if response.status_code != 200:
            sys.exit(f"{path} {params}: {response.status_code} {response.content[:300]!r}")
        queries, body = len(captured.captured_queries), response.json()
    return min(times), queries, body


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--page", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--path", default="/api/v1/applications")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        print("Set DATABASE_URL to a copy of the national data set.")
        return 1
    setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from essaim.accounts.models import ApiToken

    raw, key_hash = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=get_user_model().objects.get(email=STAFF),
        name="bench/api_pages.py",
        prefix=raw[4:12],
        key_hash=key_hash,
        access="read",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    try:
        run(Client(headers={"Authorization": f"Bearer {raw}"}), args)
    finally:
        token.delete()
    return 0


def run(client, args) -> None:
    _t, _q, before = timed(client, args.path, {"page": args.page - 1}, 1)
    cases = [
        ("page=1 (baseline)", {"page": 1}),
        (f"page={args.page}", {"page": args.page}),
        (f"cursor (page {args.page})", {"cursor": before["next"]}),
        ("cursor= (first page, no count)", {"cursor": ""}),
    ]
    baseline = None
    print(f"{args.path}, {before['count']} rows visible, best of {args.repeat}:")
    for name, params in cases:
        seconds, queries, body = timed(client, args.path, params, args.repeat)
        baseline = baseline or seconds
        print(
            f"  {name:34} {seconds * 1000:8.1f} ms  x{seconds / baseline:6.2f}  "
            f"{queries} queries  {len(body['items'])} items"
        )


if __name__ == "__main__":
    sys.exit(main())
