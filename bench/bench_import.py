"""Benchmark of document import: parse only, parse + database write, and the deadline grammar.

1,000 synthetic documents are generated deterministically (a seeded `random.Random`) in
the shapes of real ones: protocols of meetings ("Решили:", numbered items and sub-items),
working-group protocols with management decisions by level ("на региональном уровне:",
bulleted items), orders ("ПРИКАЗЫВАЮ:", addressee headings in the dative, "Контроль за
исполнением ... возложить") and board decisions ("коллегия РЕШАЕТ:", "Срок:" and
"Ответственный:" lines). Deadlines,
owners, statements and recurring items vary from document to document.

The database is a fresh SQLite file (WAL, as in production) holding the sample
directory: Ростовская область with its 55 municipalities, a ministry and a few people.
Each document is imported in its own transaction, as `tracker import --yes` does, so a
municipal item writes 55 assignments and 55 events.

The directory and the owner matcher are loaded once for the batch
(`tracker.services.importing.import_documents`); each document's tasks, assignments and
events are written with one executemany each, values converted once
(`tracker.services.bulk`). The floor, measured in the same run: the parse alone plus raw
sqlite3 writing the same rows (read back from the import's database, ids and all) into a
copy of the database as it was before the import, one transaction per document with one
executemany per table, WAL, foreign keys and synchronous=NORMAL as in production.

Measured on a 2-core machine shared with other work, 2 December 2026:

    python bench/bench_import.py --docs 200 --phrases 2000
        load 0.2-0.7: parse + DB write 2.35-2.46 s, 81-85 documents/s, 56,606
        assignments; floor 0.28 s parse + 1.35-1.42 s raw write = 1.64-1.70 s; ratio
        1.43-1.45x. Load 7-10: 35 documents/s, ratio 0.8-1.6x (the floor's fsyncs swing
        most). Before: 4.6-5.8x (ORM flush per task; the directory and the matcher
        rebuilt for every document).

Usage:
    python bench/bench_import.py                 # 1,000 documents
    python bench/bench_import.py --docs 200 --phrases 20000
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
import sqlite3
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CSV = ROOT / "tracker" / "data" / "rostov-oblast-municipalities.csv"
NOW = datetime(2021, 8, 13, 6, 0, tzinfo=UTC)

MONTHS_GEN = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
              "сентября", "октября", "ноября", "декабря"]
MONTHS_NOM = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
              "сентябрь", "октябрь", "ноябрь", "декабрь"]
ACTIONS = [
    "Разработать (описать) региональную модель организации системы профориентации",
    "Подготовить методические рекомендации по организации профориентационной деятельности",
    "Провести совещания с руководителями муниципальных образовательных организаций",
    "Создать районные методические объединения по профориентации",
    "Составить реестр практик профориентационной направленности",
    "Обеспечить участие обучающихся в проекте «Билет в будущее»",
    "Организовать обучающие семинары для ответственных за профориентацию",
    "Представить отчёт о реализации дорожной карты",
    "Актуализировать планы-графики профориентационной работы",
    "Провести мониторинг охвата обучающихся практико-ориентированными мероприятиями",
    "Направить информацию о выполнении мероприятий в министерство",
    "Разместить материалы на официальных сайтах образовательных организаций",
]
STATEMENTS = [
    "Информацию принять к сведению.",
    "Уровень эффективности принятых управленческих решений считать удовлетворительным.",
    "Контроль за исполнением настоящего приказа возложить на заместителя министра.",
    "Утвердить прилагаемый план мероприятий.",
]
OWNERS = ["Пушкарева Е.А.", "Арбузова Л.Е.", "отдел образования", "Иванова М.Н.",
          "ГБПОУ РО «Таганрогский механический колледж»", "Сидоров П.П."]
LEVEL_HEADINGS = ["на региональном уровне:", "на муниципальном уровне:",
                  "на уровне образовательных организаций:"]
ADDRESSEES = ["Руководителям общеобразовательных организаций:",
              "Муниципальным органам управления образованием:",
              "Отделу образования:"]


def deadline_phrase(rng: random.Random, year: int) -> str:
    """A deadline phrase in one of the forms real documents use."""
    day, month = rng.randint(1, 28), rng.randint(1, 12)
    y = year + (month < 6)
    return rng.choice([
        f"в срок до {day} {MONTHS_GEN[month - 1]} {y} года",
        f"до {day:02d} {MONTHS_GEN[month - 1]} {y} года",
        f"до {day} {MONTHS_GEN[month - 1]}",
        f"не позднее {day:02d}.{month:02d}.{y}",
        f"к {day} {MONTHS_GEN[month - 1]} {y} г.",
        f"в срок до «{day}» {MONTHS_GEN[month - 1]} {y} г.",
        f"до конца {y} года",
        f"в I квартале {y} года",
        f"в течение {year}-{year + 1} учебного года",
        "ежемесячно",
        "ежеквартально",
        f"с {day:02d}.{month:02d}.{y} по {min(day + 7, 28):02d}.{month:02d}.{y}",
    ])


def _item(rng: random.Random, year: int) -> str:
    return f"{rng.choice(ACTIONS)} {deadline_phrase(rng, year)}."


def protocol(rng: random.Random, n: int, when: date) -> str:
    lines = [f"Протокол № {n}", "совещания с директорами общеобразовательных учреждений", "",
             f"Дата проведения: {when:%d.%m.%Y} г.", "", "Повестка дня:", "",
             "1. Об итогах профориентационной работы.", "", "Решили:", ""]
    for i in range(1, rng.randint(3, 7)):
        if rng.random() < 0.25:
            lines.append(f"{i}. {rng.choice(STATEMENTS)}")
            continue
        lines.append(f"{i}. {_item(rng, when.year)}")
        for j in range(1, rng.randint(1, 4)):
            lines.append(f"{i}.{j}. {_item(rng, when.year)}")
        if rng.random() < 0.4:
            lines.append(f"Ответственный: {rng.choice(OWNERS)}")
        lines.append("")
    lines += ["Председатель: Пушкарева Е.А.", "", "Секретарь: Арбузова Л.Е."]
    return "\n".join(lines)


def working_group(rng: random.Random, n: int, when: date) -> str:
    lines = ["ПРОТОКОЛ", "заседания рабочей группы по совершенствованию региональных механизмов",
             "", f"{when:%d.%m.%Y} г.", "", f"№ {n}", "", "Председатель: Пушкарева Е.А.", "",
             "ПОСТАНОВИЛИ:", "", "1. Информацию принять к сведению.",
             f"2. Утвердить управленческие решения в срок до {when.day} "
             f"{MONTHS_GEN[when.month - 1]} {when.year + 1} года.", "",
             "По итогам мониторинга утверждены следующие управленческие решения:", ""]
    for heading in rng.sample(LEVEL_HEADINGS, rng.randint(1, 3)):
        lines += [heading, ""]
        for _ in range(rng.randint(2, 6)):
            lines.append(f"- {_item(rng, when.year)}")
        lines.append("")
    return "\n".join(lines)


def order(rng: random.Random, n: int, when: date) -> str:
    lines = ["МИНИСТЕРСТВО ОБЩЕГО И ПРОФЕССИОНАЛЬНОГО ОБРАЗОВАНИЯ РОСТОВСКОЙ ОБЛАСТИ", "",
             "ПРИКАЗ", "", f"от {when:%d.%m.%Y} № {n}", "",
             "Об организации профориентационной работы", "",
             "В целях повышения эффективности системы профориентации", "", "ПРИКАЗЫВАЮ:", ""]
    number = 1
    for addressee in rng.sample(ADDRESSEES, rng.randint(1, 3)):
        lines.append(f"{number}. {addressee}")
        for j in range(1, rng.randint(2, 5)):
            lines.append(f"{number}.{j}. {_item(rng, when.year)}")
        number += 1
    lines.append(f"{number}. {STATEMENTS[2]}")
    lines += ["", "Министр Л.В. Балина"]
    return "\n".join(lines)


def board_decision(rng: random.Random, n: int, when: date) -> str:
    lines = ["РЕШЕНИЕ КОЛЛЕГИИ", "министерства общего и профессионального образования",
             "", f"от {when:%d.%m.%Y} № {n}", "",
             f"Об организации профориентационной работы в {when.year}-{when.year + 1} "
             "учебном году", "", "коллегия РЕШАЕТ:", ""]
    for i in range(1, rng.randint(4, 9)):
        lines.append(f"{i}. {rng.choice(ACTIONS)}.")
        month = rng.randint(1, 12)
        lines.append(f"Срок: {MONTHS_NOM[month - 1]} {when.year + (month < 9)}")
        lines.append(f"Ответственный: {rng.choice(OWNERS)}")
        lines.append("")
    return "\n".join(lines)


SHAPES = [protocol, working_group, order, board_decision]


def documents(count: int, seed: int = 2021) -> list[str]:
    rng = random.Random(seed)
    out = []
    for n in range(1, count + 1):
        when = date(2021, 1, 11) + timedelta(days=rng.randint(0, 700))
        out.append(SHAPES[n % len(SHAPES)](rng, n, when))
    return out


def phrases(count: int, seed: int = 7) -> list[str]:
    """Item sentences with a deadline phrase in them, as the grammar meets them."""
    rng = random.Random(seed)
    return [_item(rng, 2021 + i % 3) for i in range(count)]


def setup_database(folder: Path):
    from tracker.core.config_sources import load_settings
    from tracker.core.db import open_database
    from tracker.core.enums import OrgKind
    from tracker.core.models import Organisation
    from tracker.services.orgs import add_organisation, import_organisations
    from tracker.services.people import add_person

    config = folder / "config.toml"
    config.write_text('timezone = "Europe/Moscow"\n', encoding="utf-8")
    settings = load_settings(config)
    db = open_database(settings.db_url)
    rows = list(csv.DictReader(CSV.read_text(encoding="utf-8-sig").splitlines()))
    with db.transaction() as session:
        import_organisations(session=session, rows=rows, parent="Ростовская область",
                             source=str(CSV))
        from sqlmodel import select

        region = session.exec(select(Organisation).where(Organisation.kind == "region")).one()
        ministry = add_organisation(session=session, parent=region, kind=OrgKind.OTHER,
                                    name="Министерство общего и профессионального образования")
        college = add_organisation(session=session, parent=region, kind=OrgKind.OTHER,
                                   name="ГБПОУ РО «Таганрогский механический колледж»")
        add_person(session=session, name="Пушкарева Елена Алексеевна", organisation=ministry)
        add_person(session=session, name="Арбузова Л.Е.", organisation=ministry)
        add_person(session=session, name="Иванова М.Н.", organisation=college)
    return settings, db


def _copy(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database (WAL included)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()


_TABLES = ("document", "task", "assignment", "event")


def raw_floor(imported: Path, base: Path) -> float:
    """Seconds for raw sqlite3 to write the rows the import wrote: the same documents,
    tasks, assignments and events (ids and all, read back from `imported`), into a copy
    of the database as it was before the import (schema, indexes, directory), WAL and
    foreign keys on and synchronous=NORMAL as in
    production (`tracker.core.db`), one transaction per document with one
    executemany per table."""
    source = sqlite3.connect(imported)
    by_document: dict[int, dict[str, list[tuple]]] = {}
    columns: dict[str, list[str]] = {}
    task_document: dict[int, int] = {}
    for table in _TABLES:
        cursor = source.execute(f"SELECT * FROM {table} ORDER BY id")
        columns[table] = names = [c[0] for c in cursor.description]
        id_, document_id, task_id = (names.index(c) if c in names else None
                                     for c in ("id", "document_id", "task_id"))
        for row in cursor:
            if table == "document":
                document = row[id_]
            elif table == "task":
                document = task_document[row[id_]] = row[document_id]
            elif row[task_id] is None:  # an event of the directory's set-up
                continue
            else:
                document = task_document[row[task_id]]
            by_document.setdefault(document, {t: [] for t in _TABLES})[table].append(row)
    source.close()
    target = sqlite3.connect(base, isolation_level=None)
    target.execute("PRAGMA journal_mode=WAL")
    target.execute("PRAGMA foreign_keys=ON")
    target.execute("PRAGMA synchronous=NORMAL")
    sql = {t: f"INSERT INTO {t} ({', '.join(columns[t])}) VALUES "
              f"({', '.join('?' * len(columns[t]))})" for t in _TABLES}
    start = time.perf_counter()
    for document in sorted(by_document):
        rows = by_document[document]
        target.execute("BEGIN IMMEDIATE")
        for table in _TABLES:
            target.executemany(sql[table], rows[table])
        target.execute("COMMIT")
    seconds = time.perf_counter() - start
    target.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--phrases", type=int, default=20000)
    args = parser.parse_args()

    from roadmaps.deadlines import find_deadlines
    from roadmaps.parser import parse_text
    from tracker.services.importing import import_documents

    texts = documents(args.docs)
    size = sum(len(t.encode()) for t in texts)
    hashes = [hashlib.sha256(t.encode()).hexdigest() for t in texts]

    start = time.perf_counter()
    parsed = [parse_text(t, source=f"doc{i}.txt", content_hash=h)
              for i, (t, h) in enumerate(zip(texts, hashes, strict=True))]
    parse_s = time.perf_counter() - start
    items = sum(len(p.items) for p in parsed)
    actionable = sum(1 for p in parsed for i in p.items if i.actionable)

    with tempfile.TemporaryDirectory() as folder:
        settings, db = setup_database(Path(folder))
        base = Path(folder) / "base.db"
        _copy(Path(folder) / "tracker.db", base)  # the directory alone, for the floor
        start = time.perf_counter()
        # Parsed inside the timed loop, as `tracker import` does: parse + write.
        outcomes = import_documents(
            (parse_text(t, source=f"doc{i}.txt", content_hash=h)
             for i, (t, h) in enumerate(zip(texts, hashes, strict=True))),
            db=db, settings=settings, now=NOW)
        full_s = time.perf_counter() - start
        tasks = sum(o.tasks for o in outcomes)
        assignments = sum(o.assignments for o in outcomes)
        db_size = (Path(folder) / "tracker.db").stat().st_size
        db.dispose()
        raw_s = raw_floor(Path(folder) / "tracker.db", base)

    floor_s = parse_s + raw_s
    sentences = phrases(args.phrases)
    reference = date(2021, 6, 15)
    for s in sentences[:200]:  # warm the regex caches
        find_deadlines(s, reference=reference)
    start = time.perf_counter()
    found = sum(len(find_deadlines(s, reference=reference)) for s in sentences)
    grammar_s = time.perf_counter() - start

    print(f"documents: {args.docs} ({size / 1e6:.1f} MB of text), items {items}, "
          f"actionable {actionable}")
    print(f"parse only:        {parse_s:7.2f} s  {args.docs / parse_s:8.0f} documents/s")
    print(f"parse + DB write:  {full_s:7.2f} s  {args.docs / full_s:8.0f} documents/s  "
          f"({tasks} tasks, {assignments} assignments, {assignments / full_s:.0f} "
          f"assignments/s; database {db_size / 1e6:.1f} MB)")
    print(f"floor: parse {parse_s:.2f} s + raw sqlite3 write of the same rows {raw_s:.2f} s "
          f"= {floor_s:.2f} s  ({args.docs / floor_s:.0f} documents/s)")
    print(f"ratio: {full_s / floor_s:.2f}x the floor (goal <= 1.5x)")
    print(f"deadline grammar:  {grammar_s:7.2f} s  {len(sentences) / grammar_s:8.0f} phrases/s "
          f"({found} deadlines in {len(sentences)} sentences, "
          f"{grammar_s / len(sentences) * 1e6:.1f} µs each)")


if __name__ == "__main__":
    main()
