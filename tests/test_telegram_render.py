"""Telegram texts and keyboards (`notifications.content.telegram_render`): pure, no network."""

from __future__ import annotations

import re
from datetime import date

import pytest

from notifications.content.telegram_render import MAX_CHUNK, render_telegram, split_html, units
from notifications.message import ChannelKind, Item, Message, MessageKind, Recipient, Rule

TODAY = date(2021, 8, 17)


def item(n: int = 42, *, text: str = "Провести совещание", days_left: int = 3,
         owner: str | None = None) -> Item:
    due = date.fromordinal(TODAY.toordinal() + days_left)
    return Item(n, text, due, days_left, Rule.BEFORE, "Город Азов", f"{n}.2",
                "Протокол № 1 от 15.06.2021", owner=owner)


def message(kind: MessageKind, items=(), *, locale: str = "ru", context=None) -> Message:
    return Message(f"m:{kind}", kind, ChannelKind.TELEGRAM,
                   Recipient(1, "Петрова Анна", telegram_chat_id=555, locale=locale),
                   items=tuple(items), context=context or {}, today=TODAY)


def single(m: Message):
    """The one chunk of a short message, and its keyboard."""
    rendered = render_telegram(m)
    assert len(rendered.chunks) == 1
    return rendered.chunks[0], rendered.reply_markup


def callbacks(markup) -> list[list[str]]:
    return [[b.callback_data for b in row] for row in markup.inline_keyboard]


def balanced(chunk: str) -> bool:
    """Every <b>/<i> opened in the chunk is closed in it, and no tag is cut."""
    if re.search(r"<[^>]*$", chunk) or re.search(r"^[^<]*>", chunk):
        return False
    return all(chunk.count(f"<{t}>") == chunk.count(f"</{t}>") for t in ("b", "i"))


def test_reminder_is_escaped_html_in_russian_with_three_buttons():
    chunk, markup = single(message(MessageKind.REMINDER,
                                              [item(text='Проверить <script>& "кавычки"')]))
    assert "Проверить &lt;script&gt;&amp; &#34;кавычки&#34;" in chunk
    assert "<script>" not in chunk
    assert chunk.startswith("<b>Срок через 3 дня: ")
    assert "<i>Протокол № 1 от 15.06.2021, п. 42.2</i>" in chunk
    assert "Срок: <b>20 августа 2021 г.</b>, через 3 дня" in chunk
    assert "/done 42" in chunk
    assert set(re.findall(r"</?(\w+)", chunk)) == {"b", "i"}  # only tags Telegram knows
    assert callbacks(markup) == [["done:42", "note:42", "move:42"]]
    assert [b.text for b in markup.inline_keyboard[0]][0] == "✅ Выполнено"  # not numbered


def test_english_locale():
    chunk, markup = single(message(MessageKind.OVERDUE, [item(days_left=-5)],
                                              locale="en"))
    assert "Due: <b>12 August 2021</b>, overdue by 5 days" in chunk
    assert "Mark as done: /done 42" in chunk
    assert markup.inline_keyboard[0][0].text == "✅ Done"


def test_escalation_names_the_owner_and_numbers_the_buttons():
    items = [item(1, days_left=-3, owner="Иванов И."), item(2, days_left=-1)]
    chunk, markup = single(message(MessageKind.ESCALATION, items))
    assert "Город Азов, ответственный: Иванов И." in chunk
    assert "1. <i>" in chunk and "2. <i>" in chunk
    assert [row[0].text for row in markup.inline_keyboard] == ["✅ Выполнено #1",
                                                                "✅ Выполнено #2"]


def test_a_long_digest_is_split_between_items_with_buttons_for_ten_on_the_last_chunk():
    items = [item(n, text="Обеспечить " + "исполнение мероприятий дорожной карты " * 8)
             for n in range(1, 31)]
    rendered = render_telegram(message(MessageKind.DIGEST, items))
    assert len(rendered.chunks) >= 3
    assert all(units(c) <= MAX_CHUNK < 4096 for c in rendered.chunks)
    assert all(balanced(c) for c in rendered.chunks)
    # Cut at blank lines: every chunk after the first begins with an item's first line.
    assert all(re.match(r"\d+\. <i>", c) for c in rendered.chunks[1:])
    text = "\n".join(rendered.chunks)
    assert [int(n) for n in re.findall(r"/done (\d+)", text)] == list(range(1, 31))
    assert rendered.chunks[-1].endswith("Кнопки — у первых 10 поручений; остальные: /tasks")
    assert callbacks(rendered.reply_markup)[9] == ["done:10", "note:10", "move:10"]
    assert len(rendered.reply_markup.inline_keyboard) == 10


