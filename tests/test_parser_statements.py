"""Real-text excerpts behind the corpus benchmark's false positives and misses (issue 11):
items that state a rule or a fact rather than order work import, and their dates are no
deadlines; an intro's deadline covers each line its verb governs."""

from __future__ import annotations

from datetime import date

from roadmaps.parser import parse_text

# Order of the Ministry of Science and Higher Education of 14.04.2021 N 293 (ФГОС ВО
# 38.05.01), excerpt: a specialty code in the items and a statement "Установить, что".
FGOS_ORDER = """\
МИНИСТЕРСТВО НАУКИ И ВЫСШЕГО ОБРАЗОВАНИЯ
РОССИЙСКОЙ ФЕДЕРАЦИИ
ПРИКАЗ
14.04.2021 N 293
ОБ УТВЕРЖДЕНИИ ФЕДЕРАЛЬНОГО ГОСУДАРСТВЕННОГО
ОБРАЗОВАТЕЛЬНОГО СТАНДАРТА ВЫСШЕГО ОБРАЗОВАНИЯ –
СПЕЦИАЛИТЕТ ПО СПЕЦИАЛЬНОСТИ
38.05.01 ЭКОНОМИЧЕСКАЯ БЕЗОПАСНОСТЬ
В соответствии с подпунктом 4.2.38 пункта 4.2 Положения о Министерстве науки и высшего \
образования Российской Федерации приказываю:
1. Утвердить прилагаемый федеральный государственный образовательный стандарт высшего \
образования - специалитет по специальности 38.05.01 Экономическая безопасность (далее - \
стандарт).
2. Установить, что:
прием на обучение в соответствии с федеральным государственным образовательным стандартом \
высшего образования по специальности 38.05.01 Экономическая безопасность (уровень \
специалитета), утвержденным приказом Министерства образования и науки Российской Федерации \
от 16 января 2017 г. N 20 (зарегистрирован Министерством юстиции Российской Федерации 10 \
февраля 2017 г., регистрационный N 45596), прекращается 31 декабря 2021 года.
Министр
В.Н. Фальков
"""

# FSTEC order of 11.02.2013 N 17, its last item.
RULE_APPLIES = """\
ПРИКАЗ
от 11 февраля 2013 г. N 17
ПРИКАЗЫВАЮ:
1. Утвердить прилагаемые Требования о защите информации, не составляющей государственную \
тайну, содержащейся в государственных информационных системах.
2. Установить, что указанные в пункте 1 настоящего приказа Требования применяются для защиты \
информации в государственных информационных системах с 1 сентября 2013 г.
"""

# A ministry's public council, a news post: the post's date alone under the headline.
NEWS_POST = """\
24 марта состоялось заседание Общественного совета при Министерстве образования и \
молодежной политики Свердловской области

25 Марта, 2022

По итогам обсуждения Общественный совет принял следующие решения:

1) одобрить основные итоги деятельности Министерства в 2021 году и публичную декларацию \
целей и задач Министерства на 2022 год;

2) рекомендовать Министерству представить основные итоги деятельности Министерства в 2021 \
году и публичную декларацию целей и задач Министерства на 2022 год на расширенном заседании \
коллегии Министерства, которое пройдет 31 марта 2022 года в нетиповой образовательной \
организации «Фонд поддержки талантливых детей и молодежи «Золотое сечение».
"""

# A school order of 31.08.2015 N 3/У (corpus 112, a PDF): fees and the day they take effect.
TAKES_EFFECT = """\
П Р И К А З № 3/У от 31.08.2015 г
«Об утверждении стоимости и введение в действие локальных нормативных актов
В рамках подготовки к новому учебному году
ПРИКАЗЫВАЮ:
1. Утвердить следующие размеры вступительного взноса и ежемесячной платы:
   - Вступительный взнос - 95.000 руб
2. Ввести их в действие с 01 сентября 2018 года.
3. Контроль за выполнением данного приказа оставляю за собой.
"""


def test_the_day_a_decision_takes_effect_is_no_deadline():
    doc = parse_text(TAKES_EFFECT, source="order.pdf")
    assert [i.due for i in doc.items] == [None] * len(doc.items)
    assert any("в действие" in i.text for i in doc.items)


