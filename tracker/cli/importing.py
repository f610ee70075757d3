"""`tracker import FILE...`: protocols, orders and roadmaps into tasks.

Each file is parsed, previewed (a table, the number of assignments) and written only
after `--yes` or a «да» at the prompt, each in its own transaction. One bad file does
not stop the others; the exit code is 1 if any failed, and each failure is one line
`Error: <file>: <what>` on stderr. Messages follow the config's locale (ru by default).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import typer

from tracker.cli.context import app_context, print_json
from tracker.core.i18n import _

TEXTS = {
    "ru": {
        "summary": "{file}: {document}. Пунктов: {items}, поручений: {actionable}; "
                   "будет создано назначений: {assignments}",
        "already": "{file}: уже импортирован как документ {id}; ничего не изменено",
        "dry_run": "{file}: пробный запуск, ничего не записано",
        "confirm": "Импортировать {file}?",
        "refused": "{file}: не импортирован, ничего не записано",
        "no_stdin": "{file}: нет ответа на вопрос (ввод закрыт) — считаю это отказом, "
                    "ничего не записано; добавьте --yes",
        "imported": "{file}: импортирован как документ {id}: задач {tasks}, "
                    "назначений {assignments}",
        "statement": "не поручение",
        "columns": ("№", "Уровень", "Текст", "Срок", "Повтор", "Исполнитель", "Замечания"),
        "warning_words": "ru",
        "sources": {"phrase": "«до ...»", "cell": "ячейка", "inherited": "из пункта выше",
                    "inferred": "выведен"},
        "reading": "Прочитано как: {how}",
        "readings": {"section": "{kind}: раздел решений", "points": "{kind}, пункты{points}",
                     "loose_points": "{kind}, пункты{points} (без слов «РЕШИЛИ»/«ПРИКАЗЫВАЮ»)",
                     "deadline_lines": "{kind}: строки со сроками",
                     "table": "{kind} (таблица)", "table+section": "{kind}: таблица и раздел "
                     "решений", "table+points": "{kind}: таблица и пункты{points}"},
        "points": " с {first} по {last}",
        "unused": "Строки с датами, не ставшие пунктами ({n}):",
        "unused_line": "  строка {line}: {text}",
        "draft": "{file}: черновик записан в {out} (пунктов: {items}); проверьте его и "
                 "импортируйте: tracker import {out}",
        "draft_many": "--draft принимает один файл",
        "document": "{kind}{number}{date}",
        "number": " № {number}",
        "date": " от {date:%d.%m.%Y}",
        "warnings": "Замечания к документу: {warnings}",
        "kinds": {"protocol": "Протокол", "order": "Приказ", "directive": "Распоряжение",
                  "resolution": "Постановление", "board_decision": "Решение коллегии",
                  "roadmap": "Дорожная карта", "plan": "План", "manual": "Документ",
                  "instructions": "Перечень поручений", "schedule": "График",
                  "regulation": "Положение", "letter": "Письмо"},
        "levels": {"regional": "региональный", "municipal": "муниципальный",
                   "school": "школьный"},
        "recurrences": {"daily": "ежедневно", "weekly": "еженедельно",
                        "monthly": "ежемесячно", "quarterly": "ежеквартально",
                        "half_yearly": "раз в полгода",
                        "yearly": "ежегодно", "continuous": "постоянно"},
    },
    "en": {
        "summary": "{file}: {document}. Items: {items}, actionable: {actionable}; "
                   "assignments to create: {assignments}",
        "already": "{file}: already imported as document {id}; nothing changed",
        "dry_run": "{file}: dry run, nothing written",
        "confirm": "Import {file}?",
        "refused": "{file}: not imported, nothing written",
        "no_stdin": "{file}: no answer (input is closed), taken as no; nothing written; "
                    "pass --yes",
        "imported": "{file}: imported as document {id}: {tasks} tasks, "
                    "{assignments} assignments",
        "statement": "statement",
        "columns": ("No.", "Level", "Text", "Due", "Repeats", "Owner", "Warnings"),
        "warning_words": "en",
        "sources": {"phrase": "\"by ...\"", "cell": "cell", "inherited": "from above",
                    "inferred": "inferred"},
        "reading": "Read as: {how}",
        "readings": {"section": "{kind}: decision section", "points": "{kind}, points{points}",
                     "loose_points": "{kind}, points{points} (no decision marker)",
                     "deadline_lines": "{kind}: lines with deadlines",
                     "table": "{kind} (table)", "table+section": "{kind}: table and decision "
                     "section", "table+points": "{kind}: table and points{points}"},
        "points": " {first} to {last}",
        "unused": "Lines with dates that became no item ({n}):",
        "unused_line": "  line {line}: {text}",
        "draft": "{file}: draft written to {out} ({items} items); review it, then import it: "
                 "tracker import {out}",
        "draft_many": "--draft takes one file",
        "document": "{kind}{number}{date}",
        "number": " No. {number}",
        "date": " of {date:%d.%m.%Y}",
        "warnings": "Document warnings: {warnings}",
        "kinds": {"protocol": "Protocol", "order": "Order", "directive": "Directive",
                  "resolution": "Resolution", "board_decision": "Board decision",
                  "roadmap": "Roadmap", "plan": "Plan", "manual": "Document",
                  "instructions": "List of instructions", "schedule": "Schedule",
                  "regulation": "Regulation", "letter": "Letter"},
        "levels": {"regional": "regional", "municipal": "municipal", "school": "school"},
        "recurrences": {"daily": "daily", "weekly": "weekly", "monthly": "monthly",
                        "quarterly": "quarterly", "half_yearly": "half-yearly",
                        "yearly": "yearly",
                        "continuous": "continuous"},
    },
}


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)


def import_command(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., help="Protocols, orders, roadmaps: .txt, .docx, "
                                       ".doc, .odt, .rtf, .pdf (with a text layer), .xlsx, "
                                       ".html, or a hand-written roadmap .toml."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the preview; write nothing."),
    as_json: bool = typer.Option(False, "--json", help="Print the parse as JSON; with --yes "
                                 "also import (messages then go to stderr)."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Import without asking."),
    draft: Path | None = typer.Option(None, "--draft", help="Write the parse as a TOML "
                                      "roadmap to review and import; import nothing."),
) -> None:
    """Import decisions and their deadlines from documents into tasks.

    Shows what each file holds and how many assignments it will create, then asks.
    Importing the same file twice changes nothing.

    Example: tracker import protocol.docx roadmap.toml --yes
    """
    context = app_context(ctx)
    settings = context.settings
    texts = TEXTS.get(settings.locale, TEXTS["ru"])
    if draft is not None:
        if len(files) != 1:
            typer.echo(_("Error: {message}").format(message=texts["draft_many"]), err=True)
            raise typer.Exit(1)
        _write_draft(texts, files[0], draft, settings)
        return
    from roadmaps.reading import read_document

    limit = settings.import_.max_bytes
    failed = False
    parsed_files: list[tuple[Path, Any]] = []
    for path in files:
        try:
            parsed_files.append((path, read_document(path, max_bytes=limit)))
        except Exception as exc:
            failed |= _report(path, exc)
    if as_json:
        print_json([parse_json(path, parsed, default_level=settings.import_.default_level)
                    for path, parsed in parsed_files])
        if not yes or dry_run:  # the parse alone: no directory, no database needed
            parsed_files = []
    batch = _batch(context) if parsed_files else None  # one directory for every file
    for path, parsed in parsed_files:
        try:
            _import_one(context, texts, path, parsed, dry_run=dry_run, yes=yes, quiet=as_json,
                        batch=batch)
        except Exception as exc:
            failed |= _report(path, exc)
    if failed:
        raise typer.Exit(1)


def _write_draft(texts, path: Path, out: Path, settings) -> None:
    """`--draft`: the parse of `path` as a TOML roadmap in `out`; nothing imported."""
    from roadmaps.readers import read_text
    from roadmaps.reading import read_document
    from roadmaps.toml_draft import draft_toml

    limit = settings.import_.max_bytes
    try:
        parsed = read_document(path, max_bytes=limit)
        text = "" if path.suffix.casefold() == ".toml" else read_text(path, max_bytes=limit)[0]
        out.write_text(draft_toml(parsed, text), encoding="utf-8")
    except Exception as exc:
        _report(path, exc)
        raise typer.Exit(1) from None
    typer.echo(texts["draft"].format(file=path, out=out, items=len(parsed.items)))


def _report(path: Path, exc: Exception) -> bool:
    """Print one `Error: <file>: <what>` line; re-raise what is not a user error."""
    from tracker.core.errors import TrackerError  # DocumentError and DeadlineError too

    if not isinstance(exc, (TrackerError, OSError)):
        raise exc
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    for prefix in (str(path), path.name):
        if message.startswith(prefix):
            message = message[len(prefix):].lstrip(" :,")
            break
    typer.echo(_("Error: {message}").format(message=f"{path}: {message}"), err=True)
    return True


def parse_json(path: Path, parsed, *, default_level=None) -> dict[str, Any]:
    """The `--json` shape of one file's parse. An item under no level heading gets
    `default_level` (the config's), as the import would give it; `owners` are the names
    the document gives (empty: the config's rules by level decide)."""
    return {
        "file": str(path),
        "document": {
            "kind": str(parsed.kind),
            "number": parsed.number,
            "date": parsed.date.isoformat() if parsed.date else None,
            "title": parsed.title,
            "read_as": getattr(parsed, "reading", None),
        },
        "items": [
            {
                "label": item.label,
                "text": item.text,
                "level": str(item.level or default_level) if item.level or default_level
                else None,
                "actionable": item.actionable,
                "due": item.due.isoformat() if item.due else None,
                "due_text": item.due_text,
                "recurrence": str(item.recurrence) if item.recurrence else None,
                "due_source": item.due_source,
                "source_act": item.cited_act,
                "owners": list(item.owners),
                "warnings": list(item.warnings),
            }
            for item in parsed.items
        ],
        "unused_dates": [{"line": line, "text": text}
                         for line, text in getattr(parsed, "unused_dates", [])],
    }


def _batch(context):
    """The directory and owner matcher all files of one command are matched against."""
    from tracker.services.importing import ImportBatch

    with context.db.reading() as session:
        return ImportBatch.load(session=session, settings=context.settings)


def _import_one(context, texts, path: Path, parsed, *, dry_run: bool, yes: bool,
                quiet: bool, batch=None) -> None:
    from tracker.core.errors import InvalidInput
    from tracker.services.importing import import_document, preview

    settings = context.settings
    say = (lambda line: typer.echo(line, err=True)) if quiet else typer.echo
    with context.db.reading() as session:
        plan = preview(parsed, session=session, settings=settings, batch=batch)
    if plan.existing_id is not None:
        say(texts["already"].format(file=path, id=plan.existing_id))
        return
    if not quiet:
        _print_table(texts, plan)
    if getattr(parsed, "reading", "toml") != "toml":
        say(texts["reading"].format(how=_reading(texts, parsed)))
    say(texts["summary"].format(
        file=path, document=_describe(texts, parsed), items=len(plan.items),
        actionable=sum(1 for p in plan.items if p.actionable), assignments=plan.assignments,
    ))
    if plan.warnings:
        say(texts["warnings"].format(warnings="; ".join(
            _warning(w, texts["warning_words"]) for w in plan.warnings)))
    unused = getattr(parsed, "unused_dates", [])
    if unused:
        say(texts["unused"].format(n=len(unused)))
        for line, text in unused:
            say(texts["unused_line"].format(line=line, text=_shorten(text, 160)))
    if plan.problems:
        raise InvalidInput(plan.problems[0])
    if dry_run:
        say(texts["dry_run"].format(file=path))
        return
    if not yes and not _confirm(texts, path, say):
        return
    with context.db.transaction() as session:
        outcome = import_document(parsed, session=session, settings=settings,
                                  now=context.now(), batch=batch)
    if outcome.already:
        say(texts["already"].format(file=path, id=outcome.document_id))
    else:
        say(texts["imported"].format(file=path, id=outcome.document_id, tasks=outcome.tasks,
                                     assignments=outcome.assignments))


def _confirm(texts, path: Path, say) -> bool:
    """Ask; a closed input (no terminal, nothing piped) counts as no and says so."""
    try:
        if sys.stdin is None or sys.stdin.closed:
            raise EOFError
        answer = typer.confirm(texts["confirm"].format(file=path), default=False)
    except (typer.Abort, EOFError):
        typer.echo("")
        say(texts["no_stdin"].format(file=path))
        return False
    if not answer:
        say(texts["refused"].format(file=path))
    return answer


def _reading(texts, parsed) -> str:
    """«приказ, пункты с 1 по 7», «письмо: строки со сроками», «план (таблица)»."""
    kind = texts["kinds"].get(str(parsed.kind), str(parsed.kind)).lower()
    first, last = getattr(parsed, "first_label", None), getattr(parsed, "last_label", None)
    points = texts["points"].format(first=first, last=last) if first and last else ""
    how = getattr(parsed, "reading", "section")
    return texts["readings"].get(how, "{kind}").format(kind=kind, points=points)


def _describe(texts, parsed) -> str:
    kind = texts["kinds"].get(str(parsed.kind), str(parsed.kind))
    number = texts["number"].format(number=parsed.number) if parsed.number else ""
    when = texts["date"].format(date=parsed.date) if parsed.date else ""
    title = f" «{parsed.title}»" if parsed.title else ""
    return texts["document"].format(kind=kind, number=number, date=when) + title


def _print_table(texts, plan) -> None:
    """The preview, at most 100 columns wide (tracker.cli.terminal): the repeat goes under
    the due date, long texts wrap inside their columns."""
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    from tracker.cli.terminal import emit

    table = Table(show_lines=False, header_style="bold", box=box.SIMPLE_HEAD, pad_edge=False)
    label, level, text, due, repeats, owner, warnings = texts["columns"]
    table.add_column(label, no_wrap=True)
    table.add_column(level, no_wrap=True)
    table.add_column(f"{text} ({warnings.lower()})", ratio=3, min_width=24)
    table.add_column(f"{due}, {repeats.lower()}", no_wrap=True)
    table.add_column(owner, ratio=1, min_width=23)
    for row in plan.items:
        item = row.item
        if not item.actionable:
            level = texts["statement"]
        else:
            level = texts["levels"].get(str(row.level), str(row.level))
        recurrence = (texts["recurrences"].get(str(item.recurrence), str(item.recurrence))
                      if item.recurrence else "")
        when = _due_cell(texts, item)
        owners = ", ".join(row.owners)
        shown = escape(_shorten(item.text, 160))
        if row.warnings:  # under the text, so that the table needs no sixth column
            notes = "; ".join(_warning(w, texts["warning_words"]) for w in row.warnings)
            shown += f"\n[yellow]⚠ {escape(notes)}[/]"
        table.add_row(
            item.label or "",
            level,
            shown,
            "\n".join(x for x in (when, recurrence) if x),
            escape(owners) if item.actionable else "",
            style=None if item.actionable else "dim",
        )
    emit([table])


# The parser's warnings are English; a Russian screen shows them in Russian.
_WARNINGS_RU = (
    (re.compile(r"^no deadline found$"), "срок не найден"),
    (re.compile(r"^approximate deadline «(.*)»: check it$"), r"срок «\1» понят приблизительно: "
                                                          "проверьте"),
    (re.compile(r"^the decision section has no items$"), "в решающей части нет пунктов"),
    (re.compile(r"^no document date found: dates without a year are not resolved$"),
     "дата документа не найдена: даты без года не определены"),
)


def _warning(text: str, locale: str) -> str:
    if locale == "en":
        return text
    for pattern, russian in _WARNINGS_RU:
        if pattern.match(text):
            return pattern.sub(russian, text)
    return text


def _due_cell(texts, item) -> str:
    """The date, and under it how sure it is: «до ...» (a phrase), ячейка, выведен..."""
    if not item.due:
        return ""
    source = texts["sources"].get(getattr(item, "due_source", None) or "", "")
    return f"{item.due:%d.%m.%Y}" + (f"\n[dim]{source}[/dim]" if source else "")


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
