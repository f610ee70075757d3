"""A parse written back as a hand-written TOML roadmap (`tracker import FILE --draft out.toml`).

The user reviews what the parser could not be sure of, edits the file and imports it. The
draft is the format of docs/roadmap-toml.md, so `roadmaps.toml_roadmap.parse_toml` reads it
back into the same items: every field the import uses is written out (dates as TOML dates,
the phrase as `due_text`, `start` and `recurrence` of recurring items). Above each item, as
comments: the line of the source it came from, how sure its deadline is, and the parser's
warnings. `[document] source_hash` is the source file's hash, so the draft and its source
count as one document: whichever is imported first, the other is "already imported".

Pure: a `ParsedDocument` in, text out.
"""

from __future__ import annotations

import json
from datetime import date

from roadmaps.parsed import ParsedDocument, ParsedItem, localized

__all__ = ["DUE_SOURCES", "draft_toml"]

# How sure a deadline is, as the preview and the draft say it.
DUE_SOURCES = {
    "phrase": "явная формулировка срока («до ...»)",
    "cell": "ячейка «Срок» таблицы",
    "inherited": "из вводного пункта или периода выше",
    "inferred": "выведен из даты в тексте: проверьте",
}


def _q(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False)


def _comment(text: str) -> str:
    return "# " + " ".join(text.split())


def _item(item: ParsedItem, source_lines: list[str]) -> list[str]:
    out = [""]
    if 0 < item.line <= len(source_lines):
        out.append(_comment(f"строка {item.line}: {source_lines[item.line - 1].strip()[:300]}"))
    if item.due_source:
        out.append(_comment(f"срок: {DUE_SOURCES.get(item.due_source, item.due_source)}"))
    if item.cited_act:
        out.append(_comment(f"решение из: {item.cited_act}"))
    out += [_comment(f"замечание: {localized(w, 'ru')}") for w in item.warnings]
    out.append("[[items]]")
    if item.label:
        out.append(f"label = {_q(item.label)}")
    out.append(f"text = {_q(item.text)}")
    if item.level:
        out.append(f"level = {_q(str(item.level))}")
    if item.due:
        out.append(f"due = {item.due.isoformat()}")
    if item.due_text:
        out.append(f"due_text = {_q(item.due_text)}")
    if item.start:
        out.append(f"start = {item.start.isoformat()}")
    if item.recurrence:
        out.append(f"recurrence = {_q(str(item.recurrence))}")
    if item.owners:
        out.append("owners = [" + ", ".join(_q(o) for o in item.owners) + "]")
    if not item.actionable:
        out.append("actionable = false")
    return out


def draft_toml(parsed: ParsedDocument, source_text: str = "") -> str:
    """The TOML draft of `parsed`; `source_text` (the document's text as read) gives the
    source line shown above each item."""
    lines = source_text.replace("\r\n", "\n").split("\n") if source_text else []
    out = [_comment(f"Черновик разбора {parsed.source}: проверьте, исправьте и импортируйте "
                    "(tracker import этот_файл.toml)."),
           "[document]", f"kind = {_q(str(parsed.kind))}"]
    for key in ("number", "title", "issuer", "chair", "secretary"):
        value = getattr(parsed, key)
        if value:
            out.append(f"{key} = {_q(value)}")
    if isinstance(parsed.date, date):
        out.append(f"date = {parsed.date.isoformat()}")
    if parsed.content_hash:
        out.append(f"source_hash = {_q(parsed.content_hash)}")
    out += [_comment(f"замечание к документу: {localized(w, 'ru')}") for w in parsed.warnings]
    for line, text in parsed.unused_dates:
        out.append(_comment(f"дата не стала пунктом, строка {line}: {text[:200]}"))
    for item in parsed.items:
        out += _item(item, lines)
    return "\n".join(out) + "\n"
