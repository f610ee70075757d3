"""Word 97-2003 documents (.doc) through an external converter: antiword when installed
(its DocBook output keeps tables as rows and cells), else LibreOffice converting to .docx
in a temporary directory (then the .docx reader). With neither installed the file is
refused with one line saying what to install.

antiword's output does not mark a cell merged down over rows: the rows below the first
have that cell empty (LibreOffice's conversion keeps the merge)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from roadmaps.parsed import DocumentError
from roadmaps.readers.tables import clean_cell, table_lines

TIMEOUT = 120  # seconds; a converter that hangs is a broken file, not a reason to wait


def doc_to_text(raw: bytes, *, name: str = "<doc>") -> str:
    """The paragraphs and tables of a .doc, tables as " | " rows.

    :raises DocumentError: not a readable .doc, no converter installed, or no text.
    """
    with tempfile.TemporaryDirectory(prefix="tracker-doc-") as tmp:
        source = Path(tmp) / "document.doc"
        source.write_bytes(raw)
        if shutil.which("antiword"):
            text = _antiword(source, name)
        elif soffice := shutil.which("soffice") or shutil.which("libreoffice"):
            text = _libreoffice(soffice, source, name)
        else:
            raise DocumentError(f"{name}: a Word 97-2003 .doc file needs antiword or LibreOffice "
                                "to be read: install antiword (apt-get install antiword) or "
                                "save the file as .docx")
    if not text.strip():
        raise DocumentError(f"{name}: the document has no text")
    return text


def _run(command: list[str], name: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(command, capture_output=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise DocumentError(f"{name}: not a readable .doc file (the converter took over "
                            f"{TIMEOUT} s)") from None


def _antiword(source: Path, name: str) -> str:
    done = _run(["antiword", "-x", "db", "-m", "UTF-8.txt", str(source)], name)
    if done.returncode != 0 or not done.stdout.strip():
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = why[-1].replace(str(source), "it").strip() if why else \
            f"antiword exited with {done.returncode}"
        raise DocumentError(f"{name}: not a readable .doc file ({detail})")
    return docbook_to_text(done.stdout, name=name)


def docbook_to_text(xml: bytes, *, name: str) -> str:
    """antiword's DocBook: <para> a line each, <informaltable> rows as " | " lines. A
    <tgroup> of one column inside a wider table is a row merged across it (a section row)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             recover=True, huge_tree=False)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        raise DocumentError(f"{name}: not a readable .doc file ({exc})") from None
    if root is None:
        raise DocumentError(f"{name}: not a readable .doc file (no text)")
    lines: list[str] = []
    for element in root.iter("para", "informaltable"):
        if element.tag == "informaltable":
            lines.extend(["", *table_lines(_docbook_rows(element)), ""])
        elif next(element.iterancestors("informaltable"), None) is None:
            lines.append(" ".join("".join(_own_text(element)).split()))
    return "\n".join(lines)


def _own_text(para):
    """The text of a <para> without the tables nested in it."""
    if para.text:
        yield para.text
    for child in para:
        if child.tag != "informaltable":
            yield from child.itertext()
        if child.tail:
            yield child.tail


def _docbook_rows(table) -> list[list[str] | str]:
    groups = table.findall("tgroup")
    widest = max((int(g.get("cols", "1")) for g in groups), default=1)
    rows: list[list[str] | str] = []
    for group in groups:
        for row in group.iter("row"):
            cells = [clean_cell(" ".join(entry.itertext())) for entry in row.iter("entry")]
            rows.append(cells[0] if len(cells) == 1 and widest > 1 else cells)
    return rows


def _libreoffice(soffice: str, source: Path, name: str) -> str:
    from roadmaps.readers.word import docx_to_text

    out = source.parent
    profile = out / "profile"  # a private profile: a running LibreOffice does not block us
    _run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
          "docx", "--outdir", str(out), str(source)], name)
    converted = out / "document.docx"
    if not converted.is_file():
        raise DocumentError(f"{name}: not a readable .doc file (LibreOffice could not "
                            "convert it)")
    return docx_to_text(converted.read_bytes(), name=name)