def test_a_specialty_code_is_no_date_and_does_not_fail_the_import():
    doc = parse_text(FGOS_ORDER, source="fgos.html")
    assert doc.date == date(2021, 4, 14)
    assert [i.due for i in doc.items if i.actionable] == [None] * len(
        [i for i in doc.items if i.actionable])


def test_a_rule_stated_with_its_day_is_no_deadline():
    doc = parse_text(RULE_APPLIES, source="fstec.pdf")
    assert [(i.label, i.due) for i in doc.items] == [("1", None), ("2", None)]


def test_a_news_post_is_dated_by_its_line_and_the_past_year_is_no_deadline():
    doc = parse_text(NEWS_POST, source="news.txt")
    assert doc.date == date(2022, 3, 25)
    assert [(i.label, i.actionable, i.due) for i in doc.items] == [
        ("1", False, None), ("2", True, date(2022, 3, 31))]


# Directive of the Government of the Saratov region of 29.08.2014 N 141-Пр (item 2).
GOVERNED_LINES = """\
РАСПОРЯЖЕНИЕ
от 29 августа 2014 года N 141-Пр
1. Принять к сведению информацию министерства образования области.
2. Министерству образования области во взаимодействии с администрациями муниципальных \
районов и городских округов области (по согласованию) обеспечить:
до 1 сентября 2014 года:
готовность образовательных организаций к началу нового 2014-2015 учебного года;
завершение учета численности детей в возрасте от 7 до 15 лет, подлежащих обучению, и \
принять необходимые меры по привлечению их в образовательные организации;
"""

# A federal statistics service's technical specification (2020), its annotation.
SELF_DESCRIPTION = """\
Москва, 2020
Аннотация
Настоящее техническое задание регламентирует требования к оказанию услуг по аттестации \
государственной информационной системы по требованиям безопасности информации в 2020 году.
1.5 Сроки оказания услуг
Окончание оказания услуг – 15 декабря 2020 года.
"""


def test_an_intro_deadline_covers_each_line_its_verb_governs():
    doc = parse_text(GOVERNED_LINES, source="saratov.txt")
    tasks = [i for i in doc.items if i.actionable]
    assert [(i.label, i.due) for i in tasks] == [("2", date(2014, 9, 1))] * 2
    assert "готовность образовательных организаций" in tasks[0].text
    assert "завершение учета" in tasks[1].text


def test_a_document_describing_itself_is_no_task():
    doc = parse_text(SELF_DESCRIPTION, source="tz.docx")
    assert [i.due for i in doc.items if i.actionable] == [date(2020, 12, 15)]


# A school's regulation on assessment (.rtf of the school site), one of its points.
ASSESSMENT_RULE = """\
ПОЛОЖЕНИЕ
о текущем контроле успеваемости
1. Текущий контроль успеваемости учащихся первого класса в течение учебного года \
осуществляется без фиксации достижений учащихся в виде отметок по пятибалльной системе.
2. Проводить мониторинг успеваемости в течение учебного года.
"""


def test_a_rules_time_frame_is_no_running_duty():
    doc = parse_text(ASSESSMENT_RULE, source="polozhenie.rtf")
    assert [(i.label, str(i.recurrence) if i.recurrence else None) for i in doc.items
            if i.actionable] == [("1", None), ("2", "continuous")]


# The calendar of the all-Russian essay contest 2023 (corpus 107): no date, no marker, no
# table; the year only in the heading line; each line begins with its date.
CONTEST_CALENDAR = """\
Календарь

АПРЕЛЬ – НОЯБРЬ 2023 ГОДА

ДО 14 АПРЕЛЯ Формирование списка региональных координаторов Конкурса

26 АПРЕЛЯ Установочный вебинар с региональными координаторами по вопросам организации и \
проведения Конкурса

22 — 28 МАЯ Прием работ на федеральный этап Конкурса, проверка работ на соответствие \
требованиям к конкурсной документации

29 МАЯ — 15 ИЮНЯ Работа жюри федерального этапа

2 НОЯБРЯ Торжественная церемония награждения победителей
"""


