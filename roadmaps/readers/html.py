"""Web pages saved from a browser (.html): the text of the page's content, tables as
" | " rows, block elements as lines. Scripts, styles, navigation, page header and footer,
side bars, forms' controls and share/crumb blocks are dropped; the charset comes from the
BOM, a <meta> tag, or the bytes."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from roadmaps.parsed import DocumentError
from roadmaps.readers.tables import clean_cell, table_lines
from tracker.core.i18n import _
from tracker.core.reasons import library_reason

_SKIP = {"script", "style", "noscript", "template", "nav", "header", "footer", "aside",
         "head", "svg", "button", "select", "iframe", "object", "menu"}
_SKIP_CLASS = re.compile(r"breadcrumb|crumbs|share|social|menu|navbar|sidebar|cookie",
                         re.IGNORECASE)
_BLOCK = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section",
          "article", "main", "blockquote", "pre", "dt", "dd", "dl", "address", "figure",
          "figcaption", "hr", "caption", "form", "fieldset", "center"}
_ZERO_WIDTH = re.compile("[\ufeff\u200b\u200c\u200d\u2060]")
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_VOID = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed",
         "source", "track", "wbr", "param"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""",
                           re.IGNORECASE)
HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)[\s>]",
                        re.IGNORECASE | re.DOTALL)


def html_to_text(raw: bytes, *, name: str = "<html>") -> str:
    """The text of a saved web page.

    :raises DocumentError: undecodable, or a page with no text.
    """
    source = _decode(raw, name)
    reader = _PageReader()
    try:
        reader.feed(source)
        reader.close()
    except (AssertionError, ValueError) as exc:  # html.parser is lenient; this is rare
        raise DocumentError(
            _("{name}: not a readable HTML page ({reason})").format(
                name=name, reason=library_reason(exc))
        ) from None
    # Zero-width characters pasted into pages (a BOM mid-text, zero-width spaces) are noise.
    text = _ZERO_WIDTH.sub("", "\n".join(reader.finish()))
    if not text.strip():
        raise DocumentError(_("{name}: the page has no text").format(name=name))
    return text


def _decode(raw: bytes, name: str) -> str:
    from roadmaps.readers.text import decode_text

    if raw.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode_text(raw, name=name)
    declared = _META_CHARSET.search(raw[:8192])
    if declared:
        encoding = declared.group(1).decode("ascii").lower()
        try:
            return raw.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong <meta>: the bytes decide
    return decode_text(raw, name=name)


class _Table:
    def __init__(self) -> None:
        self.rows: list[list[tuple[str, int, int]]] = []  # (text, colspan, rowspan)
        self.cell: list[str] | None = None
        self.spans = (1, 1)

    def end_cell(self) -> None:
        if self.cell is not None:
            if not self.rows:
                self.rows.append([])
            self.rows[-1].append((clean_cell(" ".join(self.cell)), *self.spans))
            self.cell = None

    def lines(self) -> list[str]:
        self.end_cell()
        width = max((sum(span for _, span, _ in row) for row in self.rows), default=0)
        grid: list[list[str] | str] = []
        below: dict[int, tuple[str, int]] = {}  # column -> (text, rows left) of a rowspan
        for row in self.rows:
            if len(row) == 1 and width > 1 and row[0][1] >= width and not below:
                grid.append(row[0][0])  # one cell across the table: a section row
                continue
            cells: list[str] = []
            queue = list(row)
            while queue or any(col >= len(cells) for col in below):
                col = len(cells)
                if col in below:
                    text, left = below.pop(col)
                    cells.append(text)
                    if left > 1:
                        below[col] = (text, left - 1)
                    continue
                if not queue:
                    cells.append("")
                    continue
                text, colspan, rowspan = queue.pop(0)
                for offset in range(colspan):  # a merge across columns repeats the value
                    cells.append(text)
                    if rowspan > 1:
                        below[col + offset] = (text, rowspan - 1)
            grid.append(cells)
        return table_lines(grid)


class _PageReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.chunks: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # open elements and whether they skip
        self.tables: list[_Table] = []
        self.pre = 0

    def _skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def _flush(self) -> None:
        text = "".join(self.chunks)
        self.chunks = []
        if self.tables:
            return
        if self.pre:
            self.lines.extend(text.split("\n"))
        elif text.strip():
            self.lines.append(" ".join(text.split()))

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        # An article's own <header> holds its title: only the page's header is furniture.
        in_article = any(open_tag in ("article", "main") for open_tag, _ in self.stack)
        skipping = self._skipping() or attributes.get("role") == "navigation" \
            or (tag in _SKIP and not (tag in ("header", "footer") and in_article)) \
            or bool(_SKIP_CLASS.search(f"{attributes.get('class', '')} "
                                       f"{attributes.get('id', '')}"))
        if tag not in _VOID:
            self.stack.append((tag, skipping))
        if skipping:
            return
        if tag == "br":
            if self.tables or self.pre:
                self._text("\n" if self.pre and not self.tables else " ")
            else:
                self._flush()
        elif tag == "table":
            self._flush()
            if self.tables and self.tables[-1].cell is not None:
                self.tables[-1].cell.append(" ")  # a nested table is text of its cell
            self.tables.append(_Table())
        elif self.tables and tag == "tr":
            self.tables[-1].end_cell()
            self.tables[-1].rows.append([])
        elif self.tables and tag in ("td", "th"):
            table = self.tables[-1]
            table.end_cell()
            table.cell = []
            table.spans = (_span(attributes.get("colspan")), _span(attributes.get("rowspan")))
        elif self.tables and tag in _BLOCK:  # inside a cell a block only separates words
            self._text(" ")
        elif tag in _BLOCK:
            self._flush()
            if tag in _HEADINGS:
                self.lines.append("")
            self.pre += tag == "pre"

    def handle_endtag(self, tag):
        if not any(open_tag == tag for open_tag, _ in self.stack):
            return  # a stray end tag
        while self.stack:
            open_tag, skipping = self.stack.pop()
            if not skipping:
                self._close(open_tag)
            if open_tag == tag:
                break

    def _close(self, tag: str) -> None:
        if tag == "table" and self.tables:
            table = self.tables.pop()
            lines = table.lines()
            if self.tables and self.tables[-1].cell is not None:
                self.tables[-1].cell.append(" ".join(lines))
            else:
                self.lines.extend(["", *lines, ""])
        elif self.tables and tag in ("td", "th"):
            self.tables[-1].end_cell()
        elif tag in _BLOCK and not self.tables:
            self._flush()
            if tag in _HEADINGS:  # a heading ends the item above it, as a blank line does
                self.lines.append("")
            self.pre -= tag == "pre" and self.pre > 0

    def handle_data(self, data):
        if not self._skipping():
            self._text(data)

    def _text(self, data: str) -> None:
        if self.tables:
            if self.tables[-1].cell is not None:
                self.tables[-1].cell.append(data)
        else:
            self.chunks.append(data)

    def finish(self) -> list[str]:
        while self.tables:
            self._close("table")
        self._flush()
        return self.lines


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 100))
    except ValueError:
        return 1
