"""Settings fail closed: checked in a fresh interpreter, since settings are read once."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

SNIPPET = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'essaim.settings'; "
    "from django.conf import settings; "
    "print(settings.DEBUG, settings.ALLOWED_HOSTS, settings.SESSION_COOKIE_SECURE)"
)


def _python(env: dict, code: str = SNIPPET) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ESSAIM_", "DJANGO_"))}
    clean.pop("SECRET_KEY", None)
    clean.pop("DATABASE_URL", None)
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_without_secret_key_fails(tmp_path):
    result = _python({"ESSAIM_MODE": "production", "ESSAIM_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be set" in result.stderr


def test_production_is_the_default_mode(tmp_path):
    result = _python({"ESSAIM_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_defaults_are_safe(tmp_path):
    result = _python(
        {"ESSAIM_MODE": "production", "SECRET_KEY": "x" * 50, "ESSAIM_VAR_DIR": str(tmp_path)}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "[]", "True"]


def test_unknown_mode_fails(tmp_path):
    result = _python({"ESSAIM_MODE": "prod", "ESSAIM_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "ESSAIM_MODE must be production, demo or test" in result.stderr


@pytest.mark.parametrize("value", ["", "0", "false", "no"])
def test_debug_is_off_unless_asked(tmp_path, value):
    result = _python(
        {"ESSAIM_MODE": "demo", "ESSAIM_DEBUG": value, "ESSAIM_VAR_DIR": str(tmp_path)}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "False"


def test_tests_run_in_test_mode():
    assert settings.MODE == "test"
    assert settings.DEBUG is False