def test_a_calendar_of_lines_beginning_with_their_date_under_a_period_heading():
    doc = parse_text(CONTEST_CALENDAR, source="calendar.txt")
    assert doc.date is None
    assert [(i.due, i.start) for i in doc.items] == [
        (date(2023, 4, 14), None), (date(2023, 4, 26), None),
        (date(2023, 5, 28), date(2023, 5, 22)), (date(2023, 6, 15), date(2023, 5, 29)),
        (date(2023, 11, 2), None)]
    assert doc.items[2].text.startswith("22 — 28 МАЯ Прием работ")  # not "point 22"


def test_two_lines_beginning_with_a_date_are_no_calendar():
    # only "ДО 14 АПРЕЛЯ 2023 ГОДА" has its keyword; a bare event date is no deadline
    two = ("ДО 14 АПРЕЛЯ 2023 ГОДА Формирование списка региональных координаторов\n\n"
           "26 АПРЕЛЯ 2023 ГОДА Установочный вебинар с региональными координаторами\n")
    doc = parse_text(two, source="calendar.txt")
    assert [i.due for i in doc.items] == [date(2023, 4, 14)]


# A school's page on the final interview (corpus 108): "Основной срок:" alone on its line,
# then the date; the additional dates listed on one line are a task each.
INTERVIEW_DATES = """\
Расписание проведения итогового собеседования по русскому языку в 2022/23 уч году

Основной срок:
8 февраля 2023 года.
Время начала собеседования 9:00

Дополнительные сроки
15 марта 2023 года 15 мая 2023 года
"""


def test_a_schedule_intro_without_a_date_and_dates_listed_on_one_line():
    doc = parse_text(INTERVIEW_DATES, source="page.txt")
    assert [i.due for i in doc.items] == [date(2023, 2, 8), date(2023, 3, 15),
                                          date(2023, 5, 15)]


# A city resolution (corpus 102, Magadan, 16.04.2009 N 938): what "1. Утвердить:" lists is
# approved, not ordered; the title's year is no deadline of these lines.
APPROVED_LIST = """\
МЭРИЯ ГОРОДА МАГАДАНА
ПОСТАНОВЛЕНИЕ
от 16 апреля 2009 г. № 938
ОБ ОРГАНИЗАЦИИ ОТДЫХА, ОЗДОРОВЛЕНИЯ,
ЗАНЯТОСТИ ДЕТЕЙ И ПОДРОСТКОВ В 2009 ГОДУ
В целях своевременной подготовки к началу летней оздоровительной кампании 2009 года мэрия \
города Магадана постановляет:
1. Утвердить:
1.1. Состав городского координационного совета по организации отдыха, оздоровления, \
занятости детей и подростков в летний период 2009 года.
1.2. План мероприятий по организации отдыха детей.
2. Управлению образования представить отчет до 1 октября 2009 года.
"""


def test_what_an_approval_intro_lists_is_no_task():
    doc = parse_text(APPROVED_LIST, source="resolution.txt")
    assert [(i.label, i.due) for i in doc.items if i.actionable] == [("2", date(2009, 10, 1))]


# A plan-schedule appendix (corpus 099, Ozersk) whose drawn header could not be rebuilt as a
# table: its drawn lines are never read as sentences.
DRAWN_HEADER = """\
Приложение к Постановлению от 17.12.2012 г № 4007
┌────┬────────────────────┬───────────────────────────────────────────┐
│ N  │     Пошаговые      │Сроки выполнения Программы: 2011 - 2013 гг.│
│п/п │    мероприятия     ├──────────┬──────────┬──────────┬──────────┤
│    │                    │I квартал │II квартал│   III    │IV квартал│

Отделу образования представить отчет до 1 марта 2013 года.
"""


def test_the_lines_of_a_drawn_table_are_no_items():
    doc = parse_text(DRAWN_HEADER, source="plan.txt")
    assert doc.reading == "deadline_lines"
    assert [i.due for i in doc.items] == [date(2013, 3, 1)]
