"""axe-core over one page of every named route (``permission_matrix.PAGES``) on the demo data:
anonymously when the public may see it, otherwise as the first identity of the matrix that may;
plus every role's "Mon espace". No serious or critical violation.

Left out: what is not an HTML page (files, PDFs, exports, JSON, htmx fragments),
and the Swagger UI (``api:openapi-view``: its vendor issues are listed in the accessibility
statement, ``/accessibilite/``)."""

import pytest
from django.conf import settings

from essaim.demo import load_demo
from essaim.portal.tests.matrix_probe import url_of
from essaim.portal.tests.matrix_world import IDENTITIES, build_world
from essaim.portal.tests.permission_matrix import PAGES

# backend_free: the pages' HTML is the same on SQLite and PostgreSQL (the crawl took 200 s of
# each CI run).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow, pytest.mark.backend_free]

# Not HTML pages (downloads, PDFs, JSON, raw mail), the Swagger UI (vendor), and routes without
# a page of their own (redirects, POST-only actions are skipped by their letters).
SKIPPED = {
    "api:openapi-json",
    "api:openapi-view",
    "api:api-root",
    "healthz",
    "set_language",
    "applications:message_attachment",
    "applications:receipt",
    "applications:attachment",
    "reviews:export",
    "labels:certificate",
    "support:pdf",
    "financing:request_document",
    "regulatory:attachment_download",
    "regulatory:quarantine_raw",
    "mfa_download_recovery_codes",
    "portal:news_feed",
    "portal:news_image",
    "portal:sitemap",
    "portal:sitemap_section",
}
# Who is tried first among those the matrix lets see a page (the programme's own staff before
# the superuser and the other programme's admin).
ORDER = ("admin", "instr", "offcr", "lead", "expert", "fin", "holder", "root", "other")


def who_sees(get: str) -> str | None:
    letters = dict(zip(IDENTITIES, get.split(), strict=True))
    if letters["anon"] == "o":
        return "anon"
    return next((identity for identity in ORDER if letters[identity] == "o"), None)


def visits() -> list[tuple[str, str, str]]:
    """(route name, URL arguments, identity) of every page to check."""
    pages = []
    for name, (args, get, _post) in PAGES.items():
        identity = who_sees(get) if get and get != "-" else None
        if identity and name not in SKIPPED:
            pages.append((name, args, identity))
    pages += [("accounts:dashboard", "", identity) for identity in ORDER]
    return pages


def test_every_page_pattern_has_no_serious_axe_violation(browser, live_server):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import Error as PlaywrightError

    load_demo(force=True)  # files go to the test's MEDIA_ROOT (root conftest)
    world = build_world()
    axe = Axe()
    contexts = {}
    failures = []
    checked = 0
    try:
        for name, args, identity in visits():
            if identity not in contexts:
                context = browser.new_context(
                    locale="fr-FR", viewport={"width": 1280, "height": 900}
                )
                context.set_default_timeout(15_000)
                if identity != "anon":
                    sessionid = world.cookies[identity][settings.SESSION_COOKIE_NAME].value
                    context.add_cookies(
                        [
                            {
                                "name": settings.SESSION_COOKIE_NAME,
                                "value": sessionid,
                                "url": live_server.url,
                            }
                        ]
                    )
                contexts[identity] = context.new_page()
            page = contexts[identity]
            url = live_server.url + url_of(name, args, world.ids)
            try:
                response = page.goto(url)
            except PlaywrightError as error:
                if "Download is starting" in str(error):
                    continue  # an attachment (a file to download), not a page
                raise
            if response is None or "text/html" not in response.headers.get("content-type", ""):
                continue
            if not page.evaluate("document.doctype !== null"):
                continue  # an htmx fragment (search results), part of the page that asks it
            if identity != "anon" and "/comptes/connexion/" in page.url:
                failures.append(f"{name} as {identity}: sent to the login page (not signed in)")
                continue
            checked += 1
            violations = [
                v
                for v in axe.run(page).response["violations"]
                if v.get("impact") in {"serious", "critical"}
            ]
            for violation in violations:
                targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
                failures.append(
                    f"{name} as {identity} ({url}): [{violation['impact']}] {violation['id']} "
                    f"{violation['help']} on {targets}"
                )
    finally:
        for page in contexts.values():
            page.context.close()
    print(f"axe crawl: {checked} pages checked")  # noqa: T201 - what was covered
    assert not failures, "\n".join(failures)
    assert checked >= 80, f"only {checked} pages checked"
