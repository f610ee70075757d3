"""`tracker import FILE...`: protocols, orders and roadmaps into tasks.

Each file is parsed, previewed (a table, the number of assignments) and written only
after `--yes` or a «да» at the prompt, each in its own transaction. One bad file does
not stop the others; the exit code is 1 if any failed, and each failure is one line
`Error: <file>: <what>` on stderr. Messages follow the config's locale (ru by default).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

from roadmaps.parsed import localized
from tracker.cli.context import app_context, print_json
from tracker.core.i18n import N_, _, current_locale
from tracker.core.titles import document_title, kind_name

# Stored values as the preview shows them (English ids, translated at display).
_SOURCES = {"phrase": N_("\"by ...\""), "cell": N_("cell"), "inherited": N_("from above"),
            "inferred": N_("inferred")}
_READINGS = {
    "section": N_("{kind}: decision section"),
    "points": N_("{kind}, points{points}"),
    "loose_points": N_("{kind}, points{points} (no decision marker)"),
    "deadline_lines": N_("{kind}: lines with deadlines"),
    "dated_lines": N_("{kind}: dated lines of a schedule"),
    "table": N_("{kind} (table)"),
    "table+section": N_("{kind}: table and decision section"),
    "table+points": N_("{kind}: table and points{points}"),
}
_LEVELS = {"regional": N_("regional"), "municipal": N_("municipal"), "school": N_("school")}
_RECURRENCES = {"daily": N_("daily"), "weekly": N_("weekly"), "monthly": N_("monthly"),
                "quarterly": N_("quarterly"), "half_yearly": N_("half-yearly"),
                "yearly": N_("yearly"), "continuous": N_("continuous")}


def import_command_help() -> str:
    """The help of `tracker import` (the CLI's main asks for `<command>_help`)."""
    return _(
        "Import decisions and their deadlines from documents into tasks.\n\n"
        "Shows what each file holds and how many assignments it will create, then asks.\n"
        "Importing the same file twice changes nothing.\n\n"
        "Example: tracker import protocol.docx roadmap.toml --yes")


def import_command(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., help=_("Protocols, orders, roadmaps: .txt, .docx, "
                                                   ".doc, .odt, .rtf, .pdf (with a text "
                                                   "layer), .xlsx, .html, or a hand-written "
                                                   "roadmap .toml.")),
    dry_run: bool = typer.Option(False, "--dry-run", help=_("Show the preview; write nothing.")),
    as_json: bool = typer.Option(False, "--json", help=_("Print the parse as JSON; with --yes "
                                                         "also import (messages then go to "
                                                         "stderr).")),
    yes: bool = typer.Option(False, "--yes", "-y", help=_("Import without asking.")),
    draft: Path | None = typer.Option(None, "--draft", help=_("Write the parse as a TOML "
                                                              "roadmap to review and import; "
                                                              "import nothing.")),
) -> None:
    context = app_context(ctx)
    settings = context.settings
    if draft is not None:
        if len(files) != 1:
            typer.echo(_("Error: {message}").format(message=_('--draft takes one file')), err=True)
            raise typer.Exit(1)
        _write_draft(files[0], draft, settings)
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
            _import_one(context, path, parsed, dry_run=dry_run, yes=yes, quiet=as_json,
                        batch=batch)
        except Exception as exc:
            failed |= _report(path, exc)
    if failed:
        raise typer.Exit(1)


def _write_draft(path: Path, out: Path, settings) -> None:
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
    typer.echo(_("{file}: draft written to {out} ({items} items); review it, then import it: "
                 "tracker import {out}").format(file=path, out=out, items=len(parsed.items)))


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


