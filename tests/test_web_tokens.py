"""Action tokens and web sessions as services: hashed, single use, expiring."""

from datetime import timedelta

import pytest
from sqlmodel import select
from web_world import NOW, build

from tracker.core.enums import TokenAction
from tracker.core.errors import NotFound
from tracker.core.models import ActionToken, Person
from tracker.services import web_sessions, web_tokens


@pytest.fixture
def world(settings, db):
    return build(settings, db)


def test_only_the_hash_is_stored_and_a_token_burns_once(world):
    token = world.token("officer", TokenAction.COMPLETE)
    assert web_tokens.well_formed(token) and len(token) == web_tokens.TOKEN_LENGTH
    with world.db.transaction() as session:
        row = session.exec(select(ActionToken)).one()
        assert row.token_hash == web_tokens.token_hash(token) and token not in row.token_hash
        first = web_tokens.look_up(session=session, token=token, now=NOW)
    with world.db.reading() as other:  # a second press read the row while it was live
        stale = web_tokens.look_up(session=other, token=token, now=NOW)
    with world.db.transaction() as session:
        web_tokens.burn(session=session, row=first, now=NOW)
    with world.db.transaction() as session, pytest.raises(web_tokens.TokenUsed):
        web_tokens.burn(session=session, row=stale, now=NOW)  # loses the conditional UPDATE
    with world.db.reading() as session, pytest.raises(web_tokens.TokenUsed):
        web_tokens.look_up(session=session, token=token, now=NOW)


def test_expiry_unknown_and_malformed(world):
    token = world.token("officer", TokenAction.EXTEND, ttl=timedelta(hours=1))
    with world.db.reading() as session:
        web_tokens.look_up(session=session, token=token, now=NOW + timedelta(minutes=59))
        with pytest.raises(web_tokens.TokenExpired):
            web_tokens.look_up(session=session, token=token, now=NOW + timedelta(hours=1))
        with pytest.raises(NotFound):
            web_tokens.look_up(session=session, token="b" * 43, now=NOW)
        for bad in ("", "a" * 42, "a" * 44, "a" * 42 + "!", None):
            with pytest.raises(web_tokens.TokenMalformed):
                web_tokens.look_up(session=session, token=bad, now=NOW)


def test_sessions_expire_and_end(world):
    with world.db.transaction() as session:
        person = session.get(Person, world.ids["officer"])
        sid = web_sessions.open_session(session=session, person=person, now=NOW, days=1)
    with world.db.reading() as session:
        assert web_sessions.person_of(session=session, session_id=sid, now=NOW).id == person.id
        assert web_sessions.person_of(session=session, session_id=sid,
                                      now=NOW + timedelta(days=1)) is None
        assert web_sessions.person_of(session=session, session_id="x", now=NOW) is None
    with world.db.transaction() as session:
        assert web_sessions.end_session(session=session, session_id=sid, now=NOW)
        assert not web_sessions.end_session(session=session, session_id=sid, now=NOW)
        assert web_sessions.person_of(session=session, session_id=sid, now=NOW) is None
    with world.db.transaction() as session:  # an inactive person is signed out
        person = session.get(Person, world.ids["officer"])
        sid = web_sessions.open_session(session=session, person=person, now=NOW, days=1)
        person.active = False
        session.add(person)
        session.flush()
        assert web_sessions.person_of(session=session, session_id=sid, now=NOW) is None


def test_expired_tokens_and_sessions_are_purged(world):
    keep = world.token("officer", TokenAction.COMPLETE)
    world.token("officer", TokenAction.COMPLETE, ttl=timedelta(days=1))
    with world.db.transaction() as session:
        person = session.get(Person, world.ids["officer"])
        web_sessions.open_session(session=session, person=person, now=NOW, days=1)
        assert web_tokens.purge(session=session, before=NOW + timedelta(days=2)) == 2
    with world.db.reading() as session:
        assert [r.token_hash for r in session.exec(select(ActionToken))] == [
            web_tokens.token_hash(keep)]
