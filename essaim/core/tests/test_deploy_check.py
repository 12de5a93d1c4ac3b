"""The production environment docs/operator.md documents passes ``check --deploy`` with no
warning (HTTPS, HSTS, secure cookies), and production enforces the second factor."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parents[3] / "docs" / "operator.md"


def documented_environment() -> dict[str, str]:
    """The ``export`` lines of the operator guide's "Deploying on one machine" block, with the
    elided values (…) filled in."""
    section = DOC.read_text().split("## Deploying on one machine", 1)[1].split("\n## ", 1)[0]
    env = {}
    for line in section.splitlines():
        if not line.startswith("export "):
            continue
        for name, value in re.findall(r"([A-Z_]+)=(\S+)", line.split("#", 1)[0]):
            env[name] = value
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    return {k: v.replace("…", "documented-value") for k, v in env.items()}


def _run(args: list[str], env: dict, tmp_path) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ESSAIM_", "DJANGO_"))}
    for name in ("SECRET_KEY", "DATABASE_URL", "EMAIL_HOST", "REDIS_URL"):
        clean.pop(name, None)
    return subprocess.run(  # noqa: S603
        [sys.executable, *args],
        env={**clean, "ESSAIM_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_clean_with_documented_environment(tmp_path):
    env = documented_environment()
    # What the guide documents, and what the check needs to pass.
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "EMAIL_HOST", "ESSAIM_BASE_URL"):
        assert name in env, name
    result = _run(
        ["-m", "essaim.cli", "check", "--deploy", "--fail-level", "WARNING"], env, tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_is_https_and_enforces_the_second_factor(tmp_path):
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'essaim.settings'; "
        "from django.conf import settings as s; "
        "print(s.ESSAIM_MFA_ENFORCED, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "s.SESSION_COOKIE_SECURE, s.ESSAIM_STAFF_SESSION_AGE, s.SESSION_COOKIE_AGE)"
    )
    result = _run(["-c", code], documented_environment(), tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "31536000", "True", "28800", "1209600"]


def test_demo_enforces_the_second_factor_over_plain_http(tmp_path):
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'essaim.settings'; "
        "from django.conf import settings as s; "
        "print(s.ESSAIM_MFA_ENFORCED, s.DEMO, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE)"
    )
    result = _run(["-c", code], {"ESSAIM_MODE": "demo"}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "False", "False"]


def test_a_plain_http_test_install_can_opt_out(tmp_path):
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'essaim.settings'; "
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE)"
    )
    result = _run(["-c", code], {**documented_environment(), "ESSAIM_HTTPS": "0"}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "0", "False"]
