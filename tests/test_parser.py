"""Parser rules over realistic synthetic documents: an order, a board decision, a
resolution, a directive, a multi-question protocol, a roadmap table in text form."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roadmaps.parsed import DocumentError
from roadmaps.parser import parse_text
from tracker.core.enums import DocumentKind, Level, Recurrence

ORDER = """\
МИНИСТЕРСТВО ОБЩЕГО И ПРОФЕССИОНАЛЬНОГО
ОБРАЗОВАНИЯ РОСТОВСКОЙ ОБЛАСТИ

ПРИКАЗ

15.06.2021 № 556

г. Ростов-на-Дону

Об утверждении управленческих решений
по итогам мониторинга

В соответствии с приказом от 11.03.2021 № 194 «Об утверждении положения о мониторинге» \
и в целях повышения эффективности системы профориентации п р и к а з ы в а ю:

1. Утвердить управленческие решения по итогам мониторинга (приложение).
2. Отделу общего и дополнительного образования (Пушкаревой Е.А.):
2.1. Разработать региональную модель профориентации в срок до 20 августа 2021 года.
Ответственный: Пушкарева Е.А.
2.2.Подготовить методические рекомендации
по организации профориентационной деятельности до 31.08.2021.
Отв.: Иванова М.Н., Кузнецова Ю.В.
3. Рекомендовать руководителям муниципальных органов управления образованием провести \
совещания с руководителями школ до 15 сентября.
4. Контроль за исполнением настоящего приказа возложить на заместителя министра Фатеева А.Е.

Министр                                          Л.В. Балина
"""

BOARD = """\
РЕШЕНИЕ КОЛЛЕГИИ
министерства общего и профессионального образования Ростовской области

3 марта 2022 года                                                  № 141-Пр

О ходе реализации проекта «Билет в будущее»

Заслушав и обсудив информацию, коллегия РЕШАЕТ:

Информацию принять к сведению.

Отделу образования:
1) обеспечить участие школ в проекте «Билет в будущее» – в течение 2022 года ежемесячно;
2) представить отчет в министерство не позднее 15.12.2022.

Руководителям общеобразовательных организаций:
- организовать профессиональные пробы для обучающихся 6–11 классов до 1 мая;
- провести родительские собрания (до 10 марта) и подготовить анализ их итогов (до 25 апреля).

Муниципальным органам управления образованием:
- Обеспечить контроль за участием обучающихся в проекте. Срок: апрель 2022.

Председатель коллегии                                           Л.В. Балина
"""

RESOLUTION = """\
АДМИНИСТРАЦИЯ ГОРОДА ТАГАНРОГА

ПОСТАНОВЛЕНИЕ

«15» сентября 2021 г.                      № 2045

Об организации летнего отдыха детей в 2022 году

В целях организации отдыха и оздоровления детей Администрация города Таганрога
п о с т а н о в л я е т:

1. Управлению образования г. Таганрога (Морозова О.Л.):
1.1. обеспечить работу пришкольных лагерей с 01.06.2022 по 30.06.2022;
1.2. ежеквартально представлять информацию о ходе подготовки.
2. Признать утратившим силу постановление Администрации города от 10.09.2020 № 1500.
3. Настоящее постановление вступает в силу со дня его официального опубликования.
4. Контроль за исполнением постановления возложить на заместителя главы Администрации.
"""

DIRECTIVE = """\
РАСПОРЯЖЕНИЕ

от 10.01.2022 № 12-р

О проведении итогового собеседования

1. Отделу образования Администрации Азовского района провести итоговое собеседование \
по русскому языку 9 февраля 2022 года в соответствии с графиком.
2. Руководителям общеобразовательных организаций обеспечить явку обучающихся, \
срок исполнения – до 01.02.2022.
3. Контроль за исполнением распоряжения оставляю за собой.
"""

MULTI_QUESTION = """\
ПРОТОКОЛ № 3
заседания методического совета

Дата заседания: 20.10.2021

Председатель: Иванова Мария Николаевна
Секретарь: Петрова С.С.

1. О подготовке к ГИА-2022
СЛУШАЛИ: Сидорову А.А.
РЕШИЛИ:
1.1. Провести пробные экзамены
в 9 и 11 классах до 20 декабря.
1.2. Провести родительские собрания. Отв. за проведение: заместители директоров по УВР.

