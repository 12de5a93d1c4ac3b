"""Growing past one machine, tested: two web processes (gunicorn, production settings) and one
task worker against one PostgreSQL database (with the read-replica router on), Redis for the
cache and the rate limits, and a local S3-compatible server (moto's, installed with the test
dependencies) for the files — nothing shared through the local disk. A journey crosses them:

- a file uploaded through web A is downloaded through web B, from the bucket, under the same
  permission checks (another account and an anonymous visitor get nothing);
- a write on A (the ticket) is read on B;
- the acknowledgement e-mail is sent by the worker (to a loopback SMTP server);
- failed sign-ins counted on A lock the address on B (rate limits in Redis);
- a certificate made on A is stored in the bucket and served by B from there.

Skipped, with the reason, when PostgreSQL or Redis does not answer on 127.0.0.1 — except in CI
(``CI`` set), where that is a failure — and in the PostgreSQL pass of the suite (``DATABASE_URL``
set): it makes its own database, once per run is enough. See docs/deploy.md.
"""

import hashlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.deploy, pytest.mark.slow]

PG_HOST, PG_PORT = "127.0.0.1", 5432
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
BUCKET = "essaim-deploy-test"
S3_KEYS = {"ESSAIM_S3_ACCESS_KEY_ID": "testing", "ESSAIM_S3_SECRET_ACCESS_KEY": "testing"}
UPLOADED = b"%PDF-1.4\n" + secrets.token_bytes(64 * 1024) + b"\n%%EOF\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def require(name: str, host: str, port: int) -> None:
    if answers(host, port):
        return
    reason = f"{name} does not answer on {host}:{port}"
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must provide it)")
    pytest.skip(reason)


class Processes:
    """The processes this test starts, each in its own process group with its output in a log
    file; stopped (SIGTERM, then SIGKILL) in reverse order."""

    def __init__(self, logs: Path, env: dict):
        self.logs, self.env, self.started = logs, env, []

    def start(self, name: str, *args: str) -> subprocess.Popen:
        log = (self.logs / f"{name}.log").open("wb")
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, *args],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.started.append((name, process, log))
        return process

    def run(self, name: str, *args: str, timeout: float = 120) -> str:
        result = subprocess.run(  # noqa: S603
            [sys.executable, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert result.returncode == 0, f"{name} failed:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def tails(self) -> str:
        return "\n".join(
            f"--- {name} ---\n{(self.logs / f'{name}.log').read_text(errors='replace')[-3000:]}"
            for name, _process, _log in self.started
        )

    def stop(self) -> None:
        for _name, process, log in reversed(self.started):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=15)
            log.close()


def wait_until(check, timeout: float, what: str, processes: Processes):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.25)
    raise AssertionError(f"{what} not within {timeout} s\n{processes.tails()}")


def healthy(requests, url: str) -> bool:
    try:
        return requests.get(f"{url}/healthz", timeout=5).status_code == 200
    except requests.RequestException:
        return False


def sign_in(requests, base: str, email: str, password: str):
    """A browser-like session signed in through ``base``'s login page (CSRF included); its
    response to the login form."""
    session = requests.Session()
    # As the reverse proxy forwards it: one public name for every web process (allauth counts
    # failed sign-ins per site name and address).
    session.headers["Host"] = "127.0.0.1"
    page = session.get(f"{base}/comptes/connexion/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        f"{base}/comptes/connexion/",
        data={"csrfmiddlewaretoken": token, "login": email, "password": password},
        allow_redirects=False,
        timeout=30,
    )
    return session, answer


def csrf(session, url: str) -> str:
    page = session.get(url, timeout=30)
    assert page.status_code == 200, page.text[:500]
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def bucket_objects(s3, prefix: str) -> dict[str, bytes]:
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])
    return {
        item["Key"]: s3.get_object(Bucket=BUCKET, Key=item["Key"])["Body"].read() for item in listed
    }


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
            self.messages.append(envelope)
            return "250 OK"

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


