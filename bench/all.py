"""Run every benchmark, collect each one's headline, and write the table into docs/performance.md.

    uv run python bench/all.py \\
        --small-url postgres://postgres@127.0.0.1:5432/<tenth> \\
        --large-url postgres://postgres@127.0.0.1:5432/<national> \\
        [--scratch-url postgres://postgres@127.0.0.1:5432/essaim_bench_scratch] \\
        [--full] [--only NAME ...] [--timeout 1200] [--logs DIR] [--no-write]

Data:

- ``--large-url``: a ``essaim generate --scale national`` database (10x): ``pages`` reads it;
- ``--small-url``: a ``--scale national --factor 0.1`` database (1x): with the large one,
  ``growth`` and ``queries``. Both are only read (the page benches' sessions and token are
  deleted at their end). Without them, these three benches are reported as not run;
- ``--scratch-url``: a PostgreSQL database for ``impact_aggregate``, ``impact_report`` (created
  when missing, migrated; they roll back what they write) and ``actors_search`` (which needs it
  without organisations and empties it of organisations at its end). Never a data set's.
- The other benches make their own throw-away SQLite databases (``DATABASE_URL`` is removed
  from their environment).

Each bench runs in turn (never two at once: they would measure each other) with its quick size
(``BENCHES``: 25 minutes in all on the busy 2-core development machine), or with ``--full`` its
own defaults (the sizes the issue's goals are stated for; much longer). Its output goes to
``--logs DIR/<name>.log``; its last line ``RESULT {json}`` gives the headline figure, the
baseline measured in the same run, the goal and whether it is met. A bench that fails, times out
(``--timeout`` seconds) or prints no ``RESULT`` is reported as such.

The table, with the date, the machine (CPUs, load average before and after), the commit and
the command, is printed and written into docs/performance.md between the markers
``<!-- bench:all:start -->`` and ``<!-- bench:all:end -->`` (unless ``--no-write``). Exits 1 if a
bench failed or a goal was not met.
"""

import argparse
import datetime
import json
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
START, END = "<!-- bench:all:start -->", "<!-- bench:all:end -->"

# name: (database, quick options). database: "sqlite" (its own), "scratch", "large", "pair".
BENCHES = {
    "export": ("sqlite", ["--count", "20000"]),
    "matching": ("sqlite", ["--projects", "5000", "--instruments", "1000"]),
    "impact_aggregate": ("scratch", ["--rows", "500000", "--repeat", "2"]),
    "mail_import": ("sqlite", ["--count", "1000"]),
    "network": ("sqlite", ["--nodes", "5000", "--repeat", "2"]),
    "impact_report": ("scratch", ["--repeat", "1"]),
    "actors_search": ("scratch", ["--organisations", "20000", "--repeat", "5"]),
    "consolidation": ("sqlite", ["--applications", "2000"]),
    "geo_load": ("sqlite", ["--repeat", "1"]),
    # A page slower than 2 s alone is reported, not loaded: 50 clients queued on it would take
    # minutes (p95 is then mostly queueing).
    "pages": ("large", ["--duration", "5", "--warmup", "2", "--max-alone", "2"]),
    "growth": ("pair", ["--duration", "5", "--warmup", "2", "--max-alone", "2"]),
    "queries": ("pair", []),
}


