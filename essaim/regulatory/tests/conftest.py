"""Real servers on loopback for the mail tests: pymap (IMAP) and aiosmtpd (SMTP), both installed
with the test dependencies — nothing to install on the machine."""

import imaplib
import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Smtp:
    """Messages received by the loopback SMTP server."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    """An aiosmtpd server on loopback; Django's SMTP backend points at it."""
    from aiosmtpd.controller import Controller

    handler = Smtp()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
        }
    }
    yield handler
    controller.stop()


# pymap's command line, with the test password kept in clear: its default hash (500,000 PBKDF2
# rounds) would cost half a second per login.
PYMAP = """
import pymap.config
from pysasl.hashing import Cleartext

pymap.config.IMAPConfig._get_hash_context = classmethod(lambda cls, passlib_cfg: Cleartext())

from pymap.main import main

main()
"""


class ImapServer:
    """A pymap IMAP server (in-memory ``dict`` backend) with one user and an empty INBOX."""

    def __init__(self, port: int, user: str, password: str):
        self.host, self.port, self.user, self.password = "127.0.0.1", port, user, password

    def deliver(self, raw: bytes) -> None:
        """Put a message into the INBOX (IMAP APPEND: what a delivery agent's last step does)."""
        client = imaplib.IMAP4(self.host, self.port, timeout=10)
        try:
            client.login(self.user, self.password)
            status, data = client.append("INBOX", None, None, raw)
            assert status == "OK", data
        finally:
            client.logout()


@pytest.fixture
def imap_server():
    """A throwaway pymap IMAP server on a free loopback port (plain text, user ``guichet``),
    started as a subprocess and stopped after the test."""
    user, password = "guichet", "motdepasse-test"
    port = free_port()
    log = Path(tempfile.mkstemp(prefix="essaim-pymap-", suffix=".log")[1])
    with log.open("wb") as log_file:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
            [
                sys.executable,
                "-c",
                PYMAP,
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-tls",
                "dict",
                "--demo-user",
                user,
                "--demo-password",
                password,
            ],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            # The greeting names the host: skip a reverse DNS lookup that may hang offline.
            env={**os.environ, "FQDN": "localhost"},
        )
    try:
        _wait_for_port(port, process, log)
        yield ImapServer(port, user, password)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.unlink(missing_ok=True)


def _wait_for_port(port: int, process, log: Path) -> None:
    import time

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"pymap exited ({process.returncode}):\n{log.read_text(errors='replace')}",
                pytrace=False,
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                if sock.recv(100).startswith(b"* OK"):
                    return
        except OSError:
            try:  # wait on the process itself: returns at once if it dies
                process.wait(timeout=0.05)
            except subprocess.TimeoutExpired:
                pass
    pytest.fail("pymap did not answer on its port within 30 s.", pytrace=False)
