"""Telegram content from a `Message`: HTML chunks and an inline keyboard, no I/O.

Texts are rendered from one layout per message, `notifications/content/templates/telegram/`,
with the words of the recipient's locale from the catalogue (`jinja2.ext.i18n` over
`tracker.core.i18n.translations`; ru, en, any other locale gets Russian) in Telegram's HTML
parse mode. The templates are autoescaped, so
every text from a document reaches Telegram as text ("<script>&" shows as typed), and
they use only tags Telegram supports (`<b>`, `<i>`). The header of each message is the
email subject (`render_email(message).subject`), so both channels say the same thing.

Telegram refuses a text over 4096 characters (UTF-16 code units, after entities are
parsed), so `render_telegram` cuts the text into chunks of at most `MAX_CHUNK`
code units of raw HTML, which is never less than what Telegram counts. Cuts fall on
line boundaries, preferably at a blank line (between items). Every tag in the templates
opens and closes on one line, so a cut never falls inside a tag; a single line longer
than a chunk is sent as plain text (its tags dropped) cut into pieces. The keyboard
goes on the last chunk.

Which template and keyboard each `MessageKind` gets:

- reminder, overdue, escalation, digest (`items.html`): the items with document and
  clause, text, organisation (and owner for escalations), due date and `/done <id>`;
  one row of buttons per item (`telegram_buttons.assignment_row`) for the first
  `MAX_BUTTON_ITEMS`, the text points to /tasks for the rest;
- coordinator_digest, lead_summary (`summary.html`): totals, the ten organisations
  listed first in `context["organisations"]`, the oldest overdue items; no buttons;
- extension (`extension.html`): the request or decision; a pending request
  (`status` "requested" with a `request_id`) gets «Согласовать» / «Отклонить»;
- failure, test: plain text, no buttons.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from notifications.content import telegram_buttons
from notifications.content.render import render_email, template_context
from notifications.message import Message, MessageKind
from tracker.core import text as i18n
from tracker.core.i18n import translations

MAX_CHUNK = 4000  # below Telegram's 4096, leaving room for a counting difference
MAX_BUTTON_ITEMS = 10  # rows of buttons in one message; a longer keyboard is unusable
ITEM_KINDS = frozenset({MessageKind.REMINDER, MessageKind.OVERDUE, MessageKind.ESCALATION,
                        MessageKind.DIGEST})
_TEMPLATES = {
    **dict.fromkeys(ITEM_KINDS, "items"),
    MessageKind.COORDINATOR_DIGEST: "summary",
    MessageKind.LEAD_SUMMARY: "summary",
    MessageKind.EXTENSION: "extension",
    MessageKind.FAILURE: "failure",
    MessageKind.TEST: "test",
}
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class RenderedTelegram:
    """The texts to send in order (HTML parse mode) and the keyboard of the last one."""

    chunks: tuple[str, ...]
    reply_markup: Any = None  # telegram.InlineKeyboardMarkup | None


def render_telegram(message: Message, *, limit: int = MAX_CHUNK) -> RenderedTelegram:
    """The chunks and keyboard of `message` (see the module docstring).

    A message with `text` already set is sent as that text, escaped, under its subject.
    """
    locale = i18n.normalize_locale(message.recipient.locale)
    subject = message.subject or render_email(message).subject
    if message.text:
        body = f"<b>{html.escape(subject)}</b>\n\n{html.escape(message.text.strip())}"
    else:
        variables = template_context(message, locale)
        variables.update(header=subject, buttons=MAX_BUTTON_ITEMS)
        name = _TEMPLATES[message.kind]
        body = _environment(locale).get_template(f"telegram/{name}.html").render(variables)
    return RenderedTelegram(tuple(split_html(_tidy(body), limit)), keyboard(message, locale))


def keyboard(message: Message, locale: str):
    """The `InlineKeyboardMarkup` for `message`, or None when it has no buttons."""
    from telegram import InlineKeyboardMarkup

    rows = []
    if message.kind in ITEM_KINDS:
        numbered = len(message.items) > 1
        rows = [telegram_buttons.assignment_row(item.assignment_id, locale, numbered=numbered)
                for item in message.items[:MAX_BUTTON_ITEMS]]
    elif message.kind == MessageKind.EXTENSION:
        request_id = message.context.get("request_id")
        if message.context.get("status") == "requested" and isinstance(request_id, int):
            rows = [telegram_buttons.decision_row(request_id, locale)]
    return InlineKeyboardMarkup(rows) if rows else None


def units(text: str) -> int:
    """The length of `text` as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def split_html(text: str, limit: int = MAX_CHUNK) -> list[str]:
    """`text` cut into chunks of at most `limit` UTF-16 units, between lines.

    A chunk that would overflow ends at its last blank line if it has one (so an item
    stays whole), else at the last line that fits. Leading and trailing blank lines of
    a chunk are dropped. Assumes every tag closes on the line it opens on.
    """
    chunks: list[str] = []
    current: list[str] = []
    for line in text.split("\n"):
        for piece in [line] if units(line) <= limit else _cut_line(line, limit):
            if current and units("\n".join([*current, piece])) > limit:
                blank = max((i for i, ln in enumerate(current) if not ln.strip()), default=0)
                rest = current[blank + 1:]
                if blank and units("\n".join([*rest, piece])) <= limit:
                    chunks.append("\n".join(current[:blank]))
                    current = rest
                else:
                    chunks.append("\n".join(current))
                    current = []
            current.append(piece)
    chunks.append("\n".join(current))
    return [chunk.strip("\n") for chunk in chunks if chunk.strip()]


def _cut_line(line: str, limit: int) -> list[str]:
    """A line too long for one chunk, as plain text in pieces of at most `limit` units:
    its tags are dropped so that no cut can fall inside a tag or an entity."""
    pieces, current, size = [], [], 0
    for char in html.unescape(_TAG.sub("", line)):
        escaped = html.escape(char)
        if size + units(escaped) > limit:
            pieces.append("".join(current))
            current, size = [], 0
        current.append(escaped)
        size += units(escaped)
    pieces.append("".join(current))
    return pieces


def _tidy(text: str) -> str:
    """No trailing spaces and at most one blank line in a row: templates leave both."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def _oneline(value: Any) -> str:
    return " ".join(str(value or "").split())


@cache
def _environment(locale: str):
    from jinja2 import ChainableUndefined, Environment

    from notifications.content import render

    # The email environment's loader and helpers (fmt_date, days, count, percent, ...),
    # so both channels format dates and figures alike; here everything is autoescaped.
    email = render.environment(locale)
    env = Environment(loader=email.loader, autoescape=True, undefined=ChainableUndefined,
                      trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(translations(locale), newstyle=True)  # the words
    env.globals.update(email.globals)
    env.filters.update(email.filters)
    env.filters["oneline"] = _oneline
    return env
