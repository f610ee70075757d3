"""One-time web links in outgoing messages.

`link_maker(settings)` returns the function the delivery loop calls on every composed
message (None when `[web] base_url` is empty): for each item of a reminder, overdue
notice, escalation or digest it creates two tokens bound to the recipient and the
assignment, «Отметить выполненным» (`complete`) and «Запросить перенос срока»
(`extend`); an extension request waiting for the recipient's decision gets «Согласовать»
/ «Отклонить» (`approve` / `reject`) bound to the request. The tokens are written in the
session the loop gives (before the message is sent); only their hashes are stored, so a
retried message gets fresh links and the old ones expire unused.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlmodel import Session

from notifications.message import Message, MessageKind
from tracker.core.enums import TokenAction
from tracker.services.web_tokens import TokenSpec, create_tokens, purge

PURGE_AFTER = timedelta(days=30)  # expired links and sessions are deleted this long after

_TASK_KINDS = frozenset({MessageKind.REMINDER, MessageKind.OVERDUE, MessageKind.ESCALATION,
                         MessageKind.DIGEST})
# Weekly summaries carry no items but list the oldest overdue assignments in `oldest`.
_SUMMARY_KINDS = frozenset({MessageKind.LEAD_SUMMARY, MessageKind.COORDINATOR_DIGEST})


def action_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/a/{token}"


def sign_in_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/signin/{token}"


def link_maker(settings):
    """The delivery loop's `links` callable, or None without `[web] base_url`."""
    base = settings.web.base_url
    if not base:
        return None
    ttl = timedelta(days=settings.web.action_ttl_days)
    purged: list[datetime] = []

    def add_links(session: Session, message: Message, now: datetime) -> Message:
        if not purged or now - purged[-1] >= timedelta(hours=1):  # hygiene, hourly
            purge(session=session, before=now - PURGE_AFTER)
            purged.append(now)
        return with_links(session=session, message=message, now=now, base_url=base, ttl=ttl)

    return add_links


def _actions(message: Message) -> tuple[TokenAction, ...]:
    if message.kind in _TASK_KINDS:
        return (TokenAction.COMPLETE, TokenAction.EXTEND)
    if message.kind == MessageKind.EXTENSION:
        status = message.context.get("status")
        if status == "requested" and isinstance(message.context.get("request_id"), int):
            return (TokenAction.APPROVE, TokenAction.REJECT)
        if status in ("approved", "rejected"):
            return (TokenAction.COMPLETE, TokenAction.EXTEND)
    return ()


def with_links(*, session: Session, message: Message, now: datetime, base_url: str,
               ttl: timedelta) -> Message:
    """`message` with `links` on each item (tokens written in `session`); a weekly
    summary gets them on each of its `oldest` entries (`context["oldest"][i]["links"]`)."""
    person_id = message.recipient.person_id
    if message.kind in _SUMMARY_KINDS and person_id is not None:
        return _summary_links(session, message, person_id, now, base_url, ttl)
    actions = _actions(message)
    if not actions or person_id is None or not message.items:
        return message
    request_id = message.context.get("request_id")
    specs = []
    for item in message.items:
        for action in actions:
            decision = action in (TokenAction.APPROVE, TokenAction.REJECT)
            specs.append(TokenSpec(person_id, action, assignment_id=item.assignment_id,
                                   request_id=request_id if decision else None))
    tokens = iter(create_tokens(session=session, specs=specs, now=now, ttl=ttl))
    items = tuple(
        replace(item, links=tuple((str(action), action_url(base_url, next(tokens)))
                                  for action in actions))
        for item in message.items)
    return replace(message, items=items)


def _summary_links(session: Session, message: Message, person_id: int, now: datetime,
                   base_url: str, ttl: timedelta) -> Message:
    oldest = message.context.get("oldest")
    if not isinstance(oldest, list):
        return message
    entries = [o for o in oldest if isinstance(o, dict) and isinstance(o.get("assignment_id"),
                                                                        int)]
    actions = (TokenAction.COMPLETE, TokenAction.EXTEND)
    specs = [TokenSpec(person_id, action, assignment_id=o["assignment_id"])
             for o in entries for action in actions]
    tokens = iter(create_tokens(session=session, specs=specs, now=now, ttl=ttl))
    linked = {id(o): {str(a): action_url(base_url, next(tokens)) for a in actions}
              for o in entries}
    context = {**message.context,
               "oldest": [{**o, "links": linked[id(o)]} if id(o) in linked else o
                          for o in oldest]}
    return replace(message, context=context)
