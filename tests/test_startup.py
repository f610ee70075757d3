"""Start-up: a database already at the head revision opens without importing Alembic,
and the head read from the migration files is Alembic's own."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import inspect

from tracker.core.db import alembic_config, head_revision, open_database, schema_revision, upgrade

PROBE = """
import sys
from tracker.core.db import open_database
db = open_database(sys.argv[1])
db.dispose()
print("alembic" in sys.modules)
"""


def test_head_from_the_files_is_alembics_head(tmp_path):
    from alembic.script import ScriptDirectory

    db = open_database(f"sqlite:///{tmp_path / 't.db'}", migrate=False)
    script = ScriptDirectory.from_config(alembic_config(db))
    assert head_revision() == script.get_current_head()
    db.dispose()


def test_a_database_at_the_head_opens_without_alembic(tmp_path):
    url = f"sqlite:///{tmp_path / 't.db'}"
    db = open_database(url)  # a new file: migrated by Alembic
    assert schema_revision(db) == head_revision()
    assert "assignment" in inspect(db.engine).get_table_names()
    assert upgrade(db) is False  # at the head: nothing to do
    db.dispose()
    run = subprocess.run([sys.executable, "-c", PROBE, url], capture_output=True, text=True,
                         check=True)
    assert run.stdout.strip() == "False"
    fresh = subprocess.run([sys.executable, "-c", PROBE, f"sqlite:///{tmp_path / 'new.db'}"],
                           capture_output=True, text=True, check=True)
    assert fresh.stdout.strip() == "True"  # a new database still goes through Alembic
