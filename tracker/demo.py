"""`tracker demo`: the whole product on sample data, in a folder of its own, in seconds.

It creates a config and a database, loads the Rostov region (55 municipalities, shipped
as package data) with generated people (an officer and a coordinator per municipality,
a regional officer and the regional lead, all with made-up @example.ru addresses),
enters the decisions of the regional order of 15.06.2021 (from the seed protocol of
11.04.2022), then walks the calendar day by day from the order's date to two weeks
past the last deadline, running the real planner and delivery at 09:00 each day while
officers complete their tasks on the way (pseudo-random, but the same every run). It
ends with the overdue summary and where the messages are.
"""

from __future__ import annotations

import asyncio
import csv
import random
import shutil
from datetime import date, datetime, time, timedelta
from pathlib import Path

from tracker.errors import InvalidInput

DATA = Path(__file__).with_name("data") / "rostov-oblast-municipalities.csv"
REGION = "Ростовская область"
ORDER = {"number": "556", "date": date(2021, 6, 15),
         "title": "Об управленческих решениях по итогам мониторинга системы работы по "
                  "самоопределению и профессиональной ориентации обучающихся"}
# (label, level, text, due) from the seed protocol's list of decisions of order № 556.
DECISIONS = [
    ("1", "regional", "Разработать на 2021-2022 учебный год «Дорожную карту мероприятий по "
     "развитию профессиональной ориентации обучающихся и содействию трудоустройству "
     "выпускников»", date(2021, 8, 20)),
    ("2", "regional", "Разработать (описать) региональную модель организации системы "
     "профориентации", date(2021, 8, 20)),
    ("3", "regional", "Подготовить методические рекомендации по организации "
     "профориентационной деятельности в образовательных организациях Ростовской области",
     date(2021, 8, 31)),
    ("4", "regional", "Составить реестр существующих в Ростовской области практик "
     "профориентационной направленности", date(2021, 10, 1)),
    ("5", "municipal", "Разработать (описать) муниципальные модели по профориентации на основе "
     "региональной модели", date(2021, 9, 15)),
    ("6", "municipal", "Создать на уровне муниципальных образований районные методические "
     "объединения по профориентации", date(2021, 9, 1)),
    ("7", "municipal", "Провести совещания с руководителями муниципальных образовательных "
     "организаций, методическими службами по итогам анализа показателей", date(2021, 9, 15)),
]
_SURNAMES = ["Иванова", "Петров", "Смирнова", "Кузнецов", "Попова", "Васильев", "Соколова",
             "Михайлов", "Новикова", "Фёдоров", "Морозова", "Волков", "Алексеева", "Лебедев"]
_INITIALS = ["А. В.", "Е. Н.", "О. С.", "И. П.", "Н. А.", "Т. М.", "С. Г.", "Л. И."]


def run_demo(folder: Path, *, days: int | None = None, progress: bool = True) -> dict:
    """Build the demo in `folder` and walk the calendar; returns the figures shown.

    :raises InvalidInput: if `folder` exists and is not empty (nothing is overwritten).
    """
    folder = Path(folder).resolve()
    if folder.exists() and any(folder.iterdir()):
        raise InvalidInput(f"{folder} is not empty; remove it or choose another --dir")
    folder.mkdir(parents=True, exist_ok=True)
    try:
        return _run(folder, days=days, progress=progress)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)  # nothing half-built left behind
        raise


def _run(folder: Path, *, days: int | None, progress: bool) -> dict:
    from notifications.channels.registry import build_channels
    from notifications.delivery import tick
    from tracker.config import load_settings
    from tracker.db import open_database

    default = Path(__file__).with_name("default_config.toml").read_text(encoding="utf-8")
    (folder / "config.toml").write_text(default, encoding="utf-8")
    settings = load_settings(folder / "config.toml")
    db = open_database(settings.db_url)
    zone = settings.zone
    try:
        start = datetime.combine(ORDER["date"], time(10, 0), tzinfo=zone)
        assignment_ids = _populate(db, now=start)
        last_due = max(d for *_, d in DECISIONS)
        total_days = days or (last_due - ORDER["date"]).days + 15
        channels = build_channels(settings)
        rng = random.Random(2021)
        sent = 0
        bar, task_id = _progress(progress, total_days)
        for offset in range(1, total_days + 1):
            day = ORDER["date"] + timedelta(days=offset)
            moment = datetime.combine(day, settings.reminders.send_time, tzinfo=zone)
            report = asyncio.run(tick(db, settings, channels, now=moment, worker="demo"))
            sent += report.sent
            _complete_some(db, rng, assignment_ids, day, moment + timedelta(hours=4))
            if bar:
                bar.update(task_id, advance=1, description=f"{day:%d.%m.%Y}: {sent} sent")
        if bar:
            bar.stop()
        return _summary(db, settings, folder, day, sent)
    finally:
        db.dispose()


def _progress(enabled: bool, total: int):
    if not enabled:
        return None, None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   console=Console(stderr=True), transient=False)
    bar.start()
    return bar, bar.add_task("Demo", total=total)


