"""`tracker tasks ...`: assignments, their completion and deadlines.

The ids shown and accepted are assignment ids: one decision given to 55 municipalities
is 55 assignments, each completed on its own.
"""

from __future__ import annotations

import typer

from tracker.cli.checks import count_parser, id_parser, nonempty
from tracker.cli.context import app_context, console, print_json

app = typer.Typer(help="Tasks (assignments): add, list, complete, reopen, extend.",
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
    from roadmaps.titles import document_title

    return document_title(document)


@app.command("add")
def add(
    ctx: typer.Context,
    text: str = typer.Argument(..., help="What has to be done."),
    due: str = typer.Option(None, "--due", callback=nonempty("a date such as 20.08.2021"),
                             help="Due date: 2021-08-20 or 20.08.2021."),
    org: list[str] = typer.Option(..., "--org", callback=nonempty("an organisation id or name"),
                                  help="Organisation (id or name); repeat for several."),
    person: str = typer.Option(None, "--person", callback=nonempty("a person id, email or name"),
                               help="Responsible person (id, email or name)."),
    level: str = typer.Option("municipal", "--level",
                              callback=nonempty("regional, municipal or school"),
                              help="regional, municipal or school."),
    label: str = typer.Option(None, "--label", callback=nonempty("a label such as 3.2"),
                              help="Reference label, e.g. 3.2."),
) -> None:
    """Add a task and assign it to one or more organisations.

    Example: tracker tasks add "Провести совещание" --due 15.09.2021 --org "Город Азов"
    """
    from tracker.dates import parse_date
    from tracker.enums import Level
    from tracker.services.orgs import find_organisation
    from tracker.services.people import _choice, find_person
    from tracker.services.tasks import add_task

    context = app_context(ctx)
    due_date = parse_date(due, what="due date") if due is not None else None
    with context.db.transaction() as session:
        orgs = [find_organisation(session=session, ref=o) for o in org]
        owner = find_person(session=session, ref=person) if person is not None else None
        task, assignments = add_task(
            session=session, text=text, organisations=orgs, due=due_date, person=owner,
            level=_choice(Level, level, "level"), label=label, now=context.now(),
        )
    ids = ", ".join(str(a.id) for a in assignments)
    typer.echo(f"Added task {task.id} with {len(assignments)} assignment(s): {ids}")


@app.command("list")
def list_(
    ctx: typer.Context,
    status: str = typer.Option(None, "--status",
                               callback=nonempty("open, done, overdue or cancelled"),
                               help="open, done, overdue or cancelled."),
    org: str = typer.Option(None, "--org", callback=nonempty("an organisation id or name"),
                            help="Organisation and everything under it."),
    person: str = typer.Option(None, "--person", callback=nonempty("a person id, email or name"),
                               help="Responsible person."),
    due_before: str = typer.Option(None, "--due-before",
                                   callback=nonempty("a date such as 20.08.2021"),
                                   help="Only due before this date."),
    limit: int = typer.Option(None, "--limit", parser=count_parser, help="At most this many rows."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List assignments, soonest due first; overdue ones stand out.

    Example: tracker tasks list --status overdue --org "Город Азов"
    """
    from tracker.dates import parse_date
    from tracker.services.orgs import find_organisation, subtree_ids
    from tracker.services.people import find_person
    from tracker.services.tasks import list_assignments

    context = app_context(ctx)
    today = context.today()
    before = parse_date(due_before, what="--due-before date") if due_before is not None else None
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
        typer.echo("No tasks match.")
        return
    from rich.table import Table

    table = Table("ID", "Label", "Task", "Organisation", "Due", "Status")
    for v in views:
        a = v.assignment
        overdue = v.is_overdue(today)
        state = f"overdue {(today - a.due_date).days} d" if overdue else str(a.status)
        table.add_row(str(a.id), v.task.label or "", _short(v.task.text), v.organisation.name,
                      a.due_date.strftime("%d.%m.%Y") if a.due_date else "—", state,
                      style="bold red" if overdue else None)
    console().print(table)


def _short(text: str, width: int = 70) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@app.command("show")
def show(
    ctx: typer.Context,
    assignment_id: int = typer.Argument(..., metavar="ID", help="Assignment id.", parser=id_parser),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show one assignment with its history.

    Example: tracker tasks show 12
    """
    from tracker.dates import format_local
    from tracker.models import Document, Organisation, Person, Task
    from tracker.services.tasks import AssignmentView, assignment_events, get_assignment

    context = app_context(ctx)
    today = context.today()
    with context.db.reading() as session:
        a = get_assignment(session=session, assignment_id=assignment_id)
        task = session.get(Task, a.task_id)
        view = AssignmentView(
            a, task, session.get(Organisation, a.organisation_id),
            session.get(Person, a.person_id) if a.person_id else None,
            session.get(Document, task.document_id) if task.document_id else None,
        )
        events = assignment_events(session=session, assignment_id=assignment_id)
    data = _view_json(view, today)
    data["events"] = [
        {"kind": str(e.kind), "at": e.at, "via": str(e.via), "by": p.name if p else None,
         "details": e.details}
        for e, p in events
    ]
    if as_json:
        print_json(data)
        return
    zone = context.settings.zone
    lines = [
        f"Assignment {a.id} (task {task.id}{', ' + task.label if task.label else ''})",
        f"Task:         {task.text}",
        f"Document:     {data['document'] or '—'}",
        f"Organisation: {view.organisation.name}",
        f"Responsible:  {data['person'] or '—'}",
        f"Due:          {a.due_date.strftime('%d.%m.%Y') if a.due_date else '—'}"
        + (f" (originally {a.original_due_date:%d.%m.%Y})"
           if a.original_due_date and a.original_due_date != a.due_date else ""),
        f"Status:       {'overdue' if data['overdue'] else a.status}",
    ]
    if a.completed_at:
        lines.append(f"Completed:    {format_local(a.completed_at, zone)} via {a.completed_via}")
    if a.completion_comment:
        lines.append(f"Comment:      {a.completion_comment}")
    lines.append("History:")
    for e, p in events:
        who = f" by {p.name}" if p else ""
        lines.append(f"  {format_local(e.at, zone)}  {e.kind} via {e.via}{who}")
    typer.echo("\n".join(lines))


@app.command("done")
def done(
    ctx: typer.Context,
    assignment_id: int = typer.Argument(..., metavar="ID", help="Assignment id.", parser=id_parser),
    comment: str = typer.Option(None, "--comment", callback=nonempty("what was done"),
                                help="What was done."),
) -> None:
    """Mark an assignment done.

    Example: tracker tasks done 12 --comment "Модель утверждена приказом № 600"
    """
    from tracker.enums import Via
    from tracker.services.tasks import complete

    context = app_context(ctx)
    with context.db.transaction() as session:
        complete(session=session, assignment_id=assignment_id, now=context.now(), via=Via.CLI,
                 comment=comment)
    typer.echo(f"Assignment {assignment_id} marked done")


@app.command("reopen")
def reopen(
    ctx: typer.Context,
    assignment_id: int = typer.Argument(..., metavar="ID", help="Assignment id.", parser=id_parser),
    reason: str = typer.Option(None, "--reason", callback=nonempty("why it is reopened"),
                               help="Why it is reopened."),
) -> None:
    """Reopen a done or cancelled assignment.

    Example: tracker tasks reopen 12 --reason "Отчёт не принят"
    """
    from tracker.enums import Via
    from tracker.services.tasks import reopen as reopen_assignment

    context = app_context(ctx)
    with context.db.transaction() as session:
        reopen_assignment(session=session, assignment_id=assignment_id, now=context.now(),
                          via=Via.CLI, reason=reason)
    typer.echo(f"Assignment {assignment_id} reopened")


@app.command("cancel")
def cancel(
    ctx: typer.Context,
    assignment_id: int = typer.Argument(..., metavar="ID", help="Assignment id.", parser=id_parser),
    reason: str = typer.Option(None, "--reason", callback=nonempty("why it is cancelled"),
                               help="Why it is cancelled."),
) -> None:
    """Cancel an open assignment; no more reminders go out for it.

    Example: tracker tasks cancel 12 --reason "Решение отменено"
    """
    from tracker.enums import Via
    from tracker.services.tasks import cancel as cancel_assignment

    context = app_context(ctx)
    with context.db.transaction() as session:
        cancel_assignment(session=session, assignment_id=assignment_id, now=context.now(),
                          via=Via.CLI, reason=reason)
    typer.echo(f"Assignment {assignment_id} cancelled")


@app.command("extend")
def extend(
    ctx: typer.Context,
    assignment_id: int = typer.Argument(..., metavar="ID", help="Assignment id.", parser=id_parser),
    to: str = typer.Option(..., "--to", callback=nonempty("a date such as 30.09.2021"),
                           help="New due date: 2021-09-30 or 30.09.2021."),
    reason: str = typer.Option(..., "--reason", callback=nonempty("why the deadline moves"),
                               help="Why the deadline moves."),
) -> None:
    """Move an assignment's deadline later; the original stays on record.

    Example: tracker tasks extend 12 --to 30.09.2021 --reason "Перенос по письму № 15"
    """
    from tracker.dates import parse_date
    from tracker.enums import Via
    from tracker.services.tasks import extend as extend_assignment

    context = app_context(ctx)
    new_due = parse_date(to, what="--to date")
    with context.db.transaction() as session:
        a = extend_assignment(session=session, assignment_id=assignment_id, new_due=new_due,
                              reason=reason, now=context.now(), via=Via.CLI)
    typer.echo(f"Assignment {assignment_id} now due {a.due_date:%d.%m.%Y}")
