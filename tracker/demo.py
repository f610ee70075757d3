"""`tracker demo`: the whole product on sample data, in a folder of its own, in seconds.

`run_demo(folder)`:

1. prepares `folder`: created if missing; an empty folder is used as is; a folder holding
   a previous demo (it has the `.tracker-demo` marker) starts afresh: the previous
   config, database and outbox are removed, nothing else is touched; any other
   non-empty folder is refused (`InvalidInput`) and left as it was;
2. writes `config.toml` (the embedded defaults) and creates the SQLite database beside it.
   The demo pins what would let it reach outside the folder, whatever the environment
   says: the database is `tracker.db` there, no SMTP server and no Telegram token, so
   emails become `.eml` files and Telegram messages lines of `telegram.log` in `outbox/`;
3. loads the Rostov region (its 55 municipalities, shipped as package data) with made-up
   people: an officer and a coordinator per municipality (a third of the officers use
   the Telegram bot only, the rest email), a regional officer and the regional lead;
4. imports both seed protocols (`roadmaps/examples`, package data) with the same functions
   `tracker import --yes` uses, as of 10:00 on the earliest protocol's date (15.06.2021:
   the working group's protocol of 11.04.2022 restates the decisions of the order of that
   day, with deadlines in 2021), so the planner plans every assignment from that moment;
5. walks the calendar one day at a time up to `days` days, by default two weeks past the
   last deadline, running the real pass (`notifications.delivery.tick.tick`: planner, outbox,
   file channels) at the send time of each day; reminders, overdue notices and
   escalations all fall at that time, so nothing is due in between. At 13:00 some
   officers mark their assignments done (`tracker.services.task_transitions.complete`) on a day
   drawn for each assignment beforehand from a seeded generator: the same every run;
6. prints the real overdue report as of the last day walked (by document), the totals
   line and where the messages are, and returns those figures (`DemoResult`).
"""

from __future__ import annotations

import asyncio
import csv
import random
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import roadmaps
from tracker.core.errors import InvalidInput
from tracker.core.i18n import _

DATA = Path(__file__).with_name("data") / "rostov-oblast-municipalities.csv"
PROTOCOLS = tuple(Path(roadmaps.__file__).with_name("examples") / name for name in (
    "protocol_director_meeting.txt", "working_group_protocol.txt"))
REGION = "Ростовская область"
MARKER = ".tracker-demo"
# What a demo writes into its folder; a re-run removes exactly these.
OWN = ("config.toml", "tracker.db", "tracker.db-wal", "tracker.db-shm", "tracker.db-journal",
       "outbox")
PAST_LAST_DEADLINE = 14  # days walked after the last deadline, by default
_SURNAMES = ["Иванова", "Петров", "Смирнова", "Кузнецов", "Попова", "Васильев", "Соколова",
             "Михайлов", "Новикова", "Фёдоров", "Морозова", "Волков", "Алексеева", "Лебедев"]
_INITIALS = ["А. В.", "Е. Н.", "О. С.", "И. П.", "Н. А.", "Т. М.", "С. Г.", "Л. И."]


@dataclass
class DemoResult:
    """What the demo printed: the last day walked and the figures as of that day."""

    folder: Path
    last_day: date
    documents: int
    assignments: int
    done: int  # completed during the walk
    overdue: int  # open with a due date before `last_day`
    sent: int  # messages delivered by the ticks
    emails: int  # .eml files in `outbox`
    telegrams: int  # lines of `outbox/telegram.log`
    outbox: Path


def run_demo(folder: Path, *, days: int | None = None, progress: bool = True) -> DemoResult:
    """Build the demo in `folder`, walk `days` days (default: past the last deadline).

    :raises InvalidInput: `folder` is a file, or a non-empty folder that holds no demo.
    """
    folder = prepare_folder(Path(folder))
    try:
        return _run(folder, days=days, progress=progress)
    except BaseException:
        _remove_own(folder)  # nothing half-built left behind; the marker stays
        raise


