"""The dashboard's figures: `tracker report`'s (`figures.organisation_figures`), with the
totals summed from the rows instead of a second scan, and a small cache.

Rows add up to the totals when the scope has one root (the rows are its subordinates
rolled up, plus the root's own row); with several top-level organisations the totals are
computed by `figures.totals` instead.

The cache key includes the newest Event id and the newest Assignment id: every change
the figures depend on (an assignment created, completed, reopened, cancelled, extended)
writes both or an event, so a cached entry is never stale; entries also expire after
`TTL` seconds and as-of dates are part of the key.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace

from sqlalchemy import func, select
from sqlmodel import Session

from tracker.core.models import Assignment, Event, Organisation
from tracker.reports import figures

TTL = 300.0
_SUMMED = ("assigned", "done_on_time", "done_late", "open", "overdue", "overdue_7",
           "overdue_30", "extensions", "days_late_total", "late_items")
_cache: dict = {}
_lock = threading.Lock()


def _version(session: Session) -> tuple:
    return (session.scalar(select(func.max(Event.id))),
            session.scalar(select(func.max(Assignment.id))))


def dashboard(*, session: Session, as_of, root_org_id: int | None, zone,
              only: dict) -> tuple[list[figures.Figures], figures.Figures]:
    """(rows worst first, totals) as `tracker report` computes them."""
    key = (as_of, root_org_id, zone.key, tuple(sorted(only.items())), _version(session),
           session.get_bind().url.render_as_string())
    now = time.monotonic()
    with _lock:
        hit = _cache.get(key)
        if hit is not None and now - hit[0] < TTL:
            return hit[1]
    rows = figures.organisation_figures(session=session, as_of=as_of, root_org_id=root_org_id,
                                        zone=zone, only=only)
    single_root = root_org_id is not None or session.scalar(
        select(func.count()).select_from(Organisation).where(
            Organisation.parent_id.is_(None))) == 1
    if single_root:
        total = summed(rows, as_of=as_of, name="")
    else:
        total = figures.totals(session=session, as_of=as_of, root_org_id=root_org_id,
                               zone=zone, only=only)
    with _lock:
        if len(_cache) > 64:
            _cache.clear()
        _cache[key] = (now, (rows, total))
    return rows, total


def summed(rows: list[figures.Figures], *, as_of, name: str) -> figures.Figures:
    total = figures.Figures(key=None, name=name, as_of=as_of)
    values = {f: sum(getattr(r, f) for r in rows) for f in _SUMMED}
    oldest = [r.oldest_due for r in rows if r.oldest_due is not None]
    return replace(total, oldest_due=min(oldest) if oldest else None, **values)