def _populate(db, *, now: datetime) -> list[int]:
    from tracker.enums import DocumentKind, Level
    from tracker.models import Document, Organisation
    from tracker.services.orgs import import_organisations
    from tracker.services.people import add_person
    from tracker.services.tasks import add_task

    rows = list(csv.DictReader(DATA.read_text(encoding="utf-8-sig").splitlines()))
    ids: list[int] = []
    with db.transaction() as session:
        import_organisations(session=session, rows=rows, parent=REGION, source=str(DATA))
        from sqlmodel import select

        region = session.exec(select(Organisation).where(Organisation.kind == "region")).one()
        municipalities = session.exec(select(Organisation).where(
            Organisation.parent_id == region.id).order_by(Organisation.id)).all()
        add_person(session=session, name="Ковалёва Марина Игоревна", organisation=region,
                   email="lead@example.ru", role="lead", channels="email")
        add_person(session=session, name="Зайцев Андрей Олегович", organisation=region,
                   email="region.officer@example.ru", channels="email")
        for n, org in enumerate(municipalities):
            officer = f"{_SURNAMES[n % len(_SURNAMES)]} {_INITIALS[n % len(_INITIALS)]}"
            coordinator = (f"{_SURNAMES[(n + 5) % len(_SURNAMES)]} "
                           f"{_INITIALS[(n + 3) % len(_INITIALS)]}")
            telegram = n % 3 == 0  # a third of the officers linked the Telegram bot
            add_person(session=session, name=officer, organisation=org,
                       email=f"officer{n + 1}@example.ru",
                       telegram_chat_id=100000 + n if telegram else None,
                       channels="both" if telegram else "email")
            add_person(session=session, name=coordinator, organisation=org,
                       email=f"coordinator{n + 1}@example.ru", role="coordinator",
                       channels="email")
        document = Document(kind=DocumentKind.ORDER, number=ORDER["number"], date=ORDER["date"],
                            title=ORDER["title"], issuer="Минобразование Ростовской области",
                            source="demo")
        session.add(document)
        session.flush()
        for label, level, text, due in DECISIONS:
            targets = [region] if level == "regional" else list(municipalities)
            _, assignments = add_task(session=session, text=text, organisations=targets,
                                      now=now, due=due, level=Level(level), label=label,
                                      document=document)
            ids.extend(a.id for a in assignments)
    return ids


def _complete_some(db, rng: random.Random, ids: list[int], day: date, when: datetime) -> None:
    """Officers finish work as deadlines approach; some never do."""
    from tracker.enums import AssignmentStatus, Via
    from tracker.models import Assignment
    from tracker.services.tasks import complete

    with db.transaction() as session:
        for assignment_id in ids:
            assignment = session.get(Assignment, assignment_id)
            if assignment.status != AssignmentStatus.OPEN:
                continue
            days_left = (assignment.due_date - day).days
            chance = 0.0 if days_left > 21 else 0.03 if days_left >= 0 else 0.012
            if rng.random() < chance:
                complete(session=session, assignment_id=assignment_id, now=when, via=Via.CLI,
                         comment="Исполнено (демонстрация)")


def _summary(db, settings, folder: Path, last_day: date, sent: int) -> dict:
    from rich.console import Console
    from rich.table import Table
    from sqlalchemy import func, select

    from tracker.enums import AssignmentStatus
    from tracker.models import Assignment, Organisation

    with db.reading() as session:
        rows = session.execute(
            select(Organisation.name, func.count())
            .join(Assignment, Assignment.organisation_id == Organisation.id)
            .where(Assignment.status == AssignmentStatus.OPEN, Assignment.due_date < last_day)
            .group_by(Organisation.name).order_by(func.count().desc(), Organisation.name)
        ).all()
        total = session.scalar(select(func.count()).select_from(Assignment))
        done = session.scalar(select(func.count()).select_from(Assignment).where(
            Assignment.status == AssignmentStatus.DONE))
    outbox = settings.resolve(settings.outbox.directory)
    emails = len(list(outbox.glob("*.eml")))
    log = outbox / "telegram.log"
    telegrams = len(log.read_text(encoding="utf-8").splitlines()) if log.exists() else 0
    overdue = sum(n for _, n in rows)
    console = Console(highlight=False)
    table = Table(title=f"Просрочено на {last_day:%d.%m.%Y}: {overdue} из {total} поручений "
                        f"(исполнено {done})")
    table.add_column("Организация")
    table.add_column("Просрочено", justify="right")
    for name, count in rows[:15]:
        table.add_row(name, str(count))
    if len(rows) > 15:
        table.add_row(f"… ещё {len(rows) - 15}", str(sum(n for _, n in rows[15:])))
    console.print(table)
    console.print(f"Sent {sent} messages: {emails} emails as .eml files in {outbox}, "
                  f"{telegrams} Telegram messages in {log}.")
    console.print(f"Explore: cd {folder} && tracker tasks list --status overdue; "
                  "tracker outbox list")
    return {"sent": sent, "emails": emails, "telegrams": telegrams, "overdue": overdue,
            "total": total, "done": done, "outbox": str(outbox)}
