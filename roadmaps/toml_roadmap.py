"""A roadmap typed in by hand, as TOML, read into the same `ParsedDocument` as a protocol.

The format is documented in docs/roadmap-toml.md; roadmaps/examples/roadmap_example.toml
is a complete example. In short::

    [document]
    kind = "roadmap"            # or "дорожная карта", "протокол", "приказ", ...
    number = "141-Пр"
    date = 2022-03-03           # a TOML date or "03.03.2022"
    title = "..."
    period = "на 2022 год"      # optional: the period recurring items run in

    [[items]]
    label = "1.1"
    text = "Разработать ..."
    level = "regional"          # regional | municipal | school (or региональный, ...)
    due = 2022-04-25            # a TOML date or a phrase: "до 25 апреля", "ежемесячно"
    owners = ["Пушкарева Е.А."]

Every mistake is one `DocumentError` naming the file and the line of the item.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from datetime import date, datetime
from pathlib import Path
from typing import Any

from roadmaps.deadlines import DeadlineError, Period, find_period, parse_deadline
from roadmaps.parsed import DocumentError, Note, ParsedDocument, ParsedItem
from tracker.core.enums import DocumentKind, Level, Recurrence
from tracker.core.i18n import N_, _
from tracker.core.reasons import os_reason, toml_reason

_KINDS = {
    "протокол": DocumentKind.PROTOCOL,
    "приказ": DocumentKind.ORDER,
    "распоряжение": DocumentKind.DIRECTIVE,
    "постановление": DocumentKind.RESOLUTION,
    "решение коллегии": DocumentKind.BOARD_DECISION,
    "дорожная карта": DocumentKind.ROADMAP,
    "план": DocumentKind.PLAN,
    "перечень поручений": DocumentKind.INSTRUCTIONS,
    "график": DocumentKind.SCHEDULE,
    "положение": DocumentKind.REGULATION,
    "письмо": DocumentKind.LETTER,
}
_LEVELS = {
    "региональный": Level.REGIONAL,
    "муниципальный": Level.MUNICIPAL,
    "школьный": Level.SCHOOL,
    "школа": Level.SCHOOL,
    "ОО": Level.SCHOOL,
}
_RECURRENCES = {
    "ежедневно": Recurrence.DAILY,
    "еженедельно": Recurrence.WEEKLY,
    "ежемесячно": Recurrence.MONTHLY,
    "ежеквартально": Recurrence.QUARTERLY,
    "ежеполугодно": Recurrence.HALF_YEARLY,
    "ежегодно": Recurrence.YEARLY,
    "постоянно": Recurrence.CONTINUOUS,
}
_DOCUMENT_KEYS = {"kind", "number", "date", "title", "issuer", "chair", "secretary", "period",
                  "source_hash"}
_ITEM_KEYS = {"label", "text", "level", "due", "due_text", "start", "recurrence", "owners",
              "owner", "actionable"}
_HASH = re.compile(r"^[0-9a-f]{64}$")


_ITEMS_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*items[ \t]*\]\]", re.MULTILINE)


class _Fail(Exception):
    """A problem inside one table; `parse_toml` adds the file name."""


def _word(value: Any, table: dict, enum, where: str, key: str):
    if not isinstance(value, str):
        raise _Fail(where + _("{key} must be a string, not {value!r}").format(key=key, value=value))
    word = " ".join(value.split()).casefold().replace("ё", "е")
    if word in enum._value2member_map_:
        return enum(word)
    if word in table:
        return table[word]
    allowed = ", ".join([m.value for m in enum] + list(table))
    raise _Fail(where + _("{key} {value!r} is not one of: {allowed}").format(
        key=key, value=value, allowed=allowed))


def _date(value: Any, where: str, key: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
            try:
                return datetime.strptime(value.strip(), fmt).date()
            except ValueError:
                continue
    raise _Fail(where + _("{key} {value!r} is not a date (2022-03-03 or 03.03.2022)").format(
        key=key, value=value))


def _text(value: Any, where: str, key: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, (str, int)):
        raise _Fail(where + _("{key} must be text, not {value!r}").format(key=key, value=value))
    text = " ".join(str(value).split())
    return text or None


def _owners(raw: dict, where: str) -> list[str]:
    value = raw.get("owners", raw.get("owner", []))
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Fail(where + _("owners must be a list of names"))
    return [" ".join(v.split()) for v in value if v.strip()]


def _item(raw: Any, line: int, reference: date | None, period: Period | None) -> ParsedItem:
    where = _("line {line}: ").format(line=line)
    if not isinstance(raw, dict):
        raise _Fail(where + _("must be a table"))
    unknown = sorted(set(raw) - _ITEM_KEYS)
    if unknown:
        expected = ", ".join(sorted(_ITEM_KEYS))
        raise _Fail(where + _("unknown key {key!r} (expected: {expected})").format(
            key=unknown[0], expected=expected))
    text = _text(raw.get("text"), where, "text")
    if not text:
        raise _Fail(where + _("text is missing"))
    actionable = raw.get("actionable", True)
    if not isinstance(actionable, bool):
        raise _Fail(where + _("actionable must be true or false"))
    level = _word(raw["level"], _LEVELS, Level, where, "level") if "level" in raw else None
    recurrence = (_word(raw["recurrence"], _RECURRENCES, Recurrence, where, "recurrence")
                  if "recurrence" in raw else None)
    start = _date(raw["start"], where, "start") if "start" in raw else None
    due, due_text = None, None
    warnings: list[str] = []
    value = raw.get("due")
    if isinstance(value, (date, datetime)):
        due = _date(value, where, "due")
    elif isinstance(value, str) and value.strip():
        due_text = " ".join(value.split())
        try:
            found = parse_deadline(due_text, reference=reference, period=period, cell=True)
        except DeadlineError as exc:
            raise _Fail(f"{where}due: {exc}") from None
        if found is None:
            raise _Fail(where + _("due {value!r} is neither a date nor a deadline phrase").format(
                value=value))
        due, start = found.due, start or found.start
        recurrence = recurrence or found.recurrence
        if found.approximate:
            warnings.append(Note(N_("deadline «{text}» read approximately: {due:%d.%m.%Y}"),
                                 text=due_text, due=due))
    elif value is not None:
        raise _Fail(where + _("due {value!r} is neither a date nor a deadline phrase").format(
                value=value))
    if "due_text" in raw:  # the phrase as the document wrote it (a draft keeps it)
        due_text = _text(raw["due_text"], where, "due_text")
    if recurrence is not None and due is None and period is not None:
        start, due = start or period.start, period.end
    return ParsedItem(
        label=_text(raw.get("label"), where, "label"), text=text, level=level,
        actionable=actionable, due=due, due_text=due_text, start=start,
        recurrence=recurrence, owners=_owners(raw, where), warnings=warnings, line=line,
    )


def parse_toml(text: str, *, source: str = "<toml>", content_hash: str = "") -> ParsedDocument:
    """A hand-written roadmap as a `ParsedDocument`.

    `ParsedItem.line` is the line of the item's `[[items]]` header.

    :raises DocumentError: bad TOML, an unknown key or value, an unreadable due date, or no
        items; one line naming `source`.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DocumentError(_("{source}: not valid TOML: {reason}").format(
            source=source, reason=toml_reason(exc))) from None
    try:
        lines = [text.count("\n", 0, m.start()) + 1 for m in _ITEMS_HEADER.finditer(text)]
        return _document(data, source, content_hash, lines)
    except _Fail as exc:
        raise DocumentError(f"{source}: {exc}") from None


