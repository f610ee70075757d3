"""Every kind of document issue 11.1 names, in the layout such documents really have (texts
modelled on real public acts): none is refused, each says how it was read, and its due dates
are the ones a reader finds."""

from __future__ import annotations

from datetime import date

import pytest

from roadmaps.parsed import DocumentError
from roadmaps.parser import parse_text
from tracker.core.enums import DocumentKind, Recurrence

D = date

INSTRUCTIONS = """\
Перечень поручений по итогам заседания Государственного совета

Пр-1025, п.1 от 10 июня 2022 г.

1. Минпросвещению России совместно с органами исполнительной власти субъектов Российской \
Федерации обеспечить:
а) создание условий для организации отдыха и оздоровления детей в летний период;
б) проведение мониторинга охвата детей дополнительным образованием.
Доклад – до 1 сентября 2022 г., далее – ежегодно.
Ответственные: Кравцов С.С., высшие должностные лица субъектов Российской Федерации.

2. Правительству Российской Федерации рассмотреть вопрос о продлении программы \
«Пушкинская карта».
Срок – до 1 ноября 2022 г.
"""

LETTER = """\
МИНИСТЕРСТВО ОБРАЗОВАНИЯ И НАУКИ РЕСПУБЛИКИ

Руководителям органов местного самоуправления, осуществляющих управление в сфере образования

от 14.02.2022 № 06-1234

О представлении информации

Уважаемые коллеги!

Министерство образования и науки Республики в целях подготовки к летней оздоровительной \
кампании просит представить информацию о планируемом количестве лагерей с дневным \
пребыванием детей.
Информацию необходимо представить в срок до 12.00 14.03.2022 по прилагаемой форме на \
адрес электронной почты отдела.

Заместитель министра                                              И.И. Иванов
"""

REGULATION = """\
ПОЛОЖЕНИЕ
о проведении муниципального конкурса «Учитель года – 2023»

1. Общие положения
1.1. Настоящее Положение определяет порядок проведения конкурса.

2. Сроки проведения конкурса
Конкурс проводится в два этапа.
Заочный этап проводится с 16 января по 3 февраля 2023 года.
Очный этап проводится с 13 по 17 февраля 2023 года.
Заявки на участие принимаются до 10 января 2023 года.
"""

COUNCIL = """\
СОВЕТ ДЕПУТАТОВ ГОРОДСКОГО ОКРУГА

РЕШЕНИЕ от 14.05.2009 г № 41/3

О ходе подготовки образовательных учреждений к новому учебному году

1. Информацию начальника управления образования принять к сведению.
2. Управлению образования обеспечить готовность образовательных учреждений к новому \
учебному году в срок до 15 августа 2009 года.
3. Настоящее решение вступает в силу со дня его официального опубликования.
"""

ORDER = """\
Приказ от 26.10.2012 г № 1-1108

О проведении муниципального этапа олимпиады школьников в 2012/2013 учебном году

Во исполнение постановления Губернатора области от 10.10.97 N 1011 "О развитии системы \
работы с одаренными детьми"
1.Провести муниципальный этап олимпиады школьников по общеобразовательным предметам в \
следующие сроки:
24 ноября - география, математика;
25 ноября - физика, технология;
1 декабря - английский язык, химия.
2. Руководителям общеобразовательных учреждений обеспечить участие обучающихся.
3. Контроль за исполнением приказа оставляю за собой.
"""

REPORTING = """\
График представления отчётности в министерство образования на 2022 год

№ | Наименование отчёта | Срок представления | Ответственный
1 | Отчёт о посещаемости | до 5 числа месяца, следующего за отчётным | МОУО
2 | Сведения о педагогических кадрах | не позднее 1 марта года, следующего за отчетным \
| МОУО
3 | Мониторинг питания | один раз в полгода | МОУО
"""

PLAN = """\
ПЛАН МЕРОПРИЯТИЙ
на 2016-2017 учебный год

№ | Мероприятие | Срок | Ответственный
I. Организационные мероприятия
1 | Совещание руководителей ОО | август | Отдел образования
2 | Собеседование по русскому языку | февраль | Отдел образования
3 | Подготовка отчёта «Итоги года» (в срок до 15 марта) | февраль – март | Отдел образования
"""

STATEMENT_ONLY = """\
ПОСТАНОВЛЕНИЕ
администрации района

от 01.02.2022 № 15

О внесении изменений

1. Внести изменения в постановление от 10.01.2021 № 3.
2. Контроль за исполнением постановления возложить на заместителя главы.
"""