2. Об участии в олимпиадах
СЛУШАЛИ: Козлова П.П.
Решили: Обеспечить участие обучающихся в муниципальном этапе олимпиады в ноябре 2021 года.
ГОЛОСОВАЛИ: «за» – 12, «против» – 0.
"""


def _items(doc):
    return [(i.label, i.actionable, i.due, i.level) for i in doc.items]


def test_order_metadata():
    doc = parse_text(ORDER, source="order.txt")
    assert (doc.kind, doc.number, doc.date) == (DocumentKind.ORDER, "556", date(2021, 6, 15))
    assert doc.title == "Об утверждении управленческих решений по итогам мониторинга"
    assert doc.issuer == "МИНИСТЕРСТВО ОБЩЕГО И ПРОФЕССИОНАЛЬНОГО ОБРАЗОВАНИЯ РОСТОВСКОЙ ОБЛАСТИ"
    assert doc.source == "order.txt"


def test_order_items_owners_and_statements():
    doc = parse_text(ORDER, source="order.txt")
    assert _items(doc) == [
        ("1", False, None, None),  # approval by the order itself
        ("2", False, None, None),  # addressee intro: its sub-items carry the action
        ("2.1", True, date(2021, 8, 20), None),
        ("2.2", True, date(2021, 8, 31), None),
        ("3", True, date(2021, 9, 15), Level.MUNICIPAL),  # year from the order's date
        ("4", False, None, None),  # Контроль за исполнением ... возложить
    ]
    by_label = {i.label: i for i in doc.items}
    assert by_label["2.1"].owners == ["Пушкарева Е.А."]
    assert by_label["2.1"].text == (
        "Разработать региональную модель профориентации в срок до 20 августа 2021 года.")
    assert by_label["2.2"].owners == ["Иванова М.Н.", "Кузнецова Ю.В."]
    assert by_label["2.2"].text.startswith("Подготовить методические рекомендации по организации")
    assert by_label["2.2"].line == 19
    assert by_label["3"].owners == ["руководителям муниципальных органов управления образованием"]
    # The preamble cites another order: its number and date are not this document's.
    assert "194" not in {i.due_text for i in doc.items}


def test_order_sub_items_inherit_the_addressee_when_they_name_none():
    text = ORDER.replace("Ответственный: Пушкарева Е.А.\n", "")
    item = next(i for i in parse_text(text).items if i.label == "2.1")
    assert item.owners == ["Отделу общего и дополнительного образования (Пушкаревой Е.А.)"]


def test_board_decision_dative_headings_set_owner_and_level():
    doc = parse_text(BOARD)
    assert (doc.kind, doc.number, doc.date) == (
        DocumentKind.BOARD_DECISION, "141-Пр", date(2022, 3, 3))
    assert doc.title == "О ходе реализации проекта «Билет в будущее»"
    assert doc.issuer == "министерства общего и профессионального образования Ростовской области"
    assert doc.chair == "Л.В. Балина"
    got = [(i.label, i.actionable, i.due, i.level, i.owners) for i in doc.items]
    schools = ["Руководителям общеобразовательных организаций"]
    assert got == [
        (None, False, None, None, []),
        ("1", True, date(2022, 12, 31), Level.MUNICIPAL, ["Отделу образования"]),
        ("2", True, date(2022, 12, 15), Level.MUNICIPAL, ["Отделу образования"]),
        (None, True, date(2022, 5, 1), Level.SCHOOL, schools),
        (None, True, date(2022, 3, 10), Level.SCHOOL, schools),
        (None, True, date(2022, 4, 25), Level.SCHOOL, schools),
        (None, True, date(2022, 4, 30), Level.MUNICIPAL,
         ["Муниципальным органам управления образованием"]),
    ]
    monthly = doc.items[1]
    assert (monthly.recurrence, monthly.start) == (Recurrence.MONTHLY, date(2022, 1, 1))
    assert doc.items[-1].due_text == "Срок: апрель 2022"


def test_item_with_two_deadlines_becomes_two_items():
    doc = parse_text(BOARD)
    first, second = doc.items[4], doc.items[5]
    assert (first.text, first.due_text) == ("Провести родительские собрания (до 10 марта)",
                                            "до 10 марта")
    assert (second.text, second.due_text) == ("Подготовить анализ их итогов (до 25 апреля)",
                                              "до 25 апреля")
    assert first.line == second.line == 18


def test_numbered_two_deadline_item_is_two_tasks_under_its_label_as_written():
    text = ("ПРИКАЗ\n\n01.02.2022 № 5\n\nПРИКАЗЫВАЮ:\n"
            "2. До 10 марта провести мониторинг, до 20 марта представить его результаты.\n")
    items = parse_text(text).items
    assert [(i.label, i.text, i.due) for i in items] == [
        ("2", "До 10 марта провести мониторинг", date(2022, 3, 10)),
        ("2", "До 20 марта представить его результаты", date(2022, 3, 20)),
    ]


def test_one_action_with_several_dates_keeps_its_text():
    text = ("ПРИКАЗ\n\n01.02.2022 № 5\n\nПРИКАЗЫВАЮ:\n"
            "1. Представить отчёт до 10 марта, до 10 июня.\n")
    items = parse_text(text).items
    assert [(i.label, i.due) for i in items] == [
        ("1", date(2022, 3, 10)), ("1", date(2022, 6, 10))]
    assert {i.text for i in items} == {"Представить отчёт до 10 марта, до 10 июня."}


def test_resolution_statements_and_sub_items():
    doc = parse_text(RESOLUTION)
    assert (doc.kind, doc.number, doc.date) == (
        DocumentKind.RESOLUTION, "2045", date(2021, 9, 15))
    assert doc.issuer == "АДМИНИСТРАЦИЯ ГОРОДА ТАГАНРОГА"
    assert _items(doc) == [
        ("1", False, None, Level.MUNICIPAL),
        ("1.1", True, date(2022, 6, 30), Level.MUNICIPAL),
        ("1.2", True, date(2022, 12, 31), Level.MUNICIPAL),
        ("2", False, None, None), ("3", False, None, None), ("4", False, None, None),
    ]
    assert doc.items[1].start == date(2022, 6, 1)
    assert doc.items[2].recurrence is Recurrence.QUARTERLY
    assert doc.items[1].owners == ["Управлению образования г. Таганрога (Морозова О.Л.)"]


def test_directive_without_a_marker_starts_at_point_one():
    doc = parse_text(DIRECTIVE)
    assert (doc.kind, doc.number, doc.date) == (
        DocumentKind.DIRECTIVE, "12-р", date(2022, 1, 10))
    assert [(i.label, i.actionable, i.due, i.owners) for i in doc.items] == [
        ("1", True, date(2022, 2, 9), ["Отделу образования Администрации Азовского района"]),
        ("2", True, date(2022, 2, 1), ["Руководителям общеобразовательных организаций"]),
        ("3", False, None, []),
    ]
    # "провести ... 9 февраля 2022 года" without "до"/"срок": the event's day, and the
    # preview says the deadline is inferred (issue 11.3), not an explicit phrase.
    assert [i.due_source for i in doc.items] == ["inferred", "phrase", None]
    assert doc.items[0].warnings == []
    assert doc.items[1].due_text == "срок исполнения – до 01.02.2022"


def test_protocol_with_several_questions():
    doc = parse_text(MULTI_QUESTION)
    assert (doc.number, doc.date, doc.chair, doc.secretary) == (
        "3", date(2021, 10, 20), "Иванова Мария Николаевна", "Петрова С.С.")
    assert [(i.label, i.text, i.due, i.owners) for i in doc.items] == [
        ("1.1", "Провести пробные экзамены в 9 и 11 классах до 20 декабря.",
         date(2021, 12, 20), []),
        ("1.2", "Провести родительские собрания.", None, ["заместители директоров по УВР"]),
        (None, "Обеспечить участие обучающихся в муниципальном этапе олимпиады в ноябре 2021 "
               "года.", date(2021, 11, 30), []),
    ]


def test_impossible_date_names_the_line():
    text = "ПРИКАЗ\n\n01.02.2022 № 5\n\nПРИКАЗЫВАЮ:\n1. Провести семинар до 31 февраля 2022 года.\n"
    with pytest.raises(DocumentError) as exc:
        parse_text(text, source="bad.txt")
    assert str(exc.value) == "bad.txt, строка 6: невозможная дата «до 31 февраля 2022 года»"


def test_impossible_document_date_is_an_error():
    with pytest.raises(DocumentError, match=r"^bad\.txt, строка 3: невозможная дата «31.02.2022»$"):
        parse_text("ПРИКАЗ\n\n31.02.2022 № 5\n\nПРИКАЗЫВАЮ:\n1. Провести.\n", source="bad.txt")


def test_no_decision_section():
    with pytest.raises(DocumentError) as exc:
        parse_text("ПРОТОКОЛ № 2\n\nПовестка дня:\n1. О разном.\n\nСЛУШАЛИ: Иванову.\n",
                   source="p2.txt")
    assert str(exc.value).startswith("p2.txt: не найден раздел решений (РЕШИЛИ/ПОСТАНОВИЛИ")


def test_decision_section_without_items_warns():
    doc = parse_text("ПРОТОКОЛ № 2\n\nРЕШИЛИ:\n\nПредседатель: Иванова И.И.\n")
    assert doc.items == []
    assert "the decision section has no items" in doc.warnings


@pytest.mark.parametrize("marker", [
    "РЕШИЛИ:", "Решили:", "ПОСТАНОВИЛИ:", "ПРИКАЗЫВАЮ:", "коллегия РЕШАЕТ:", "постановляю:",
    "П О С Т А Н О В Л Я Ю:", "Совет решил:", "ОБЯЗЫВАЮ:",
])
def test_decision_markers(marker):
    doc = parse_text(f"Документ\n\nот 01.03.2022\n\n{marker}\n1. Провести совещание до 10 марта.\n")
    assert [(i.label, i.due) for i in doc.items] == [("1", date(2022, 3, 10))]


@pytest.mark.parametrize("bullet", ["- ", "• ", "– ", "— ", "•"])
def test_bullets_and_continuations(bullet):
    text = (f"ПРОТОКОЛ\n\n01.03.2022\n\nРЕШИЛИ:\n{bullet}Провести совещание с руководителями\n"
            "муниципальных методических служб до 10 марта;\n"
            f"{bullet}Подготовить отчёт до 20 марта.\n")
    items = parse_text(text).items
    assert [(i.label, i.text, i.due) for i in items] == [
        (None, "Провести совещание с руководителями муниципальных методических служб до 10 "
               "марта;", date(2022, 3, 10)),
        (None, "Подготовить отчёт до 20 марта.", date(2022, 3, 20)),
    ]


def test_labels_are_kept_as_written():
    text = ("ПРОТОКОЛ\n\n01.03.2022\n\nРЕШИЛИ:\n1.Провести совещание.\n1.1.Разработать план.\n"
            "1.2 Утвердить состав рабочей группы до 1 апреля.\n2) Принять к сведению.\n"
            "а) провести опрос.\n")
    items = parse_text(text).items
    assert [(i.label, i.parent_label, i.actionable) for i in items] == [
        ("1", None, True), ("1.1", "1", True), ("1.2", "1", True), ("2", None, False),
        ("а", "2", True),
    ]


def test_level_headings_in_a_protocol():
    text = ("ПРОТОКОЛ\n\n01.03.2022\n\nРЕШИЛИ:\n"
            "На уровне образовательных организаций:\n- провести классные часы до 1 апреля.\n"
            "На муниципальном уровне:\n- обобщить опыт до 1 мая.\n")
    items = parse_text(text).items
    assert [(i.level, i.due) for i in items] == [
        (Level.SCHOOL, date(2022, 4, 1)), (Level.MUNICIPAL, date(2022, 5, 1))]


def test_parent_deadline_passes_to_sub_items():
    text = ("ПРИКАЗ\n\n01.03.2022 № 9\n\nПРИКАЗЫВАЮ:\n"
            "1. В срок до 1 сентября 2022 года обеспечить:\n1.1. ремонт спортивных залов;\n"
            "1.2. закупку оборудования до 1 июля 2022 года.\n")
    items = parse_text(text).items
    assert [(i.label, i.actionable, i.due) for i in items] == [
        ("1", False, date(2022, 9, 1)), ("1.1", True, date(2022, 9, 1)),
        ("1.2", True, date(2022, 7, 1)),
    ]


ROADMAP_TEXT = """\
Приложение
к приказу министерства от 20.08.2021 № 700

