"""Fixtures shared by every app's tests.

``ESSAIM_MODE=test`` and ``DJANGO_ALLOW_ASYNC_UNSAFE`` are set by ``essaim.core.pytest_plugin``
(loaded from ``addopts``), before pytest-django reads the settings.

Browser tests: ask for ``page`` (a fresh French-speaking Chromium tab per test) and
``live_server``; ``assert_accessible(page)`` runs axe-core; ``login(page, live_server, email,
password)`` signs in through the login page. Tests using ``page`` get the ``browser`` marker, so
``pytest -m "not browser"`` runs the rest.
"""

import os
import re
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("ESSAIM_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# axe-core impacts that fail a test; "moderate" and "minor" ones are reported by axe only.
BLOCKING_IMPACTS = {"serious", "critical"}


# Tests whose result cannot depend on the database backend (``@pytest.mark.backend_free``) run
# on SQLite only: the PostgreSQL run of CI would repeat them for nothing.
ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def pytest_collection_modifyitems(config, items):
    once = pytest.mark.skip(
        reason="backend-free: what it checks does not depend on the database (run on SQLite)"
    )
    # The browser journeys drive the views and services that their own tests run on both
    # databases (locks, text search, concurrency: PostgreSQL's are tested there); what a journey
    # adds is the pages in a browser, the same on either. Once, on SQLite, keeps CI under 30 min.
    in_the_browser_once = pytest.mark.skip(
        reason="browser journey: run on SQLite (its views and services are tested on PostgreSQL)"
    )
    for item in items:
        if "page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
        if ON_POSTGRESQL and item.get_closest_marker("backend_free"):
            item.add_marker(once)
        elif ON_POSTGRESQL and item.get_closest_marker("browser"):
            item.add_marker(in_the_browser_once)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in French (the default), whatever an earlier test activated."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate limits and used one-time codes live in Django's cache (one per process): every test
    starts with none, whatever the tests before it signed in."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def user(db):
    from essaim.accounts.tests.factories import UserFactory

    return UserFactory()


# --- Browser tests ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium per test process (Playwright's own browser download does
    not work on these machines). Without ``/usr/bin/chromium`` the browser tests fail in CI
    (``CI`` set: ``.ci/run`` installs it) and are skipped, with the reason shown, on a developer's
    machine that has only Python and uv."""
    if not CHROMIUM.exists():
        message = (
            f"Browser tests need Debian's Chromium at {CHROMIUM} "
            "(apt-get install -y chromium fonts-dejavu-core; .ci/run installs it)."
        )
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import expect, sync_playwright

    # A loaded 2-core CI machine can take more than Playwright's default 5 s to serve a page:
    # wait longer for the expected state (never sleep).
    expect.set_options(timeout=15_000)
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
    except Exception as exc:
        playwright.stop()
        pytest.fail(f"Could not start {CHROMIUM}: {exc}", pytrace=False)
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def page(browser):
    """A new browser context per test (no shared cookies), in French, 1280 px wide."""
    context = browser.new_context(
        locale="fr-FR",
        viewport={"width": 1280, "height": 900},
        timezone_id="Europe/Paris",
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def _axe_violations(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]


@pytest.fixture
def assert_accessible():
    """``assert_accessible(page)``: fail listing every serious or critical axe-core violation."""

    def check(page) -> None:
        violations = _axe_violations(page)
        if violations:
            lines = [f"{len(violations)} accessibility violation(s) on {page.url}:"]
            for violation in violations:
                targets = [", ".join(node["target"]) for node in violation["nodes"][:5]]
                lines.append(
                    f"- [{violation['impact']}] {violation['id']}: {violation['help']} "
                    f"({violation['helpUrl']}) on {targets}"
                )
            pytest.fail("\n".join(lines), pytrace=False)

    return check


@pytest.fixture
def login():
    """``login(page, live_server, email, password)``: sign in through the login page and wait
    for "Mon espace"."""

    def sign_in(page, live_server, email: str, password: str) -> None:
        page.goto(f"{live_server.url}/comptes/connexion/")
        form = page.locator("main form")
        form.get_by_label("Adresse électronique").fill(email)
        form.get_by_label("Mot de passe").fill(password)
        form.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(re.compile(r"/comptes/$"))

    return sign_in