def _dues(doc):
    return [(i.due, i.recurrence) for i in doc.items if i.actionable and (i.due or i.recurrence)]


def test_list_of_instructions_addressed_to_a_ministry():
    doc = parse_text(INSTRUCTIONS, source="pr.txt")
    assert doc.kind is DocumentKind.INSTRUCTIONS
    assert (doc.date, doc.number) == (D(2022, 6, 10), "Пр-1025")
    assert doc.reading == "loose_points" and (doc.first_label, doc.last_label) == ("1", "2")
    by_label = {i.label: i for i in doc.items}
    # "Доклад – до ..., далее – ежегодно" belongs to point 1 and reaches its sub-items
    assert by_label["1"].actionable is False
    assert (by_label["а"].due, by_label["а"].recurrence) == (D(2022, 9, 1), Recurrence.YEARLY)
    assert (by_label["б"].due, by_label["б"].recurrence) == (D(2022, 9, 1), Recurrence.YEARLY)
    assert by_label["2"].due == D(2022, 11, 1)


def test_letter_requesting_information_with_a_time_of_day():
    doc = parse_text(LETTER, source="letter.txt")
    assert doc.kind is DocumentKind.LETTER
    assert doc.reading == "deadline_lines"
    assert (doc.date, doc.number) == (D(2022, 2, 14), "06-1234")
    assert _dues(doc) == [(D(2022, 3, 14), None)]
    assert doc.items[0].due_text == "в срок до 12.00 14.03.2022"


def test_regulation_with_a_stage_schedule():
    doc = parse_text(REGULATION, source="reg.txt")
    assert doc.kind is DocumentKind.REGULATION
    got = [(i.start, i.due) for i in doc.items if i.due]
    assert got == [(D(2023, 1, 16), D(2023, 2, 3)), (D(2023, 2, 13), D(2023, 2, 17)),
                   (None, D(2023, 1, 10))]


def test_council_decision_dated_in_its_heading():
    doc = parse_text(COUNCIL, source="council.txt")
    assert (doc.kind, doc.date, doc.number) == (DocumentKind.BOARD_DECISION, D(2009, 5, 14),
                                                "41/3")
    assert doc.reading == "points"
    assert _dues(doc) == [(D(2009, 8, 15), None)]
    assert [i.actionable for i in doc.items] == [False, True, False]


def test_order_with_a_schedule_and_a_two_digit_year_it_cites():
    doc = parse_text(ORDER, source="order.txt")
    assert (doc.kind, doc.date, doc.number) == (DocumentKind.ORDER, D(2012, 10, 26), "1-1108")
    assert [i.due for i in doc.items if i.label == "1"] == [
        D(2012, 11, 24), D(2012, 11, 25), D(2012, 12, 1)]
    assert doc.items[1].text == ("Провести муниципальный этап олимпиады школьников по "
                                 "общеобразовательным предметам в следующие сроки: 25 ноября - "
                                 "физика, технология")


def test_reporting_schedule_reads_recurrences():
    doc = parse_text(REPORTING, source="schedule.txt")
    assert doc.kind is DocumentKind.SCHEDULE
    assert doc.reading == "table"
    assert [i.recurrence for i in doc.items] == [
        Recurrence.MONTHLY, Recurrence.YEARLY, Recurrence.HALF_YEARLY]
    assert doc.items[1].due == D(2022, 3, 1)


def test_plan_for_a_school_year_places_months_and_keeps_the_inner_deadline():
    doc = parse_text(PLAN, source="plan.txt")
    assert doc.kind is DocumentKind.PLAN
    assert [(i.label, i.due, i.due_source) for i in doc.items] == [
        ("1", D(2016, 8, 31), "cell"), ("2", D(2017, 2, 28), "cell"),
        ("3", D(2017, 3, 15), "phrase")]
    assert doc.items[2].start == D(2017, 2, 1)  # the period cell still gives the start


def test_a_document_without_any_deadline_is_still_refused():
    with pytest.raises(DocumentError, match=r"не найден раздел решений .* и нет сроков$"):
        parse_text("Письмо\n\nУважаемые коллеги!\nНаправляем информацию о семинаре.\n",
                   source="l.txt")


def test_a_statement_only_resolution_parses_without_deadlines():
    doc = parse_text(STATEMENT_ONLY, source="p.txt")
    assert doc.kind is DocumentKind.RESOLUTION and doc.reading == "points"
    assert [i.actionable for i in doc.items] == [True, False]


