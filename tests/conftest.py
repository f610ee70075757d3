"""Shared fixtures: a fresh SQLite file per test, a config beside it, the CLI runner."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
import pytest_asyncio
from typer.testing import CliRunner

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
MUNICIPALITIES_CSV = (Path(__file__).resolve().parents[1] / "tracker" / "data"
                      / "rostov-oblast-municipalities.csv")
NOW = datetime(2021, 8, 13, 6, 0, tzinfo=UTC)  # 09:00 in Moscow


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    """No test sees the developer's config, secrets or working directory."""
    for name in list(os.environ):
        if name.startswith("TRACKER_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(autouse=True)
def _russian_words():
    """Each test starts with the process speaking Russian (a CLI run may switch it)."""
    from tracker.core.i18n import set_locale

    set_locale("ru")
    yield
    set_locale("ru")


@pytest.fixture
def config_path(tmp_path) -> Path:
    """A minimal config.toml in tmp_path; the database is tmp_path/tracker.core.db."""
    path = tmp_path / "config.toml"
    path.write_text('timezone = "Europe/Moscow"\nlocale = "ru"\n', encoding="utf-8")
    return path


@pytest.fixture
def settings(config_path):
    from tracker.core.config_sources import load_settings

    return load_settings(config_path)


@pytest.fixture
def db(settings):
    from tracker.core.db import open_database

    database = open_database(settings.db_url)
    yield database
    database.dispose()


@pytest.fixture
def cli(config_path):
    """Run `tracker --config <tmp config> ARGS...`; returns the click Result."""
    from tracker.cli.main import app

    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(app, ["--config", str(config_path), *args], input=input,
                             prog_name="tracker")

    return invoke


@pytest.fixture
def region(db):
    """The Rostov region with its 55 municipalities; returns the region organisation."""
    import csv

    from tracker.services.orgs import import_organisations

    rows = list(csv.DictReader(MUNICIPALITIES_CSV.read_text(encoding="utf-8-sig").splitlines()))
    with db.transaction() as session:
        import_organisations(session=session, rows=rows, parent="Ростовская область",
                             source=str(MUNICIPALITIES_CSV))
    from sqlmodel import select

    from tracker.core.models import Organisation

    with db.reading() as session:
        return session.exec(select(Organisation).where(Organisation.kind == "region")).one()


@pytest_asyncio.fixture
async def world(tmp_path, monkeypatch):
    """A running bot (tests/bot_world.py) over a fake Bot API and a fresh SQLite file."""
    from bot_world import running_bot

    async with running_bot(tmp_path, monkeypatch) as w:
        yield w


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (Debian's /usr/bin/chromium) for every test that opens a page
    the way a person would (see tests/pages.py). Skips only outside CI when Chromium or
    Playwright is missing."""
    import shutil

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    try:
        import playwright  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip("playwright is not installed")
    if not Path(executable).exists():
        if os.environ.get("CI"):
            raise RuntimeError("chromium is missing (apt-get install chromium)")
        pytest.skip("chromium is not installed")
    from tests.pages import Chromium

    chromium = Chromium(executable)
    yield chromium
    chromium.close()
