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
import shutil
import subprocess
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


def wider_than(page, width: int) -> list[str]:
    return page.evaluate(_WIDER, width)


def open_page(browser, html: str, width: int, *, media: str = "screen"):
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.emulate_media(media=media)
    page.set_content(html, wait_until="load")
    return page


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
