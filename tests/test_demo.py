"""`tracker demo` runs end to end in a temporary folder."""

from __future__ import annotations

import json


def test_demo_runs_and_produces_messages(tmp_path):
    from typer.testing import CliRunner

    from tracker.cli.main import app

    folder = tmp_path / "demo"
    result = CliRunner().invoke(app, ["demo", "--dir", str(folder)])
    assert result.exit_code == 0, result.output
    assert "Просрочено на" in result.output
    emails = list((folder / "outbox").glob("*.eml"))
    assert len(emails) > 100
    lines = (folder / "outbox" / "telegram.log").read_text(encoding="utf-8").splitlines()
    assert lines and json.loads(lines[0])["chat_id"] >= 100000
    assert (folder / "tracker.db").exists() and (folder / "config.toml").exists()


def test_demo_refuses_a_folder_in_use(tmp_path):
    from typer.testing import CliRunner

    from tracker.cli.main import app

    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "notes.txt").write_text("mine")
    result = CliRunner().invoke(app, ["demo", "--dir", str(tmp_path / "demo")])
    assert result.exit_code == 1
    assert result.output == (f"Error: {tmp_path / 'demo'} is not empty; remove it or choose "
                             "another --dir\n")
    assert (tmp_path / "demo" / "notes.txt").read_text() == "mine"
