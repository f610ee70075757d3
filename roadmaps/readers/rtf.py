"""RTF documents through striprtf. The 8-bit code page is the document's \\ansicpg (Word
writes \\ansicpg1251 for Russian), else Windows-1251 when a font declares the Cyrillic
charset (\\fcharset204), else Windows-1252. Table rows come out of striprtf as cells
ended by "|"; they are rendered as the " | " rows the other readers make."""

from __future__ import annotations

import re

from roadmaps.parsed import DocumentError
from roadmaps.readers.tables import clean_cell, table_lines

_ANSICPG = re.compile(rb"\\ansicpg(\d{3,5})")


def rtf_to_text(raw: bytes, *, name: str = "<rtf>") -> str:
    """The text of an RTF document.

    :raises DocumentError: not RTF, unreadable, or no text.
    """
    from striprtf.striprtf import rtf_to_text as strip

    if not raw.lstrip().startswith(b"{\\rtf"):
        raise DocumentError(f"{name}: not an RTF file")
    encoding = _encoding(raw[:65536])
    try:
        # The bytes outside \'xx escapes are ASCII; latin-1 keeps any stray byte as it is.
        text = strip(raw.decode("latin-1"), encoding=encoding, errors="replace")
    except (ValueError, IndexError, LookupError) as exc:
        raise DocumentError(f"{name}: not a readable RTF file ({exc})") from None
    lines = _lines(text)
    if not "".join(lines).strip():
        raise DocumentError(f"{name}: the document has no text")
    return "\n".join(lines)


def _encoding(head: bytes) -> str:
    found = _ANSICPG.search(head)
    if found:
        encoding = f"cp{int(found.group(1))}"
        try:
            "".encode(encoding)
            return encoding
        except LookupError:
            pass
    return "cp1251" if b"\\fcharset204" in head else "cp1252"


def _lines(text: str) -> list[str]:
    lines: list[str] = []
    rows: list[list[str] | str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.endswith("|"):  # a table row: striprtf ends every cell with "|"
            cells = [clean_cell(cell) for cell in line[:-1].split("|")]
            rows.append(cells if len(cells) > 1 else cells[0])
            continue
        if rows:
            lines.extend(["", *table_lines(rows), ""])
            rows = []
        lines.append(line)
    if rows:
        lines.extend(["", *table_lines(rows), ""])
    return lines