EXAMS = """\
ПРИКАЗ
от 01.03.2022 № 45

О проведении промежуточной аттестации

1. Провести переводные экзамены:
9 классы – 25 мая 2022 г.;
10 классы – 27 мая 2022 г.;
11 классы – 30 мая 2022 г.
2. Руководителям ОО обеспечить явку обучающихся.
"""

WEBINARS = """\
Уважаемые коллеги!
Просим принять участие в вебинарах по следующему графику:
15.03.2022 – математика;
16.03.2022 – русский язык;
17.03.2022 – физика.
"""


def test_exam_schedule_lines_with_the_date_last():
    doc = parse_text(EXAMS, source="exams.txt")
    assert [(i.label, i.due, i.text) for i in doc.items if i.due] == [
        ("1", D(2022, 5, 25), "Провести переводные экзамены: 9 классы – 25 мая 2022 г"),
        ("1", D(2022, 5, 27), "Провести переводные экзамены: 10 классы – 27 мая 2022 г"),
        ("1", D(2022, 5, 30), "Провести переводные экзамены: 11 классы – 30 мая 2022 г")]
    assert {i.due_source for i in doc.items if i.due} == {"inferred"}


def test_letter_with_a_schedule_of_bare_dates():
    doc = parse_text(WEBINARS, source="webinars.txt")
    assert doc.reading == "deadline_lines"
    assert [(i.due, i.text.rsplit(": ", 1)[1]) for i in doc.items] == [
        (D(2022, 3, 15), "15.03.2022 – математика"), (D(2022, 3, 16), "16.03.2022 – русский язык"),
        (D(2022, 3, 17), "17.03.2022 – физика")]


def test_prose_with_many_dates_after_a_colon_is_no_schedule():
    from roadmaps.schedules import schedule_deadlines

    prose = ("Утвердить следующие сроки: с 1 июля 2014 года закон, который с тех пор "
             + "многократно изменялся и дополнялся разными поправками " * 5
             + "6 мая 2015 года, и далее 1 января 2016 года.")
    assert schedule_deadlines(prose, [], reference=D(2014, 1, 1), period=None) is None
    lines = "Утвердить следующие сроки: 1 июля 2014 г. - химия; 6 мая 2015 г. - физика."
    assert [d.due for d in schedule_deadlines(lines, [], reference=D(2014, 1, 1),
                                              period=None)] == [D(2014, 7, 1), D(2015, 5, 6)]


# An undated news page (corpus 202): its schedule's heading is the title, gives the year and
# introduces the dash lines ("-13 октября – русский язык"), whose dates have no year.
UNDATED_SCHEDULE = """\
В период с 13 октября по 22 октября текущего года в образовательных организациях \
Сладковского муниципального района согласно графику будут проводиться диагностические работы \
для обучающихся 10-х классов.
График проведения диагностических работ по образовательным программам основного общего \
образования для обучающихся 10 классов в 2020 году:
-13 октября – русский язык
-15 октября – математика
"""

# Bullets under an intro that names the times (corpus 203), and under one that lists acts
# (corpus 060): only the first give their dates.
TIMED_BULLETS = """\
Уважаемые родители!
Сроки проведения, продолжительность:
- в основной срок – 13 октября 2020 г., русский язык;
- в резервный день – 16 октября 2020 г., обществознание.
Работы проводятся в соответствии со следующими документами:
• Порядок проведения, зарегистрирован Минюстом 3.03.2005г.;
• Положение о мониторинге, утвержденное приказом от 09.02.2005 № 66.
"""


def test_an_undated_page_reads_the_schedule_its_title_introduces():
    doc = parse_text(UNDATED_SCHEDULE, source="202.txt")
    assert doc.date is None
    assert [(i.due, i.text) for i in doc.items if i.due and i.line > 2] == [
        (D(2020, 10, 13), "13 октября – русский язык"),
        (D(2020, 10, 15), "15 октября – математика")]


def test_bullets_under_a_timed_intro_are_schedule_lines():
    doc = parse_text(TIMED_BULLETS, source="203.txt")
    assert [i.due for i in doc.items if i.due] == [D(2020, 10, 13), D(2020, 10, 16)]


# A web page's list with each marker alone on its line (corpus 234, a school's notice).
LONE_MARKERS = """\
14.10.2023
Итоговое
сочинение (изложение) в 11-м классе
проводится:
-
в основную дату - в первую среду декабря (06
декабря 2023г.);
-
в дополнительные сроки: в первую среду февраля (7 февраля 2024 г.) и вторую среду апреля \
(10 апреля 2024 г.)
"""


