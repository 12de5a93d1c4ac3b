"""Benchmark: page throughput and p95 latency under concurrent clients, on the production server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<data set> uv run python bench/pages.py \\
        [--duration 10] [--warmup 3] [--clients 50] [--workers 4] [--port 0] [--max-alone 5] \\
        [--only NAME ...]

Starts ``essaim serve`` (gunicorn, ``--workers`` sync workers) in production mode against the
PostgreSQL database of ``DATABASE_URL`` (a data set from ``essaim generate``), then drives each
URL in turn with ``--clients`` closed-loop clients (each sends its next request as soon as the
previous answer has arrived) for ``--warmup`` seconds, not measured, then ``--duration`` seconds.
Prints, per URL, requests/s, p50, p95 and errors, beside the two floors measured the same way in
the same run:

- ``bare``: ``/healthz``, a view without template (one ``SELECT 1``) behind every middleware;
- ``layout``: ``/mentions-legales/``, a page that renders only the base layout.

Goal per key page (issue 12): throughput >= 50 % of the layout floor's, p95 <= 2 x its p95.
Each URL is also timed alone (one request, workers warm). A URL slower alone than
``--max-alone`` seconds is reported with that time and not loaded: ``--clients`` such requests
queued behind the sync workers would keep the server busy for minutes, past gunicorn's 30 s
worker timeout.

The load generator is a small asyncio HTTP/1.1 client written here (gunicorn's sync workers
close every connection, so each request opens one): no dependency, and cheap enough in CPU to
share the machine with the server. It runs on the same machine: its CPU is taken from the
server's, as is that of anything else running (the load average is printed).

The data set is read, not changed, except for two rows made for the run and deleted at its end:
a session of the instructor (``instructeur@`` of the synthetic data set, signed in with a second
factor, as the instruction queue requires of staff) and a read-only API token of the same
account. ``REDIS_URL``, when set, is passed to the server (its cache); nothing else of the
environment's ``ESSAIM_*`` settings is.
"""

import argparse
import asyncio
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEARCH_TERM = "ressourcerie"
FLOORS = ("bare", "layout")


def server_env(var_dir: str) -> dict:
    """The production settings of the server, and of this process (same SECRET_KEY: the
    session made here must be valid there)."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ESSAIM_", "DJANGO_", "EMAIL_", "AWS_"))
        and k not in {"SECRET_KEY", "ALLOWED_HOSTS"}
    }
    return {
        **clean,
        "ESSAIM_MODE": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "ESSAIM_HTTPS": "0",
        "ESSAIM_TRUSTED_PROXY_COUNT": "0",
        "ESSAIM_STATIC_FROM_APPS": "1",
        "ESSAIM_VAR_DIR": var_dir,
        # The API's per-token and per-address limits would answer 429 to the load itself.
        "ESSAIM_API_RATE_LIMIT": "100000000/60",
        "ESSAIM_API_ANONYMOUS_RATE_LIMIT": "100000000/60",
        "ESSAIM_LOG_LEVEL": "WARNING",
    }


def setup(env: dict) -> None:
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "essaim.settings"
    import django

    django.setup()


def make_fixtures() -> dict:
    """The instructor's session and API token, a territory's slug: what the URLs need."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from essaim.accounts.models import ApiToken, Membership, Role
    from essaim.labels.models import Label

    membership = (
        Membership.objects.filter(role=Role.INSTRUCTOR, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership is None:
        sys.exit("No instructor in this database: run `essaim generate` first.")
    user = membership.user
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    # The backend a password sign-in goes through (the first, rules', only answers permissions).
    session[BACKEND_SESSION_KEY] = "allauth.account.auth_backends.AuthenticationBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    # As allauth records a sign-in with a password and a second factor (identity.py reads it).
    now = time.time()
    session["account_authentication_methods"] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "type": "totp"},
    ]
    session.create()
    raw, key_hash = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=user,
        name="bench/pages.py",
        prefix=raw[4:12],
        key_hash=key_hash,
        access="read",
        expires_at=timezone.now() + timedelta(hours=2),
    )
    slug = Label.objects.public().order_by("pk").values_list("perimeter__slug", flat=True).first()
    if slug is None:
        sys.exit("No public label in this database: run `essaim generate` first.")
    return {
        "user": user.email,
        "session": session.session_key,
        "token": token,
        "raw": raw,
        "slug": slug,
    }


def drop_fixtures(fixtures: dict) -> None:
    from django.contrib.sessions.models import Session

    fixtures["token"].delete()
    Session.objects.filter(session_key=fixtures["session"]).delete()


