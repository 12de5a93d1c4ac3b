"""The ``essaim`` command: ``demo``, ``serve``, ``worker`` and every Django management command."""

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

# Settings-free (django.db's connections are lazy): importable before django.setup().
from essaim.core.replica import pin_process


def _setup(mode: str | None = None) -> None:
    if mode:
        os.environ["ESSAIM_MODE"] = mode
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "essaim.settings")
    import django

    django.setup()


def demo(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="essaim demo", description="Run the French Impact demo.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--no-serve", action="store_true", help="create and load the database, then stop"
    )
    parser.add_argument("--no-worker", action="store_true", help="do not start a task worker")
    args = parser.parse_args(argv)

    started = time.monotonic()
    # Links in e-mails, certificates and API answers point at this very server.
    os.environ.setdefault("ESSAIM_BASE_URL", f"http://{args.host}:{args.port}")
    _setup("demo")
    from django.conf import settings
    from django.core.management import call_command

    from essaim.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo

    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    load_demo(stdout=sys.stdout)

    url = f"http://{args.host}:{args.port}/"
    print(f"\nEssaim demo ready in {time.monotonic() - started:.1f} s: {url}")
    print("Demo accounts (fictitious people):")
    width = max(len(email) for email, _role in DEMO_ACCOUNTS)
    for email, role in DEMO_ACCOUNTS:
        print(f"  {email:{width}} {role}")
    print(f"password: {DEMO_PASSWORD}")
    if args.no_serve:
        return 0

    # The demo is served like production (gunicorn), its static files straight from the apps
    # through WhiteNoise's finders: nothing to collect, no slower first start.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "ESSAIM_MODE": "demo"}
    worker = None
    if not args.no_worker:
        worker = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "essaim.cli", "worker"], env=env
        )
    server = subprocess.Popen(  # noqa: S603
        [
            *_gunicorn_argv(f"{args.host}:{args.port}", workers=2, threads=4),
            *("--graceful-timeout", "10"),
        ],
        env=env,
    )
    # Ctrl-C (SIGINT) or a service manager's SIGTERM: stop the server and the worker, then exit.
    signal.signal(signal.SIGTERM, _exit_once)
    signal.signal(signal.SIGINT, _exit_once)
    try:
        return server.wait()
    finally:
        for process in (server, worker):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=30)


_stopping: list[int] = []


def _exit_once(signum, _frame) -> None:
    """Exit on the first signal only: a second one (``uv run`` forwards the signal its process
    group got, so a stop sends two) must not interrupt the stopping of the server and the
    worker, which would leave them running."""
    if not _stopping:
        _stopping.append(signum)
        raise SystemExit(0)


def _gunicorn_argv(bind: str, *, workers: int, threads: int = 1) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "essaim.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--access-logfile",
        "-",
    ]


def serve(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="essaim serve", description="Run the production server.")
    parser.add_argument("--bind", default=os.environ.get("ESSAIM_BIND", "127.0.0.1:8000"))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    collect = parser.add_mutually_exclusive_group()
    collect.add_argument(
        "--collectstatic", action="store_true", help="collect static files before starting"
    )
    collect.add_argument(
        "--no-collectstatic", action="store_true", help="never collect static files"
    )
    args = parser.parse_args(argv)
    _setup()
    from django.conf import settings

    # Collecting (and compressing) ~10,000 DSFR files takes minutes: do it once per release,
    # and here only when asked or when nothing was ever collected.
    # (Never needed when they are served from the apps: ESSAIM_STATIC_FROM_APPS.)
    never_collected = not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists()
    needed = never_collected and not settings.STATIC_FROM_APPS
    if args.collectstatic or (needed and not args.no_collectstatic):
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)
    os.execvp(sys.executable, _gunicorn_argv(args.bind, workers=args.workers))  # noqa: S606
    return 0  # pragma: no cover - execvp does not return


def worker(argv: list[str]) -> int:
    """The task worker, with the scheduler of periodic jobs (reminders, digests, mail polling)
    unless ``--no-scheduler``; other options go to django-tasks-db's ``db_worker``."""
    _setup()
    from django.core.management import call_command

    from essaim.core.schedule import start_scheduler

    # A task must see what the request that queued it wrote: workers never read a replica.
    pin_process()
    if "--no-scheduler" in argv:
        argv = [a for a in argv if a != "--no-scheduler"]
    else:
        start_scheduler()
    call_command("db_worker", *argv)
    return 0


def generate(argv: list[str]) -> int:
    """The synthetic data set of the benchmarks (``essaim.demo.synthetic``), on the database
    of the environment (``DATABASE_URL``)."""
    _setup()
    from essaim.demo.synthetic.command import main as generate_main

    return generate_main(argv)


DEVELOPER_COMMANDS = {"makemigrations", "makemessages", "compilemessages", "check", "help"}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = {"demo": demo, "serve": serve, "worker": worker, "generate": generate}
    if argv and argv[0] in commands:
        return commands[argv[0]](argv[1:])
    if not argv or argv[0] in {"-h", "--help"}:
        print("usage: essaim {demo,serve,worker,generate,<django command>} [options]")
        print("  demo     create the SQLite demo database, load the French Impact data, serve it")
        print("  serve    run the production server (gunicorn, settings from the environment)")
        print("  worker   run the background task worker")
        print("  generate write a synthetic data set (--scale small|national) for benchmarks")
        print("Any other command is a Django management command (migrate, createsuperuser, ...).")
        return 0
    if argv[0] in DEVELOPER_COMMANDS and not os.environ.get("SECRET_KEY"):
        # Code-only commands need no production secret: run them with the demo's settings.
        os.environ.setdefault("ESSAIM_MODE", "demo")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "essaim.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["essaim", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
