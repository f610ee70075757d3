"""The Russian deadline grammar, table-driven.

Every running-text phrase is checked inside several official-sounding sentences, as written,
with its first letter capitalised and with the whole sentence in upper case: the grammar must
find exactly that phrase, at exactly that place, with the expected meaning. Cell phrases (the
content of a "Срок" column) are checked bare, padded and in upper case.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest

from roadmaps.deadlines import (
    Deadline,
    DeadlineError,
    Period,
    find_deadlines,
    find_period,
    parse_deadline,
)
from tracker.core.enums import Recurrence

D = date
REF = D(2021, 6, 15)  # the date of the protocol the phrases come from
AY = Period(D(2021, 9, 1), D(2022, 8, 31))  # inherited "на 2021-2022 учебный год"
M, Q, Y = Recurrence.MONTHLY, Recurrence.QUARTERLY, Recurrence.YEARLY
CONT = Recurrence.CONTINUOUS


@dataclass(frozen=True)
class Want:
    phrase: str
    due: date | None
    start: date | None = None
    recurrence: Recurrence | None = None
    approximate: bool = False
    kwargs: dict = field(default_factory=dict)


# --- phrases that need (and carry) a deadline keyword ----------------------------------------

RUNNING = [
    # "до" and friends with a full date
    Want("в срок до 20 августа 2021 года", D(2021, 8, 20)),
    Want("в срок до 20.08.2021", D(2021, 8, 20)),
    Want("до 01 октября 2021 года", D(2021, 10, 1)),
    Want("до 1 октября 2021 г.", D(2021, 10, 1)),
    Want("до 15 сентября 2021 г.", D(2021, 9, 15)),
    Want("до 15 сентября", D(2021, 9, 15)),
    Want("до 1 июня", D(2022, 6, 1)),  # 1 June 2021 is before the protocol: next year's
    Want("до 15.09", D(2021, 9, 15)),
    Want("до 15 мая", D(2022, 5, 15), kwargs={"period": AY}),
    Want("до 15 сентября", D(2021, 9, 15), kwargs={"period": AY}),
    Want("не позднее 15.09.2021", D(2021, 9, 15)),
    Want("не позднее 15.09.21", D(2021, 9, 15)),
    Want("не позднее 15.09.2021 г.", D(2021, 9, 15)),
    Want("не позже 15 сентября 2021 года", D(2021, 9, 15)),
    Want("в срок не позднее 01.09.2021", D(2021, 9, 1)),
    Want("в срок не позднее 1 сентября 2021 года", D(2021, 9, 1)),
    Want("к 1 сентября", D(2021, 9, 1)),
    Want("к 1 сентября 2022 года", D(2022, 9, 1)),
    Want("к 25.12.2021", D(2021, 12, 25)),
    Want("срок исполнения – до 20.08.2021", D(2021, 8, 20)),
    Want("срок исполнения: до 1 октября 2021 г.", D(2021, 10, 1)),
    Want("срок выполнения - не позднее 30.11.2021", D(2021, 11, 30)),
    Want("срок: 15.09.2021", D(2021, 9, 15)),
    # relative to a date
    Want("не позднее чем за 10 дней до 1 сентября 2021 г.", D(2021, 8, 22)),
    Want("не позднее чем за 5 рабочих дней до 01.09.2021", D(2021, 8, 25), approximate=True),
    Want("за 3 дня до 01.09.2021", D(2021, 8, 29)),
    Want("за две недели до 15 сентября 2021 года", D(2021, 9, 1)),
    Want("не позднее чем за один месяц до 01.09.2021", D(2021, 8, 1)),
    # date forms
    Want("до «15» сентября 2021 г.", D(2021, 9, 15)),
    Want("до « 15 » сентября 2021 г.", D(2021, 9, 15)),
    Want('до "15" сентября 2021', D(2021, 9, 15)),
    Want("до 20 авг. 2021", D(2021, 8, 20)),
    Want("до 20 авг 2021", D(2021, 8, 20)),
    Want("до 11.04. 2022", D(2022, 4, 11)),
    Want("до 11. 04. 2022 г.", D(2022, 4, 11)),
    Want("до 20.08.2021г.", D(2021, 8, 20)),
    Want("до 1-го сентября 2021 года", D(2021, 9, 1)),
    Want("до 20 января 2022 года", D(2022, 1, 20)),
    Want("до 20 янв. 2022", D(2022, 1, 20)),
    Want("не позднее 1 фев. 2022 г.", D(2022, 2, 1)),
    Want("до 15 февр. 2022", D(2022, 2, 15)),
    Want("до 28 февраля 2022 года", D(2022, 2, 28)),
    Want("до 10 мар. 2022", D(2022, 3, 10)),
    Want("до 10 марта 2022 года", D(2022, 3, 10)),
    Want("до 5 апр. 2022", D(2022, 4, 5)),
    Want("до 31 мая 2022", D(2022, 5, 31)),
    Want("до 30 июн. 2022", D(2022, 6, 30)),
    Want("до 15 июля 2021 г.", D(2021, 7, 15)),
    Want("до 15 июл. 2021", D(2021, 7, 15)),
    Want("до 1 сен. 2021", D(2021, 9, 1)),
    Want("до 1 сент. 2021", D(2021, 9, 1)),
    Want("до 1 окт. 2021", D(2021, 10, 1)),
    Want("до 1 ноя. 2021", D(2021, 11, 1)),
    Want("до 1 нояб. 2021", D(2021, 11, 1)),
    Want("до 20 дек. 2021", D(2021, 12, 20)),
    Want("до 29 февраля 2024 года", D(2024, 2, 29)),
    # months
    Want("в сентябре 2021 года", D(2021, 9, 30), D(2021, 9, 1)),
    Want("в сентябре", D(2021, 9, 30), D(2021, 9, 1)),
    Want("в мае", D(2022, 5, 31), D(2022, 5, 1)),
    Want("в июне", D(2021, 6, 30), D(2021, 6, 1)),  # the protocol's own month is still open
    Want("в ноябре 2021 г.", D(2021, 11, 30), D(2021, 11, 1)),
    Want("в декабре", D(2021, 12, 31), D(2021, 12, 1)),
    Want("в январе 2022 года", D(2022, 1, 31), D(2022, 1, 1)),
    Want("в феврале 2022 года", D(2022, 2, 28), D(2022, 2, 1)),
    Want("в марте 2022 г.", D(2022, 3, 31), D(2022, 3, 1)),
    Want("в апреле 2022 г.", D(2022, 4, 30), D(2022, 4, 1)),
    Want("в июле 2021 года", D(2021, 7, 31), D(2021, 7, 1)),
    Want("в августе 2021 года", D(2021, 8, 31), D(2021, 8, 1)),
    Want("в октябре 2021 года", D(2021, 10, 31), D(2021, 10, 1)),
    Want("в мае–июне 2022 г.", D(2022, 6, 30), D(2022, 5, 1)),
    Want("в мае - июне 2022 года", D(2022, 6, 30), D(2022, 5, 1)),
    Want("в период с мая по июнь 2022 года", D(2022, 6, 30), D(2022, 5, 1)),
    Want("до конца сентября 2021 года", D(2021, 9, 30)),
    Want("не позднее сентября 2021 года", D(2021, 9, 30)),
    Want("до сентября 2021 года", D(2021, 8, 31), approximate=True),
    Want("Срок: сентябрь 2021", D(2021, 9, 30), D(2021, 9, 1)),
    Want("срок – август 2021 г.", D(2021, 8, 31), D(2021, 8, 1)),
    Want("Сроки проведения: сентябрь–октябрь 2021 г.", D(2021, 10, 31), D(2021, 9, 1)),
    # ranges of days
    Want("в период с 10.01.2022 по 21.01.2022", D(2022, 1, 21), D(2022, 1, 10)),
    Want("с 10.01.2022 по 21.01.2022", D(2022, 1, 21), D(2022, 1, 10)),
    Want("с 10 по 21 января 2022 г.", D(2022, 1, 21), D(2022, 1, 10)),
    Want("с 10 января по 21 января 2022 года", D(2022, 1, 21), D(2022, 1, 10)),
    Want("с 20 декабря по 10 января 2022 года", D(2022, 1, 10), D(2021, 12, 20)),
    Want("с 1 сентября 2021 года по 31 мая 2022 года", D(2022, 5, 31), D(2021, 9, 1)),
    Want("с 10.01 по 21.01.2022", D(2022, 1, 21), D(2022, 1, 10)),
    Want("в период 10.01.2022 - 21.01.2022", D(2022, 1, 21), D(2022, 1, 10)),
    # years, quarters, half-years
    Want("в 2022 г.", D(2022, 12, 31), D(2022, 1, 1)),
    Want("в 2022 году", D(2022, 12, 31), D(2022, 1, 1)),
    Want("в 2021 году", D(2021, 12, 31), D(2021, 1, 1)),
    Want("в течение 2022 года", D(2022, 12, 31), D(2022, 1, 1)),
    Want("в течении 2022 года", D(2022, 12, 31), D(2022, 1, 1)),  # a common misspelling
    Want("в 2021-2022 годах", D(2022, 12, 31), D(2021, 1, 1)),
    Want("в течение 2022–2024 гг.", D(2024, 12, 31), D(2022, 1, 1)),
    Want("к 2025 году", D(2024, 12, 31), approximate=True),
    Want("в I квартале 2022 года", D(2022, 3, 31), D(2022, 1, 1)),
    Want("в 1 квартале 2022 г.", D(2022, 3, 31), D(2022, 1, 1)),
    Want("в 1-м квартале 2022 года", D(2022, 3, 31), D(2022, 1, 1)),
    Want("в 1 квартале", D(2022, 3, 31), D(2022, 1, 1)),
    Want("в III квартале", D(2021, 9, 30), D(2021, 7, 1)),
    Want("во втором квартале 2022 года", D(2022, 6, 30), D(2022, 4, 1)),
    Want("в IV кв. 2021 г.", D(2021, 12, 31), D(2021, 10, 1)),
    Want("в четвёртом квартале 2021 года", D(2021, 12, 31), D(2021, 10, 1)),
    Want("в четвертом квартале 2021 года", D(2021, 12, 31), D(2021, 10, 1)),
    Want("во II полугодии 2021 г.", D(2021, 12, 31), D(2021, 7, 1)),
    Want("в первом полугодии 2022 года", D(2022, 6, 30), D(2022, 1, 1)),
    Want("в 1 полугодии 2022 г.", D(2022, 6, 30), D(2022, 1, 1)),
    Want("до конца 2021 года", D(2021, 12, 31)),
    Want("до конца 2021 г.", D(2021, 12, 31)),
    Want("до конца года", D(2021, 12, 31)),
    Want("до конца текущего года", D(2021, 12, 31)),
    Want("до конца календарного года", D(2021, 12, 31)),
    Want("до окончания 2021 года", D(2021, 12, 31)),
    Want("к концу 2022 года", D(2022, 12, 31)),
    Want("до конца I квартала", D(2022, 3, 31)),
    Want("до конца I квартала 2022 года", D(2022, 3, 31)),
    Want("до конца III квартала 2021 г.", D(2021, 9, 30)),
    Want("до конца квартала", D(2021, 6, 30)),
    Want("до конца полугодия", D(2021, 6, 30)),
    Want("до конца месяца", D(2021, 6, 30)),
    Want("до конца учебного года", D(2021, 8, 31)),
    Want("до конца 2021-2022 учебного года", D(2022, 8, 31)),
    # academic years
    Want("в течение 2021-2022 учебного года", D(2022, 8, 31), D(2021, 9, 1)),
    Want("в течение 2021/2022 учебного года", D(2022, 8, 31), D(2021, 9, 1)),
    Want("в течение 2021/22 уч. года", D(2022, 8, 31), D(2021, 9, 1)),
    Want("в течение 2021 – 2022 учебного года", D(2022, 8, 31), D(2021, 9, 1)),
    Want("в течение учебного года", D(2021, 8, 31), D(2020, 9, 1), CONT),
    Want("в течение учебного года", AY.end, AY.start, CONT, kwargs={"period": AY}),
    # recurrence
    Want("ежедневно", None, None, Recurrence.DAILY),
    Want("еженедельно", None, None, Recurrence.WEEKLY),
    Want("ежемесячно", None, None, M),
    Want("ежеквартально", None, None, Q),
    Want("ежегодно", None, None, Y),
    Want("постоянно", None, None, CONT),
    Want("в постоянном режиме", None, None, CONT),
    Want("на постоянной основе", None, None, CONT),
    Want("постоянно", AY.end, AY.start, CONT, kwargs={"period": AY}),
    Want("ежемесячно", AY.end, AY.start, M, kwargs={"period": AY}),
    Want("еженедельно", AY.end, AY.start, Recurrence.WEEKLY, kwargs={"period": AY}),
    Want("в течение года", None, None, CONT),
    Want("в течение года", AY.end, AY.start, CONT, kwargs={"period": AY}),
    Want("в течение всего периода", AY.end, AY.start, CONT, kwargs={"period": AY}),
    Want("ежемесячно в течение 2022 года", D(2022, 12, 31), D(2022, 1, 1), M),
    Want("ежеквартально в течение 2022 года", D(2022, 12, 31), D(2022, 1, 1), Q),
    Want("ежемесячно, в течение 2021-2022 учебного года", D(2022, 8, 31), D(2021, 9, 1), M),
    Want("постоянно в течение 2021-2022 учебного года", D(2022, 8, 31), D(2021, 9, 1), CONT),
    Want("в течение 2022 года ежемесячно", D(2022, 12, 31), D(2022, 1, 1), M),
    Want("ежемесячно в течение года", AY.end, AY.start, M, kwargs={"period": AY}),
    Want("ежеквартально до 5 числа месяца, следующего за отчетным", None, None, Q),
    Want("ежеквартально до 5 числа месяца, следующего за отчётным", None, None, Q),
    Want(
        "ежеквартально до 5 числа месяца, следующего за отчетным кварталом",
        AY.end, AY.start, Q, kwargs={"period": AY},
    ),
    Want("ежемесячно до 5 числа", None, None, M),
    Want("ежемесячно, не позднее 10 числа", None, None, M),
    Want("до 5 числа каждого месяца", None, None, M),
    Want("не позднее 10-го числа каждого квартала", None, None, Q),
    Want("ежегодно до 1 сентября", D(2021, 9, 1), None, Y),
    Want("ежегодно до 1 сентября", D(2021, 9, 1), None, Y, kwargs={"period": AY}),
    Want("ежегодно 15 сентября", D(2021, 9, 15), None, Y),
    # relative durations (from the document's date)
    Want("в течение месяца", D(2021, 7, 15), approximate=True),
    Want("в течение недели", D(2021, 6, 22), approximate=True),
    Want("в течение квартала", D(2021, 9, 15), approximate=True),
    Want("в течение 10 рабочих дней", D(2021, 6, 29), approximate=True),
    Want("в течение 10 дней", D(2021, 6, 25), approximate=True),
    Want("в течение двух недель", D(2021, 6, 29), approximate=True),
    Want("в течение 3 месяцев", D(2021, 9, 15), approximate=True),
    Want("в месячный срок", D(2021, 7, 15), approximate=True),
    Want("в 10-дневный срок", D(2021, 6, 25), approximate=True),
    Want("в трехдневный срок", D(2021, 6, 18), approximate=True),
    Want("в двухнедельный срок", D(2021, 6, 29), approximate=True),
]

SENTENCES = [
    "Разработать (описать) региональную модель организации системы профориентации {p}.",
    "Провести совещания с руководителями муниципальных образовательных организаций {p}",
    "{p}: представить в министерство информацию об итогах мониторинга.",
    "Руководителям ОО обеспечить участие обучающихся в конкурсных мероприятиях {p}; "
    "информацию направить на электронную почту отдела.",
    "- Составить реестр практик профориентационной направленности {p}.\n",
]


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _running_cases():
    for want in RUNNING:
        for n, sentence in enumerate(SENTENCES):
            for style, phrase, wrap in (
                ("as-is", want.phrase, lambda s: s),
                ("capitalised", _cap(want.phrase), lambda s: s),
                ("upper", want.phrase.upper(), str.upper),
            ):
                text = wrap(sentence.format(p=phrase))
                if sentence.startswith("{p}") and style == "as-is":
                    continue  # the sentence starts with it: covered by the capitalised one
                yield pytest.param(text, phrase, want, id=f"{want.phrase}|s{n}|{style}")


@pytest.mark.parametrize(("text", "phrase", "want"), list(_running_cases()))
def test_running_text(text, phrase, want):
    kwargs = {"reference": REF, **want.kwargs}
    found = find_deadlines(text, **kwargs)
    begin = text.index(phrase)
    assert found == [
        Deadline(
            due=want.due,
            text=phrase,
            span=(begin, begin + len(phrase)),
            start=want.start,
            recurrence=want.recurrence,
            approximate=want.approximate,
        )
    ]
    assert parse_deadline(text, **kwargs) == found[0]


# --- the content of a "Срок" cell -----------------------------------------------------------

CELLS = [
    Want("сентябрь 2021", D(2021, 9, 30), D(2021, 9, 1)),
    Want("Сентябрь 2021 года", D(2021, 9, 30), D(2021, 9, 1)),
    Want("август 2021 г.", D(2021, 8, 31), D(2021, 8, 1)),
    Want("сентябрь", D(2021, 9, 30), D(2021, 9, 1)),
    Want("май", D(2022, 5, 31), D(2022, 5, 1)),
    Want("май", D(2022, 5, 31), D(2022, 5, 1), kwargs={"period": AY}),
    Want("15.09.2021", D(2021, 9, 15)),
    Want("15.09.21", D(2021, 9, 15)),
    Want("15.09.2021 г.", D(2021, 9, 15)),
    Want("15 сентября 2021 г.", D(2021, 9, 15)),
    Want("«15» сентября 2021 г.", D(2021, 9, 15)),
    Want("15 сентября", D(2021, 9, 15)),
    Want("до 15.09.2021", D(2021, 9, 15)),
    Want("не позднее 20 авг. 2021", D(2021, 8, 20)),
    Want("май - июнь 2022", D(2022, 6, 30), D(2022, 5, 1)),
    Want("май–июнь 2022 г.", D(2022, 6, 30), D(2022, 5, 1)),
    Want("Сентябрь – май", D(2022, 5, 31), D(2021, 9, 1)),
    Want("сентябрь 2021 – май 2022 гг.", D(2022, 5, 31), D(2021, 9, 1)),
    Want("декабрь 2021 - январь 2022", D(2022, 1, 31), D(2021, 12, 1)),
    Want("ноябрь-декабрь 2021 года", D(2021, 12, 31), D(2021, 11, 1)),
    Want("10.01.2022 - 21.01.2022", D(2022, 1, 21), D(2022, 1, 10)),
    Want("10.01.2022–21.01.2022", D(2022, 1, 21), D(2022, 1, 10)),
    Want("с 10.01.2022 по 21.01.2022", D(2022, 1, 21), D(2022, 1, 10)),
    Want("10-21 января 2022", D(2022, 1, 21), D(2022, 1, 10)),
    Want("2022 год", D(2022, 12, 31), D(2022, 1, 1)),
    Want("2022 г.", D(2022, 12, 31), D(2022, 1, 1)),
    Want("2022", D(2022, 12, 31), D(2022, 1, 1)),
    Want("в 2021 году", D(2021, 12, 31), D(2021, 1, 1), kwargs={"reference": D(2022, 4, 11)}),
    Want("I квартал 2022 г.", D(2022, 3, 31), D(2022, 1, 1)),
    Want("1 квартал 2022 года", D(2022, 3, 31), D(2022, 1, 1)),
    Want("IV квартал 2021", D(2021, 12, 31), D(2021, 10, 1)),
    Want("II кв. 2022", D(2022, 6, 30), D(2022, 4, 1)),
    Want("II полугодие 2021 г.", D(2021, 12, 31), D(2021, 7, 1)),
    Want("2021-2022 учебный год", D(2022, 8, 31), D(2021, 9, 1)),
    Want("2021/2022 учебный год", D(2022, 8, 31), D(2021, 9, 1)),
    Want("2021/22 уч. год", D(2022, 8, 31), D(2021, 9, 1)),
    Want("2021-2022 уч.г.", D(2022, 8, 31), D(2021, 9, 1)),
    Want("в 2021-2022 учебном году", D(2022, 8, 31), D(2021, 9, 1)),
    Want("в течение 2021-2022 учебного года", D(2022, 8, 31), D(2021, 9, 1)),
    Want("в течение года", AY.end, AY.start, CONT, kwargs={"period": AY}),
    Want("В течение года", None, None, CONT),
    Want("постоянно", None, None, CONT),
    Want("Постоянно", AY.end, AY.start, CONT, kwargs={"period": AY}),
    Want("ежемесячно", None, None, M),
    Want("ежемесячно, до 10 числа", None, None, M),
    Want(
        "ежеквартально до 5 числа месяца, следующего за отчётным",
        AY.end, AY.start, Q, kwargs={"period": AY},
    ),
    Want("до конца года", D(2021, 12, 31)),
    Want("до конца 2021 года", D(2021, 12, 31)),
]


def _cell_cases():
    for want in CELLS:
        for style, before, after, wrap in (
            ("bare", "", "", lambda s: s),
            ("padded", "  ", " \n", lambda s: s),
            ("upper", "", "", str.upper),
        ):
            yield pytest.param(before, wrap(want.phrase), after, want, id=f"{want.phrase}|{style}")


@pytest.mark.parametrize(("before", "phrase", "after", "want"), list(_cell_cases()))
def test_cell(before, phrase, after, want):
    text = before + phrase + after
    kwargs = {"reference": REF, **want.kwargs}
    found = find_deadlines(text, cell=True, **kwargs)
    assert found == [
        Deadline(
            due=want.due,
            text=phrase,
            span=(len(before), len(before) + len(phrase)),
            start=want.start,
            recurrence=want.recurrence,
            approximate=want.approximate,
        )
    ]


# --- what is not a deadline ----------------------------------------------------------------

NOT_DEADLINES = [
    ("Протокол № 1 от 15.06.2021 г.", {}),
    ("рассмотрен протокол от 12.03.2021", {}),
    ("Ознакомиться с Приказом отдела образования N2 153/2 от 10.06.2021 «Об итогах»", {}),
    ("на основании приказа от 11.03.2021 № 194 «Об утверждении положения»", {}),
    ("приказом минобразования Ростовской области от 15.06.2021 № 556", {}),
    ("Дата проведения: 15.06.2021 г.", {}),
    ("11.04. 2022 г.", {}),
    ("15 сентября 2021 г. состоится совещание", {}),
    ("Анализ эффективности принятых мер в 2020-2021 учебном году:", {}),
    ("дальнейшая работа в 2021-2022 учебном году", {}),
    ("необходимо разработать на 2021-2022 учебный год:", {}),
    ("Разработать на 2021/2022 учебный год дорожную карту", {}),
    ("Об итогах мониторинга за 2021/22 учебный год.", {}),
    ("В 2021 году был проведен мониторинг", {"reference": D(2022, 4, 11)}),
    ("в сентябре 2021 года прошел фестиваль", {"reference": D(2022, 4, 11)}),
    ("по итогам 2021 года", {}),
    ("по состоянию на 01.09.2021", {}),
    ("охват мероприятий 1-3", {}),
    ("обучающихся 5-6 классов", {}),
    ("в 2021", {}),
    ("численность 2021 человек", {}),
    ("постоянно действующая рабочая группа", {}),
    ("постоянно действующий семинар", {}),
    ("ежемесячный отчет", {}),
    ("ежегодного мониторинга", {}),
    ("выделено до 3.5 млн рублей", {}),
    ("для детей до года", {}),
    ("с 01.09.2021 вводится новый порядок", {}),
    ("помещение в 1 кв. м", {}),
    ("Информацию принять к сведению.", {}),
    ("Секретарь: Державина А.П", {}),
    ("до 15 сентября", {"reference": None}),
    ("в течение месяца", {"reference": None}),
    ("в 10-дневный срок", {"reference": None}),
    ("до конца года", {"reference": None}),
    ("в сентябре", {"reference": None}),
    ("в течение 5 лет", {}),
    ("не позднее чем за 10 дней до начала учебного года", {}),
    ("", {}),
    ("   ", {}),
]


@pytest.mark.parametrize(("text", "kwargs"), NOT_DEADLINES)
def test_not_a_deadline(text, kwargs):
    kwargs = {"reference": REF, **kwargs}
    assert find_deadlines(text, **kwargs) == []
    assert parse_deadline(text, **kwargs) is None


@pytest.mark.parametrize(
    "text",
    ["по мере необходимости", "по согласованию", "—", "", "от 10.06.2021 № 153", "с 01.09.2021"],
)
def test_cell_without_deadline(text):
    assert find_deadlines(text, reference=REF, cell=True) == []


# --- impossible dates ----------------------------------------------------------------------

IMPOSSIBLE = [
    ("до 31 февраля 2022", {}, "до 31 февраля 2022"),
    ("Разработать модель в срок до 31 апреля 2022 года.", {}, "в срок до 31 апреля 2022 года"),
    ("до 30.02.2021", {}, "до 30.02.2021"),
    ("не позднее 29.02.2022", {}, "не позднее 29.02.2022"),
    ("до 32.01.2022", {}, "до 32.01.2022"),
    ("до 00.01.2022", {}, "до 00.01.2022"),
    ("до 15.13.2021", {}, "до 15.13.2021"),
    ("до 15.00.2021", {}, "до 15.00.2021"),
    ("до 30 февраля", {}, "до 30 февраля"),
    ("с 21.01.2022 по 10.01.2022", {}, "с 21.01.2022 по 10.01.2022"),
    ("в III полугодии 2022 г.", {}, "в III полугодии 2022 г."),
    ("в течение 2021-2023 учебного года", {}, "в течение 2021-2023 учебного года"),
    ("31 февраля 2022", {"cell": True}, "31 февраля 2022"),
    ("30.02.2021", {"cell": True}, "30.02.2021"),
    ("2022-2021 гг.", {"cell": True}, "2022-2021 гг."),
    ("ДО 31 ИЮНЯ 2022 Г.", {}, "ДО 31 ИЮНЯ 2022 Г."),
]


@pytest.mark.parametrize(("text", "kwargs", "phrase"), IMPOSSIBLE)
def test_impossible_date_raises(text, kwargs, phrase):
    with pytest.raises(DeadlineError) as caught:
        find_deadlines(text, reference=REF, **kwargs)
    assert caught.value.phrase == phrase
    assert repr(phrase) in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_impossible_date_outside_a_deadline_is_ignored():
    # An event's date is not ours to judge: the line still imports.
    assert find_deadlines("протокол от 30.02.2021", reference=REF) == []


# --- several phrases; the effective one ------------------------------------------------------


def test_several_deadlines_in_order_and_the_last_is_effective():
    text = "Представить проект до 20.08.2021, доработанный вариант – до 01.10.2021."
    found = find_deadlines(text, reference=REF)
    assert [d.due for d in found] == [D(2021, 8, 20), D(2021, 10, 1)]
    assert [text[a:b] for a, b in (d.span for d in found)] == [d.text for d in found]
    assert parse_deadline(text, reference=REF) == found[-1]


def test_event_date_and_deadline_in_one_sentence():
    text = (
        "По итогам мониторинга приказом от 15.06.2021 № 556 поручено разработать "
        "региональную модель в срок до 20 августа 2021 года."
    )
    assert [d.text for d in find_deadlines(text, reference=REF)] == [
        "в срок до 20 августа 2021 года"
    ]


def test_real_protocol_excerpt():
    text = (
        "- Разработать на 2021-2022 учебный год «Дорожную карту мероприятий по развитию "
        "профессиональной ориентации обучающихся» в срок до 20 августа 2021 года.\n"
        "- Составить реестр практик профориентационной направленности до 01 октября 2021 года.\n"
        "- Создать районные методические объединения в срок до 01 сентября 2021 года.\n"
        "4. При подготовке рекомендаций по итогам мониторинга в 2021/2022 учебном году учесть "
        "результаты.\n"
    )
    found = find_deadlines(text, reference=D(2022, 4, 11))
    assert [d.due for d in found] == [D(2021, 8, 20), D(2021, 10, 1), D(2021, 9, 1)]


def test_recurrence_word_and_a_later_unrelated_date_stay_apart():
    found = find_deadlines("Отчитываться ежемесячно. Итоговый отчет до 20.12.2021.", reference=REF)
    assert [(d.recurrence, d.due) for d in found] == [(M, None), (None, D(2021, 12, 20))]


def test_no_reference_leaves_full_dates_alone():
    assert parse_deadline("до 20.08.2021").due == D(2021, 8, 20)


# --- periods for children --------------------------------------------------------------------

PERIODS = [
    ("План мероприятий на 2021-2022 учебный год", AY),
    ("в 2021-2022 учебном году", AY),
    ("Дорожная карта на 2021/2022 учебный год", AY),
    ("на 2021/22 уч. год", AY),
    ("2021-2022 учебный год", AY),
    ("в течение 2021-2022 учебного года", AY),
    ("План работы на 2022 год", Period(D(2022, 1, 1), D(2022, 12, 31))),
    ("в I квартале 2022 года", Period(D(2022, 1, 1), D(2022, 3, 31))),
    ("в 1 квартале", Period(D(2022, 1, 1), D(2022, 3, 31))),
    ("во II полугодии 2021 г.", Period(D(2021, 7, 1), D(2021, 12, 31))),
    ("Дорожная карта на 2022-2024 годы", Period(D(2022, 1, 1), D(2024, 12, 31))),
    ("на период с 10.01.2022 по 21.01.2022", Period(D(2022, 1, 10), D(2022, 1, 21))),
    ("в сентябре 2021 г.", Period(D(2021, 9, 1), D(2021, 9, 30))),
    ("Об итогах мониторинга за 2021/22 учебный год", None),
    ("Протокол № 1 от 15.06.2021", None),
    ("до 20 августа 2021 года", None),
    ("Решили:", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), PERIODS)
def test_find_period(text, expected):
    assert find_period(text, reference=REF) == expected


def test_find_period_takes_the_first_and_raises_on_nonsense():
    assert find_period("на 2022 год и на 2023 год") == Period(D(2022, 1, 1), D(2022, 12, 31))
    with pytest.raises(DeadlineError):
        find_period("на 2021-2024 учебный год")


def test_period_feeds_children():
    period = find_period("Дорожная карта на 2021-2022 учебный год", reference=REF)
    child = parse_deadline("Проводить консультации постоянно", reference=REF, period=period)
    assert (child.start, child.due, child.recurrence) == (AY.start, AY.end, CONT)


# Working days are the Russian production calendar's (the planner's, tracker.core.workdays):
# the May holidays and the New Year break are skipped, and so are the transferred days off.
# Counting Monday to Friday would give the date in the last column instead.
WORKING_DAYS = [
    # New Year: 31.12.2021 was a day off (moved from Saturday 20.02), then 01-09.01.2022
    ("в течение 5 рабочих дней", D(2021, 12, 30), D(2022, 1, 14), D(2022, 1, 6)),
    # May 2021: 03.05 and 10.05 are off
    ("в течение 5 рабочих дней", D(2021, 4, 30), D(2021, 5, 11), D(2021, 5, 7)),
    # May 2022: 02-03.05 and 09-10.05 are off
    ("в течение 5 рабочих дней", D(2022, 4, 29), D(2022, 5, 12), D(2022, 5, 6)),
    # May 2023: 01.05, 08.05 (moved from 08.01) and 09.05 are off
    ("в течение 5 рабочих дней", D(2023, 4, 28), D(2023, 5, 10), D(2023, 5, 5)),
    # counted back over the New Year break: 31.12.2021 is not a working day
    ("не позднее чем за 5 рабочих дней до 10.01.2022", D(2021, 12, 1), D(2021, 12, 24),
     D(2022, 1, 3)),
    # a plain stretch without holidays is the same either way
    ("в течение 10 рабочих дней", REF, D(2021, 6, 29), D(2021, 6, 29)),
]


@pytest.mark.parametrize(("text", "reference", "due", "monday_to_friday"), WORKING_DAYS)
def test_working_days_follow_the_production_calendar(text, reference, due, monday_to_friday):
    from tracker.core.workdays import RUSSIA

    found = parse_deadline(text, reference=reference)
    assert found is not None and found.due == due
    assert found.approximate
    counted_from, days = ((D(2022, 1, 10), -5) if " до " in text
                          else (reference, int(text.split()[2])))
    assert RUSSIA.add_working_days(counted_from, days) == due  # the planner's answer, too
    holidays_between = reference != REF
    assert (due != monday_to_friday) == holidays_between
