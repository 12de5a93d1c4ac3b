"""Real servers on loopback for the mail tests: Debian's Dovecot (IMAP) and aiosmtpd (SMTP)."""

import shutil
import socket
import subprocess
import textwrap
from pathlib import Path

import pytest

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


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


class Dovecot:
    def __init__(self, base: Path, port: int, user: str, password: str, owner: tuple[int, int]):
        self.base, self.port, self.user, self.password = base, port, user, password
        self.maildir = base / "mail" / user / "Maildir"
        self.owner = owner

    def deliver(self, raw: bytes, name: str) -> None:
        """Drop a message into the user's Maildir ``new/`` (what a delivery agent does)."""
        import os

        tmp = self.maildir / "tmp" / name
        tmp.write_bytes(raw)
        os.chown(tmp, *self.owner)
        tmp.rename(self.maildir / "new" / name)


def _accounts() -> dict:
    """Who Dovecot's processes run as. Dovecot refuses root for its login processes and for
    mail users: as root (CI), use the ``dovecot``/``dovenull`` accounts the Debian package
    creates; otherwise the current user for everything."""
    import getpass
    import grp
    import os
    import pwd

    if os.getuid() == 0:
        dovecot = pwd.getpwnam("dovecot")
        return {
            "internal_user": "dovecot",
            "internal_group": grp.getgrgid(dovecot.pw_gid).gr_name,
            "login_user": "dovenull",
            "mail_uid": dovecot.pw_uid,
            "mail_gid": dovecot.pw_gid,
        }
    return {
        "internal_user": getpass.getuser(),
        "internal_group": grp.getgrgid(os.getgid()).gr_name,
        "login_user": getpass.getuser(),
        "mail_uid": os.getuid(),
        "mail_gid": os.getgid(),
    }


@pytest.fixture
def dovecot():
    """A throwaway Dovecot IMAP server on a free loopback port, one passwd-file user with a
    Maildir; started as a subprocess in the foreground and stopped after the test."""
    if not Path(DOVECOT).exists():
        pytest.fail(
            "IMAP tests need Debian's Dovecot (apt-get install -y dovecot-imapd; "
            ".ci/setup.d/dovecot.sh installs it).",
            pytrace=False,
        )
    import os
    import tempfile

    # Not under pytest's tmp_path: its 0700 parents would shut Dovecot's own users out.
    base = Path(tempfile.mkdtemp(prefix="essaim-dovecot-"))
    base.chmod(0o755)
    accounts = _accounts()
    owner = (accounts["mail_uid"], accounts["mail_gid"])
    user, password = "guichet", "motdepasse-test"
    port = free_port()
    home = base / "mail" / user
    for sub in ("cur", "new", "tmp"):
        (home / "Maildir" / sub).mkdir(parents=True)
    for path in (base / "mail", home, home / "Maildir", *(home / "Maildir").iterdir()):
        os.chown(path, *owner)
    (base / "run").mkdir()
    (base / "state").mkdir()
    (base / "users").write_text(f"{user}:{{PLAIN}}{password}:{owner[0]}:{owner[1]}::{home}::\n")
    conf = base / "dovecot.conf"
    conf.write_text(
        textwrap.dedent(
            f"""\
            base_dir = {base}/run
            state_dir = {base}/state
            instance_name = essaim-test-{port}
            protocols = imap
            listen = 127.0.0.1
            ssl = no
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            log_path = {base}/dovecot.log
            default_internal_user = {accounts["internal_user"]}
            default_internal_group = {accounts["internal_group"]}
            default_login_user = {accounts["login_user"]}
            mail_location = maildir:~/Maildir
            first_valid_uid = 1
            passdb {{
              driver = passwd-file
              args = scheme=PLAIN {base}/users
            }}
            userdb {{
              driver = passwd-file
              args = {base}/users
            }}
            service imap-login {{
              inet_listener imap {{
                address = 127.0.0.1
                port = {port}
              }}
              inet_listener imaps {{
                port = 0
              }}
              chroot =
            }}
            service anvil {{
              chroot =
            }}
            """
        )
    )
    process = subprocess.Popen(  # noqa: S603
        [DOVECOT, "-F", "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, process, base)
        yield Dovecot(base, port, user, password, owner)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(base, ignore_errors=True)


def _wait_for_port(port: int, process, base: Path) -> None:
    import time

    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (base / "dovecot.log").read_text() if (base / "dovecot.log").exists() else ""
            pytest.fail(f"Dovecot exited ({process.returncode}):\n{log}", pytrace=False)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as sock:
                if sock.recv(100).startswith(b"* OK"):
                    return
        except OSError:
            try:  # wait on the process itself: returns at once if it dies
                process.wait(timeout=0.05)
            except subprocess.TimeoutExpired:
                pass
    pytest.fail("Dovecot did not answer on its port within 15 s.", pytrace=False)
