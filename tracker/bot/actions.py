"""The bot's side of `tracker.services.chat`: each action in its own short transaction,
as synchronous functions the handlers run in worker threads (`asyncio.to_thread`).

The domain logic (who may act, what an officer's open assignments are, what is
written) is the service's; this module only opens the session.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from tracker.core.enums import ChannelPref
from tracker.services import chat
from tracker.services.chat import Card, Done, OverdueView, Who

__all__ = ["Card", "Done", "OverdueView", "Who", "add_evidence", "check_can_act", "comment",
           "complete", "decide_extension", "due_date", "identify", "link", "open_cards",
           "overdue", "request_extension", "request_state", "update_settings"]


def identify(db, user_id: int, default_zone: str) -> Who | None:
    with db.reading() as session:
        return chat.identify(session=session, user_id=user_id, default_zone=default_zone)


def link(db, code: str, chat_id: int, now: datetime, default_zone: str) -> Who:
    with db.transaction() as session:
        return chat.link(session=session, code=code, chat_id=chat_id, now=now,
                         default_zone=default_zone)


def open_cards(db, user_id: int, *, limit: int) -> tuple[list[Card], int]:
    with db.reading() as session:
        return chat.open_cards(session=session, user_id=user_id, limit=limit)


def check_can_act(db, user_id: int, assignment_id: int) -> Done | None:
    with db.reading() as session:
        return chat.check_can_act(session=session, user_id=user_id, assignment_id=assignment_id)


def due_date(db, user_id: int, assignment_id: int) -> date | None:
    with db.reading() as session:
        return chat.due_date(session=session, user_id=user_id, assignment_id=assignment_id)


def complete(db, user_id: int, assignment_id: int, comment: str | None, now: datetime,
             evidence: tuple[str, str | None, str | None] | None = None) -> Done:
    with db.transaction() as session:
        return chat.complete(session=session, user_id=user_id, assignment_id=assignment_id,
                             comment=comment, now=now, evidence=evidence)


def add_evidence(db, user_id: int, assignment_id: int, evidence: tuple[str, str | None,
                 str | None], now: datetime) -> None:
    with db.transaction() as session:
        chat.add_evidence(session=session, user_id=user_id, assignment_id=assignment_id,
                          evidence=evidence, now=now)


def comment(db, user_id: int, assignment_id: int, text: str, now: datetime) -> None:
    with db.transaction() as session:
        chat.comment(session=session, user_id=user_id, assignment_id=assignment_id, text=text,
                     now=now)


def request_extension(db, user_id: int, assignment_id: int, new_due: date, reason: str,
                      today: date, now: datetime) -> tuple[bool, list[str]]:
    with db.transaction() as session:
        return chat.request_extension(session=session, user_id=user_id,
                                      assignment_id=assignment_id, new_due=new_due,
                                      reason=reason, today=today, now=now)


def decide_extension(db, user_id: int, request_id: int, approve: bool, now: datetime):
    with db.transaction() as session:
        return chat.decide_extension(session=session, user_id=user_id, request_id=request_id,
                                     approve=approve, now=now)


def request_state(db, request_id: int):
    with db.reading() as session:
        return chat.request_state(session=session, request_id=request_id)


def update_settings(db, user_id: int, *, channels: ChannelPref | None = None,
                    locale: str | None = None, default_zone: str) -> Who:
    with db.transaction() as session:
        return chat.update_settings(session=session, user_id=user_id, channels=channels,
                                    locale=locale, default_zone=default_zone)


def overdue(db, user_id: int, *, today: date, zone: ZoneInfo, rows: int = 15,
            oldest: int = 5) -> OverdueView | None:
    with db.reading() as session:
        return chat.overdue(session=session, user_id=user_id, today=today, zone=zone,
                            rows=rows, oldest=oldest)
