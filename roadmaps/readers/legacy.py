"""Word 97-2003 documents (.doc) through an external converter: antiword when installed
(its DocBook output keeps tables as rows and cells), else LibreOffice converting to .docx
in a temporary directory (then the .docx reader). With neither installed the file is
refused with one line saying what to install.

antiword's output does not mark a cell merged down over rows: the rows below the first
have that cell empty (LibreOffice's conversion keeps the merge)."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from roadmaps.parsed import DocumentError
from roadmaps.readers.tables import clean_cell, table_lines
from tracker.core.i18n import _
from tracker.core.reasons import library_reason

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
            raise DocumentError(
                _("{name}: a Word 97-2003 .doc file needs antiword or LibreOffice to be read: "
                  "install antiword (apt-get install antiword) or save the file as .docx").format(
                name=name))
    if not text.strip():
        raise DocumentError(_("{name}: the document has no text").format(name=name))
    return text


def _run(command: list[str], name: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(command, capture_output=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise DocumentError(
            _("{name}: not a readable .doc file (the converter took over {seconds} s)").format(
            name=name, seconds=TIMEOUT)) from None


def _antiword(source: Path, name: str) -> str:
    done = _run(["antiword", "-x", "db", "-m", "UTF-8.txt", str(source)], name)
    if done.returncode != 0 or not done.stdout.strip():
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = _('"{detail}"').format(detail=why[-1].replace(str(source), "it").strip()) \
            if why else _("antiword exited with {code}").format(code=done.returncode)
        raise DocumentError(
            _("{name}: not a readable .doc file ({reason})").format(name=name, reason=detail))
    # The DocBook output drops the numbers of Word's numbered lists, which are the items'
    # labels; antiword's plain text has them, so they are looked up there.
    plain = _run(["antiword", "-w", "0", "-m", "UTF-8.txt", str(source)], name)
    labels = list_labels(plain.stdout.decode("utf-8", "replace")) if plain.returncode == 0 \
        else {}
    return docbook_to_text(done.stdout, name=name, labels=labels)


_LABELLED = re.compile(r"^\s*((?:\d{1,3}\.)+\d{0,3}|\d{1,3}\)|[а-яa-z]\))\s+(\S.*)$")


def _key(text: str) -> str:
    return " ".join(text.split())[:60].casefold()


def list_labels(plain: str) -> dict[str, str]:
    """Numbered lines of antiword's plain text: the start of their text -> their label."""
    labels: dict[str, str] = {}
    for line in plain.splitlines():
        found = _LABELLED.match(line)
        if found:
            labels.setdefault(_key(found.group(2)), found.group(1))
    return labels


def docbook_to_text(xml: bytes, *, name: str, labels: dict[str, str] | None = None) -> str:
    """antiword's DocBook: <para> a line each, <informaltable> rows as " | " lines. A
    <tgroup> of one column inside a wider table is a row merged across it (a section row).
    A paragraph of a numbered list gets its label from `labels` (see `list_labels`), else
    its position in the list; one of a bulleted list a "• "."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             recover=True, huge_tree=False)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        raise DocumentError(
            _("{name}: not a readable .doc file ({reason})").format(
                name=name, reason=library_reason(exc))
        ) from None
    if root is None:
        raise DocumentError(_("{name}: not a readable .doc file (no text)").format(name=name))
    lines: list[str] = []
    for element in root.iter("para", "informaltable"):
        if element.tag == "informaltable":
            lines.extend(["", *table_lines(_docbook_rows(element)), ""])
        elif next(element.iterancestors("informaltable"), None) is None:
            text = " ".join("".join(_own_text(element)).split())
            lines.append(_list_prefix(element, text, labels or {}) + text if text else text)
    return "\n".join(lines)


def _list_prefix(para, text: str, labels: dict[str, str]) -> str:
    item = para.getparent()
    if item is None or item.tag != "listitem" or item.getparent() is None:
        return ""
    if item.getparent().tag == "itemizedlist":
        return "• "
    label = labels.get(_key(text))
    if label is None:  # numbered by a style antiword does not replay: count the items
        label = f"{sum(1 for _ in item.itersiblings('listitem', preceding=True)) + 1}."
    return f"{label} "


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
        raise DocumentError(
            _("{name}: not a readable .doc file (LibreOffice could not convert it)").format(
            name=name))
    return docx_to_text(converted.read_bytes(), name=name)
