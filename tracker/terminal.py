"""Terminal output that fits: tables at most 100 columns wide with long texts cut with an
ellipsis (`--wide`: every text whole, as wide as it takes), and long output through a
pager when, and only when, stdout is a terminal.

`emit(renderables, wide=...)` renders into a string at the chosen width first, so the
decision to page is made on the real line count; piped output (and tests) is written as
is, never paged.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterable

MAX_WIDTH = 100  # columns a table may take unless --wide
WIDE = 1000  # "as wide as it takes": rich never cuts below this


def width(wide: bool = False) -> int:
    """The width to render at: the terminal's, at most MAX_WIDTH; WIDE with --wide."""
    if wide:
        return WIDE
    if sys.stdout.isatty():
        return min(shutil.get_terminal_size((MAX_WIDTH, 24)).columns, MAX_WIDTH)
    return MAX_WIDTH


def render(renderables: Iterable, *, wide: bool = False) -> str:
    """The renderables as plain text (colours kept only for a terminal)."""
    from rich.console import Console  # here, not at the top: only output with tables pays

    console = Console(width=width(wide), highlight=False, soft_wrap=False, record=False,
                      force_terminal=sys.stdout.isatty(), no_color=not sys.stdout.isatty(),
                      file=_Sink())
    with console.capture() as capture:
        for item in renderables:
            console.print(item)
    text = capture.get()
    if wide:
        text = "\n".join(line.rstrip() for line in text.split("\n"))
    return text


def should_page(text: str, *, is_tty: bool, height: int) -> bool:
    """Page only on a terminal and only output taller than it."""
    return is_tty and text.count("\n") > max(height - 2, 1)


def emit(renderables: Iterable, *, wide: bool = False) -> None:
    """Print, through rich's pager (the system pager, `less` keeping colours) when the
    output is taller than the terminal, which only a TTY can be."""
    renderables = list(renderables)
    text = render(renderables, wide=wide)
    height = shutil.get_terminal_size((MAX_WIDTH, 24)).lines
    if should_page(text, is_tty=sys.stdout.isatty(), height=height):
        from rich.console import Console

        console = Console(width=width(wide), highlight=False, soft_wrap=False)
        with console.pager(styles=True):
            for item in renderables:
                console.print(item)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def cut(text: str | None, limit: int) -> str:
    """`text` on one line, at most `limit` characters, an ellipsis where it was cut."""
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class _Sink:
    """A file that swallows what rich writes outside `capture` (nothing, normally)."""

    def write(self, _text: str) -> int:
        return 0

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def emit_text(text: str) -> None:
    """Plain text as it is (no re-wrapping), through the pager when taller than the
    terminal (TTY only)."""
    if not text.endswith("\n"):
        text += "\n"
    height = shutil.get_terminal_size((MAX_WIDTH, 24)).lines
    if should_page(text, is_tty=sys.stdout.isatty(), height=height):
        import pydoc

        pydoc.pager(text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
