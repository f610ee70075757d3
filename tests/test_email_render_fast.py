"""notifications.content.email_render gives exactly what Jinja2 gives.

Messages are generated over every field the email templates branch on or print (empty
and None strings, markup characters, line breaks, long texts that `shorten` cuts,
links, several items, both locales, every item kind and escalation role), and each is
rendered from its shape (the cache warm, as in a delivery pass) and by Jinja2
(notifications.content.render): the subject, text and HTML must be identical, and so
the email's bytes.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, date, datetime, timedelta

import pytest

from notifications.content import email_build, email_render, render
from notifications.message import ChannelKind, Item, Message, MessageKind, Recipient, Rule
from tracker.core.config import EmailSettings

ITEM_KINDS = [MessageKind.REMINDER, MessageKind.OVERDUE, MessageKind.DIGEST,
              MessageKind.ESCALATION]
TEXTS = [
    "Разработать региональную модель обеспечения доступности дошкольного образования",
    "Short",
    "<b>Отчёт</b> & \"сводка\" 'в' срок > 5 < 7",
    "Первая строка\nвторая строка\n\nпосле пустой строки  \n   с отступом",
    "Слово" * 30,
    "   пробелы по краям   ",
    "%(name)s и 100% готовности",
    "",
    ".начинается с точки",
]
NAMES = ["Мария Петрова", "", "O'Brien & <Co>", "Иванова А. В.", "  ", "Ann"]
ORGS = ["Город Азов", "МБОУ «СОШ № 5» <филиал>", "Org & Co"]


def _maybe(rng: random.Random, values: list):
    return rng.choice([None, "", *values])


def _item(rng: random.Random, n: int, today: date) -> Item:
    due = None if rng.random() < 0.15 else today + timedelta(days=rng.randint(-60, 30))
    links = ()
    pick = rng.random()
    if pick < 0.3:
        links = (("complete", f"https://t.example/c/{n}?a=1&b=<2>"),
                 ("extend", f"https://t.example/e/{n}"))
    elif pick < 0.45:
        links = (("approve", f"https://t.example/ok/{n}"), ("reject", f"https://t.example/no/{n}"))
    elif pick < 0.5:
        links = (("complete", ""), ("extend", "https://t.example/e"))
    return Item(
        assignment_id=rng.randint(1, 10**6),
        text=rng.choice(TEXTS),
        due_date=due,
        days_left=None if due is None else (due - today).days,
        rule=rng.choice(list(Rule)),
        organisation=rng.choice(ORGS),
        label=_maybe(rng, ["3.2", "1", "<4>"]),
        document=_maybe(rng, ["Протокол № 1 от 15.06.2021", "Приказ & распоряжение"]),
        owner=_maybe(rng, ["Петров П. П.", "<owner>"]),
        owner_contact=_maybe(rng, ["Иванова А. В., a@x.ru", "b@y.ru"]),
        coordinator=_maybe(rng, ["Сидоров С. С.", "c&d"]),
        links=links,
    )


def generated(count: int, seed: int = 16) -> list[Message]:
    rng = random.Random(seed)
    out = []
    for n in range(count):
        today = date(2021, 8, 17) + timedelta(days=rng.randint(0, 3))
        kind = rng.choice(ITEM_KINDS)
        items = tuple(_item(rng, n * 10 + i, today)
                      for i in range(rng.choice([0, 1, 1, 1, 2, 3, 5])))
        context: dict = {"planned_at": datetime(2021, 8, 17, 6, tzinfo=UTC)}
        if kind is MessageKind.ESCALATION:
            role = rng.choice(["lead", "admin", "coordinator", None])
            if role is not None:
                context["role"] = role
            context["step"] = rng.randint(0, 2)
        out.append(Message(
            key=f"fast:{n}", kind=kind, channel=ChannelKind.EMAIL,
            recipient=Recipient(n, rng.choice(NAMES), f"p{n}@edu.example.ru",
                                locale=rng.choice(["ru", "en", "ru_RU", "de"])),
            items=items, context=context,
            today=None if rng.random() < 0.1 else today,
        ))
    return out


MESSAGES = generated(1500)


def variants(message: Message, rng: random.Random) -> Message:
    """`message` with other printed strings (none emptied, none filled): the same shape."""
    def other(value, pool):
        return rng.choice([p for p in pool if p.strip()]) if value and value.strip() else value

    items = tuple(dataclasses.replace(
        item, text=other(item.text, TEXTS), organisation=other(item.organisation, ORGS),
        label=other(item.label, ["7", "<9>", "12.1.a"]),
        document=other(item.document, ["Решение & <протокол>", "Указ № 2"]),
        owner=other(item.owner, ["Кузнецов", "&amp;"]),
        owner_contact=other(item.owner_contact, ["x@y.ru", "Имя <z@y.ru>"]),
        coordinator=other(item.coordinator, ["Ким", "\"кавычки\""]),
        links=tuple((k, f"{u}&v={rng.randint(0, 9)}" if u else u) for k, u in item.links),
    ) for item in message.items)
    recipient = dataclasses.replace(message.recipient,
                                    name=other(message.recipient.name, NAMES))
    return dataclasses.replace(message, key=message.key + ":v", items=items,
                               recipient=recipient)


def test_every_generated_message_renders_as_jinja_renders_it():
    # Twice: the first pass makes the shapes, the second fills them.
    for _round in range(2):
        for message in MESSAGES:
            assert email_render.render_email(message) == render.render_email(message), \
                message.key
    assert len({email_render._shape(m.kind.value, render.i18n.normalize_locale(
        m.recipient.locale), render.template_context(m, render.i18n.normalize_locale(
            m.recipient.locale))) for m in MESSAGES}) < len(MESSAGES)  # shapes are shared


def test_other_strings_in_the_same_shape_render_as_jinja_renders_them(monkeypatch):
    rng = random.Random(7)
    original = render.render_email
    calls: list[Message] = []
    for message in MESSAGES[:400]:
        email_render.render_email(message)  # its shape made and checked on it
        calls.clear()
        monkeypatch.setattr(render, "render_email", lambda m: calls.append(m) or original(m))
        others = [variants(message, rng) for _ in range(3)]
        fast = [email_render.render_email(m) for m in others]
        monkeypatch.setattr(render, "render_email", original)
        assert calls == [], message.key  # filled from the shape, not rendered
        assert fast == [render.render_email(m) for m in others], message.key


def test_the_shapes_are_used_not_jinja(monkeypatch):
    for message in MESSAGES[:50]:
        email_render.render_email(message)  # the shapes made
    calls = []
    original = render.render_email
    monkeypatch.setattr(render, "render_email", lambda m: calls.append(m) or original(m))
    for message in MESSAGES[:50]:
        email_render.render_email(message)
    assert calls == []


def test_the_bytes_are_those_of_a_jinja_build(monkeypatch):
    settings = EmailSettings(sender="tracker@edu.example.ru", sender_name="Контроль")
    fast = [email_build.build_email(m, settings).as_bytes() for m in MESSAGES[:300]]
    monkeypatch.setattr(email_build, "render_email", render.render_email)
    assert fast == [email_build.build_email(m, settings).as_bytes() for m in MESSAGES[:300]]


@pytest.mark.parametrize("kind", [MessageKind.COORDINATOR_DIGEST, MessageKind.LEAD_SUMMARY,
                                  MessageKind.FAILURE, MessageKind.EXTENSION,
                                  MessageKind.TEST])
def test_kinds_reading_more_of_the_context_stay_with_jinja(kind):
    assert not email_render._traceable_kind("ru", kind.value)


def test_given_texts_and_untraceable_uses_go_to_jinja(monkeypatch):
    message = dataclasses.replace(MESSAGES[0], text="Готовый текст\nвторая строка")
    assert email_render.render_email(message) == render.render_email(message)
    # A helper that transforms a printed string another way: the shape is refused.
    env = email_render._overlay("ru")
    watched = env.globals["fmt_short"]
    with pytest.raises(email_render.Untraceable):
        trace = email_render._Trace()
        token = email_render._TRACE.set(trace)
        try:
            watched(trace.slot(("name",)))
        finally:
            email_render._TRACE.reset(token)


def test_tidy_is_renders_tidy_text():
    rng = random.Random(3)
    pieces = ["a", " ", "\n", "\n\n", "\n\n\n", "\t", "б ", "\r\n", "\u2028", "x \n"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 25)))
        assert email_render._tidy(text) == render._tidy_text(text), repr(text)


def test_the_escaper_is_markupsafes():
    from markupsafe import Markup, escape

    rng = random.Random(4)
    pieces = ["a", "&", "<", ">", "'", '"', "&amp;", "ж", " ", "\n", "%"]
    escaper = email_render._escaper()
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert escaper(text) == str(escape(text))
    assert escaper(Markup("<b>")) == "<b>"
