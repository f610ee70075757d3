"""Regenerate the README's screenshots from a demo folder (run `tracker demo` first).

    python docs/screenshots/make_screenshots.py demo

Needs Debian's chromium (the emails are shot at a phone's 360 px width through Playwright
on /usr/bin/chromium), LibreOffice and poppler-utils (the XLSX report converted to PDF
as printed, first table page rendered to PNG).
"""

from __future__ import annotations

import email
import email.policy
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _html_of(eml: Path) -> str:
    parsed = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    return parsed.get_body(("html",)).get_content()


def main(folder: Path) -> None:
    from playwright.sync_api import sync_playwright

    from notifications.content.render import render_email
    from tracker.core.config_sources import load_settings
    from tracker.core.db import open_database
    from tracker.reports.digests import preview_digests

    settings = load_settings(folder / "config.toml")
    db = open_database(settings.db_url)
    reminder = next(p for p in sorted((folder / "outbox").glob("*.eml"))
                    if b"X-Tracker-Kind: reminder" in p.read_bytes())
    last = datetime(2022, 9, 14, 6, 0, tzinfo=UTC)
    lead = next(m for m in preview_digests(db, settings, "lead", last)
                if m.channel == "email")
    pages = {"reminder-email.png": _html_of(reminder),
             "lead-summary-email.png": render_email(lead).html}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--no-sandbox", "--disable-gpu"])
        for name, html in pages.items():
            page = browser.new_page(viewport={"width": 360, "height": 800})
            page.set_content(html, wait_until="load")
            height = page.evaluate("document.documentElement.scrollHeight")
            page.screenshot(path=str(HERE / name), full_page=True,  # the top, at most
                            clip={"x": 0, "y": 0, "width": 360, "height": min(height, 1700)})
            page.close()
        browser.close()
    with tempfile.TemporaryDirectory() as work:
        xlsx = Path(work) / "report.xlsx"
        subprocess.run(["tracker", "--config", str(folder / "config.toml"), "report",
                        "overdue", "--as-of", "14.09.2022", "--format", "xlsx", "--out",
                        str(xlsx)], check=True)
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", work,
                        str(xlsx)], check=True, capture_output=True)
        subprocess.run(["pdftoppm", "-png", "-r", "90", "-f", "2", "-l", "2", "-singlefile",
                        str(Path(work) / "report.pdf"),
                        str(HERE / "xlsx-organisations-printed")], check=True)
    db.dispose()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "demo").resolve())
