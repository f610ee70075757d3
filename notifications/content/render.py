"""Email content from a `Message`: pure Jinja2 rendering, no I/O besides loading templates.

Templates live in `notifications/content/templates/email/<kind>.{subject,txt,html}`: one
layout per `MessageKind` and part, taking its words from the catalogue in the recipient's
locale (`jinja2.ext.i18n` over `tracker.core.i18n.translations`, newstyle gettext: ru, en;
an unknown locale gets Russian). HTML
templates are autoescaped: task texts come from documents and may contain anything.

Every template gets these variables:

- `message`, `kind`, `locale`, `recipient` and `name` (the recipient's name);
- `items`: one `ItemView` per `message.items`, in order; `overdue` and `upcoming`:
  the same split by `days_left < 0`; `nearest`: the upcoming item with the earliest due
  date (or the first item); `oldest`: the overdue item with the earliest due date;
- `today`: `message.today` (a date or None);
- `ctx`: `message.context`; missing keys render as empty (ChainableUndefined), so
  `ctx.totals.overdue` is safe when `totals` is absent;
- `attachments`: the filenames of `message.attachments`;
- helpers: `fmt_date(d)`, `fmt_short(d)` (dates or ISO strings), `days(n)` (the
  days-left phrase), `count(n, "item"|"day"|"org")` ("3 поручения"), `shorten(text, n)`,
  `percent(share)` (0.875 → "87,5 %" / "87.5%").

`context` keys per kind (all optional):

- escalation: `step` (ladder step index), `role` ("coordinator" | "lead");
- coordinator_digest / lead_summary: `scope` (organisation or region name), `as_of`
  (date), `period` (text, "16–22 августа 2021"), `totals` ({assigned, done_on_time,
  done_late, open, overdue, overdue_7, overdue_30, extensions, discipline}),
  `organisations` (list of {name, assigned, open, overdue, overdue_30, done_on_time,
  done_late, discipline}, shown in the given order, first `limit` rows, default 15),
  `oldest` (list of {assignment_id, label, text, organisation, owner, document,
  due_date, days_overdue}), `decisions` (list of {label, text, done, total});
  `discipline` is the share done on time, 0..1;
- failure: `failed_person`, `failed_address`, `failed_channel`, `error`, `failed_kind`;
  `items` are the items the undelivered message carried;
- extension: `status` ("requested" | "approved" | "rejected"), `old_due`, `new_due`,
  `requested_by`, `decided_by`, `reason`;
- test: `server` ("smtp.example.org:587"), `sender`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from notifications.message import Item, Message, MessageKind
from tracker.core import text as i18n
from tracker.core.i18n import translations

TEMPLATE_DIR = Path(__file__).parent / "templates"

_COUNT_FORMS = {
    "item": (i18n.ITEM_FORMS_RU, ("task", "tasks")),
    "day": (i18n.DAY_FORMS_RU, ("day", "days")),
    "org": (("организация", "организации", "организаций"), ("organisation", "organisations")),
}


@dataclass(frozen=True)
class RenderedEmail:
    """What an email says: a one-line subject, a plain-text body and an HTML body."""

    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class ItemView:
    """An `Item` with its display strings already formatted for the locale."""

    assignment_id: int
    text: str
    label: str | None
    document: str | None
    organisation: str
    owner: str | None
    due_date: date | None
    due: str  # "20 августа 2021 г." / "20 August 2021"; "" without a due date
    due_short: str  # "20.08.2021"
    days_left: int | None
    when: str  # "через 3 дня", "просрочено на 5 дней"
    overdue: bool
    done_bot: str  # "/done 42"
    done_cli: str  # "tracker tasks done 42"
    links: dict  # {"complete": url, "extend": url, "approve": url, "reject": url}; may be empty
    owner_contact: str | None = None  # escalations and digests: "Иванова А. В., a@x.ru"
    coordinator: str | None = None


def item_view(item: Item, locale: str) -> ItemView:
    """Format one item for `locale` (pure)."""
    return ItemView(
        assignment_id=item.assignment_id,
        text=item.text,
        label=item.label,
        document=item.document,
        organisation=item.organisation,
        owner=item.owner,
        due_date=item.due_date,
        due=i18n.format_date(item.due_date, locale),
        due_short=i18n.format_date_short(item.due_date) if item.due_date else "",
        days_left=item.days_left,
        when=i18n.days_phrase(item.days_left, locale),
        overdue=item.days_left is not None and item.days_left < 0,
        done_bot=f"/done {item.assignment_id}",
        done_cli=f"tracker tasks done {item.assignment_id}",
        owner_contact=item.owner_contact,
        coordinator=item.coordinator,
        links=dict(item.links),
    )


def render_email(message: Message) -> RenderedEmail:
    """Subject, text and HTML of `message`.

    Parts already set on the message (`subject`, `text`, `html`) are used as given; the
    others are rendered from the templates of `message.kind` in the recipient's locale.
    A message with only `text` set gets an HTML part that shows that text escaped.

    :raises jinja2.TemplateNotFound: if a kind has no template (a packaging error).
    """
    locale = i18n.normalize_locale(message.recipient.locale)
    need = not (message.subject and message.text and message.html)
    variables = template_context(message, locale) if need else {}
    subject = message.subject or _render(locale, message.kind, "subject", variables)
    text = message.text or _render(locale, message.kind, "txt", variables)
    if message.html:
        html = message.html
    elif message.text:
        html = _render_plain_html(locale, message.text)
    else:
        html = _render(locale, message.kind, "html", variables)
    return RenderedEmail(subject=" ".join(subject.split()), text=_tidy_text(text), html=html)


def template_context(message: Message, locale: str) -> dict[str, Any]:
    """The variables every email template gets (see the module docstring)."""
    items = [item_view(item, locale) for item in message.items]
    overdue = [it for it in items if it.overdue]
    upcoming = [it for it in items if not it.overdue]
    dated = [it for it in upcoming if it.due_date] or [it for it in items if it.due_date]
    return {
        "message": message,
        "kind": str(message.kind),
        "locale": locale,
        "recipient": message.recipient,
        "name": message.recipient.name,
        "items": items,
        "overdue": overdue,
        "upcoming": upcoming,
        "nearest": min(dated, key=lambda it: it.due_date) if dated else _first(items),
        "oldest": min(overdue, key=lambda it: it.due_date or date.max) if overdue else None,
        "today": message.today,
        "ctx": message.context or {},
        "attachments": [a.filename for a in message.attachments],
    }


def _first(items: list[ItemView]) -> ItemView | None:
    return items[0] if items else None


def _render(locale: str, kind: MessageKind, part: str, variables: dict[str, Any]) -> str:
    return _template(locale, f"email/{kind.value}.{part}").render(variables)


def _render_plain_html(locale: str, text: str) -> str:
    return _template(locale, "email/_plain.html").render(text=text)


@cache
def _template(locale: str, name: str):
    # Loaded once per process: templates are package data and never change while it
    # runs, so the loader's up-to-date check (a stat per render) is not needed.
    return environment(locale).get_template(name)


def _tidy_text(text: str) -> str:
    """At most one blank line in a row and no trailing spaces: templates leave both."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