def _import_one(context, path: Path, parsed, *, dry_run: bool, yes: bool,
                quiet: bool, batch=None) -> None:
    from tracker.core.errors import InvalidInput
    from tracker.services.importing import import_document, preview

    settings = context.settings
    say = (lambda line: typer.echo(line, err=True)) if quiet else typer.echo
    with context.db.reading() as session:
        plan = preview(parsed, session=session, settings=settings, batch=batch)
    if plan.existing_id is not None:
        say(_already().format(file=path, id=plan.existing_id))
        return
    if not quiet:
        _print_table(plan)
    if getattr(parsed, "reading", "toml") != "toml":
        say(_("Read as: {how}").format(how=_reading(parsed)))
    say(_("{file}: {document}. Items: {items}, actionable: {actionable}; assignments to "
          "create: {assignments}").format(
        file=path, document=_describe(parsed), items=len(plan.items),
        actionable=sum(1 for p in plan.items if p.actionable), assignments=plan.assignments,
    ))
    if plan.warnings:
        say(_("Document warnings: {warnings}").format(
            warnings="; ".join(localized(w, current_locale()) for w in plan.warnings)))
    unused = getattr(parsed, "unused_dates", [])
    if unused:
        say(_("Lines with dates that became no item ({n}):").format(n=len(unused)))
        for line, text in unused:
            say(_("  line {line}: {text}").format(line=line, text=_shorten(text, 160)))
    if plan.problems:
        raise InvalidInput(plan.problems[0])
    if dry_run:
        say(_("{file}: dry run, nothing written").format(file=path))
        return
    if not yes and not _confirm(path, say):
        return
    with context.db.transaction() as session:
        outcome = import_document(parsed, session=session, settings=settings,
                                  now=context.now(), batch=batch)
    if outcome.already:
        say(_already().format(file=path, id=outcome.document_id))
    else:
        say(_("{file}: imported as document {id}: {tasks} tasks, {assignments} "
              "assignments").format(file=path, id=outcome.document_id, tasks=outcome.tasks,
                                     assignments=outcome.assignments))


def _already() -> str:
    return _("{file}: already imported as document {id}; nothing changed")


def _confirm(path: Path, say) -> bool:
    """Ask; a closed input (no terminal, nothing piped) counts as no and says so."""
    try:
        if sys.stdin is None or sys.stdin.closed:
            raise EOFError
        answer = typer.confirm(_("Import {file}?").format(file=path), default=False)
    except (typer.Abort, EOFError):
        typer.echo("")
        say(_("{file}: no answer (input is closed), taken as no; nothing written; pass "
              "--yes").format(file=path))
        return False
    if not answer:
        say(_("{file}: not imported, nothing written").format(file=path))
    return answer


def _reading(parsed) -> str:
    """«приказ, пункты с 1 по 7», «письмо: строки со сроками», «план (таблица)»."""
    kind = kind_name(parsed.kind, current_locale()).lower()
    first, last = getattr(parsed, "first_label", None), getattr(parsed, "last_label", None)
    points = _(" {first} to {last}").format(first=first, last=last) if first and last else ""
    how = getattr(parsed, "reading", "section")
    reading = _(_READINGS[how]) if how in _READINGS else "{kind}"
    return reading.format(kind=kind, points=points)


def _describe(parsed) -> str:
    title = f" «{parsed.title}»" if parsed.title else ""
    return document_title(parsed, current_locale()) + title


def _print_table(plan) -> None:
    """The preview, at most 100 columns wide (tracker.terminal): the repeat goes under
    the due date, long texts wrap inside their columns."""
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    from tracker.terminal import emit

    table = Table(show_lines=False, header_style="bold", box=box.SIMPLE_HEAD, pad_edge=False)
    label, level, text, due, repeats, owner, warnings = (
        _("No."), _("Level"), _("Text"), _("Due"), _("Repeats"), _("Owner"), _("Warnings"))
    table.add_column(label, no_wrap=True)
    table.add_column(level, no_wrap=True)
    table.add_column(f"{text} ({warnings.lower()})", ratio=3, min_width=24)
    table.add_column(f"{due}, {repeats.lower()}", no_wrap=True)
    table.add_column(owner, ratio=1, min_width=23)
    for row in plan.items:
        item = row.item
        if not item.actionable:
            level = _("statement")
        else:
            level = _(_LEVELS[str(row.level)]) if str(row.level) in _LEVELS else str(row.level)
        recurrence = ""
        if item.recurrence:
            recurrence = _RECURRENCES.get(str(item.recurrence))
            recurrence = _(recurrence) if recurrence else str(item.recurrence)
        when = _due_cell(item)
        owners = ", ".join(row.owners)
        shown = escape(_shorten(item.text, 160))
        if row.warnings:  # under the text, so that the table needs no sixth column
            notes = "; ".join(localized(w, current_locale()) for w in row.warnings)
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


def _due_cell(item) -> str:
    """The date, and under it how sure it is: «до ...» (a phrase), ячейка, выведен..."""
    if not item.due:
        return ""
    source = _SOURCES.get(getattr(item, "due_source", None) or "")
    source = _(source) if source else ""
    return f"{item.due:%d.%m.%Y}" + (f"\n[dim]{source}[/dim]" if source else "")


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
