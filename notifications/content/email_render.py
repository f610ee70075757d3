"""An email's texts without running Jinja2 for every message: each template's output
for a message's *shape*, with slots where its strings go, made once by Jinja2 itself.

Rendering a reminder through Jinja2 costs a few tenths of a millisecond (macro calls,
contexts, escaping); a batch of reminders differs mostly in strings (names, task
texts, organisations) that the templates only print. So `render_email` here renders
a kind's three templates once per shape, in an overlay of the locale's environment,
with every printed string of the message replaced by a sentinel character, and keeps
the output as constant text between slots. A later message of the same shape is the
constant text with its own strings in the slots, escaped where the template escapes
(`.html`), through `shorten` and `indent` where the template passed them through
those (the overlay records such calls as derived slots).

The shape is everything the templates' control flow can see besides the printed
strings: the kind and locale, which strings are empty (and whether None or ""), the
items' booleans and day counts, which item is `nearest` and `oldest`, `today` and
`ctx.role`. Whatever else a template reads gets a stand-in value (a dummy date for a
due date, a dummy id), so a template that starts printing it no longer matches.

Safety, so that the bytes stay those of notifications.content.render.render_email:

- only kinds whose templates read nothing but the variables listed in `_NAMES` (and
  of `ctx` only `role`) take this path; the others are rendered by Jinja2 as before;
- in the overlay every filter and helper other than `shorten`, `indent` and gettext
  refuses a sentinel: a string the template transforms in another way (`length`,
  `sentence`, ...) makes the shape untraceable, rendered by Jinja2 from then on;
- each shape is checked when it is made: its first message is also rendered by
  Jinja2, and a shape whose output differs is rendered by Jinja2 from then on.

tests/test_email_render_fast.py compares both renderings over generated messages.
"""

from __future__ import annotations

import contextvars
import dataclasses
import functools
import operator
import re
import threading
from datetime import date
from pathlib import Path
from typing import Any

from notifications.content import render
from notifications.content.render import RenderedEmail
from notifications.message import Message
from tracker.core import text as i18n

PARTS = ("subject", "txt", "html")
# What a template may read for its kind to be rendered from shapes.
_NAMES = frozenset({
    "items", "overdue", "upcoming", "nearest", "oldest", "today", "name", "ctx",
    "_", "gettext", "pgettext", "count", "shorten", "fmt_date", "fmt_short", "days",
    "percent", "caller", "loop", "range",
})
_CTX_KEYS = frozenset({"role"})
_TRACED = frozenset({"shorten", "indent"})  # helpers and filters recorded as derived slots
_FIRST = 0xF0000  # Supplementary Private Use Area-A: one sentinel character per slot
_SENTINEL = re.compile("[\U000F0000-\U000FFFFD]")
_STRING_FIELDS = frozenset({
    "text", "label", "document", "organisation", "owner", "due", "due_short", "when",
    "done_bot", "done_cli", "owner_contact", "coordinator",
})
_MAX_SHAPES = 4096


class Untraceable(Exception):
    """A template used a sentinel string in a way the slots cannot repeat."""


@dataclasses.dataclass
class _Trace:
    """The slots of one shape being made: what each sentinel character stands for."""

    sources: list[tuple] = dataclasses.field(default_factory=list)

    def slot(self, source: tuple) -> str:
        self.sources.append(source)
        return chr(_FIRST + len(self.sources) - 1)


_TRACE: contextvars.ContextVar[_Trace | None] = contextvars.ContextVar("email_trace",
                                                                       default=None)


def render_email(message: Message) -> RenderedEmail:
    """What `notifications.content.render.render_email` returns for `message`, from the
    shape's slots when its kind allows it, else from Jinja2."""
    if message.subject or message.text or message.html:
        return render.render_email(message)
    locale = i18n.normalize_locale(message.recipient.locale)
    if not _traceable_kind(locale, message.kind.value):
        return render.render_email(message)
    variables = render.template_context(message, locale)
    try:
        key = _shape(message.kind.value, locale, variables)
        hash(key)
    except TypeError:  # a value the shape cannot hold (unhashable)
        return render.render_email(message)
    with _LOCK:
        shape = _SHAPES.get(key, _MISSING)
    if shape is _MISSING:
        shape = _make_shape(message, locale, variables)
        with _LOCK:
            if len(_SHAPES) >= _MAX_SHAPES:
                _SHAPES.clear()
            _SHAPES[key] = shape
    if shape is None:
        return render.render_email(message)
    return _fill(shape, variables)


