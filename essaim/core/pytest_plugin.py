"""Loaded with ``-p essaim.core.pytest_plugin`` (see pyproject.toml), before pytest-django reads
the settings: the tests run with ``ESSAIM_MODE=test`` whatever the shell exports."""

import os

os.environ["ESSAIM_MODE"] = "test"
# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
