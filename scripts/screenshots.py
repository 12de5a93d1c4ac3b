"""Screenshots of a running demo for the guides in docs/, written to docs/img/*.png.

    uv run essaim demo --port 8000 &          # in another terminal
    uv run python scripts/screenshots.py --base-url http://127.0.0.1:8000 [--only home,login]
    uv run python scripts/screenshots.py --only roles/expert     # one role guide's steps

The role guides' steps (docs/roles/*.md) are in ``ROLE_SHOTS``, written to
docs/img/roles/<role>/<step>.png: each starts at a page of the demo and may click links on the
way (``"link:Name"`` a link by its visible name, ``"css:selector"`` the first match), as the
guide tells the reader to.

Drives Debian's Chromium (/usr/bin/chromium) with Playwright. Images are 1280 px wide, cropped
to the top of the page, and saved as 8-bit palette PNG when Pillow is available, to stay small.
"""

import argparse
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "img"
PASSWORD = "essaim-demo-2019"  # noqa: S105 - the demo's published password
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# name: (account or None, path, height to keep in px). Later issues add their pages here.
SHOTS = {
    "home": (None, "/", 1100),
    "login": (None, "/comptes/connexion/", 800),
    "directory": (None, "/annuaire/?q=France+Active", 900),
    "api-docs": (None, "/api/v1/docs", 800),
    "home-en": (None, "/?lang=en", 900),
    "dashboard-admin": ("admin@demo.essaim.fr", "/comptes/", 800),
    "dashboard-instructor": ("instructeur@demo.essaim.fr", "/comptes/", 800),
    "dashboard-expert": ("expert@demo.essaim.fr", "/comptes/", 800),
    "dashboard-territory": ("porteur@demo.essaim.fr", "/comptes/", 800),
    "dashboard-project": ("projet@demo.essaim.fr", "/comptes/", 800),
    "dashboard-financer": ("financeur@demo.essaim.fr", "/comptes/", 800),
    "dashboard-window": ("guichet@demo.essaim.fr", "/comptes/", 800),
    "dashboard-company": ("entreprise@demo.essaim.fr", "/comptes/", 800),
    "api-tokens": ("admin@demo.essaim.fr", "/comptes/jetons/", 800),
}