def migrations_digest() -> str:
    """Changes with any migration of Essaim's or of a locked dependency."""
    root = Path(__file__).resolve().parents[3]
    digest = hashlib.sha256((root / "uv.lock").read_bytes())
    for path in sorted(root.glob("essaim/*/migrations/*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


@pytest.fixture
def admin_db():
    """A connection to PostgreSQL's maintenance database, to create and drop databases."""
    require("PostgreSQL", PG_HOST, PG_PORT)
    import psycopg

    with psycopg.connect(
        f"postgres://postgres@{PG_HOST}:{PG_PORT}/postgres", autocommit=True
    ) as conn:
        yield conn


def fresh_database(conn, migrate) -> tuple[str, str]:
    """A new database copied from a migrated template (made once per state of the migrations,
    by ``migrate(url)``; older templates are dropped): its name and URL."""
    template = f"essaim_deploy_tpl_{migrations_digest()}"
    exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone()
    if not exists:
        building = f"essaim_deploy_build_{secrets.token_hex(4)}"
        conn.execute(f'CREATE DATABASE "{building}"')
        try:
            migrate(f"postgres://postgres@{PG_HOST}:{PG_PORT}/{building}")
            conn.execute(f'ALTER DATABASE "{building}" RENAME TO "{template}"')
        except BaseException:
            conn.execute(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)')
            raise
        old = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE 'essaim_deploy_tpl_%%' "
            "AND datname <> %s",
            [template],
        ).fetchall()
        for (name,) in old:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    name = f"essaim_deploy_{secrets.token_hex(4)}"
    conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return name, f"postgres://postgres@{PG_HOST}:{PG_PORT}/{name}"


def test_two_web_processes_and_a_worker_share_database_cache_and_object_storage(
    tmp_path, admin_db, smtp
):
    if os.environ.get("DATABASE_URL"):
        # It brings its own PostgreSQL database: once per CI run (the SQLite pass) is enough.
        pytest.skip("runs in the SQLite pass: it makes its own PostgreSQL database")
    require("Redis", REDIS_HOST, REDIS_PORT)
    import boto3
    import requests

    started = time.monotonic()
    inbox, smtp_port = smtp
    run = secrets.token_hex(4)
    s3_port, port_a, port_b = free_port(), free_port(), free_port()
    s3_url = f"http://127.0.0.1:{s3_port}"
    (tmp_path / "static").mkdir()
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ESSAIM_", "DJANGO_", "EMAIL_", "AWS_"))
        and k not in {"SECRET_KEY", "DATABASE_URL", "REDIS_URL"}
    }
    env = {
        **clean,
        "ESSAIM_MODE": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "ESSAIM_HTTPS": "0",
        "ESSAIM_TRUSTED_PROXY_COUNT": "0",
        "ESSAIM_VAR_DIR": str(tmp_path),
        "ESSAIM_STATIC_FROM_APPS": "1",
        "ESSAIM_BASE_URL": f"http://127.0.0.1:{port_a}",
        "REDIS_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/0",
        "ESSAIM_S3_BUCKET": BUCKET,
        "ESSAIM_S3_ENDPOINT_URL": s3_url,
        "ESSAIM_S3_REGION": "us-east-1",
        "ESSAIM_S3_PREFIX": f"essaim-{run}",
        **S3_KEYS,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "ESSAIM_LOGIN_FAILURES_PER_ADDRESS": "2",
    }
    processes = Processes(tmp_path, env)
    database = None
    try:
        processes.start("s3", "-m", "moto.server", "-H", "127.0.0.1", "-p", str(s3_port))

        def migrate(url):
            processes.env = {**env, "DATABASE_URL": url}
            processes.run("migrate", "-m", "essaim.cli", "migrate", "--noinput", timeout=240)

        database, url = fresh_database(admin_db, migrate)
        # The router on, pointed at the same database: reads and writes take separate
        # connections; real replication lag is the cookie's business (unit-tested).
        processes.env = {**env, "DATABASE_URL": url, "DATABASE_REPLICA_URL": url}
        migrated = time.monotonic() - started
        wait_until(lambda: answers("127.0.0.1", s3_port), 30, "moto", processes)
        s3 = boto3.client(
            "s3",
            endpoint_url=s3_url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",  # noqa: S106
        )
        s3.create_bucket(Bucket=BUCKET)
        a, b = f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}"
        for name, port in (("web-a", port_a), ("web-b", port_b)):
            processes.start(
                name,
                *("-m", "essaim.cli", "serve", "--bind", f"127.0.0.1:{port}"),
                *("--workers", "1", "--no-collectstatic"),
            )
        processes.start("worker", "-m", "essaim.cli", "worker")
        # The world is built while they boot.
        shell = f"from essaim.core.tests.deploy_world import build; build({run!r})"
        world = json.loads(
            processes.run("world", "-m", "essaim.cli", "shell", "-c", shell).splitlines()[-1]
        )
        for url in (a, b):
            wait_until(lambda url=url: healthy(requests, url), 60, f"{url}/healthz", processes)
        booted = time.monotonic() - started

        # Signed in on A, the session is known to B (sessions in the shared database).
        person, answer = sign_in(requests, a, world["email"], world["password"])
        assert answer.status_code == 302, answer.text[:2000]
        assert person.get(f"{b}/guichet-unique/mes-saisines/", timeout=30).status_code == 200

        # A file uploaded through A, with a ticket (a write on A) ...
        token = csrf(person, f"{a}/guichet-unique/saisir/")
        created = person.post(
            f"{a}/guichet-unique/saisir/",
            data={
                "csrfmiddlewaretoken": token,
                "idempotency_key": secrets.token_urlsafe(24),
                "title": f"Vente en vrac {run}",
                "wants_to_do": "Ouvrir une épicerie coopérative.",
                "blocked_by": "Les règles d'étiquetage.",
            },
            files={"attachment": ("etiquetage.pdf", UPLOADED, "application/pdf")},
            allow_redirects=False,
            timeout=30,
        )
        assert created.status_code == 302, created.text[:2000]
        ticket_url = created.headers["Location"]
        assert re.fullmatch(r"/guichet-unique/saisines/\d+/", ticket_url), ticket_url

        # ... lands in the bucket, not on a local disk ...
        stored = bucket_objects(s3, f"essaim-{run}/regulatory/")
        assert list(stored.values()) == [UPLOADED], list(stored)
        assert not (tmp_path / "media").exists()

        # ... is read on B (the write) and downloaded through B (the file).
        page = person.get(f"{b}{ticket_url}", timeout=30)
        assert page.status_code == 200 and f"Vente en vrac {run}" in page.text
        link = re.search(rf'href="({ticket_url}pieces-jointes/\d+/)"', page.text).group(1)
        download = person.get(f"{b}{link}", timeout=30)
        assert download.status_code == 200
        assert download.content == UPLOADED
        assert "attachment" in download.headers["Content-Disposition"]

        # The same permission checks on B: another account, an anonymous visitor.
        stranger, answer = sign_in(requests, b, world["stranger"], world["password"])
        assert answer.status_code == 302, answer.text[:2000]
        assert stranger.get(f"{b}{link}", timeout=30).status_code in {403, 404}
        anonymous = requests.get(f"{b}{link}", allow_redirects=False, timeout=30)
        assert anonymous.status_code == 302
        assert anonymous.headers["Location"].startswith("/comptes/connexion/")
        assert UPLOADED not in anonymous.content

        # The acknowledgement e-mail is sent by the worker (web processes only queue it).
        def acknowledged():
            return [m for m in inbox.messages if world["email"] in m.rcpt_tos]

        mails = wait_until(acknowledged, 45, "the worker's acknowledgement e-mail", processes)
        assert len(mails) == 1

        # Failed sign-ins counted on A lock the address on B (rate limits in Redis).
        for _ in range(2):
            _session, answer = sign_in(requests, a, world["locked"], "not-the-password")
            assert answer.status_code == 200
        _session, answer = sign_in(requests, b, world["locked"], world["password"])
        assert answer.status_code != 302, "the third sign-in went through on B"

        # A certificate made on A is stored in the bucket and served by B from there.
        certificate = f"/labels/{world['label']}/attestation.pdf"
        first = requests.get(f"{a}{certificate}", timeout=90)
        assert first.status_code == 200, first.text[:2000]
        assert first.content.startswith(b"%PDF")
        stored = bucket_objects(s3, f"essaim-{run}/labels/certificates/")
        assert list(stored.values()) == [first.content], list(stored)
        second = requests.get(f"{b}{certificate}", timeout=90)
        assert second.status_code == 200
        assert second.content == first.content
        assert bucket_objects(s3, f"essaim-{run}/labels/certificates/") == stored

        elapsed = time.monotonic() - started
        print(  # noqa: T201
            f"deploy journey: migrated in {migrated:.1f} s, processes up at {booted:.1f} s, "
            f"all done in {elapsed:.1f} s"
        )
    except BaseException:
        processes.stop()
        print(processes.tails())  # noqa: T201
        raise
    finally:
        processes.stop()
        if database:
            admin_db.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
