"""Phrase forms of issue 11.3, table-driven: (text, document date, keyword arguments, expected
(phrase, due, start, recurrence) of every deadline found)."""

from __future__ import annotations

from datetime import date

import pytest

from roadmaps.deadlines import Period, find_deadlines
from tracker.enums import Recurrence

D = date
R22 = D(2022, 3, 1)
W, M, Q, H, Y = (Recurrence.WEEKLY, Recurrence.MONTHLY, Recurrence.QUARTERLY,
                 Recurrence.HALF_YEARLY, Recurrence.YEARLY)
AY16 = Period(D(2016, 9, 1), D(2017, 8, 31))

CASES = [
    # a time of day before or after the date is never a date (nor an impossible one)
    ("Представить отчёт в срок до 12.00 14.03.2022.", R22, {},
     [("в срок до 12.00 14.03.2022", D(2022, 3, 14), None, None)]),
    ("Направить заявки до 14.03.2022 до 17.00 на адрес отдела.", R22, {},
     [("до 14.03.2022", D(2022, 3, 14), None, None)]),
    ("Провести совещание 15.03.2022 в 10.30 в актовом зале.", R22, {"bare": True},
     [("15.03.2022", D(2022, 3, 15), None, None)]),
    ("Сдать отчёт в срок до 12:00 14.03.2022", R22, {},
     [("в срок до 12:00 14.03.2022", D(2022, 3, 14), None, None)]),
    # bare event dates count only when asked (an item with no deadline keyword at all)
    ("Открыть летний лагерь 1 июня 2022 года на базе школы № 5.", R22, {"bare": True},
     [("1 июня 2022 года", D(2022, 6, 1), None, None)]),
    ("Открыть летний лагерь 1 июня 2022 года на базе школы № 5.", R22, {}, []),
    ("Провести семинар (приказ от 10.02.2022 № 5).", R22, {"bare": True}, []),
    # "срок готовности / представления / исполнения <noun> – <date>"
    ("Срок готовности проекта программы – 01.09.2022.", R22, {},
     [("Срок готовности проекта программы – 01.09.2022", D(2022, 9, 1), None, None)]),
    ("срок представления отчета – 15 апреля 2022 г.", R22, {},
     [("срок представления отчета – 15 апреля 2022 г.", D(2022, 4, 15), None, None)]),
    ("Срок исполнения поручения: 30.06.2022", R22, {},
     [("Срок исполнения поручения: 30.06.2022", D(2022, 6, 30), None, None)]),
    # two-digit years windowed on the document date
    ("Исполнить до 17.03.98 г.", D(1998, 1, 10), {}, [("до 17.03.98 г.", D(1998, 3, 17), None,
                                                       None)]),
    ("Исполнить до 17.03.22", R22, {}, [("до 17.03.22", D(2022, 3, 17), None, None)]),
    # yearly duties and frequencies
    ("Представлять сведения не позднее 1 марта года, следующего за отчетным.", R22, {},
     [("не позднее 1 марта года, следующего за отчетным", D(2022, 3, 1), None, Y)]),
    ("Проводить мониторинг один раз в полгода.", R22, {},
     [("один раз в полгода", None, None, H)]),
    ("Информировать министерство раз в квартал.", R22, {},
     [("раз в квартал", None, None, Q)]),
    ("Проводить анализ 1 раз в месяц", None, {"period": Period(D(2022, 1, 1), D(2022, 12, 31))},
     [("1 раз в месяц", D(2022, 12, 31), D(2022, 1, 1), M)]),
    ("Представлять отчёт ежеполугодно.", R22, {}, [("ежеполугодно", None, None, H)]),
    ("Представлять отчет до 5 числа месяца, следующего за отчетным.", R22, {},
     [("до 5 числа месяца, следующего за отчетным", None, None, M)]),
    ("Доклад – до 1 марта 2022 г., далее – ежегодно.", D(2021, 12, 1), {},
     [("до 1 марта 2022 г., далее – ежегодно", D(2022, 3, 1), None, Y)]),
    # a recurrence followed by a date range: the range bounds it
    ("Проводить консультации еженедельно по вторникам с 10.01 по 28.02.", D(2022, 1, 5), {},
     [("еженедельно по вторникам с 10.01 по 28.02", D(2022, 2, 28), D(2022, 1, 10), W)]),
    # school-year months: August-December are the first year, January-July the second
    ("август", None, {"cell": True, "period": AY16}, [("август", D(2016, 8, 31), D(2016, 8, 1),
                                                     None)]),
    ("декабрь", None, {"cell": True, "period": AY16},
     [("декабрь", D(2016, 12, 31), D(2016, 12, 1), None)]),
    ("январь", D(2016, 8, 20), {"cell": True, "period": AY16},
     [("январь", D(2017, 1, 31), D(2017, 1, 1), None)]),
    ("июль", None, {"cell": True, "period": AY16}, [("июль", D(2017, 7, 31), D(2017, 7, 1), None)]),
    # quarters and halves in words
    ("третий квартал 2019 года", D(2019, 1, 10), {"cell": True},
     [("третий квартал 2019 года", D(2019, 9, 30), D(2019, 7, 1), None)]),
    ("Завершить работу в третьем квартале 2019 года.", D(2019, 1, 10), {},
     [("в третьем квартале 2019 года", D(2019, 9, 30), D(2019, 7, 1), None)]),
    ("II полугодие", R22, {"cell": True}, [("II полугодие", D(2022, 12, 31), D(2022, 7, 1), None)]),
    ("Провести во втором полугодии.", R22, {},
     [("во втором полугодии", D(2022, 12, 31), D(2022, 7, 1), None)]),
    # past qualifiers are never deadlines
    ("Достичь показателей, установленных в 2019 году.", D(2019, 1, 10), {}, []),
    ("Подготовить доклад по итогам 2022 года до 1 марта 2023 г.", D(2022, 12, 1), {},
     [("до 1 марта 2023 г.", D(2023, 3, 1), None, None)]),
    ("по итогам 2022 года", D(2022, 1, 10), {"cell": True}, []),
    ("Мероприятия, проведенные в сентябре 2021 года, признать успешными.", D(2021, 6, 1), {}, []),
]


@pytest.mark.parametrize(("text", "reference", "kwargs", "expected"), CASES,
                         ids=[c[0][:50] for c in CASES])
def test_phrase_forms(text, reference, kwargs, expected):
    found = find_deadlines(text, reference=reference, **kwargs)
    assert [(d.text, d.due, d.start, d.recurrence) for d in found] == expected
    for d in found:
        assert text[d.span[0]:d.span[1]] == d.text