def test_a_list_marker_alone_on_its_line_marks_the_next_line():
    doc = parse_text(LONE_MARKERS, source="234.txt")
    assert [i.due for i in doc.items if i.due] == [D(2023, 12, 6), D(2024, 2, 7), D(2024, 4, 10)]
    assert doc.items[0].text == "в основную дату - в первую среду декабря (06 декабря 2023г.);"


# A district resolution whose web page runs the marker and the points into one paragraph
# (corpus 116).
RUN_TOGETHER = (
    "О проведении районного конкурса патриотической песни\n\n"
    "В соответствии с планом работы управления образования на 2011 год администрация "
    "Аликовского района п о с т а н о в л я е т: 1. Провести 16 февраля 2011 года конкурс "
    "патриотической песни. 2. Утвердить: - Положение о районном конкурсе патриотической песни "
    "(приложение №1); - состав жюри (приложение №2). 3. Руководителям общеобразовательных "
    "учреждений района организовать участие молодых исполнителей в конкурсе. 4. Контроль за "
    "выполнением настоящего постановления возложить на заместителя главы администрации.\n")


def test_points_run_together_in_one_paragraph_are_read_one_by_one():
    doc = parse_text(RUN_TOGETHER, source="116.txt")
    assert doc.reading == "section"
    assert [(i.label, i.line, i.due, i.actionable) for i in doc.items] == [
        ("1", 3, D(2011, 2, 16), True), ("2", 3, None, False), ("3", 3, None, True),
        ("4", 3, None, False)]


def test_numbers_in_running_text_are_no_points():
    from roadmaps.labels import inline_points

    assert inline_points("Согласно п. 1. Положения и п. 2. Порядка заявки принимаются до 1 "
                         "марта 2022 года по адресу отдела образования.") is None
    assert inline_points("Положение. 1. Общие положения. 1.1. Доступ имеют сотрудники. 2. "
                         "Порядок. 2.1. Пароль меняется 3.10 каждого года.") is None


# A sub-point that begins with "О" (corpus 175, a district directive) is no agenda question.
SUBPOINT_ABOUT = """\
Распоряжение от 13.04.2006 г № 321-Р

Об открытии муниципального дошкольного образовательного учреждения

1.Открыть с 01.07.2006 муниципальное дошкольное образовательное учреждение на 20 мест.
2.Поручить управлению образования администрации района:
2.1.Провести штатные мероприятия по открытию учреждения.
2.2.О принятом решении сообщить в орган, осуществляющий государственную регистрацию \
юридических лиц, до 01.06.2006.
3.Руководителю финансового отдела производить финансирование расходов.
"""


def test_a_sub_point_about_something_that_orders_it_stays_in_the_section():
    doc = parse_text(SUBPOINT_ABOUT, source="175.txt")
    assert [(i.label, i.due) for i in doc.items] == [
        ("1", D(2006, 7, 1)), ("2", None), ("2.1", None), ("2.2", D(2006, 6, 1)), ("3", None)]


# Dash lines that take their verb from the point above (corpus 211, a regional order).
VERB_FROM_INTRO = """\
ПРИКАЗ
от 20.12.2023 № 1500-п

1. Провести пробный основной государственный экзамен в пунктах проведения экзаменов \
(далее соответственно - ОГЭ, ППЭ):
- 13 января 2024 года по информатике - в ППЭ;
- 20 января 2024 года по физике - в ППЭ;
2. Утвердить:
- состав комиссии, созданной 10 декабря 2023 года;
"""


def test_sub_items_of_an_intro_that_orders_are_due_on_their_dates():
    doc = parse_text(VERB_FROM_INTRO, source="211.txt")
    assert [(i.line, i.due) for i in doc.items if i.due] == [
        (5, D(2024, 1, 13)), (6, D(2024, 1, 20))]


# An order's point whose verb introduces the lines "<classes> - <date>;" (corpus 226), wrapped
# in a narrow column.
ORDERED_LINES = """\
ПРИКАЗ
от 05.05.2023 № 753

1. Рекомендовать руководителям
образовательных организаций
завершить 2022/2023 учебный год:
I классы - 25 мая 2023 года;
II - X классы - 31 мая 2023 года;
XI классы - 23 мая 2023 года.
2. Установить единый день праздника "Последний звонок" и единое время начала праздника.
"""