_MISSING = object()
_SHAPES: dict[tuple, tuple | None] = {}
_LOCK = threading.Lock()


def _finish(subject: str, text: str, html: str) -> RenderedEmail:
    # The same tidying as render.render_email (`_tidy` is its `_tidy_text`).
    return RenderedEmail(subject=" ".join(subject.split()), text=_tidy(text), html=html)


def _tidy(text: str) -> str:
    """`render._tidy_text` without its regular expression: a run of three or more line
    breaks becomes two either way."""
    joined = "\n".join([line.rstrip() for line in text.strip().splitlines()])
    while "\n\n\n" in joined:
        joined = joined.replace("\n\n\n", "\n\n")
    return joined + "\n"


def _shape(kind: str, locale: str, v: dict[str, Any]) -> tuple:
    items = v["items"]
    ctx = v["ctx"]
    return (kind, locale, _flag(v["name"]), tuple(_item_shape(it) for it in items),
            _index(items, v["nearest"]), _index(items, v["oldest"]), v["today"],
            ctx.get("role", _MISSING) if isinstance(ctx, dict) else _MISSING)


def _flag(value: Any) -> Any:
    """A printed string as the shape sees it: True if it is printed, else itself."""
    return True if isinstance(value, str) and value else value


def _item_shape(it: render.ItemView) -> tuple:
    return (*[True if type(x) is str and x else x for x in _PLAIN(it)],
            it.due_date is not None,
            tuple(sorted([(k, _flag(u)) for k, u in it.links.items()])))


# The fields the shape takes as they are (or as `_flag` for strings); the due date only
# as present or not, the links as their keys and flags, the assignment id not at all.
_PLAIN = operator.attrgetter(*(
    f.name for f in dataclasses.fields(render.ItemView)
    if f.name not in ("links", "due_date", "assignment_id")))


def _index(items: list, chosen: Any) -> int | None:
    if chosen is None:
        return None
    return next(i for i, it in enumerate(items) if it is chosen)


def _stand_ins(v: dict[str, Any], trace: _Trace) -> dict[str, Any]:
    """The template variables with every printed string a sentinel (`trace` keeps what
    each stands for) and every other value not in the shape a dummy."""
    def text(value: Any, source: tuple) -> Any:
        return trace.slot(source) if isinstance(value, str) and value else value

    items = []
    for n, it in enumerate(v["items"]):
        changes: dict[str, Any] = {f: text(getattr(it, f), ("item", n, f))
                                   for f in _STRING_FIELDS}
        changes["links"] = {k: text(u, ("link", n, k)) for k, u in it.links.items()}
        changes["assignment_id"] = -1 - n
        if it.due_date is not None:
            changes["due_date"] = date(1, 1, 1 + n % 28)
        items.append(dataclasses.replace(it, **changes))
    real = v["items"]
    ctx = v["ctx"]
    return {
        "items": items,
        "overdue": [it for it in items if it.overdue],
        "upcoming": [it for it in items if not it.overdue],
        "nearest": None if v["nearest"] is None else items[_index(real, v["nearest"])],
        "oldest": None if v["oldest"] is None else items[_index(real, v["oldest"])],
        "today": v["today"],
        "name": text(v["name"], ("name",)),
        "ctx": {k: ctx[k] for k in _CTX_KEYS if isinstance(ctx, dict) and k in ctx},
    }


def _make_shape(message: Message, locale: str, v: dict[str, Any]) -> tuple | None:
    """The three parts of `message`'s shape as (pieces, slot sources), or None when the
    templates cannot be repeated from slots for it."""
    trace = _Trace()
    token = _TRACE.set(trace)
    try:
        stand_ins = _stand_ins(v, trace)
        outputs = [_overlay_template(locale, message.kind.value, part).render(stand_ins)
                   for part in PARTS]
    except Untraceable:
        return None
    finally:
        _TRACE.reset(token)
    if any(ord(c) - _FIRST >= len(trace.sources) for output in outputs
           for c in _SENTINEL.findall(output)):
        return None  # such a character in a template's own text: not a slot
    shape = _compile(outputs, trace.sources)
    # Checked once against Jinja2 itself on this message.
    if _fill(shape, v) != render.render_email(message):
        return None
    return shape


