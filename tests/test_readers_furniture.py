"""Page furniture is never an item: share buttons, "Версия для печати", change dates,
navigation crumbs, "Подписаться" are dropped from web pages and from text pasted from one;
"Дата публикации: <date>" stays, and sentences that merely mention these words stay."""

from __future__ import annotations

from datetime import date

import pytest

from roadmaps.parser import parse_file
from roadmaps.readers import is_furniture, read_text, strip_furniture

PASTED = """Главная / Документы / Приказы
Версия для печати
Поделиться:
ВКонтакте
Одноклассники
Telegram
Дата публикации: 16.06.2021
ПРИКАЗ
15.06.2021 № 556
ПРИКАЗЫВАЮ:
1. Разработать региональную модель профориентации в срок до 20 августа 2021 года.
2. Разместить приказ на сайте в разделе «Версия для печати» до 1 сентября 2021 года.
Министр И.И. Иванов
Дата последнего изменения: 17.06.2021 10:42
Подписаться на новости
ВКонтакте | Одноклассники | Telegram
Просмотров: 245
© 2021 Министерство образования
"""


@pytest.mark.parametrize("line", [
    "Поделиться", "Поделиться:", "ВКонтакте", "Одноклассники", "ВКонтакте Одноклассники",
    "Версия для печати", "Версия для слабовидящих", "Подписаться",
    "Дата последнего изменения: 17.06.2021 10:42", "Дата изменения 01.02.2022",
    "Главная / Документы / Приказы", "Главная > Новости > 2021", "Главная » Деятельность",
    "Просмотров: 245", "© 2021 Министерство образования", "ВК ОК Telegram",
])
def test_furniture_lines(line):
    assert is_furniture(line)


@pytest.mark.parametrize("line", [
    "Дата публикации: 16.06.2021",
    "1. Разместить приказ на сайте в разделе «Версия для печати» до 1 сентября 2021 года.",
    "Создать группу ВКонтакте для родителей до 1 октября 2021 года.",
    "Главная задача – обеспечить охват обучающихся.",
    "Подписаться на рассылку методических материалов до 1 мая",
    "ПРИКАЗЫВАЮ:", "",
])
def test_content_lines_stay(line):
    assert not is_furniture(line)


def test_pasted_web_text_keeps_its_items_and_drops_the_furniture(tmp_path):
    path = tmp_path / "order.txt"
    path.write_text(PASTED, encoding="utf-8")
    text, raw = read_text(path)
    assert raw.decode("utf-8") == PASTED  # the hash is of the file as it is
    kept = [line for line in text.splitlines() if line]
    assert kept == ["Дата публикации: 16.06.2021", "ПРИКАЗ", "15.06.2021 № 556", "ПРИКАЗЫВАЮ:",
                    PASTED.splitlines()[10], PASTED.splitlines()[11], "Министр И.И. Иванов"]
    assert len(text.splitlines()) == len(PASTED.splitlines())  # line numbers stay
    doc = parse_file(path)
    assert [(i.label, i.due) for i in doc.items] == [("1", date(2021, 8, 20)),
                                                     ("2", date(2021, 9, 1))]
    assert (doc.number, doc.date) == ("556", date(2021, 6, 15))
    assert all("ВКонтакте" not in i.text and "Подписаться" not in i.text for i in doc.items)


def test_text_without_furniture_is_returned_unchanged():
    text = "ПРИКАЗЫВАЮ:\n1. Провести семинар до 1 мая.\n"
    assert strip_furniture(text) is text