ДОРОЖНАЯ КАРТА
мероприятий по развитию профессиональной ориентации обучающихся на 2021-2022 учебный год

№ п/п | Наименование мероприятия | Срок начала | Срок окончания | Ответственные | Ожидаемый результат
1 | 2 | 3 | 4 | 5 | 6
Региональный уровень
1. | Разработать региональную модель профориентации | 01.07.2021 | 20.08.2021 | Министерство образования; РИПК и ППРО | Модель утверждена
2. | Провести обучающие семинары для ответственных за профориентацию |  | до 1 октября 2021 г. | РИПК и ППРО | Семинары проведены
Муниципальный уровень
3. | Организовать работу районных методических объединений | сентябрь 2021 | ежемесячно | Органы местного самоуправления, осуществляющие управление в сфере образования | Протоколы заседаний
4. | Утвердить муниципальные планы-графики |  | 15.09.2021 | МОУО | Планы утверждены
"""  # noqa: E501 - a table row is one line


def test_roadmap_table_in_text_form():
    doc = parse_text(ROADMAP_TEXT)
    assert (doc.kind, doc.number, doc.date) == (DocumentKind.ROADMAP, "700", date(2021, 8, 20))
    assert doc.title.endswith("на 2021-2022 учебный год")
    got = [(i.label, i.level, i.actionable, i.start, i.due, i.recurrence, i.owners)
           for i in doc.items]
    assert got == [
        ("1", Level.REGIONAL, True, date(2021, 7, 1), date(2021, 8, 20), None,
         ["Министерство образования", "РИПК и ППРО"]),
        ("2", Level.REGIONAL, True, None, date(2021, 10, 1), None, ["РИПК и ППРО"]),
        ("3", Level.MUNICIPAL, True, date(2021, 9, 1), date(2022, 8, 31), Recurrence.MONTHLY,
         ["Органы местного самоуправления, осуществляющие управление в сфере образования"]),
        ("4", Level.MUNICIPAL, True, None, date(2021, 9, 15), None, ["МОУО"]),
    ]
    assert doc.items[0].text == "Разработать региональную модель профориентации"
    assert doc.items[0].line == 10


def test_table_columns_in_any_order_and_tab_separated():
    text = ("План мероприятий на 2022 год\n\n"
            "Ответственный (исполнитель)\tСрок (исполнения)\tМероприятие\t№\n"
            "Отдел образования\tII квартал 2022 г.\tПровести августовское совещание\t1\n"
            "Руководители ОО\tежеквартально\tОбновить стенды по профориентации\t2\n")
    doc = parse_text(text)
    assert doc.kind is DocumentKind.PLAN
    assert [(i.label, i.text, i.due, i.recurrence, i.owners, i.level) for i in doc.items] == [
        ("1", "Провести августовское совещание", date(2022, 6, 30), None,
         ["Отдел образования"], Level.MUNICIPAL),
        ("2", "Обновить стенды по профориентации", date(2022, 12, 31), Recurrence.QUARTERLY,
         ["Руководители ОО"], Level.SCHOOL),
    ]


def test_markdown_table_with_a_two_row_header():
    text = ("ПЛАН\n\n| № | Мероприятие | Сроки | Сроки | Ответственные |\n"
            "|  |  | начало | окончание |  |\n|---|---|---|---|---|\n"
            "| 1 | Провести семинар | 01.03.2022 | 15.03.2022 | РИПК |\n")
    item = parse_text(text).items[0]
    assert (item.label, item.start, item.due, item.owners) == (
        "1", date(2022, 3, 1), date(2022, 3, 15), ["РИПК"])


_PIECES = [
    "ПРОТОКОЛ № 1", "ПРИКАЗЫВАЮ:", "РЕШИЛИ:", "1.", "1.1.", "3.5 ", "- ", "• ", "а) ", ":",
    "на региональном уровне:", "Руководителям ОО:", "Провести семинар", " до 10 марта",
    " (до 31 февраля)", " и ", "; ", "Ответственный: Иванова И.И.", "Отв.: ", "Срок: ",
    "на 2021-2022 учебный год", "ежемесячно", "от 15.06.2021 № 556", " | ", "\t",
    "№ п/п | Мероприятие | Срок | Ответственный", "Региональный уровень", "\n", "\n\n",
    "Председатель", "СЛУШАЛИ:", "О ходе", "15.06.2021", "41.13.2021", "«", "»", "(", ")",
]


@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=8), max_size=40))
@settings(max_examples=300, deadline=None)
def test_parser_never_crashes(pieces):
    """Any text either parses or raises a one-line DocumentError."""
    try:
        doc = parse_text("".join(pieces), source="fuzz.txt")
    except DocumentError as exc:
        assert str(exc).startswith("fuzz.txt") and "\n" not in str(exc)
    else:
        assert all(item.line >= 1 for item in doc.items)


def test_addressee_parent_without_colon_and_field_after_blank_line():
    text = ("ПРИКАЗ\n\n01.03.2022 № 9\n\nПРИКАЗЫВАЮ:\n\n"
            "1. Отделу образования Администрации района\n"
            "1.1. Провести семинар для заместителей директоров до 10 марта.\n\n"
            "Ответственный: Сидорова А.А.\n\n"
            "1.2. Подготовить аналитическую справку до 20 марта.\n")
    items = parse_text(text).items
    assert [(i.label, i.actionable, i.owners, i.level) for i in items] == [
        ("1", False, ["Отделу образования Администрации района"], Level.MUNICIPAL),
        ("1.1", True, ["Сидорова А.А."], Level.MUNICIPAL),
        ("1.2", True, ["Отделу образования Администрации района"], Level.MUNICIPAL),
    ]
    assert items[1].text == "Провести семинар для заместителей директоров до 10 марта."