def test_a_single_over_long_line_is_cut_as_plain_text():
    rendered = render_telegram(message(MessageKind.REMINDER, [item(text="я<&" * 3000)]))
    assert all(units(c) <= MAX_CHUNK for c in rendered.chunks)
    assert all(balanced(c) for c in rendered.chunks)
    assert len(rendered.chunks) == 1 + 8  # the header, then 30,000 escaped characters
    body = "".join(rendered.chunks).split("</b>", 1)[1]  # after the header (a subject)
    assert body.count("я&lt;&amp;") == 3000  # nothing lost, no entity cut in two


@pytest.mark.parametrize(("text", "limit", "expected"), [
    ("a\nb\nc", 3, ["a\nb", "c"]),
    ("aa\n\nbb\ncc", 6, ["aa", "bb\ncc"]),  # prefers the blank line
    ("<b>x</b>\n" + "y" * 10, 8, ["<b>x</b>", "y" * 8, "yy"]),  # a long line loses nothing
    ("<b>xxxxxx</b>", 8, ["xxxxxx"]),  # too long with its tags: plain text
    ("🙂🙂\nab", 4, ["🙂🙂", "ab"]),  # an emoji is two UTF-16 units
    ("\n\nab\n\n", 10, ["ab"]),
])
def test_split_html(text, limit, expected):
    assert split_html(text, limit) == expected


def test_lead_summary_shows_ten_organisations_and_no_buttons():
    context = {
        "scope": "Ростовская область", "as_of": "2021-08-16",
        "totals": {"assigned": 120, "done_on_time": 70, "done_late": 10, "open": 25,
                   "overdue": 15, "overdue_30": 4, "discipline": 0.875},
        "organisations": [{"name": f"Район <{n}>", "overdue": 20 - n, "discipline": 0.5}
                          for n in range(12)],
        "oldest": [{"label": "3.1", "text": "Старое поручение", "organisation": "Город Азов",
                    "owner": "Иванов", "due_date": "2021-06-01", "days_overdue": 76}],
    }
    chunk, markup = single(message(MessageKind.LEAD_SUMMARY, context=context))
    assert markup is None
    assert "Исполнительская дисциплина: <b>87,5 %</b>" in chunk
    assert "Просрочено: <b>15</b>, из них более 30 дней: 4" in chunk
    assert "10. Район &lt;9&gt;: просрочено 11" in chunk
    assert "Район &lt;10&gt;" not in chunk
    assert "Город Азов (Иванов), срок 1 июня 2021 г., просрочено на 76 дней" in chunk


@pytest.mark.parametrize(("status", "rows"), [
    ("requested", [["extok:7", "extno:7"]]),
    ("approved", None),
    ("rejected", None),
])
def test_extension_keyboard_only_while_requested(status, rows):
    context = {"status": status, "old_due": "2021-08-20", "new_due": "2021-09-01",
               "requested_by": "Иванов И.", "decided_by": "Петрова А.", "reason": "Письмо",
               "request_id": 7}
    chunk, markup = single(message(MessageKind.EXTENSION, [item()], context=context))
    assert (callbacks(markup) if markup else None) == rows
    if status == "requested":
        assert ("Запрос на перенос срока от Иванов И. с 20 августа 2021 г. "
                "на <b>1 сентября 2021 г.</b>\n") in chunk
    if status == "approved":
        assert "на <b>1 сентября 2021 г.</b>, решение: Петрова А.\n" in chunk


@pytest.mark.parametrize("kind", [MessageKind.FAILURE, MessageKind.TEST])
def test_failure_and_test_are_plain_text(kind):
    context = {"failed_person": "Иванов <Иван>", "failed_channel": "telegram",
               "error": "Forbidden: bot was blocked by the user"}
    chunk, markup = single(message(kind, [item()], context=context))
    assert markup is None
    assert not re.search(r"<\w", chunk)
    if kind == MessageKind.FAILURE:
        assert chunk.startswith("Не удалось доставить уведомление: Иванов &lt;Иван&gt;")
