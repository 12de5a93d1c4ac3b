"""The ``journey`` fixture: a first-time visitor's walk from the home page, by links and buttons
only (the home page is the one address typed), counting the pages it took.

The journeys assert the pages reached and the messages shown; accessibility is checked once per
page pattern by ``core/tests/test_axe_crawl.py``, not again here (a few seconds each)."""

import re

import pytest
from playwright.sync_api import expect

PASSWORD = "secret-password"  # noqa: S105 - UserFactory's test password


class Journey:
    def __init__(self, page, live_server, name):
        self.page = page
        self.base = live_server.url
        self.name = name
        self.pages = 0
        self.errors = []
        page.on("framenavigated", self._navigated)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _navigated(self, frame):
        if frame == self.page.main_frame:
            self.pages += 1

    def home(self):
        """The one address typed: the home page."""
        self.page.goto(self.base + "/")
        expect(self.page.get_by_role("heading", level=1)).to_be_visible()

    def menu(self, name):
        """A link of the main menu (header)."""
        nav = self.page.get_by_role("navigation", name="Menu principal")
        nav.get_by_role("link", name=name, exact=True).click()

    def shortcut(self, name):
        """A link of "Mes accès" in Mon espace."""
        self.page.locator("#shortcuts").get_by_role("link", name=name).click()

    def my_space(self):
        self.menu("Mon espace")
        expect(self.page.get_by_role("heading", level=1)).to_have_text("Mon espace")

    def sign_in(self, email, password=PASSWORD, *, from_header=True):
        """From any page: the header's "Se connecter", or the login page already shown."""
        if from_header:
            self.page.get_by_role("banner").get_by_role("link", name="Se connecter").click()
        form = self.page.locator("main form")
        form.get_by_label("Adresse électronique").fill(email)
        form.get_by_label("Mot de passe").fill(password)
        form.get_by_role("button", name="Se connecter").click()

    def h1(self, text):
        expect(self.page.get_by_role("heading", level=1)).to_contain_text(
            text if isinstance(text, re.Pattern) else re.compile(re.escape(text))
        )

    def says(self, text):
        """A message (flash alert) shown on the page."""
        expect(self.page.get_by_role("status").filter(has_text=text).first).to_be_visible()

    def done(self):
        print(f"journey {self.name}: {self.pages} pages")  # noqa: T201 - the journey's length
        assert not self.errors, self.errors
        return self.pages


@pytest.fixture
def journey(page, live_server):
    def start(name):
        walk = Journey(page, live_server, name)
        walk.home()
        return walk

    return start