def targets(fixtures: dict) -> list[tuple[str, str, dict]]:
    """(name, path, headers): the floors first, then the key pages."""
    from django.conf import settings

    staff = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={fixtures['session']}"}
    api = {"Authorization": f"Bearer {fixtures['raw']}"}
    return [
        ("bare", "/healthz", {}),
        ("layout", "/mentions-legales/", {}),
        ("home", "/", {}),
        ("territories", "/territoires/", {}),
        ("territory", f"/territoires/{fixtures['slug']}/", {}),
        ("directory", "/annuaire/", {}),
        ("directory-search", f"/annuaire/?q={SEARCH_TERM}", {}),
        ("projects", "/projets/", {}),
        ("knowledge-base", "/guichet-unique/base-de-connaissances/", {}),
        ("instruction-queue", "/avis/instruction/", staff),
        ("api-labels", "/api/v1/labels", {}),
        ("api-applications", "/api/v1/applications", api),
        # The same first page by cursor (docs/api.md): no COUNT over the caller's rows.
        ("api-applications-cursor", "/api/v1/applications?cursor=", api),
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env: dict, port: int, workers: int, log: Path) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            *("-m", "essaim.cli", "serve", "--bind", f"127.0.0.1:{port}"),
            *("--workers", str(workers), "--no-collectstatic"),
        ],
        env=env,
        cwd=ROOT,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=20)


async def fetch(port: int, path: str, headers: dict) -> tuple[int, int]:
    """One GET; its status and body size (the server closes the connection)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
    await writer.drain()
    answer = await reader.read()
    writer.close()
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0
    return status, len(answer)


async def wait_healthy(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"The server stopped:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            if (await fetch(port, "/healthz", {}))[0] == 200:
                return
        except OSError:
            pass
        await asyncio.sleep(0.5)
    sys.exit(f"The server did not answer within 120 s:\n{log.read_text(errors='replace')[-3000:]}")


async def load(port: int, path: str, headers: dict, clients: int, seconds: float) -> dict:
    """``clients`` closed-loop clients on ``path`` for ``seconds``: the latencies (s) of the
    answers that came back 200, and the count of the others (status or connection errors)."""
    latencies: list[float] = []
    errors: list[str] = []
    stop = time.monotonic() + seconds

    async def client():
        while time.monotonic() < stop:
            started = time.monotonic()
            try:
                status, _size = await asyncio.wait_for(fetch(port, path, headers), 60)
            except (OSError, TimeoutError) as exc:
                errors.append(type(exc).__name__)
                continue
            if status == 200:
                latencies.append(time.monotonic() - started)
            else:
                errors.append(str(status))

    started = time.monotonic()
    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.monotonic() - started
    return {"latencies": latencies, "errors": errors, "elapsed": elapsed}


def summarise(result: dict) -> dict:
    latencies = sorted(result["latencies"])
    count = len(latencies)
    cuts = statistics.quantiles(latencies, n=100) if count >= 2 else [float("nan")] * 99
    return {
        "rps": count / result["elapsed"],
        "p50": cuts[49] * 1000,
        "p95": cuts[94] * 1000,
        "count": count,
        "errors": len(result["errors"]),
        "kinds": sorted(set(result["errors"])),
    }


async def run(args, fixtures: dict, port: int, log: Path) -> dict:
    chosen = [t for t in targets(fixtures) if not args.only or t[0] in args.only or t[0] in FLOORS]
    # Every worker's first request loads what Django loads lazily: not part of any page's time.
    await load(port, "/mentions-legales/", {}, args.workers * 2, 2)
    alone = {}
    for name, path, headers in chosen:
        started = time.monotonic()
        status, size = await fetch(port, path, headers)
        alone[name] = (time.monotonic() - started) * 1000
        if status != 200:
            tail = log.read_text(errors="replace")[-4000:]
            sys.exit(f"{name} ({path}) answers {status}, not 200. The server's log:\n{tail}")
        print(f"  {name:<18} {path} ({size // 1024} KB, {alone[name]:.0f} ms alone)", flush=True)
    results = {}
    for name, path, headers in chosen:
        if alone[name] > args.max_alone * 1000:
            # Queued behind gunicorn's sync workers, ``--clients`` such requests would keep the
            # server busy for minutes (and past its 30 s worker timeout): not loaded.
            results[name] = {"alone": alone[name], "skipped": True}
            print(f"  {name:<18} not loaded: {alone[name] / 1000:.1f} s alone", flush=True)
            continue
        await load(port, path, headers, args.clients, args.warmup)
        results[name] = summarise(await load(port, path, headers, args.clients, args.duration))
        results[name]["alone"] = alone[name]
        r = results[name]
        print(
            f"  {name:<18} {r['rps']:7.1f} req/s  p95 {r['p95']:7.0f} ms  errors {r['errors']}",
            flush=True,
        )
    return results


def table(results: dict, max_alone: float) -> None:
    bare, layout = results["bare"], results["layout"]
    print(
        "| URL | alone (ms) | req/s | p50 (ms) | p95 (ms) | errors | req/s vs layout "
        "| p95 vs layout | req/s vs bare | goal (>= 50 % req/s, <= 2x p95) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for name, r in results.items():
        if r.get("skipped"):
            print(
                f"| {name} | {r['alone']:.0f} | not loaded (> {max_alone:g} s alone) "
                "| | | | | | | NOT met |"
            )
            continue
        throughput = r["rps"] / layout["rps"]
        latency = r["p95"] / layout["p95"]
        if name in FLOORS:
            goal = "floor"
        else:
            goal = "met" if goal_met(name, results) else "NOT met"
        print(
            f"| {name} | {r['alone']:.0f} | {r['rps']:.1f} | {r['p50']:.0f} | {r['p95']:.0f} "
            f"| {r['errors']}"
            f"{' ' + ','.join(r['kinds']) if r['kinds'] else ''} | {throughput:.0%} "
            f"| {latency:.2f}x | {r['rps'] / bare['rps']:.0%} | {goal} |"
        )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The load's options (also ``bench/growth.py``'s)."""
    parser.add_argument("--duration", type=float, default=10, help="seconds measured per URL")
    parser.add_argument("--warmup", type=float, default=3, help="seconds not measured per URL")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=0, help="0: a free one")
    parser.add_argument(
        "--max-alone",
        type=float,
        default=5,
        help="seconds: a URL slower than this alone is reported, not loaded",
    )
    parser.add_argument(
        "--only", action="append", help="a URL's name (repeatable); the floors always run"
    )