def _document(data: dict, source: str, content_hash: str, lines: list[int]) -> ParsedDocument:
    unknown = sorted(set(data) - {"document", "items"})
    if unknown:
        raise _Fail(_("unknown table {table!r} (expected [document] and [[items]])").format(
            table=unknown[0]))
    head = data.get("document")
    if not isinstance(head, dict):
        raise _Fail(_("the [document] table is missing"))
    unknown = sorted(set(head) - _DOCUMENT_KEYS)
    if unknown:
        raise _Fail("document: " + _("unknown key {key!r} (expected: {expected})").format(
            key=unknown[0], expected=", ".join(sorted(_DOCUMENT_KEYS))))
    where = "document: "
    kind = _word(head.get("kind", "roadmap"), _KINDS, DocumentKind, where, "kind")
    doc_date = _date(head["date"], where, "date") if "date" in head else None
    period = None
    if "period" in head:
        phrase = _text(head["period"], where, "period") or ""
        try:
            period = find_period(phrase, reference=doc_date)
        except DeadlineError as exc:
            raise _Fail(f"{where}period: {exc}") from None
        if period is None:
            raise _Fail(where + _("period {phrase!r} names no period (e.g. \"на 2022 "
                                  "год\")").format(
                phrase=phrase))
    source_hash = head.get("source_hash")
    if source_hash is not None:
        if not isinstance(source_hash, str) or not _HASH.match(source_hash):
            raise _Fail(where + _("source_hash must be the 64 hex digits of a SHA-256"))
        content_hash = source_hash  # a draft is the same document as its source
    items = data.get("items")
    if not isinstance(items, list) or not items:
        raise _Fail(_("no [[items]]: a roadmap needs at least one item"))
    if len(lines) != len(items):  # inline `items = [...]`: number them instead
        lines = list(range(1, len(items) + 1))
    parsed = [_item(raw, line, doc_date, period) for line, raw in zip(lines, items, strict=True)]
    return ParsedDocument(
        source=source, kind=kind, number=_text(head.get("number"), where, "number"),
        date=doc_date, title=_text(head.get("title"), where, "title"),
        issuer=_text(head.get("issuer"), where, "issuer"),
        chair=_text(head.get("chair"), where, "chair"),
        secretary=_text(head.get("secretary"), where, "secretary"),
        items=parsed, content_hash=content_hash, warnings=[], reading="toml",
    )


def parse_toml_file(path: Path, *, max_bytes: int = 20_000_000) -> ParsedDocument:
    """Read and parse a roadmap file; its hash is the SHA-256 of its bytes.

    :raises DocumentError: unreadable, too large, not UTF-8, or as `parse_toml`.
    """
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise DocumentError(_("{path}: file is too large ({size} bytes, limit {limit})").format(
                path=path, size=size, limit=max_bytes))
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(_("{path}: cannot read: {reason}").format(
            path=path, reason=os_reason(exc))) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DocumentError(_("{path}: not UTF-8 text; save the roadmap as UTF-8").format(
            path=path)) from None
    return parse_toml(text, source=str(path), content_hash=hashlib.sha256(data).hexdigest())