@cache
def environment(locale: str):
    # Imported here so `import notifications.content.render` stays cheap for the CLI's --help.
    from jinja2 import ChainableUndefined, Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        # Only .html is escaped; subjects and plain text must keep "<" and "&" as they are.
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=ChainableUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,  # package data: no stat of the template file per render
        extensions=["jinja2.ext.i18n"],
    )
    catalogue = translations(locale)
    env.install_gettext_translations(catalogue, newstyle=True)  # the words
    env.add_extension(_static_words(catalogue))
    env.globals.update(_direct_gettext(catalogue))
    env.globals.update(
        fmt_date=lambda d: i18n.format_date(_as_date(d), locale),
        fmt_short=lambda d: i18n.format_date_short(d) if (d := _as_date(d)) else "",
        days=lambda n: i18n.days_phrase(n, locale),
        count=lambda n, what="item": _count(n, what, locale),
        shorten=lambda text, width=40: i18n.shorten(str(text or ""), width),
        percent=lambda share: _percent(share, locale),
    )
    env.filters["sentence"] = _sentence
    return env


def _static_words(catalogue):
    """A jinja2 extension that translates `{{ _("constant") }}` when a template loads:
    the environment belongs to one locale, so the words are fixed, and the call would
    give the same text on every render (newstyle gettext formats even without
    arguments, so "%%" still becomes "%"; under autoescaping it is Markup, written
    unescaped, as the template's own text is). Calls with arguments, inside other
    expressions or with filters stay calls."""
    from jinja2.ext import Extension
    from jinja2.lexer import Token

    shape = ("variable_begin", "name", "lparen", "string", "rparen", "variable_end")

    class StaticWords(Extension):
        def filter_stream(self, stream):
            tokens = list(stream)
            out, i = [], 0
            while i < len(tokens):
                window = tokens[i:i + 6]
                if tuple(t.type for t in window) == shape and window[1].value == "_":
                    try:
                        text = catalogue.gettext(window[3].value) % {}
                    except (KeyError, TypeError, ValueError):
                        text = None
                    if text is not None:
                        out.append(Token(window[0].lineno, "data", text))
                        i += 6
                        continue
                out.append(tokens[i])
                i += 1
            return out

    return StaticWords


