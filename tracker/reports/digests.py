"""The weekly digests: the lead's summary of the region and each coordinator's digest of
their organisation and everything under it.

`run_digests` only records (`notifications.outbox.enqueue_many`): one message per
recipient and channel (the person's preference, `notifications.planning.directory.channels_of`),
with the figures for the templates as its payload (`notifications.content.compose`
passes the payload to the templates as `context`). The normal outbox delivery sends
them, with its retries and its at-most-once bookkeeping. The message key
(`notifications.keys.digest`)
is unique, so running twice on one day (a restart, a second service, a manual re-run)
records nothing new; the service also records the run itself in `ScheduledRun`.

The attachment: the full report (XLSX, every view) is written when the digest is
recorded, not when it is delivered, so the attachment shows the same figures as the
message even if delivery is retried the next day. It goes to
`<outbox.directory>/reports/<kind>-<date>-<scope>.xlsx` (one file per scope, shared by
the recipients of that scope) and the payload names it under `attachment`
({path, filename, content_type}); `compose` attaches it where the channel can carry
files. A file deleted before delivery only drops the attachment, never the message.

Payload (`context`) keys: `scope`, `as_of` (ISO date), `period` (the seven days up to
as_of, "07.08.2021–13.08.2021"), `totals` (every figure of the scope), `organisations`
(the ten worst rows), `limit` (10), `oldest` (the ten oldest overdue items),
`decisions` ({label, text, done, total, progress}, least done first, at most 20).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from notifications import keys as outbox_keys
from notifications import outbox
from tracker.core.enums import Role
from tracker.core.i18n import _
from tracker.core.models import Person

logger = logging.getLogger("tracker.reports.digests")

LEAD_SUMMARY = "lead_summary"
COORDINATOR_DIGEST = "coordinator_digest"
# The service names its cron jobs "lead" and "coordinator".
_KINDS = {"lead": LEAD_SUMMARY, LEAD_SUMMARY: LEAD_SUMMARY,
          "coordinator": COORDINATOR_DIGEST, COORDINATOR_DIGEST: COORDINATOR_DIGEST}
WORST = 10
DECISIONS = 20
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def run_digests(db, settings, kind: str, now: datetime) -> int:
    """Record the digests of `kind` ("lead_summary" / "lead" or "coordinator_digest" /
    "coordinator") as of `now`; returns how many messages were recorded (0 when they
    were recorded before). The database work runs in a thread.

    :raises ValueError: an unknown kind.
    """
    if kind not in _KINDS:
        raise ValueError(f"unknown digest kind {kind!r}: expected lead_summary or "
                         "coordinator_digest")
    return await asyncio.to_thread(record_digests, db, settings, _KINDS[kind], now)


@dataclass(frozen=True)
class _Recipient:
    person_id: int
    root_org_id: int | None
    channels: tuple[str, ...]


def record_digests(db, settings, kind: str, now: datetime) -> int:
    """The synchronous body of `run_digests`."""
    from notifications.planning.directory import channels_of
    from tracker.core.directory_rows import person_info

    as_of = now.astimezone(settings.zone).date()
    role = Role.LEAD if kind == LEAD_SUMMARY else Role.COORDINATOR
    with db.reading() as session:
        people = session.scalars(
            select(Person).where(Person.role == role, Person.active.is_(True))
            .order_by(Person.id)).all()
        recipients = [
            _Recipient(p.id, None if role == Role.LEAD else p.organisation_id,
                       tuple(str(c) for c in channels_of(person_info(p))))
            for p in people
        ]
        keys = {r.person_id: {c: _key(kind, as_of, r.person_id, c) for c in r.channels}
                for r in recipients}
        existing = outbox.existing(session, [k for ks in keys.values() for k in ks.values()])
        todo = [r for r in recipients
                if any(k not in existing for k in keys[r.person_id].values())]
        payloads = {}
        for root in dict.fromkeys(r.root_org_id for r in todo):
            payloads[root] = _payload(session, settings, kind, as_of, root, now)
    notices = [
        outbox.Notice(key=key, person_id=r.person_id, channel=channel, kind=kind,
                      payload=json.dumps(payloads[r.root_org_id], ensure_ascii=False,
                                         default=_json_default))
        for r in todo for channel, key in keys[r.person_id].items()
    ]
    with db.transaction() as session:  # a key recorded meanwhile is not recorded again
        rows = len(outbox.enqueue_many(session, notices, now=now))
    logger.info(_("digest %s as of %s: %d messages recorded for %d recipients"), kind, as_of,
                rows, len(todo))
    return rows


def _key(kind: str, as_of: date, person_id: int, channel: str) -> str:
    return outbox_keys.digest(kind, as_of, person_id, channel)


def preview_digests(db, settings, kind: str, now: datetime) -> list:
    """The digests of `kind` as of `now`, one `Message` per recipient and channel, as they
    would be sent; nothing is recorded and no report file is written.

    :raises ValueError: an unknown kind.
    """
    from notifications.content.compose import Outgoing, compose
    from notifications.message import ChannelKind, MessageKind
    from notifications.planning.directory import channels_of
    from tracker.core.directory_rows import person_info

    if kind not in _KINDS:
        raise ValueError(f"unknown digest kind {kind!r}: expected lead or coordinator")
    kind = _KINDS[kind]
    as_of = now.astimezone(settings.zone).date()
    role = Role.LEAD if kind == LEAD_SUMMARY else Role.COORDINATOR
    with db.reading() as session:
        people = session.scalars(
            select(Person).where(Person.role == role, Person.active.is_(True))
            .order_by(Person.id)).all()
        payloads: dict = {}
        outgoing = []
        for p in people:
            root = None if role == Role.LEAD else p.organisation_id
            if root not in payloads:
                payloads[root] = _payload(session, settings, kind, as_of, root, now,
                                          attach=False)
            for channel in channels_of(person_info(p)):
                payload = json.loads(json.dumps(payloads[root], default=_json_default))
                outgoing.append(Outgoing(_key(kind, as_of, p.id, str(channel)), p.id,
                                         ChannelKind(channel), MessageKind(kind), (), payload))
        messages = compose(session, outgoing, now=now, default_zone=settings.timezone)
    return [m for m in messages if m is not None]


def _payload(session, settings, kind: str, as_of: date, root_org_id: int | None,
             now: datetime, attach: bool = True) -> dict:
    """The template context of one scope; also writes the scope's XLSX report (unless
    `attach` is off)."""
    from tracker.reports.report import build_report

    report = build_report(session=session, kind="overdue", as_of=as_of,
                          root_org_id=root_org_id, zone=settings.zone, all_views=True,
                          locale=settings.locale, generated_at=now)
    from notifications.content import contacts

    who = contacts.responsible(session, [i.assignment_id for i in report.oldest[:WORST]])
    context = digest_context(report, who)
    if not attach:
        return context
    try:
        context["attachment"] = _write_attachment(settings, kind, report)
    except OSError as exc:  # a full disk costs the attachment, not the digest
        logger.warning(_("digest %s: report file not written: %s"), kind, exc)
    return context


def digest_context(report, who: dict | None = None) -> dict:
    """The figures of a report as the digest templates read them (see render.py).

    `who` (`notifications.content.contacts.responsible` of the oldest items) adds to each oldest
    item its responsible people (`owner_contact`) and coordinators (`coordinator`) with
    their contacts."""
    from notifications.content import contacts

    who = who or {}
    oldest = []
    for item in report.oldest[:WORST]:
        row = item.as_dict()
        answer = who.get(item.assignment_id)
        row["owner_contact"] = contacts.owner_line(answer, report.locale)
        row["coordinator"] = contacts.coordinator_line(answer, report.locale)
        oldest.append(row)
    start = report.as_of - timedelta(days=6)
    decisions = sorted(report.decisions,
                       key=lambda d: (d.done / d.total if d.total else 1, -d.overdue))
    return {
        "scope": report.scope,
        "scope_id": report.scope_id,
        "as_of": report.as_of,
        "period": f"{start:%d.%m.%Y}–{report.as_of:%d.%m.%Y}",
        "totals": report.totals.as_dict(),
        "organisations": [r.as_dict() for r in report.rows[:WORST]],
        "organisations_total": len(report.rows),
        "limit": WORST,
        "oldest": oldest,
        "decisions": [
            {"label": d.label, "text": d.text, "done": d.done, "total": d.total,
             "progress": d.phrase(report.locale), "document": d.document}
            for d in decisions[:DECISIONS]
        ],
    }


def _write_attachment(settings, kind: str, report) -> dict:
    from tracker.reports.export_xlsx import xlsx_bytes
    from tracker.reports.files import write_atomically

    folder = settings.resolve(settings.outbox.directory) / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    scope = f"org{report.scope_id}" if report.scope_id is not None else "all"
    path = folder / f"{kind}-{report.as_of.isoformat()}-{scope}.xlsx"
    write_atomically(path, xlsx_bytes(report))
    name = re.sub(r"[^\w.-]+", "_", report.scope).strip("_") or "report"
    return {"path": str(path), "content_type": XLSX_TYPE,
            "filename": f"Исполнительская_дисциплина_{name}_{report.as_of:%d.%m.%Y}.xlsx"}


def _json_default(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)
