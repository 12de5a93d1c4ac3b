"""Screenshots of a running demo for the guides in docs/, written to docs/img/*.png.

    uv run essaim demo --port 8000 &          # in another terminal
    uv run python scripts/screenshots.py --base-url http://127.0.0.1:8000 [--only home,login]

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
    wanted = [n for n in args.only.split(",") if n] or list(SHOTS)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=ARGS
        )
        for name in wanted:
            account, path, height = SHOTS[name]
            context = browser.new_context(
                locale="fr-FR", viewport={"width": 1280, "height": height}
            )
            page = context.new_page()
            if account:
                page.goto(f"{args.base_url}/comptes/connexion/")
                form = page.locator("main form")
                form.get_by_label("Adresse électronique").fill(account)
                form.get_by_label("Mot de passe").fill(PASSWORD)
                form.get_by_role("button", name="Se connecter").click()
                page.wait_for_load_state("networkidle")
            if path.endswith("?lang=en"):
                page.goto(args.base_url + path.removesuffix("?lang=en"))
                page.locator(".fr-header__tools-links button[name=language][value=en]").click()
                page.wait_for_load_state("networkidle")
            else:
                page.goto(args.base_url + path)
                page.wait_for_load_state("networkidle")
            target = out / f"{name}.png"
            page.screenshot(path=str(target))
            shrink(target)
            print(f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
            context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