def prepare_folder(folder: Path) -> Path:
    """Make `folder` ready for a fresh demo and mark it as one; returns it resolved.

    :raises InvalidInput: a file, or a non-empty folder without the demo marker.
    """
    folder = folder.resolve()
    if folder.exists() and not folder.is_dir():
        raise InvalidInput(_("{folder} is not a folder; choose another --dir").format(
            folder=folder))
    if folder.is_dir() and any(folder.iterdir()):
        if not (folder / MARKER).is_file():
            raise InvalidInput(_("{folder} is not empty and holds no demo; remove it or "
                                 "choose another --dir").format(folder=folder))
        _remove_own(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_text(
        "Made by `tracker demo`. Running it again here removes config.toml, tracker.db and "
        "outbox/ and starts afresh.\n", encoding="utf-8")
    return folder


def _remove_own(folder: Path) -> None:
    for name in OWN:
        path = folder / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def _run(folder: Path, *, days: int | None, progress: bool) -> DemoResult:
    from tracker.core.config_sources import load_settings
    from tracker.core.db import open_database
    from tracker.runtime import build_runtime

    default = Path(__file__).with_name("default_config.toml").read_text(encoding="utf-8")
    (folder / "config.toml").write_text(default, encoding="utf-8")
    settings = load_settings(folder / "config.toml", database_url="", smtp={"host": ""},
                             telegram={"token": None}, outbox={"directory": "outbox"})
    db = open_database(settings.db_url)
    try:
        with db.transaction() as session:
            _populate(session)
        protocols = _read_protocols(settings)
        first = min(parsed.date for parsed in protocols)
        start = datetime.combine(first, time(10, 0), tzinfo=settings.zone)
        documents = _import(db, settings, protocols, start.astimezone(UTC))
        _name_officers(db, start.astimezone(UTC))
        plan = _completion_plan(db, first)
        deadlines = [due for due, _day in plan.values() if due is not None]
        total_days = days or (max(deadlines) - first).days + PAST_LAST_DEADLINE
        runtime = build_runtime(settings, db=db, worker="demo")
        sent, last_day = asyncio.run(_walk(runtime, plan, first, total_days, progress))
        return _summary(db, settings, folder, last_day, sent, documents)
    finally:
        db.dispose()


def _populate(session) -> None:
    """The region, its municipalities and their people."""
    from sqlmodel import select

    from tracker.core.models import Organisation
    from tracker.services.orgs import import_organisations
    from tracker.services.people import add_person

    rows = list(csv.DictReader(DATA.read_text(encoding="utf-8-sig").splitlines()))
    import_organisations(session=session, rows=rows, parent=REGION, source=DATA.name)
    region = session.exec(select(Organisation).where(Organisation.name == REGION)).one()
    municipalities = session.exec(select(Organisation).where(
        Organisation.parent_id == region.id).order_by(Organisation.id)).all()
    add_person(session=session, name="Ковалёва Марина Игоревна", organisation=region,
               email="lead@example.ru", role="lead", channels="email")
    add_person(session=session, name="Зайцев Андрей Олегович", organisation=region,
               email="region.officer@example.ru", channels="email")
    for n, org in enumerate(municipalities):
        telegram = n % 3 == 0  # a third use the Telegram bot only
        add_person(
            session=session, organisation=org, email=f"officer{n + 1}@example.ru",
            name=f"{_SURNAMES[n % len(_SURNAMES)]} {_INITIALS[n % len(_INITIALS)]}",
            telegram_chat_id=100000 + n if telegram else None,
            channels="telegram" if telegram else "email")
        add_person(session=session, organisation=org, email=f"coordinator{n + 1}@example.ru",
                   name=f"{_SURNAMES[(n + 5) % len(_SURNAMES)]} "
                        f"{_INITIALS[(n + 3) % len(_INITIALS)]}",
                   role="coordinator", channels="email")


def _read_protocols(settings) -> list:
    """The parses of the seed protocols, read as `tracker import` reads a file.

    :raises InvalidInput: a seed protocol without a date (the walk starts from it).
    """
    from roadmaps.reading import read_document

    protocols = [read_document(path, max_bytes=settings.import_.max_bytes) for path in PROTOCOLS]
    for path, parsed in zip(PROTOCOLS, protocols, strict=True):
        if parsed.date is None:
            raise InvalidInput(f"{path}: the seed protocol has no date")
    return protocols


def _import(db, settings, protocols: list, now: datetime) -> int:
    """Import each parse as `tracker import --yes` does, created at `now`; returns how
    many documents were written."""
    from tracker.services.importing import import_document

    written = 0
    for parsed in protocols:
        with db.transaction() as session:
            outcome = import_document(parsed, session=session, settings=settings, now=now)
        written += not outcome.already
    return written


def _name_officers(db, now: datetime) -> None:
    """The coordinators name their officer as the responsible person of their
    organisation's assignments, as they would after an import, except in every fifth
    municipality (so the by-person report has named people and «not named» too)."""
    from sqlalchemy import select

    from tracker.core.enums import Role, Via
    from tracker.core.models import Assignment, Person
    from tracker.services.tasks import set_responsible

    with db.transaction() as session:
        people = session.execute(select(Person).where(Person.role.in_(
            [Role.OFFICER, Role.COORDINATOR])).order_by(Person.id)).scalars().all()
        officers = {p.organisation_id: p for p in people if p.role == Role.OFFICER}
        coordinators = {p.organisation_id: p for p in people if p.role == Role.COORDINATOR}
        ids: dict[int, list[int]] = {}
        for assignment_id, org_id in session.execute(
                select(Assignment.id, Assignment.organisation_id).order_by(Assignment.id)):
            ids.setdefault(org_id, []).append(assignment_id)
        for n, (org_id, officer) in enumerate(sorted(officers.items())):
            if n % 5 == 4 or org_id not in ids:
                continue
            set_responsible(session=session, assignment_ids=ids[org_id], person=officer,
                            now=now, via=Via.CLI, actor=coordinators.get(org_id))


# How the officers of an organisation work: (share of the organisations, first and last
# day they mark an item done, counted from its due date, chance an item is never done).
HABITS = ((0.35, -20, -8, 0.0), (0.40, -7, 0, 0.0), (0.20, 1, 12, 0.0), (0.05, 10, 60, 0.25))


def _completion_plan(db, first: date) -> dict[int, tuple[date | None, date | None]]:
    """{assignment id: (due date, the day its officer marks it done or None: never)}.

    Drawn once from a seeded generator (the same every run): each organisation gets one
    of the `HABITS`, each dated assignment a day in its habit's range (or never, by the
    habit's chance); undated work
    ("продолжать работу") is done within the year, or never by one in three.
    """
    from sqlalchemy import select

    from tracker.core.models import Assignment

    rng = random.Random(2021)
    with db.reading() as session:
        rows = session.execute(select(Assignment.id, Assignment.due_date,
                                      Assignment.organisation_id).order_by(Assignment.id)).all()
    habits: dict[int, tuple[float, int, int, float]] = {}
    plan: dict[int, tuple[date | None, date | None]] = {}
    for assignment_id, due, org_id in rows:
        if org_id not in habits:
            habits[org_id] = rng.choices(HABITS, weights=[h[0] for h in HABITS])[0]
        _habit, early, late, never = habits[org_id]
        if due is None:
            day = None if rng.random() < 1 / 3 else first + timedelta(days=rng.randint(30, 365))
        else:
            day = None if rng.random() < never else due + timedelta(rng.randint(early, late))
        plan[assignment_id] = (due, max(day, first + timedelta(days=1)) if day else None)
    return plan


async def _walk(runtime, plan, first: date, total_days: int,
                progress: bool) -> tuple[int, date]:
    """Tick at the send time of each day after `first`, through the service's own pass
    (`tracker.runner.Service.pass_once`); returns (messages sent, last day)."""
    from tracker.runner import Service

    db, settings = runtime.db, runtime.settings
    service = Service(runtime, bot=False)

    officers = _officers_of(db)
    by_day: dict[date, list[int]] = {}
    for assignment_id, (_due, day) in plan.items():
        if day is not None:
            by_day.setdefault(day, []).append(assignment_id)
    sent, day = 0, first
    bar, task = _progress(progress, total_days)
    for offset in range(1, total_days + 1):
        day = first + timedelta(days=offset)
        moment = datetime.combine(day, settings.reminders.send_time, tzinfo=settings.zone)
        report = await service.pass_once(at=moment.astimezone(UTC))
        sent += report.sent
        if by_day.get(day):
            _complete(db, by_day[day], officers, (moment + timedelta(hours=4)).astimezone(UTC))
        if bar:
            bar.update(task, advance=1, description=f"{day:%d.%m.%Y}: {sent} "
                       + ("sent" if settings.locale == "en" else "отправлено"))
    if bar:
        bar.stop()
    return sent, day


def _officers_of(db) -> dict[int, tuple[int, bool]]:
    """{assignment id: (the officer of its organisation, whether they use Telegram)}."""
    from sqlalchemy import select

    from tracker.core.enums import Role
    from tracker.core.models import Assignment, Person

    with db.reading() as session:
        rows = session.execute(
            select(Assignment.id, Person.id, Person.telegram_chat_id)
            .join(Person, Person.organisation_id == Assignment.organisation_id)
            .where(Person.role == Role.OFFICER)).all()
    return {a: (p, chat is not None) for a, p, chat in rows}


def _complete(db, ids: list[int], officers, when: datetime) -> None:
    """The officers mark these assignments done (those still open), in one transaction."""
    from sqlalchemy import select

    from tracker.core.enums import AssignmentStatus, Via
    from tracker.core.models import Assignment, Person
    from tracker.services.task_transitions import complete

    with db.transaction() as session:
        still_open = session.scalars(select(Assignment.id).where(
            Assignment.id.in_(ids), Assignment.status == AssignmentStatus.OPEN)).all()
        people = {p.id: p for p in session.scalars(select(Person).where(
            Person.id.in_({officers[i][0] for i in still_open})))}
        for assignment_id in still_open:
            person_id, telegram = officers[assignment_id]
            complete(session=session, assignment_id=assignment_id, now=when,
                     via=Via.BOT if telegram else Via.CLI, actor=people[person_id],
                     comment="Исполнено (демонстрация)")


def _progress(enabled: bool, total: int):
    if not enabled:
        return None, None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   console=Console(stderr=True), transient=False)
    bar.start()
    return bar, bar.add_task("Demo", total=total)


