import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request

import pytest


def _essaim(*args: str, env: dict | None = None, timeout: int = 60):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ESSAIM_", "DJANGO_"))}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "essaim.cli", *args],
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def test_help():
    result = _essaim("--help")
    assert result.returncode == 0
    assert "usage: essaim {demo,serve,worker,generate,<django command>}" in result.stdout
    for command in ("demo", "serve", "worker", "generate"):
        assert f"  {command} " in result.stdout


def test_unknown_command_is_an_error(tmp_path):
    result = _essaim("pollinate", env={"ESSAIM_MODE": "demo", "ESSAIM_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "Unknown command: 'pollinate'" in result.stderr


def test_demo_option_errors_are_reported():
    result = _essaim("demo", "--port", "not-a-port")
    assert result.returncode == 2
    assert "--port: invalid int value" in result.stderr


def _count(db, table: str) -> int:
    with sqlite3.connect(db) as connection:
        return connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608


TABLES = [
    "accounts_user",
    "accounts_membership",
    "actors_organisation",
    "actors_collective",
    "geo_perimeter",
    "calls_programme",
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - local server
        return response.status, response.headers.get("Server", ""), response.read()


def _serve_demo(env: dict) -> None:
    """``essaim demo`` serves like production (gunicorn), static files from the apps, and stops
    (with its server) when told to."""
    port = _free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ESSAIM_", "DJANGO_"))}
    clean.pop("DATABASE_URL", None)
    demo = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "essaim.cli", "demo", "--port", str(port), "--no-worker"],
        env={**clean, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                status, server, body = _get(f"http://127.0.0.1:{port}/")
                break
            except OSError:
                assert demo.poll() is None, "the demo stopped before serving"
                assert time.monotonic() < deadline, "the demo did not serve within 120 s"
                time.sleep(0.5)
        assert (status, server) == (200, "gunicorn")
        stylesheet = re.search(rb'href="(/static/[^"]+\.css)"', body).group(1).decode()
        assert _get(f"http://127.0.0.1:{port}{stylesheet}")[0] == 200
    finally:
        # SIGTERM, as a service manager stops it (pytest-xdist's workers ignore SIGINT, and so
        # would their children) — twice, as under ``uv run``, which forwards the signal its
        # process group got: the second must not leave the server running.
        demo.send_signal(signal.SIGTERM)
        demo.send_signal(signal.SIGTERM)
        assert demo.wait(timeout=60) == 0
        with pytest.raises(OSError):
            _get(f"http://127.0.0.1:{port}/")


@pytest.mark.slow
@pytest.mark.backend_free  # the demo always makes its own SQLite database (DATABASE_URL removed)
def test_demo_loads_once_then_serves(tmp_path):
    """The first run creates and loads the database; the second reuses it, says so, and adds
    nothing; then the demo serves through gunicorn. (Slow: the first run loads the whole of
    France.)"""
    db = tmp_path / "demo.sqlite3"
    env = {"ESSAIM_SQLITE_PATH": str(db), "ESSAIM_VAR_DIR": str(tmp_path / "var")}

    first = _essaim("demo", "--no-serve", env=env, timeout=600)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "password: essaim-demo-2019" in first.stdout.splitlines()
    assert "admin@demo.essaim.fr" in first.stdout
    for email in ("admin-region", "instructeur-region", "guichet-region"):
        assert f"{email}@demo.essaim.fr" in first.stdout  # the second programme's staff
    assert re.search(r"Essaim demo ready in [\d.]+ s: http://127\.0\.0\.1:8000/", first.stdout)
    counts = {table: _count(db, table) for table in TABLES}
    assert counts["accounts_user"] >= 11
    assert counts["calls_programme"] == 2  # French Impact and the fictitious regional programme
    assert all(counts.values()), counts

    second = _essaim("demo", "--no-serve", env=env, timeout=600)
    assert second.returncode == 0, second.stderr[-3000:]
    assert "Demo data already loaded" in second.stdout
    assert {table: _count(db, table) for table in TABLES} == counts
    _serve_demo(env)
