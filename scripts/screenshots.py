"""Takes the README's screenshots from a running demo (make demo) in Debian's Chromium.

usage: .venv/bin/python scripts/screenshots.py [http://127.0.0.1:8000]
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
        page.goto(f"{BASE}/connexion/")
        page.get_by_label("Identifiant").fill("referent-caf")
        page.get_by_label("Mot de passe").fill("atlasia-demo-2026")
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_load_state()
        page.screenshot(path=str(OUT / "home.png"), full_page=False)
        page.goto(f"{BASE}/cas-d-usage/?theme=fraude_controle")
        page.screenshot(path=str(OUT / "usecase-list.png"), full_page=False)
        page.get_by_role("link", name="Ciblage des contrôles").first.click() if page.get_by_role(
            "link", name="Ciblage des contrôles"
        ).count() else None
        page.goto(page.url)
        page.screenshot(path=str(OUT / "usecase-detail.png"), full_page=False)
        browser.close()


if __name__ == "__main__":
    main()
