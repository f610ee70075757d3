"""What one planning and delivery pass sent, or would send: the rows `tracker remind`
prints (and prints as JSON), with each message's subject as its email would have it."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session


def _subject(message) -> str:
    from notifications.content.render import render_email

    return render_email(message).subject if message is not None else ""


def sent_rows(*, report) -> list[dict]:
    """One row per delivery the pass made (its `TickReport` kept the messages)."""
    rows = []
    for d in report.deliveries:
        message = d.message
        rows.append({
            "person": message.recipient.name if message else "", "person_id": d.person_id,
            "channel": str(d.channel), "kind": d.kind, "assignments": d.assignments,
            "subject": _subject(message), "outcome": str(d.outcome),
        })
    return rows


def dry_rows(*, session: Session, settings, report, now: datetime) -> list[dict]:
    """One row per message a dry pass would record (`report.drafts`), composed as the
    delivery would compose it."""
    from notifications.content.compose import compose

    messages = compose(session, report.drafts, now=now, default_zone=settings.timezone,
                       escalation_roles=[s.notify for s in settings.reminders.escalation])
    return [{
        "person": m.recipient.name if m else "", "person_id": d.person_id,
        "channel": str(d.channel), "kind": str(d.kind),
        "assignments": [a for a, *_ in d.items], "subject": _subject(m),
    } for d, m in zip(report.drafts, messages, strict=True)]