def test_lines_dated_under_an_order_are_a_schedule():
    doc = parse_text(ORDERED_LINES, source="226.txt")
    assert [(i.label, i.due) for i in doc.items if i.due] == [
        ("1", D(2023, 5, 25)), ("1", D(2023, 5, 31)), ("1", D(2023, 5, 23))]
    assert doc.items[1].text.endswith("учебный год: II - X классы - 31 мая 2023 года")


# An exam timetable page (corpus 212): dates and subjects one cell a line, no deadline word.
TIMETABLE = """\
Расписание
Утверждённое расписание ОГЭ на 2023 год.
Приказ Министерства просвещения Российской Федерации от 16.11.2022 № 990/1144 "Об \
утверждении единого расписания".
Основной период
24 мая (среда) |
история, физика, биология |
30 мая (вторник) |
обществознание, информатика, география, химия |
Резервные дни
26 июня (понедельник) — русский язык;
"""


def test_a_timetable_without_deadline_words_reads_its_dated_lines():
    doc = parse_text(TIMETABLE, source="212.txt")
    assert doc.reading == "dated_lines"
    assert [(i.line, i.due) for i in doc.items if i.due] == [
        (5, D(2023, 5, 24)), (7, D(2023, 5, 30)), (10, D(2023, 6, 26))]


def test_a_news_text_with_dates_but_no_schedule_name_is_still_refused():
    with pytest.raises(DocumentError, match=r"и нет сроков$"):
        parse_text("Новости\n\n24 мая (среда) в школе прошёл последний звонок.\n", source="n.txt")


# An undated school calendar whose heading, wrapped over two lines, names the school year
# (corpus 215): September-December are 2023, January-August 2024.
SCHOOL_CALENDAR = """\
КАЛЕНДАРНЫЙ ПЛАН ВОСПИТАТЕЛЬНОЙ
РАБОТЫ НА 2023-2024 УЧЕБНЫЙ ГОД

Основная школа (5-9 классы)
1 сентября
Общешкольная линейка
15 января
Конкурс чтецов
"""


def test_an_undated_calendar_takes_the_school_year_its_heading_names():
    doc = parse_text(SCHOOL_CALENDAR, source="215.txt")
    assert doc.reading == "dated_lines"
    assert [i.due for i in doc.items if i.due] == [D(2023, 9, 1), D(2024, 1, 15)]


# A news page with an olympiad's timetable one cell a line (corpus 196): "В течение месяца"
# in its lead counts from a document date the page does not have, so it dates nothing.
OLYMPIAD_DAYS = """\
В общеобразовательных организациях города начался муниципальный этап олимпиады. В течение \
месяца в школах будут проходить интеллектуальные состязания.
Сроки проведения муниципального этапа всероссийской олимпиады школьников в 2020/2021 учебном году
№
|
Предмет
|
Дата проведения Олимпиады
|
1
|
Экономика
|
5 ноября
|
2
|
Основы безопасности жизнедеятельности
|
9, 10 ноября
|
"""


def test_a_term_counted_from_a_missing_document_date_does_not_hide_a_timetable():
    doc = parse_text(OLYMPIAD_DAYS, source="196.txt")
    # The table reading (one cell a line under a header) finds it first since branch tuneB.
    assert doc.reading == "table"
    assert [i.due for i in doc.items if i.due] == [D(2020, 11, 5), D(2020, 11, 10)]


# A resolution that cancels an event and orders another in its place (corpus 131).
CANCELLED = """\
ПОСТАНОВЛЕНИЕ
от 14.05.1997 № 248

постановляю:
1. Областной финал Спартакиады трудящихся (10 - 12 июня 1997 года, г. Благовещенск) не \
проводить; ограничиться проведением областной сельской Спартакиады 20 - 22 июня с. г. в с. \
Константиновка.
"""


def test_the_day_of_a_cancelled_event_is_no_task():
    doc = parse_text(CANCELLED, source="131.txt")
    assert [(i.due, i.actionable) for i in doc.items] == [
        (D(1997, 6, 12), False), (D(1997, 6, 22), True)]


# Two stages on two lines the page ran together without a full stop (corpus 142), and two
# sentences of one point (a full stop between them): a task each.
STAGES = """\
Положение о районном конкурсе

Школьный этап конкурса проводится с 5 ноября по 25 декабря
Срок приема конкурсных работ на районный этап – с 12 января по 30 января 2015 года.
"""