def git_commit() -> str:
    try:
        return subprocess.run(  # noqa: S603
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def command_of(name: str, args) -> tuple[list[str], dict] | str:
    """The bench's command line and environment, or why it cannot run."""
    database, quick = BENCHES[name]
    argv = [sys.executable, str(ROOT / "bench" / f"{name}.py"), *([] if args.full else quick)]
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if database == "scratch":
        env["DATABASE_URL"] = args.scratch_url
    elif database == "large":
        if not args.large_url:
            return "no --large-url"
        env["DATABASE_URL"] = args.large_url
    elif database == "pair":
        if not (args.small_url and args.large_url):
            return "no --small-url and --large-url"
        argv += ["--small-url", args.small_url, "--large-url", args.large_url]
    return argv, env


def shown(argv: list[str]) -> str:
    """The command as a reader would type it (relative script, database names only)."""
    words = [f"bench/{Path(argv[1]).name}"]
    words += [w.rsplit("/", 1)[-1] if w.startswith("postgres") else w for w in argv[2:]]
    return "uv run python " + shlex.join(words)


def run_one(name: str, args, logs: Path) -> dict:
    prepared = command_of(name, args)
    if isinstance(prepared, str):
        return {"bench": name, "status": f"not run ({prepared})", "seconds": 0}
    argv, env = prepared
    if env.get("DATABASE_URL"):
        shown_env = f"DATABASE_URL=…/{env['DATABASE_URL'].rsplit('/', 1)[-1]} "
    else:
        shown_env = ""
    log = logs / f"{name}.log"
    started = time.monotonic()
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603
            argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            code = process.wait(timeout=args.timeout)
            status = "ok" if code == 0 else f"exit {code}"
        except subprocess.TimeoutExpired:
            # SIGTERM first: the page benches then stop their server and drop their fixtures.
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            status = f"timed out ({args.timeout:g} s)"
    seconds = time.monotonic() - started
    result = {}
    lines = log.read_text(errors="replace").splitlines()
    for line in reversed(lines):
        if line.startswith("RESULT "):
            result = json.loads(line.removeprefix("RESULT "))
            break
    if not result:
        if status == "ok":
            status = "no RESULT line"
        # What went wrong, in the table: the output's last line (an exception's message).
        result["error"] = next((line.strip() for line in reversed(lines) if line.strip()), "")
    return {
        **result,
        "bench": name,
        "status": status,
        "seconds": seconds,
        "command": shown_env + shown(argv),
    }


def verdict(row: dict) -> str:
    if "figure" not in row:
        return row["status"]
    met = {True: "met", False: "**NOT met**", None: "no goal at this size"}[row.get("met")]
    return met if row["status"] in {"ok", "exit 1"} else f"{met} ({row['status']})"


def table(rows: list[dict], header: str) -> str:
    lines = [
        header,
        "",
        "| bench | headline figure | baseline (same run) | goal | verdict | s | command |",
        "|---|---|---|---|---|---:|---|",
    ]
    for r in rows:
        cells = [
            r["bench"],
            r.get("figure", r.get("error", ""))[:300],
            r.get("baseline", ""),
            r.get("goal", ""),
            verdict(r),
            f"{r['seconds']:.0f}",
            f"`{r['command']}`" if r.get("command") else "",
        ]
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def write_doc(text: str) -> None:
    doc = DOC.read_text()
    if START in doc and END in doc:
        before, rest = doc.split(START, 1)
        after = rest.split(END, 1)[1]
        doc = f"{before}{START}\n{text}{END}{after}"
    else:
        doc = f"{doc.rstrip()}\n\n{START}\n{text}{END}\n"
    DOC.write_text(doc)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small-url", help="PostgreSQL URL of the 1x data set (national x0.1)")
    parser.add_argument("--large-url", help="PostgreSQL URL of the 10x data set (national)")
    parser.add_argument(
        "--scratch-url",
        default="postgres://postgres@127.0.0.1:5432/essaim_bench_scratch",
        help="PostgreSQL URL of a database the benches may write into (created when missing)",
    )
    parser.add_argument("--full", action="store_true", help="each bench's own default sizes")
    parser.add_argument("--only", action="append", choices=list(BENCHES), help="repeatable")
    parser.add_argument("--timeout", type=float, default=1200, help="seconds per bench")
    parser.add_argument("--logs", help="directory for the benches' output (default: a new one)")
    parser.add_argument("--no-write", action="store_true", help="do not touch docs/performance.md")
    args = parser.parse_args()
    logs = Path(args.logs or tempfile.mkdtemp(prefix="essaim-bench-all-"))
    logs.mkdir(parents=True, exist_ok=True)
    names = [n for n in BENCHES if not args.only or n in args.only]
    load_before = os.getloadavg()
    started = datetime.datetime.now(datetime.UTC)
    print(f"{len(names)} benches; their output in {logs}", flush=True)
    rows = []
    for number, name in enumerate(names, 1):
        print(f"[{number}/{len(names)}] {name} …", end=" ", flush=True)
        row = run_one(name, args, logs)
        rows.append(row)
        print(
            f"{row['seconds']:.0f} s, {verdict(row)}: {row.get('figure', row.get('error', ''))}",
            flush=True,
        )
    load_after = os.getloadavg()
    total = sum(r["seconds"] for r in rows)
    given = " ".join(
        shlex.quote(a.rsplit("/", 1)[-1] if a.startswith("postgres") else a) for a in sys.argv[1:]
    )
    header = (
        f"Run by `uv run python bench/all.py {given}` (databases named, URLs shortened) on "
        f"{started:%Y-%m-%d %H:%M} UTC, commit `{git_commit()}`, "
        f"{'full sizes' if args.full else 'quick sizes'}, {total / 60:.1f} min in all; "
        f"{os.cpu_count()} CPUs, load average (1 min) {load_before[0]:.2f} before and "
        f"{load_after[0]:.2f} after."
    )
    text = table(rows, header)
    print()
    print(text)
    if not args.no_write:
        write_doc(text)
        print(f"written into {DOC.relative_to(ROOT)}")
    failed = [
        r
        for r in rows
        if not r["status"].startswith("not run")
        and ("figure" not in r or r["status"] not in {"ok", "exit 1"} or r.get("met") is False)
    ]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
