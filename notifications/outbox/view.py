"""Read-only views of the outbox for the operator (`tracker outbox list`)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from tracker.core.db import aware
from tracker.core.enums import OutboxStatus, parse_choice
from tracker.core.i18n import N_
from tracker.core.models import OutboxItem, OutboxMessage, Person


def list_messages(session: Session, *, status: str | None = None, limit: int = 50) -> list[dict]:
    """Messages newest first, with recipient name and item count.

    :raises InvalidInput: an unknown status.
    """
    items = (select(OutboxItem.message_id, func.count().label("n"))
             .group_by(OutboxItem.message_id).subquery())
    query = (select(OutboxMessage, Person.name, items.c.n)
             .outerjoin(Person, Person.id == OutboxMessage.person_id)
             .outerjoin(items, items.c.message_id == OutboxMessage.id)
             .order_by(OutboxMessage.id.desc()).limit(limit))
    if status:
        wanted = parse_choice(OutboxStatus, status, N_("status"))
        query = query.where(OutboxMessage.status == wanted)
    return [{
        "id": m.id, "status": str(m.status), "channel": m.channel, "kind": m.kind,
        "person": name or "", "person_id": m.person_id, "items": n or 0,
        "attempts": m.attempts, "next_attempt_at": aware(m.next_attempt_at),
        "sent_at": aware(m.sent_at), "last_error": m.last_error, "key": m.key,
    } for m, name, n in session.execute(query)]