def measure(args) -> dict:
    """Serve the database of ``DATABASE_URL`` and load every URL: ``{name: summary}`` (see
    ``summarise``; ``skipped`` for a URL too slow alone). Once per process (Django is set up
    for that database)."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to the PostgreSQL database of a data set (essaim generate).")
    port = args.port or free_port()
    with tempfile.TemporaryDirectory(prefix="essaim-bench-pages-") as tmp:
        (Path(tmp) / "static").mkdir()  # STATIC_ROOT: static files come from the apps
        env = server_env(tmp)
        setup(env)
        fixtures = make_fixtures()
        log = Path(tmp) / "server.log"
        server = start_server(env, port, args.workers, log)
        # Stopped from outside (bench/all.py's timeout): stop the server and drop the fixtures.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped (SIGTERM)"))
        try:
            asyncio.run(wait_healthy(port, server, log))
            print(
                f"gunicorn: {args.workers} workers on 127.0.0.1:{port}; {args.clients} clients, "
                f"{args.warmup:g} s warm-up + {args.duration:g} s per URL; instructor "
                f"{fixtures['user']}; load average before: {os.getloadavg()[0]:.2f}",
                flush=True,
            )
            results = asyncio.run(run(args, fixtures, port, log))
        finally:
            stop_server(server)
            drop_fixtures(fixtures)
        print(
            f"load average after (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}"
        )
    return results


def goal_met(name: str, results: dict) -> bool:
    """Issue 12's goal for one key page: >= 50 % of the layout floor's req/s, p95 <= 2x."""
    r, layout = results[name], results["layout"]
    if r.get("skipped"):
        return False
    return r["rps"] >= 0.5 * layout["rps"] and r["p95"] <= 2 * layout["p95"] and not r["errors"]


def result_line(results: dict) -> dict:
    """The headline for ``bench/all.py``: key pages meeting the goal, beside the layout floor."""
    pages = [name for name in results if name not in FLOORS]
    met = [name for name in pages if goal_met(name, results)]
    layout = results["layout"]
    return {
        "bench": "pages",
        "figure": f"{len(met)}/{len(pages)} key pages meet the goal",
        "baseline": f"layout floor {layout['rps']:.1f} req/s, p95 {layout['p95']:.0f} ms",
        "goal": ">= 50 % of the layout's req/s and p95 <= 2x its p95, every key page",
        "met": len(met) == len(pages),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    args = parser.parse_args()
    results = measure(args)
    print()
    table(results, args.max_alone)
    print("RESULT " + json.dumps(result_line(results)))


if __name__ == "__main__":
    main()
