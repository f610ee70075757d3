"""Agendas and programmes of an event order nothing (issue 11: a document of time slots and
questions to hear has no deadlines)."""

from __future__ import annotations

from datetime import date

import pytest

from roadmaps.agendas import is_agenda
from roadmaps.deadlines import find_deadlines
from roadmaps.parsed import DocumentError
from roadmaps.parser import parse_text

# A draft order of business of the State Duma (corpus 160, RTF), as the RTF reader renders
# its table: number | time slot | question. The range in brackets names another calendar.
DUMA_AGENDA = """\
|Вносится Советом
Государственной Думы

Проект

Порядок работы Государственной Думы

12 апреля 2016 года, вторник

1.|10.00 – 10.50|О проекте порядка работы Государственной Думы
на 12 апреля 2016 года

|10.50 – 10.55|Законопроекты,  рассматриваемые
в третьем чтении

8.||О проекте федерального закона № 109453-4 "О внесении изменений в статью 38 \
Арбитражного процессуального кодекса Российской Федерации"
(по вопросу подсудности споров, вытекающих
из железнодорожной перевозки) (принят в 1 чтении 08.02.06)
(из календаря рассмотрения вопросов Государственной Думой
с 12 по 22 апреля 2016 года)
Доклад первого заместителя председателя Комитета

61.|Законодательное Собрание Республики Карелия предлагает рассмотреть законопроект без \
участия своего представителя |О проекте федерального закона № 965625-6 "О внесении \
изменений" (из календаря рассмотрения вопросов Государственной Думой с 12 по 22 апреля \
2016 года)
"""


def test_an_agenda_of_time_slots_and_questions_has_no_deadlines():
    with pytest.raises(DocumentError, match="нет сроков"):
        parse_text(DUMA_AGENDA, source="160.rtf")


def test_an_order_beside_a_programme_keeps_its_deadline():
    text = ("Уважаемые коллеги!\nПросим направить заявки на участие в семинаре в срок до 10 "
            "марта 2023 года.\nПрограмма семинара\n10.00 – 10.30 Регистрация участников\n"
            "10.30 – 12.00 О подготовке к государственной итоговой аттестации\n")
    doc = parse_text(text, source="letter.txt")
    assert [i.due for i in doc.items if i.actionable] == [date(2023, 3, 10)]


@pytest.mark.parametrize(("lines", "expected"), [
    (["1.|10.00 – 10.50|О проекте", "|10.50 – 10.55|Законопроекты"], True),
    (["14:00-14:50 Пленарное заседание", "15:00-16:00 Работа секций"], True),
    # ranges of days, not slots of the day
    (["Проверка тетрадей 10.01 – 21.01", "Проверка журналов 11.02 – 12.03"], False),
    (["1.|10.00 – 10.50|О проекте"], False),
])
def test_time_slots_make_an_agenda(lines, expected):
    assert is_agenda(lines) is expected


@pytest.mark.parametrize("slot", [
    "|10.55 – 11.05|Законопроекты,  рассматриваемые",  # corpus 160: 11.05 is no 11 May
    '|11.10 – 11.25|Блок "Ратификация международных договоров Российской Федерации"',  # 161
    "Проведение совещания 10.05-10.30",
])
def test_both_ends_of_a_time_slot_are_times_when_one_is(slot):
    assert find_deadlines(slot, reference=date(2016, 4, 1), cell=True) == []


def test_a_slot_whose_ends_both_could_be_days_stays_a_range():
    found = find_deadlines("11.05 – 11.10", reference=date(2016, 4, 1), cell=True)
    assert [(d.start, d.due) for d in found] == [(date(2016, 5, 11), date(2016, 10, 11))]