def test_deadlines_in_sentences_run_together_are_a_task_each():
    doc = parse_text(STAGES, source="142.txt")
    assert [i.due for i in doc.items if i.due] == [D(2014, 12, 25), D(2015, 1, 30)]
    doc = parse_text("ПРИКАЗ\nот 01.02.2022 № 5\n\n1. Провести семинар до 1 марта 2022 г. Отчёт "
                     "представить до 10 марта 2022 г.\n", source="p.txt")
    assert [i.due for i in doc.items] == [D(2022, 3, 1), D(2022, 3, 10)]


def test_a_span_that_sums_up_the_dated_lines_below_is_no_task():
    doc = parse_text(UNDATED_SCHEDULE, source="202.txt")
    assert [(i.due, i.actionable) for i in doc.items if i.due] == [
        (D(2020, 10, 22), False), (D(2020, 10, 13), True), (D(2020, 10, 15), True)]


# A plan whose table rows the page ran into numbered lines (corpus 184): a row's bare date is
# its "Срок" cell.
PLAN_ROWS = """\
Приложение к распоряжению от 30.03.2012 № 1147-Р
План мероприятий по проведению месячника по продаже сельскохозяйственной продукции

1. Организация взаимодействия с Министерством сельского хозяйства до 5 апреля 2012 г. \
Администрации районов
2. Организация концертной программы при открытии месячника "Весна - 2012" 21 апреля 2012 г. \
Управление культуры
"""


def test_a_plan_s_numbered_rows_are_due_on_their_bare_dates():
    doc = parse_text(PLAN_ROWS, source="184.txt")
    assert doc.kind is DocumentKind.PLAN
    assert [i.due for i in doc.items] == [D(2012, 4, 5), D(2012, 4, 21)]


# A timetable a page ran into one paragraph (corpus 208): every date of the line is an entry.
RUN_TIMETABLE = ("МБОУ «Тальская СОШ» Тел. 34-2-22 План-график проведения внешних процедур "
                 "в 2022 – 2023 учебном году Приложение к "
                 "приказу № 02-04-1от 05.01.2023 Класс Предмет Планируемая дата 11 Русский язык "
                 "7 Декабря 2022 9 Русский язык 9 Февраля 2023 8 Физика 26 января 2023 10 "
                 "География 1-24 марта 2023 По решению ОО 11 История 1-24 марта 2023\n")


def test_every_date_of_a_run_together_timetable_is_an_entry():
    doc = parse_text(RUN_TIMETABLE, source="208.txt")
    assert doc.reading == "dated_lines"
    assert [i.due for i in doc.items] == [D(2022, 12, 7), D(2023, 2, 9), D(2023, 1, 26),
                                          D(2023, 3, 24), D(2023, 3, 24)]


def test_the_srok_field_dates_the_work_and_the_year_behind_v_is_its_scope():
    text = ("Кроме того, Президент поручил продолжить контроль за проведением единого "
            "государственного экзамена в 2016 году. Ответственными назначены министр "
            "образования и высшие должностные лица субъектов РФ, срок исполнения — первое "
            "сентября 2016 года.\n")
    doc = parse_text(text, source="179.txt")
    assert [i.due for i in doc.items if i.due] == [D(2016, 9, 1)]


def test_a_calendar_with_one_deadline_phrase_is_still_read_by_its_dated_lines():
    doc = parse_text(SCHOOL_CALENDAR + "3 сентября\nАкция «Голубь мира»\nОтчёт о проведении "
                     "сдать до 25 мая\n", source="215.txt")
    assert doc.reading == "dated_lines"
    assert [i.due for i in doc.items if i.due] == [
        D(2023, 9, 1), D(2024, 1, 15), D(2023, 9, 3), D(2024, 5, 25)]


# An undated calendar plan whose school year stands mid-line in its heading (corpus 214).
CALENDAR_PLAN = """\
Календарный план воспитательной работы ФОП 5-9 классы 2023-2024

Календарный план воспитательной работы МБОУ «Специализированная школа №2»
на 2023-2024 учебный год на уровень основного общего образования

Всероссийский открытый урок «ОБЖ»
5-9
01.09
Международный день распространения грамотности
5-9
08.09
"""


def test_a_calendar_plan_takes_the_school_year_named_mid_line():
    doc = parse_text(CALENDAR_PLAN, source="214.txt")
    assert [i.due for i in doc.items if i.due] == [D(2023, 9, 1), D(2023, 9, 8)]
