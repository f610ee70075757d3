"""The same code on PostgreSQL: migrations, services, the CLI, concurrent completion.

Runs when TRACKER_TEST_PG_URL points at a scratch database (`.ci/start-postgres` makes
one on 127.0.0.1); each test gets a fresh schema.
"""

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, text

from tests.conftest import MUNICIPALITIES_CSV
from tests.test_concurrency import COMPLETE, _seed

PG_URL = os.environ.get("TRACKER_TEST_PG_URL")
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not PG_URL, reason="TRACKER_TEST_PG_URL not set"),
]


@pytest.fixture
def pg_url():
    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return PG_URL


@pytest.fixture
def pg(pg_url):
    from tracker.core.db import open_database

    database = open_database(pg_url)
    yield database
    database.dispose()


def test_migrations_and_models_agree(pg):
    from tracker.core.db import upgrade
    from tracker.core.models import metadata

    assert upgrade(pg) is False
    with pg.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []


def test_cli_flow_on_postgres(pg_url, config_path, cli):
    config_path.write_text(f'database_url = "{pg_url}"\n', encoding="utf-8")
    assert cli("org", "import", str(MUNICIPALITIES_CSV), "--parent",
               "Ростовская область").output == (
        "Импортировано организаций: 56, пропущено уже известных: 0\n")
    assert cli("tasks", "add", "Провести совещание", "--due", "20.08.2021", "--org",
               "ГОРОД АЗОВ").exit_code == 0
    assert cli("tasks", "add", "Составить реестр", "--due", "01.10.2021", "--org",
               "Ростовская область").exit_code == 0
    overdue = json.loads(cli("tasks", "list", "--status", "overdue", "--org", "город азов",
                             "--json").output)
    assert [o["id"] for o in overdue] == [1]
    assert cli("tasks", "extend", "1", "--to", "2021-09-01", "--reason", "x").exit_code == 0
    assert cli("tasks", "done", "1").exit_code == 0
    again = cli("tasks", "done", "1")
    assert again.exit_code == 1 and again.output.startswith("Ошибка: поручение 1 уже исполнено")
    assert [o["id"] for o in json.loads(
        cli("tasks", "list", "--status", "overdue", "--json").output)] == [2]


def test_concurrent_completion_on_postgres(pg):
    _seed(pg, 60)
    workers = [subprocess.Popen([sys.executable, "-c", COMPLETE, pg.url, "60"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(2)]
    wins = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        wins.append(int(out))
    assert sum(wins) == 60


def test_subtree_and_dates_on_postgres(pg):
    from tracker.core.models import Organisation, Task
    from tracker.services.orgs import subtree_ids

    with pg.transaction() as session:
        region = Organisation(name="Р", name_key="р", kind="region")
        session.add(region)
        session.flush()
        town = Organisation(name="Т", name_key="т", kind="municipality", parent_id=region.id)
        session.add(town)
        session.flush()
        session.add(Organisation(name="Ш", name_key="ш", kind="school", parent_id=town.id))
        session.add(Task(text="x", level="school", due_date=date(2022, 2, 28)))
    with pg.reading() as session:
        assert len(subtree_ids(session=session, root_id=region.id)) == 3
        assert len(subtree_ids(session=session, root_id=town.id)) == 2


@pytest.mark.asyncio
async def test_bot_flows_on_postgres(pg_url, tmp_path, monkeypatch):
    """Linking, /tasks, completing by button, /overdue and an approved extension, on
    PostgreSQL: nothing in the bot is tied to SQLite."""
    from bot_world import COORDINATOR, LEAD, OFFICER, running_bot
    from sqlmodel import select

    from tracker.core.models import Assignment, ExtensionRequest, Person
    from tracker.services.invites import create_invite

    async with running_bot(tmp_path, monkeypatch, database_url=pg_url) as w:
        with w.db.transaction() as session:
            code = create_invite(session=session, person=session.get(Person, w.ids["new"]),
                                 now=datetime.now(UTC), ttl_days=7)
        w.fake.say(606, f"/start {code}")
        w.fake.say(OFFICER, "/tasks")
        w.fake.press(OFFICER, f"done:{w.ids['own']}")
        await w.idle()
        w.fake.press(OFFICER, f"skip:{w.ids['own']}")
        w.fake.say(LEAD, "/overdue")
        w.fake.press(COORDINATOR, f"move:{w.ids['late_azov']}")
        await w.idle()
        w.fake.say(COORDINATOR, "01.09.2021")
        await w.idle()
        w.fake.say(COORDINATOR, "Ремонт")
        await w.idle()
        with w.db.reading() as session:
            request = session.exec(select(ExtensionRequest)).one()
        w.fake.press(LEAD, f"extok:{request.id}")
        await w.idle()
        assert (await w.replies(606, 0))[0].startswith("Здравствуйте, Бойко Б.Б.!")
        assert (await w.replies(LEAD, 0))[0].startswith("⏰ <b>Просрочено: 2</b>")
        with w.db.reading() as session:
            assert session.get(Person, w.ids["new"]).telegram_chat_id == 606
            assert session.get(Assignment, w.ids["own"]).status == "done"
            assert session.get(Assignment, w.ids["late_azov"]).due_date == date(2021, 9, 1)


def test_three_processes_claiming_on_postgres_never_share_a_message(pg):
    """The claim's `FOR UPDATE SKIP LOCKED` path: concurrent claimers split the rows."""
    from test_outbox import claimed_by_three_processes

    won = claimed_by_three_processes(pg, pg.url)
    assert len(won) == len(set(won)) == 300


@pytest.mark.slow
def test_sigkill_campaign_on_postgres(pg_url, tmp_path):
    """`tracker run` on PostgreSQL SIGKILLed during delivery (two services, killed in
    turn) and restarted: claims taken over at once, nothing lost, at most one duplicate
    per kill and SMTP connection."""
    sys.path.insert(0, os.path.dirname(__file__))
    from service_campaign import WITHIN, run_campaign

    campaign = run_campaign(tmp_path, pg_url, kills=20, services=2, seed=11, officers=30,
                            smtp_delay=0.06)  # two connections each: the pace of one at 0.03
    print(campaign.summary())
    assert max(campaign.resume_seconds) < WITHIN