def _direct_gettext(catalogue) -> dict[str, Any]:
    """`_`, `gettext` and `pgettext` for the templates, doing what jinja2's newstyle
    gettext does (translate, mark safe under autoescaping, always %-format with the
    keyword arguments) in one call: jinja2's own `_` reaches the catalogue through
    three `Context.call`s, a third of the time an email takes to render."""
    from jinja2 import pass_eval_context
    from markupsafe import Markup

    # The evaluation context, not the template context: jinja2 derives a new template
    # context for a pass_context call inside a loop, and only `autoescape` is read.
    @pass_eval_context
    def gettext(eval_ctx, string: str, /, **variables: Any) -> str:
        text = catalogue.gettext(string)
        if eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    @pass_eval_context
    def pgettext(eval_ctx, string_ctx: str, string: str, /, **variables: Any) -> str:
        variables.setdefault("context", string_ctx)
        text = catalogue.pgettext(string_ctx, string)
        if eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    return {"_": gettext, "gettext": gettext, "pgettext": pgettext}


def _sentence(value: Any) -> Any:
    """End a sentence built from optional parts with one period: "… 2021 г." stays as is.

    Keeps `Markup` as `Markup` (string operations on it preserve the type), so the filter
    works in escaped HTML blocks too; closing tags after the period are looked through.
    """
    text = value.rstrip()
    if re.search(r"[.!?…](\s*</\w+>)*$", str(text)):
        return text
    return text + "."


def _as_date(value: Any) -> date | None:
    """Dates from `context` may be dates, datetimes or ISO strings; anything else is None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _count(n: Any, what: str, locale: str) -> str:
    try:
        number = int(n)
    except (TypeError, ValueError):
        return ""
    ru_forms, en_forms = _COUNT_FORMS.get(what, _COUNT_FORMS["item"])
    if locale == "en":
        return f"{number} {i18n.plural_en(number, *en_forms)}"
    return i18n.count_ru(number, ru_forms)


def _percent(share: Any, locale: str) -> str:
    try:
        value = round(float(share) * 100, 1)
    except (TypeError, ValueError):
        return "—"
    text = f"{value:g}"
    return f"{text}%" if locale == "en" else f"{text.replace('.', ',')} %"
