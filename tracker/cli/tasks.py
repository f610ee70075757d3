"""`tracker tasks ...`: assignments, their completion and deadlines.

The ids shown and accepted are assignment ids: one decision given to 55 municipalities
is 55 assignments, each completed on its own.

The annotations are real types (no `from __future__ import annotations`): typer reads
them when the command runs, and strings would be compiled and evaluated first.
"""

import typer

from tracker.cli.checks import count_parser, id_parser, nonempty
from tracker.cli.context import app_context, print_json
from tracker.core.i18n import N_, _

app = typer.Typer(help=_("Tasks (assignments): add, list, complete, reopen, extend."),
                  no_args_is_help=True)


def _view_json(view, today) -> dict:
    a, t = view.assignment, view.task
    days = (today - a.due_date).days if a.due_date else None
    return {
        "id": a.id,
        "task_id": t.id,
        "label": t.label,
        "text": t.text,
        "level": str(t.level),
        "organisation": view.organisation.name,
        "organisation_id": a.organisation_id,
        "person": view.person.name if view.person else None,
        "due": a.due_date,
        "original_due": a.original_due_date,
        "status": str(a.status),
        "overdue": view.is_overdue(today),
        "days_overdue": days if view.is_overdue(today) else 0,
        "completed_at": a.completed_at,
        "comment": a.completion_comment,
        "document": _doc_title(view.document),
    }


def _doc_title(document) -> str | None:
    if document is None:
        return None
    from tracker.core.titles import document_title

    return document_title(document)


@app.command("add", help=_(
    "Add a task and assign it to one or more organisations.\n\nExample: tracker tasks add "
    "\"Провести совещание\" --due 15.09.2021 --org \"Город Азов\""))
def add(
    ctx: typer.Context,
    text: str = typer.Argument(..., help=_("What has to be done.")),
    due: str = typer.Option(None, "--due", callback=nonempty(N_("a date such as 20.08.2021")),
                             help=_("Due date: 2021-08-20 or 20.08.2021.")),
    org: list[str] = typer.Option(..., "--org", callback=nonempty(N_("an organisation id or name")),
                                  help=_("Organisation (id or name); repeat for several.")),
    person: str = typer.Option(None, "--person",
                               callback=nonempty(N_("a person id, email or name")),
                               help=_("Responsible person (id, email or name).")),
    level: str = typer.Option("municipal", "--level",
                              callback=nonempty(N_("regional, municipal or school")),
                              help=_("regional, municipal or school.")),
    label: str = typer.Option(None, "--label", callback=nonempty(N_("a label such as 3.2")),
                              help=_("Reference label, e.g. 3.2.")),
) -> None:
    from tracker.core.dates import parse_date
    from tracker.core.enums import Level, parse_choice
    from tracker.services.orgs import find_organisation
    from tracker.services.people import find_person
    from tracker.services.tasks import add_task

    context = app_context(ctx)
    due_date = parse_date(due, what=_("due date")) if due is not None else None
    with context.db.transaction() as session:
        orgs = [find_organisation(session=session, ref=o) for o in org]
        owner = find_person(session=session, ref=person) if person is not None else None
        task, assignments = add_task(
            session=session, text=text, organisations=orgs, due=due_date, person=owner,
            level=parse_choice(Level, level, N_("level")), label=label, now=context.now(),
        )
    ids = ", ".join(str(a.id) for a in assignments)
    typer.echo(_("Added task {id} with {n} assignment(s): {ids}").format(
        id=task.id, n=len(assignments), ids=ids))


AS_OF = typer.Option(None, "--as-of", callback=nonempty(N_("a date such as 20.08.2021")),
                     help=_("Count overdue as of this date: 2021-08-20 or 20.08.2021 "
                            "(default: today in the configured time zone)."))
WIDE = typer.Option(False, "--wide", help=_("Every text whole, however wide the table gets."))
SHOWN_REMINDERS = 5  # the latest reminders `tasks show` lists without --wide


def _today(context, as_of: str | None):
    from tracker.core.dates import parse_date

    return parse_date(as_of, what=_("--as-of date")) if as_of else context.today()


def _state(a, overdue: bool, today, locale: str) -> str:
    from tracker.cli.wording import value, word

    if overdue:
        return word("overdue_days", locale, days=(today - a.due_date).days)
    return value("status", a.status, locale)


@app.command("list", help=_(
    "List assignments, soonest due first; overdue ones stand out. The table fits 100\ncolumns "
    "(long texts cut with \"…\"; --wide: whole); long output goes through a pager on\na "
    "terminal.\n\nExample: tracker tasks list --status overdue --org \"Город Азов\" --as-of "
    "14.09.2022"))
