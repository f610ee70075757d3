"""Opening pages the way a person does: in Chromium at a phone's width, and printed.

`wider_than(page, width)` lists the elements whose right edge lies beyond `width` CSS
pixels and that are not inside a box that scrolls sideways on its own (such an element is
reached by scrolling the box, the page itself stays put), plus the page's own scroll width
when it exceeds `width`. `print_to_pdf` runs Chromium's own `--print-to-pdf` (the command
line a person would use, not Playwright's printing); `pdf_text` reads the PDF back with
pdftotext.
"""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

_WIDER = """(width) => {
  const bad = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > width) bad.push(`page scrollWidth ${doc.scrollWidth}`);
  const scrolls = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p);
      if ((s.overflowX === 'auto' || s.overflowX === 'scroll') && p.clientWidth <= width)
        return true;
    }
    return false;
  };
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0) continue;
    if ((r.right > width + 0.5 || r.left < -0.5) && !scrolls(el)) {
      bad.push(`${el.tagName.toLowerCase()}.${el.className} right=${Math.round(r.right)}: `
               + (el.textContent || '').trim().slice(0, 40));
    }
  }
  return bad.slice(0, 10);
}"""


class Chromium:
    """One headless Chromium driven by Playwright's sync API in a thread of its own: the
    sync API runs an event loop in the thread that starts it, which would break every
    asyncio test after it if that were the tests' thread."""

    def __init__(self, executable: str):
        self._jobs: queue.Queue = queue.Queue()
        self._ready: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._serve, args=(executable,), daemon=True)
        self._thread.start()
        error = self._ready.get(timeout=120)
        if error is not None:
            raise error

    def _serve(self, executable: str) -> None:
        from playwright.sync_api import sync_playwright

        try:
            playwright = sync_playwright().start()
            browser = playwright.chromium.launch(
                executable_path=executable,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--disable-sync", "--no-first-run"])
        except BaseException as exc:  # handed to the test that asked for a browser
            self._ready.put(exc)
            return
        self._ready.put(None)
        while (job := self._jobs.get()) is not None:
            work, answer = job
            try:
                answer.put((True, work(browser)))
            except BaseException as exc:
                answer.put((False, exc))
        browser.close()
        playwright.stop()

    def run(self, work: Callable):
        """`work(browser)` in the browser's thread; its result, or its exception raised."""
        answer: queue.Queue = queue.Queue()
        self._jobs.put((work, answer))
        ok, value = answer.get(timeout=120)
        if not ok:
            raise value
        return value

    def page(self, html: str, width: int, script: str, *args, media: str = "screen"):
        """Open `html` at `width` CSS pixels (`media` screen or print) and return what
        `script` (a JS function) returns for `args`."""

        def work(browser):
            page = browser.new_page(viewport={"width": width, "height": 800})
            try:
                page.emulate_media(media=media)
                page.set_content(html, wait_until="load")
                return page.evaluate(script, *args)
            finally:
                page.close()

        return self.run(work)

    def wider_than(self, html: str, width: int, *, media: str = "screen") -> list[str]:
        return self.page(html, width, _WIDER, width, media=media)

    def screenshot(self, html: str, width: int, path: Path) -> None:
        def work(browser):
            page = browser.new_page(viewport={"width": width, "height": 800})
            try:
                page.set_content(html, wait_until="load")
                page.screenshot(path=str(path), full_page=True)
            finally:
                page.close()

        self.run(work)

    def close(self) -> None:
        self._jobs.put(None)
        self._thread.join(timeout=60)


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI"):
            raise RuntimeError(f"{name} is missing")
        pytest.skip(f"{name} is not installed")
    return found


def print_to_pdf(html_path: Path, pdf_path: Path) -> Path:
    """Chromium's command-line print to PDF, as `chromium --headless --print-to-pdf`."""
    chromium = _program("chromium")
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--no-pdf-header-footer", f"--print-to-pdf={pdf_path}",
         "--window-size=360,800", html_path.as_uri()],
        check=True, capture_output=True, timeout=60)
    return pdf_path


def pdf_text(pdf_path: Path) -> str:
    pdftotext = _program("pdftotext")
    return subprocess.run([pdftotext, "-layout", str(pdf_path), "-"], check=True,
                          capture_output=True, text=True, timeout=30).stdout


def pdf_page_size(pdf_path: Path) -> tuple[float, float]:
    """The first page's width and height in points (pdfinfo)."""
    out = subprocess.run([_program("pdfinfo"), str(pdf_path)], check=True,
                         capture_output=True, text=True, timeout=30).stdout
    line = next(x for x in out.splitlines() if x.startswith("Page size:"))
    parts = line.split()
    return float(parts[2]), float(parts[4])