# name: (account or None, path, clicks, height to keep in px): the role guides, step by step.
ROLE_SHOTS = {
    # Public (no account)
    "roles/public/1-home": (None, "/", [], 900),
    "roles/public/2-call": (None, "/", ["link:Qui peut candidater et comment"], 900),
    "roles/public/3-territories": (None, "/territoires/", [], 900),
    "roles/public/4-territory": (None, "/territoires/", ["css:#territory-table a"], 900),
    "roles/public/5-verify": (
        None,
        "/territoires/",
        ["css:#territory-table a", "link:Vérifier le label"],
        700,
    ),
    "roles/public/6-knowledge-base": (None, "/guichet-unique/base-de-connaissances/", [], 900),
    # Territory lead
    "roles/territory/1-call": (None, "/appels/ami-territoire-french-impact/", [], 900),
    "roles/territory/2-applications": ("porteur", "/candidatures/", [], 800),
    "roles/territory/3-application": ("porteur", "/candidatures/", ["css:main table a"], 900),
    "roles/territory/4-plan": ("porteur", "/accompagnement/mon-plan/", [], 900),
    # Instructor
    "roles/instructor/1-queue": ("instructeur", "/avis/instruction/", [], 900),
    "roles/instructor/2-application": (
        "instructeur",
        "/avis/instruction/",
        ["css:main table tbody a"],
        1400,
    ),
    "roles/instructor/3-plans": ("instructeur", "/accompagnement/programme/", [], 800),
    # Expert
    "roles/expert/1-requests": ("expert", "/avis/?etat=requested", [], 800),
    "roles/expert/2-conflict": (
        "expert",
        "/avis/?etat=requested",
        ["css:main table tbody a"],
        1300,
    ),
    "roles/expert/3-opinion": ("expert", "/avis/?etat=accepted", ["css:main table tbody a"], 1300),
    # Programme admin
    "roles/programme-admin/1-calls": ("admin", "/appels/", [], 800),
    "roles/programme-admin/2-call-manage": (
        "admin",
        "/appels/ami-territoire-french-impact/",
        ["link:Gérer l'appel"],
        900,
    ),
    "roles/programme-admin/3-form": (
        "admin",
        "/appels/ami-territoire-french-impact/",
        ["link:Gérer l'appel", "link:Formulaire"],
        900,
    ),
    "roles/programme-admin/4-waves": ("admin", "/labels/vagues/", [], 800),
    "roles/programme-admin/5-committee": (
        "admin",
        "/labels/vagues/",
        ["css:main table tbody a"],
        1100,
    ),
    # Project holder
    "roles/project-holder/1-projects": ("projet", "/projets/", [], 900),
    "roles/project-holder/2-project": (
        "projet",
        "/projets/?q=supermarche",
        ["css:main .fr-card a"],
        1100,
    ),
    "roles/project-holder/3-matches": (
        "projet",
        "/projets/?q=supermarche",
        ["css:main .fr-card a", "link:Voir les financements possibles"],
        1000,
    ),
    "roles/project-holder/4-requests": ("projet", "/financement/demandes/", [], 800),
    "roles/project-holder/5-tickets": ("projet", "/guichet-unique/mes-saisines/", [], 800),
    # Financer
    "roles/financer/1-instruments": ("financeur", "/financement/outils/", [], 900),
    "roles/financer/2-requests": ("financeur", "/financement/demandes/", [], 900),
    "roles/financer/3-request": (
        "financeur",
        "/financement/demandes/",
        ['css:#request-table tbody tr:has-text("reçue") a'],
        1000,
    ),
    "roles/financer/4-gaps": ("financeur", "/financement/manques/", [], 800),
    # Single-window officer
    "roles/single-window/1-queue": ("guichet", "/guichet-unique/saisines/", [], 900),
    "roles/single-window/2-ticket": (
        "guichet",
        "/guichet-unique/saisines/",
        ["css:main table tbody a"],
        1200,
    ),
    "roles/single-window/3-quarantine": ("guichet", "/guichet-unique/quarantaine/", [], 800),
    "roles/single-window/4-experimentations": (
        "guichet",
        "/guichet-unique/experimentations/",
        [],
        800,
    ),
    # Engaged company
    "roles/company/1-organisation": (
        "entreprise",
        "/comptes/",
        ["css:main a[href^='/annuaire/organisations/']"],
        900,
    ),
    "roles/company/2-edit": (
        "entreprise",
        "/comptes/",
        ["css:main a[href^='/annuaire/organisations/']", "link:Modifier"],
        900,
    ),
    "roles/company/3-projects": ("entreprise", "/projets/", [], 900),
    "roles/company/4-needs": ("entreprise", "/comptes/", ["link:Besoins des projets"], 1100),
    "roles/company/5-help": (
        "entreprise",
        "/synergies/entreprise/",
        ["css:#need-matches a.fr-btn"],
        1200,
    ),
    "roles/company/6-offers": ("entreprise", "/comptes/", ["link:Mes offres"], 800),
    "roles/company/7-introductions": (
        "entreprise",
        "/comptes/",
        ["link:Mes mises en relation"],
        800,
    ),
}


def click(page, step: str) -> None:
    kind, _, target = step.partition(":")
    if kind == "link":
        page.get_by_role("link", name=target, exact=True).first.click()
    else:
        page.locator(target).first.click()
    page.wait_for_load_state("networkidle")


def sign_in(page, base_url: str, account: str) -> None:
    email = account if "@" in account else f"{account}@demo.essaim.fr"
    page.goto(f"{base_url}/comptes/connexion/")
    form = page.locator("main form")
    form.get_by_label("Adresse électronique").fill(email)
    form.get_by_label("Mot de passe").fill(PASSWORD)
    form.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state("networkidle")


def shrink(path: Path) -> None:
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as image:
        image.convert("RGB").quantize(colors=128).save(path, optimize=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--only", default="", help="comma-separated names (default: all)")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args()
    shots = {**SHOTS, **ROLE_SHOTS}
    prefixes = [n for n in args.only.split(",") if n]
    wanted = [n for n in shots if not prefixes or any(n.startswith(p) for p in prefixes)]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=ARGS
        )
        for name in wanted:
            account, path, *clicks, height = shots[name]
            clicks = clicks[0] if clicks else []
            context = browser.new_context(
                locale="fr-FR", viewport={"width": 1280, "height": height}
            )
            page = context.new_page()
            if account:
                sign_in(page, args.base_url, account)
            if path.endswith("?lang=en"):
                page.goto(args.base_url + path.removesuffix("?lang=en"))
                page.locator(".fr-header__tools-links button[name=language][value=en]").click()
                page.wait_for_load_state("networkidle")
            else:
                page.goto(args.base_url + path)
                page.wait_for_load_state("networkidle")
            for step in clicks:
                click(page, step)
            target = out / f"{name}.png"
            target.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(target))
            shrink(target)
            print(f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
            context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
