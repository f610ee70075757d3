"""`tracker digest preview|send --kind lead|coordinator [--as-of DATE]`."""

from __future__ import annotations

import json
import os

from sqlmodel import select

from tests.test_contacts import _world


def test_preview_shows_each_recipient_and_records_nothing(cli, db):
    from tracker.core.models import OutboxMessage

    _world(db)
    result = cli("digest", "preview", "--kind", "lead", "--as-of", "01.09.2021")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Кому: Алексеева Т. М. <lead@region.example.ru> (эл. почта)" in out
    assert "Тема: Исполнительская дисциплина: Ростовская область на 01.09.2021" in out
    assert "Ответственный: Петрова Е. Н., petrova@bataysk.example.ru" in out
    coordinators = cli("digest", "preview", "--kind", "coordinator").stdout
    assert "Кому: Волков И. П. <volkov@region.example.ru>" in coordinators
    with db.reading() as s:
        assert s.exec(select(OutboxMessage)).all() == []
    bad = cli("digest", "preview", "--kind", "boss")
    assert bad.exit_code == 1 and "ожидается lead или coordinator" in bad.output
    assert bad.output.count("\n") == 1


def test_send_records_once_and_delivers(cli, db, tmp_path):
    from tracker.core.models import OutboxMessage

    _world(db)
    previous = os.umask(0o022)
    try:
        first = cli("digest", "send", "--kind", "lead", "--as-of", "01.09.2021")
    finally:
        os.umask(previous)
    assert first.exit_code == 0, first.output
    assert first.stdout == "Записано сообщений: 1; отправлено: 1, не доставлено: 0.\n"
    again = cli("digest", "send", "--kind", "lead", "--as-of", "01.09.2021")
    assert again.stdout == "Записано сообщений: 0; отправлено: 0, не доставлено: 0.\n"
    with db.reading() as s:
        (row,) = s.exec(select(OutboxMessage)).all()
        assert row.kind == "lead_summary" and row.status == "sent"
        assert json.loads(row.payload)["as_of"] == "2021-09-01"
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1
    (attachment,) = (tmp_path / "outbox" / "reports").glob("*.xlsx")
    assert attachment.stat().st_mode & 0o777 == 0o644  # the umask's, not 0600