def list_(
    ctx: typer.Context,
    status: str = typer.Option(None, "--status",
                               callback=nonempty(N_("open, done, overdue or cancelled")),
                               help=_("open, done, overdue or cancelled.")),
    org: str = typer.Option(None, "--org", callback=nonempty(N_("an organisation id or name")),
                            help=_("Organisation and everything under it.")),
    person: str = typer.Option(None, "--person",
                               callback=nonempty(N_("a person id, email or name")),
                               help=_("Responsible person.")),
    due_before: str = typer.Option(None, "--due-before",
                                   callback=nonempty(N_("a date such as 20.08.2021")),
                                   help=_("Only due before this date.")),
    limit: int = typer.Option(None, "--limit", parser=count_parser, help=_("At most this many "
                                                                           "rows.")),
    as_of: str = AS_OF,
    wide: bool = WIDE,
    as_json: bool = typer.Option(False, "--json", help=_("Print JSON.")),
) -> None:
    from tracker.cli.wording import word
    from tracker.core.dates import parse_date
    from tracker.services.orgs import find_organisation, subtree_ids
    from tracker.services.people import find_person
    from tracker.services.task_queries import list_assignments
    from tracker.terminal import MAX_WIDTH, cut, emit

    context = app_context(ctx)
    today = _today(context, as_of)
    locale = context.settings.locale
    before = parse_date(due_before, what=_("--due-before date")) if due_before is not None else None
    with context.db.reading() as session:
        ids = None
        if org is not None:
            root = find_organisation(session=session, ref=org)
            ids = subtree_ids(session=session, root_id=root.id)
        person_id = find_person(session=session, ref=person).id if person is not None else None
        views = list_assignments(session=session, today=today, status=status,
                                 organisation_ids=ids, person_id=person_id, due_before=before,
                                 limit=limit)
    if as_json:
        print_json([_view_json(v, today) for v in views])
        return
    if not views:
        typer.echo(word("no_tasks", locale))
        return
    from rich import box
    from rich.table import Table

    rows = []
    for v in views:
        a = v.assignment
        overdue = v.is_overdue(today)
        rows.append(([str(a.id), v.task.label or "", v.task.text, v.organisation.name,
                      a.due_date.strftime("%d.%m.%Y") if a.due_date else "—",
                      _state(a, overdue, today, locale)], overdue))
    headers = [word(k, locale) for k in ("id", "label", "task", "organisation", "due", "status")]
    if not wide:  # texts cut so that the whole table fits MAX_WIDTH columns
        caps = {1: 8, 3: 20}
        widths = [max([len(headers[i])] + [len(cut(r[i], caps.get(i, 10_000))) for r, _ in rows])
                  for i in range(len(headers))]
        task_width = max(MAX_WIDTH - 3 * len(headers) - (sum(widths) - widths[2]), 16)
        caps[2] = task_width
        rows = [([cut(c, caps.get(i, 10_000)) for i, c in enumerate(r)], overdue)
                for r, overdue in rows]
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for i, header in enumerate(headers):
        table.add_column(header, justify="right" if i == 0 else "left", no_wrap=True)
    for r, overdue in rows:
        table.add_row(*r, style="bold red" if overdue else None)
    emit([table], wide=wide)


@app.command("show", help=_(
    "Show one assignment with its history: who was reminded and when, who changed what.\n\n"
    "Example: tracker tasks show 12"))
def show(
    ctx: typer.Context,
    assignment_id: int = typer.Argument(..., metavar="ID", help=_("Assignment id."),
                                       parser=id_parser),
    as_of: str = AS_OF,
    wide: bool = typer.Option(False, "--wide", help=_(
        "List every reminder, not the latest {n}.").format(n=SHOWN_REMINDERS)),
    as_json: bool = typer.Option(False, "--json", help=_("Print JSON.")),
) -> None:
    from tracker.services.history import assignment_history

    context = app_context(ctx)
    today = _today(context, as_of)
    with context.db.reading() as session:
        history = assignment_history(session=session, assignment_id=assignment_id)
    view, events, names = history.view, history.events, history.names
    data = _view_json(view, today)
    data["events"] = [
        {"kind": str(e.kind), "at": e.at, "via": str(e.via), "by": p.name if p else None,
         "to": names.get(_recipient_id(e)), "details": e.details}
        for e, p in events
    ]
    if as_json:
        print_json(data)
        return
    from tracker.terminal import emit

    emit([_show_text(view, data, events, names, today, context.settings, wide)], wide=True)


def _recipient_id(event) -> int | None:
    from tracker.services.history import recipient_id

    return recipient_id(event)


