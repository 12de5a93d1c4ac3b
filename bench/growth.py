"""Benchmark: the key pages' p95 at 1x and at 10x the data (issue 12, "open and scaled").

    uv run python bench/growth.py \\
        --small-url postgres://postgres@127.0.0.1:5432/<tenth> \\
        --large-url postgres://postgres@127.0.0.1:5432/<national> \\
        [--duration 10] [--warmup 3] [--clients 50] [--workers 4] [--max-alone 5] [--only NAME ...]

The two databases are data sets of ``essaim generate``: ``--scale national --factor 0.1`` (1x)
and ``--scale national`` (10x). For each in turn, ``bench/pages.py``'s measurement (its own
functions, imported: production server, closed-loop clients, the same URLs and options) runs
in a fresh process (Django is set up for one database per process). Prints, per URL, p95 at 1x
and at 10x and their ratio, against the goal: p95 at 10x <= 1.3 x p95 at 1x, for every key page.
The floors (``bare``, ``layout``) are printed too: their ratio, which the data does not change,
is the run's noise (the two runs are minutes apart on a machine that may be shared).

A URL not loaded in either run (slower alone than ``--max-alone`` seconds) has no p95 there: its
times alone are compared instead, and it does not meet the goal.

The last line, ``RESULT {json}``, is the headline read by ``bench/all.py``.
"""

import argparse
import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pages  # noqa: E402  (bench/pages.py: the measurement reused here)

GOAL = 1.3


def measure_one(database_url: str, args: argparse.Namespace) -> dict:
    """``pages.measure`` against ``database_url`` (run in a fresh process)."""
    os.environ["DATABASE_URL"] = database_url
    return pages.measure(args)


def measure_in_child(label: str, database_url: str, args: argparse.Namespace) -> dict:
    print(f"--- {label}: {database_url.rsplit('/', 1)[-1]}", flush=True)
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(measure_one, database_url, args).result()


def latency(r: dict) -> tuple[float, str]:
    """The figure compared: p95 under load, or the time alone for a URL not loaded."""
    return (r["alone"], "alone") if r.get("skipped") else (r["p95"], "p95")


def compare(small: dict, large: dict) -> list[dict]:
    rows = []
    for name in small:
        if name not in large:
            continue
        (a, kind_a), (b, kind_b) = latency(small[name]), latency(large[name])
        kind = "p95" if kind_a == kind_b == "p95" else "alone"
        if kind == "alone":  # compare like with like
            a, b = small[name]["alone"], large[name]["alone"]
        ratio = b / a if a else float("nan")
        if name in pages.FLOORS:
            goal = "floor"
        else:
            goal = "met" if kind == "p95" and ratio <= GOAL else "NOT met"
        rows.append(
            {"name": name, "kind": kind, "small": a, "large": b, "ratio": ratio, "goal": goal}
        )
    return rows


def table(rows: list[dict]) -> None:
    print(f"| URL | figure | 1x (ms) | 10x (ms) | 10x / 1x | goal (<= {GOAL:g}x) |")
    print("|---|---|---:|---:|---:|---|")
    for r in rows:
        print(
            f"| {r['name']} | {r['kind']} | {r['small']:.0f} | {r['large']:.0f} "
            f"| {r['ratio']:.2f}x | {r['goal']} |"
        )


def result_line(rows: list[dict]) -> dict:
    keys = [r for r in rows if r["goal"] != "floor"]
    met = [r for r in keys if r["goal"] == "met"]
    worst = max(keys, key=lambda r: r["ratio"], default=None)
    floors = ", ".join(f"{r['name']} {r['ratio']:.2f}x" for r in rows if r["goal"] == "floor")
    return {
        "bench": "growth",
        "figure": f"{len(met)}/{len(keys)} key pages within {GOAL:g}x"
        + (f"; worst {worst['name']} {worst['ratio']:.2f}x" if worst else ""),
        "baseline": f"floors' 10x/1x (noise): {floors}",
        "goal": f"p95 at 10x <= {GOAL:g} x p95 at 1x, every key page",
        "met": bool(keys) and len(met) == len(keys),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small-url", required=True, help="PostgreSQL URL of the 1x data set")
    parser.add_argument("--large-url", required=True, help="PostgreSQL URL of the 10x data set")
    pages.add_arguments(parser)
    args = parser.parse_args()
    for url in (args.small_url, args.large_url):
        if not url.startswith("postgres"):
            sys.exit(f"Not a PostgreSQL URL: {url}")
    small = measure_in_child("1x", args.small_url, args)
    large = measure_in_child("10x", args.large_url, args)
    rows = compare(small, large)
    print()
    table(rows)
    print("RESULT " + json.dumps(result_line(rows)))


if __name__ == "__main__":
    main()