def _compile(outputs: list[str], sources: list[tuple]) -> tuple:
    """The parts' outputs as `str.format` templates over the shape's slots: ((subject,
    text, html templates), the slots' sources, which slots the HTML escapes)."""
    used: dict[int, int] = {}  # sentinel number -> position among the slots kept

    def template(output: str) -> str:
        pieces = _SENTINEL.split(output)
        out = [pieces[0].replace("{", "{{").replace("}", "}}")]
        for c, piece in zip(_SENTINEL.findall(output), pieces[1:], strict=True):
            out.append(f"{{{used.setdefault(ord(c) - _FIRST, len(used))}}}")
            out.append(piece.replace("{", "{{").replace("}", "}}"))
        return "".join(out)

    subject, text, html = (template(output) for output in outputs)
    in_html = {used[ord(c) - _FIRST] for c in _SENTINEL.findall(outputs[2])}
    kept = tuple(sources[n] for n in sorted(used, key=used.get))
    return (subject, text, html), kept, tuple(sorted(in_html))


def _fill(shape: tuple, v: dict[str, Any]) -> RenderedEmail:
    (subject, text, html), sources, in_html = shape
    values = [_value(source, v) for source in sources]
    escaped = list(values)
    escape = _escaper()
    for n in in_html:  # escaped only where the HTML prints them
        escaped[n] = escape(values[n])
    return _finish(subject.format(*values), text.format(*values), html.format(*escaped))


def _value(source: tuple, v: dict[str, Any]) -> Any:
    what = source[0]
    if what == "item":
        return getattr(v["items"][source[1]], source[2])
    if what == "link":
        return v["items"][source[1]].links[source[2]]
    if what == "name":
        return v["name"]
    # ("call", function, source of its first argument, other arguments, keywords)
    _what, function, first, args, kwargs = source
    return function(_value(first, v), *args, **kwargs)


@functools.cache
def _escaper():
    """markupsafe's `escape`, as jinja2 escapes under autoescaping; a plain `str` by
    markupsafe's own replacements (its pure-Python `_escape_inner`), without making a
    `Markup` of it."""
    from markupsafe import escape

    def escaper(value: Any) -> str:
        if type(value) is str:
            return (value.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
                    .replace("'", "&#39;").replace('"', "&#34;"))
        return escape(value)

    return escaper


@functools.cache
def _traceable_kind(locale: str, kind: str) -> bool:
    """Whether `kind`'s templates read only `_NAMES` (and of `ctx` only `_CTX_KEYS`)."""
    from jinja2 import meta

    env = render.environment(locale)
    seen: set[str] = set()
    todo = [f"email/{kind}.{part}" for part in PARTS]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = Path(render.TEMPLATE_DIR, name)
        if not path.is_file():
            return False
        source = path.read_text(encoding="utf-8")
        tree = env.parse(source)
        if not meta.find_undeclared_variables(tree) <= _NAMES:
            return False
        for ctx_use in re.finditer(r"\bctx\b(\.\w+)?", source):
            if ctx_use.group(1) is None or ctx_use.group(1)[1:] not in _CTX_KEYS:
                return False
        todo.extend(n for n in meta.find_referenced_templates(tree) if n is not None)
        if None in meta.find_referenced_templates(tree):
            return False
    return True


@functools.cache
def _overlay(locale: str):
    """The locale's environment with its helpers and filters watching for sentinels."""
    env = render.environment(locale)
    overlay = env.overlay(cache_size=100)
    overlay.globals = dict(env.globals)
    overlay.filters = dict(env.filters)
    for name, function in list(overlay.globals.items()):
        if callable(function) and name not in ("_", "gettext", "pgettext", "ngettext",
                                                 "npgettext"):
            overlay.globals[name] = _watch(name, function)
    for name, function in list(overlay.filters.items()):
        overlay.filters[name] = _watch(name, function)
    return overlay


@functools.cache
def _overlay_template(locale: str, kind: str, part: str):
    return _overlay(locale).get_template(f"email/{kind}.{part}")


def _watch(name: str, function):
    """`function` for the overlay: a call on a sentinel becomes a derived slot (`shorten`,
    `indent`) or raises `Untraceable`; other calls go through."""
    @functools.wraps(function)
    def watched(*args, **kwargs):
        trace = _TRACE.get()
        marked = [a for a in (*args, *kwargs.values())
                  if isinstance(a, str) and _SENTINEL.search(a)]
        if trace is None or not marked:
            return function(*args, **kwargs)
        first = args[0] if args else None
        if (name in _TRACED and isinstance(first, str) and len(first) == 1
                and marked == [first]):
            source = trace.sources[ord(first) - _FIRST]
            return trace.slot(("call", function, source, args[1:], kwargs))
        raise Untraceable(name)

    return watched