def _show_text(view, data, events, names, today, settings, wide: bool) -> str:
    from rich.markup import escape

    from tracker.cli.wording import value, word
    from tracker.core.dates import format_local

    a, task, locale, zone = view.assignment, view.task, settings.locale, settings.zone

    def field(key: str, shown: str) -> str:
        return f"{word(key, locale) + ':':<15}{shown}"

    due = a.due_date.strftime("%d.%m.%Y") if a.due_date else "—"
    if a.original_due_date and a.original_due_date != a.due_date:
        due += f" ({word('f_originally', locale, date=f'{a.original_due_date:%d.%m.%Y}')})"
    lines = [
        word("assignment", locale, id=a.id, task=task.id,
             label=", " + task.label if task.label else ""),
        field("f_task", task.text),
        field("f_document", data["document"] or "—"),
        field("f_organisation", view.organisation.name),
        field("f_responsible", data["person"] or word("nobody", locale)),
        field("f_due", due),
        field("f_status", _state(a, data["overdue"], today, locale)),
    ]
    if a.completed_at:
        lines.append(field("f_completed", f"{format_local(a.completed_at, zone)}, "
                                          f"{value('via', a.completed_via, locale)}"))
    if a.completion_comment:
        lines.append(field("f_comment", a.completion_comment))
    lines.append(word("history", locale))
    reminders = [i for i, (e, _) in enumerate(events) if str(e.kind) == "reminded"]
    hidden = set() if wide else set(reminders[:-SHOWN_REMINDERS])
    summarised = False
    for i, (e, p) in enumerate(events):
        if i in hidden:
            if not summarised:
                first, last = events[min(hidden)][0].at, events[max(hidden)][0].at
                lines.append("  " + word("older", locale, n=len(hidden),
                                         first=format_local(first, zone)[:10],
                                         last=format_local(last, zone)[:10]))
                summarised = True
            continue
        parts = [value("event", e.kind, locale), value("via", e.via, locale)]
        recipient = names.get(_recipient_id(e))
        if recipient:
            parts.append(word("to", locale, names=recipient))
        if p:
            parts.append(word("by", locale, name=p.name))
        lines.append(f"  {format_local(e.at, zone)}  {', '.join(parts)}")
    return escape("\n".join(lines))


@app.command("done", help=_(
    "Mark an assignment done.\n\nExample: tracker tasks done 12 --comment \"Модель утверждена "
    "приказом № 600\""))
def done(
    ctx: typer.Context,
    assignment_id: int = typer.Argument(..., metavar="ID", help=_("Assignment id."),
                                       parser=id_parser),
    comment: str = typer.Option(None, "--comment", callback=nonempty(N_("what was done")),
                                help=_("What was done.")),
) -> None:
    from tracker.core.enums import Via
    from tracker.services.task_transitions import complete

    context = app_context(ctx)
    with context.db.transaction() as session:
        complete(session=session, assignment_id=assignment_id, now=context.now(), via=Via.CLI,
                 comment=comment)
    typer.echo(_("Assignment {id} marked done").format(id=assignment_id))


@app.command("reopen", help=_(
    "Reopen a done or cancelled assignment.\n\nExample: tracker tasks reopen 12 --reason "
    "\"Отчёт не принят\""))
def reopen(
    ctx: typer.Context,
    assignment_id: int = typer.Argument(..., metavar="ID", help=_("Assignment id."),
                                       parser=id_parser),
    reason: str = typer.Option(None, "--reason", callback=nonempty(N_("why it is reopened")),
                               help=_("Why it is reopened.")),
) -> None:
    from tracker.core.enums import Via
    from tracker.services.task_transitions import reopen as reopen_assignment

    context = app_context(ctx)
    with context.db.transaction() as session:
        reopen_assignment(session=session, assignment_id=assignment_id, now=context.now(),
                          via=Via.CLI, reason=reason)
    typer.echo(_("Assignment {id} reopened").format(id=assignment_id))


@app.command("cancel", help=_(
    "Cancel an open assignment; no more reminders go out for it.\n\nExample: tracker tasks "
    "cancel 12 --reason \"Решение отменено\""))
def cancel(
    ctx: typer.Context,
    assignment_id: int = typer.Argument(..., metavar="ID", help=_("Assignment id."),
                                       parser=id_parser),
    reason: str = typer.Option(None, "--reason", callback=nonempty(N_("why it is cancelled")),
                               help=_("Why it is cancelled.")),
) -> None:
    from tracker.core.enums import Via
    from tracker.services.task_transitions import cancel as cancel_assignment

    context = app_context(ctx)
    with context.db.transaction() as session:
        cancel_assignment(session=session, assignment_id=assignment_id, now=context.now(),
                          via=Via.CLI, reason=reason)
    typer.echo(_("Assignment {id} cancelled").format(id=assignment_id))


@app.command("extend", help=_(
    "Move an assignment's deadline later; the original stays on record.\n\nExample: tracker "
    "tasks extend 12 --to 30.09.2021 --reason \"Перенос по письму № 15\""))
def extend(
    ctx: typer.Context,
    assignment_id: int = typer.Argument(..., metavar="ID", help=_("Assignment id."),
                                       parser=id_parser),
    to: str = typer.Option(..., "--to", callback=nonempty(N_("a date such as 30.09.2021")),
                           help=_("New due date: 2021-09-30 or 30.09.2021.")),
    reason: str = typer.Option(..., "--reason", callback=nonempty(N_("why the deadline moves")),
                               help=_("Why the deadline moves.")),
) -> None:
    from tracker.core.dates import parse_date
    from tracker.core.enums import Via
    from tracker.services.task_transitions import extend as extend_assignment

    context = app_context(ctx)
    new_due = parse_date(to, what=_("--to date"))
    with context.db.transaction() as session:
        a = extend_assignment(session=session, assignment_id=assignment_id, new_due=new_due,
                              reason=reason, now=context.now(), via=Via.CLI)
    typer.echo(_("Assignment {id} now due {due:%d.%m.%Y}").format(id=assignment_id,
                                                                   due=a.due_date))