# The closing lines, in the configured language.
_CLOSING = {
    "ru": ("Просрочено на {day}: {overdue} из {total} поручений; исполнено {done}.",
           "Отправлено сообщений: {sent}. Писем: {emails} (файлы .eml в {outbox}), "
           "сообщений в Telegram: {telegrams} (в {log}).",
           "Дальше: cd {folder} && tracker report overdue --as-of {day}; "
           "tracker tasks list --status overdue --as-of {day}; tracker outbox list"),
    "en": ("Overdue on {day}: {overdue} of {total} assignments; {done} done.",
           "Sent {sent} messages: {emails} emails as .eml files in {outbox}, "
           "{telegrams} Telegram messages in {log}.",
           "Explore: cd {folder} && tracker report overdue --as-of {day}; "
           "tracker tasks list --status overdue --as-of {day}; tracker outbox list"),
}


def _summary(db, settings, folder: Path, last_day: date, sent: int,
             documents: int) -> DemoResult:
    from rich.console import Console

    from tracker.reports.figures import GroupBy
    from tracker.reports.report import build_report
    from tracker.reports.table import build_table
    from tracker.terminal import emit

    with db.reading() as session:
        report = build_report(session=session, kind="overdue", as_of=last_day,
                              by=GroupBy.DOCUMENT, zone=settings.zone, locale=settings.locale)
    emit([build_table(report)])
    totals = report.totals
    outbox = settings.resolve(settings.outbox.directory)
    log = outbox / "telegram.log"
    result = DemoResult(
        folder=folder, last_day=last_day, documents=documents, assignments=totals.assigned,
        done=totals.done, overdue=totals.overdue, sent=sent,
        emails=len(list(outbox.glob("*.eml"))),
        telegrams=len(log.read_text(encoding="utf-8").splitlines()) if log.exists() else 0,
        outbox=outbox)
    console = Console(highlight=False, soft_wrap=True)
    words = _CLOSING["en" if settings.locale == "en" else "ru"]
    fields = dict(day=f"{last_day:%d.%m.%Y}", overdue=result.overdue, total=result.assignments,
                  done=result.done, sent=sent, emails=result.emails, outbox=outbox,
                  telegrams=result.telegrams, log=log, folder=folder)
    for line in words:
        console.print(line.format(**fields), markup=False)
    return result
