"""The outbox: every notice is written down before anything is sent, and this package
is the only code that writes its two tables.

An `OutboxItem` is one noticed thing (assignment, rule, step, due date) under its key; an
`OutboxMessage` is what actually goes out to one person on one channel, listing its
items. The API, by concept:

- keys (`notifications.keys`, re-exported): the one key scheme; recording twice stores once;
- the planner's batch (`record`, `group`, `Draft`, `message_kind`);
- other notices (`Notice`, `NoticeItem`, `enqueue`, `enqueue_many`, `existing`,
  `fallback_copy`): digests, extension notices, failure notices, the email fallback;
- claims (`claim`, `renew`, `release`, `take_over`, `release_stale`);
- outcomes (`mark_sent`, `mark_sent_many`, `Sent`, `reschedule`, `fail`, `retry_failed`,
  `cancel_empty`, `cancel_for`);
- reading (`messages_of`, `pending_items`, `pending_items_of`, `open_ids`).

All functions take the caller's session and the times they use; none reads the clock.
"""

from notifications import keys
from notifications.outbox.claims import claim, release, release_stale, renew, take_over
from notifications.outbox.enqueue import (
    Notice,
    NoticeItem,
    enqueue,
    enqueue_many,
    existing,
    fallback_copy,
)
from notifications.outbox.outcomes import (
    Sent,
    cancel_empty,
    cancel_for,
    fail,
    mark_sent,
    mark_sent_many,
    reschedule,
    retry_failed,
)
from notifications.outbox.planned import (
    Draft,
    RecordReport,
    group,
    message_key,
    message_kind,
    record,
)
from notifications.outbox.queries import messages_of, open_ids, pending_items, pending_items_of

__all__ = [
    "Draft", "Notice", "NoticeItem", "RecordReport", "Sent", "cancel_empty",
    "cancel_for", "claim", "enqueue", "enqueue_many", "existing", "fail",
    "fallback_copy", "group", "keys", "mark_sent", "mark_sent_many", "message_key",
    "message_kind", "messages_of", "open_ids", "pending_items", "pending_items_of", "record",
    "release", "release_stale", "renew", "reschedule", "retry_failed", "take_over",
]
