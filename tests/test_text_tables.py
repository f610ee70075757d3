"""Tables as they arrive in text (issue 11.2): every flattened shape gives the same rows."""

from __future__ import annotations

from datetime import date

import pytest

from roadmaps.class_rows import class_rows
from roadmaps.parser import parse_text
from roadmaps.tables import role
from roadmaps.text_tables import rebuild

D = date
HEAD = "ДОРОЖНАЯ КАРТА\nот 13.11.2015 № 5976\n\n"
WANT = [("1", "Провести анализ результатов ГИА", D(2015, 8, 31), ["Байрачный Н.Е."]),
        ("2", "Подготовить аналитические отчёты предметных комиссий", D(2015, 9, 30),
         ["Гардымова Р.А."])]

ONE_CELL_A_LINE = """\
N |
Мероприятие |
Сроки |
Ответственные лица |
I. Анализ работы по подготовке к ГИА | |||
1. |
Провести анализ результатов ГИА |
июль - август 2015 |
Байрачный Н.Е. |
2. |
Подготовить аналитические отчёты
предметных комиссий |
сентябрь 2015 |
Гардымова Р.А. |
"""

LONE_BARS = """\
№
|
Мероприятие
|
Срок
исполнения
|
Ответствен-
ные
|
1
|
Провести анализ результатов ГИА
|
июль - август 2015
|
Байрачный Н.Е.
|
2
|
Подготовить аналитические отчёты предметных комиссий
|
сентябрь 2015
|
Гардымова Р.А.
|
"""

NO_NUMBER_COLUMN = """\
Мероприятие | Срок | Ответственный
1 | Провести анализ результатов ГИА | июль - август 2015 | Байрачный Н.Е.
2 | Подготовить аналитические отчёты предметных комиссий | сентябрь 2015 | Гардымова Р.А.
"""

TABS = ("№\tМероприятие\tСрок\tОтветственный\n"
        "1\tПровести анализ результатов ГИА\tиюль - август 2015\tБайрачный Н.Е.\n"
        "2\tПодготовить аналитические отчёты предметных комиссий\tсентябрь 2015\t"
        "Гардымова Р.А.\n")

SPACES = """\
№    Мероприятие                          Срок                 Ответственный
1    Провести анализ результатов ГИА      июль - август 2015   Байрачный Н.Е.
2    Подготовить аналитические отчёты     сентябрь 2015        Гардымова Р.А.
     предметных комиссий
"""


@pytest.mark.parametrize("table", [ONE_CELL_A_LINE, LONE_BARS, NO_NUMBER_COLUMN, TABS, SPACES],
                         ids=["one-cell-a-line", "lone-bars", "no-number-column", "tabs",
                              "spaces"])
def test_flattened_tables(table):
    doc = parse_text(HEAD + table, source="t.txt")
    assert doc.reading == "table"
    assert [(i.label, i.text, i.due, i.owners) for i in doc.items] == WANT
    assert all(i.due_source == "cell" for i in doc.items)


def test_rebuilt_rows_keep_their_original_lines():
    doc = parse_text(HEAD + ONE_CELL_A_LINE, source="t.txt")
    assert [i.line for i in doc.items] == [9, 13]  # the lines of "1. |" and "2. |"


def test_several_date_columns_are_several_deadlines():
    text = HEAD + ("№ | Мероприятие | Срок I этапа | Срок II этапа | Ответственный\n"
                   "1 | Провести олимпиаду | 15.10.2015 | 20.11.2015 | Отдел образования\n")
    doc = parse_text(text, source="t.txt")
    assert [(i.label, i.due) for i in doc.items] == [("1", D(2015, 10, 15)),
                                                    ("1", D(2015, 11, 20))]
    assert {i.text for i in doc.items} == {"Провести олимпиаду"}


def test_section_rows_spanning_the_table_set_the_level():
    text = HEAD + ("№ | Мероприятие | Срок | Ответственный\n"
                   "Муниципальный уровень | | |\n"
                   "1 | Провести совещание | сентябрь 2015 | Отдел образования\n")
    doc = parse_text(text, source="t.txt")
    assert [(i.label, str(i.level), i.due) for i in doc.items] == [
        ("1", "municipal", D(2015, 9, 30))]


# The header and a row of a real control-events table (Voronezh region, "Доступная среда",
# table 11.1): a planned date, the actual dates, a comment. Only the planned date is due.
CONTROL_EVENTS = HEAD + (
    "Статус | Наименование государственной программы, подпрограммы, основного мероприятия, "
    "мероприятия | Исполнитель | Планируемая дата наступления контрольного события | "
    "Фактическая дата наступления контрольного события | Контрольное событие не наступило | "
    "Комментарии (причины нарушения сроков наступления контрольного события либо "
    "ненаступления контрольного события)\n"
    "Контрольное событие 1.4.1. | Проведен творческий фестиваль «Радуга жизни» | Департамент "
    "социальной защиты Воронежской области | 30.09.2020 | 25.12.2020 |  | Проведение "
    "фестиваля было перенесено на 4 квартал 2020 года.\n")


@pytest.mark.parametrize("fact", [
    "Фактическая дата наступления контрольного события", "Фактический срок", "Дата исполнения",
    "Отметка о выполнении", "Примечание", "Статус", "Информация о ходе выполнения"])
def test_a_column_of_what_happened_is_never_a_deadline(fact):
    text = HEAD + (f"№ | Мероприятие | Планируемый срок | {fact} | Ответственный\n"
                   "1 | Провести олимпиаду | 15.10.2015 | 20.10.2015 | Отдел образования\n")
    doc = parse_text(text, source="t.txt")
    assert [(i.label, i.due) for i in doc.items] == [("1", D(2015, 10, 15))]


def test_the_planned_date_of_a_control_event_is_its_deadline():
    doc = parse_text(CONTROL_EVENTS, source="t.txt")
    assert [i.due for i in doc.items if i.actionable] == [D(2020, 9, 30)]


def test_a_date_of_execution_alone_is_the_planned_day():
    text = HEAD + ("№ | Мероприятие | Дата исполнения | Ответственный\n"
                   "1 | Провести олимпиаду | 15.10.2015 | Отдел образования\n")
    assert [i.due for i in parse_text(text, source="t.txt").items] == [D(2015, 10, 15)]


# An appendix to a resolution of the Administration of Tynda (09.01.2018 N 6), flattened one
# cell a line: the top header, "||||||", the cells under "Срок реализации" and "по годам",
# the row numbering the 14 columns, then the programme's row.
TWO_LEVEL = "\n".join([
    "Приложение N 1", "к постановлению Администрации города Тынды", "от 09.01.2018 N 6",
    "Система основных мероприятий и плановых показателей реализации муниципальной программы",
    "N |", "Наименование программы, подпрограммы*, основного мероприятия |",
    "Срок реализации |",
    "Координатор программы, координатор подпрограммы, участники муниципальной программы |",
    "Наименование показателя, единица измерения |", "Базисный год |",
    "Значение планового показателя по годам реализации |",
    "Отношение последнего года к базисному году, % |", "||||||",
    "начало |", "завершение |", *[f"{y} год |" for y in range(2015, 2021)], "||||||",
    *[f"{n} |" for n in range(1, 15)], "|",
    'Муниципальная программа "Развитие образования в городе Тынде на 2015 - 2020 годы" |',
    "2015 |", "2020 |", "Управление образования |",
    "Удельный вес численности населения в возрасте 7 - 18 лет, охваченного образованием, % |",
    *["100 |"] * 7, "1,0 |", ""])


def test_a_two_level_header_gives_each_sub_column_its_own_cell():
    doc = parse_text(TWO_LEVEL, source="tynda.txt")
    assert [(i.due, i.start, i.due_source) for i in doc.items] == [
        (D(2020, 12, 31), D(2015, 1, 1), "cell")]
    assert doc.items[0].text.startswith("Муниципальная программа")


# A network schedule printed by a legal portal in pseudo-graphics (corpus 094, Krasnodar,
# appendix N 4 to the resolution of 09.04.2008 N 805): a two-line header, the row numbering
# the columns, a section row spanning the table, a row wrapped over drawn lines with a
# hyphenated word, "Плановое начало" / "Плановое окончание" columns.
DRAWN = """\
Приложение N 4
к постановлению главы муниципального
образования город Краснодар
от 9 апреля 2008 г. N 805
Сетевой график реализации приоритетного национального проекта "Образование"
/------------------------------------------------------------------------------------\\
| N | Наименование мероприятия | Контрольный | Ответственный | Плановое | Плановое |
| п/п | | показатель | исполнитель | начало | окончание |
|-----+-----------------------------+-------------------+------------+------------|
| 1 | 2 | 3 | 4 | 5 | 6 |
|-----+------------------------------------------------------------------------------|
| 1 | Приоритет: Реализация регионального комплексного проекта модернизации образования |
|-----+------------------------------------------------------------------------------|
| 1.1 | Заключение соглашения о вза-|Соглашение о взаи-|Управление образова-\
| 20.03.2008 | 30.12.2008 |
| | имодействии по реализации|модействии по реа-|ния администрации| | |
"""


@pytest.mark.parametrize("bar", ["|", "│", "¦"])
def test_a_table_drawn_in_pseudo_graphics(bar):
    doc = parse_text(DRAWN.replace("|", bar), source="graph.txt")
    assert doc.date == D(2008, 4, 9)
    tasks = [(i.label, i.text, i.due, i.start) for i in doc.items if i.actionable]
    assert tasks == [("1.1", "Заключение соглашения о взаимодействии по реализации",
                      D(2008, 12, 30), D(2008, 3, 20))]


# A district contest commission's plan from a web page (corpus 095, Oblivsky district,
# 2011): the header on one line, the rows broken into pieces ("| 1. |", the action ending in
# " |", then "С 5 по по 25 марта 2011г. | Отдел ... | |"), a trailing empty column.
PIECES = """\
План работы муниципальной конкурсной комиссии
|
Наименование мероприятий | Сроки проведения | Ответственный | |
| 1. |
Создание и утверждение нормативно-правовых актов по проведению муниципального этапа \
конкурса |
С 5 по по 25 марта 2011г. | Отдел образования Администрации Обливского района | |
| 2. | Информирование общественности об условиях проведения конкурса в 2010 г. | До 28 \
марта 2011 г. | Отдел образования Администрации Обливского района | |
| 3. | Прием и регистрация конкурсной документации | С 28 марта 2011 г. | Муниципальная \
конкурсная комиссия | |
| 4. |
Проведение публичной презентации результатов педагогической деятельности |
31 марта 2011 г. | Отдел образования, муниципальная конкурсная комиссия | |
"""


def test_a_one_line_header_over_rows_broken_into_pieces():
    doc = parse_text(PIECES, source="plan.txt")
    assert [(i.label, i.due) for i in doc.items] == [
        ("1", D(2011, 3, 25)), ("2", D(2011, 3, 28)), ("3", None), ("4", D(2011, 3, 31))]
    assert doc.items[0].owners == ["Отдел образования Администрации Обливского района"]


# A school's work plan (corpus 145, МОБУ СОШ с. Целинный, 2015/2016), the May table as the
# Word reader renders it: the parts of the month are numbered "1", "II", "III"; the first
# part's agenda names a past school year ("Итоги 2013-2014 учебного года").
SCHOOL_MAY = """\
ПЛАН РАБОТЫ
на 2015/2016 учебный год
ПЛАН  РАБОТЫ МОБУ СОШ с.АМАНГИЛЬДИНО
НА  МАЙ  МЕСЯЦ    20015/2016 УЧЕБНЫЙ ГОД
№ | Содержание работы | Дата | Ответственные
1 | Педсовет: 1.Об окончании учебного года обучающихся 1,2-8,10классов. 2.Итоги 2013-2014 \
учебного года. | 30. 05 | Директор, ЗУВР
II | Внутришкольный контроль 1. Проверка анализов работы ШМО | 25.05-28.05 | ЗУВР
III | Диагностика ЗУН 1. Проверка ЗУН уч-ся 1 класса | 10.05-14.05 | Рук. ШМО,ЗУВР
"""


def test_a_row_numbered_in_roman_is_no_sub_row_of_the_row_above():
    doc = parse_text(SCHOOL_MAY, source="145.docx")
    assert [(i.label, i.parent_label, i.due) for i in doc.items] == [
        ("1", None, D(2016, 5, 30)), ("II", None, D(2016, 5, 28)), ("III", None, D(2016, 5, 14))]


# The September table of the same plan: the pedagogical council meets on 30 August, the last
# days of the summer before the school year "2015/2016" starts.
SCHOOL_SEPTEMBER = """\
ПЛАН РАБОТЫ
на 2015/2016 учебный год
№ пп | Содержание работы | дата | Ответственные Лица
I | Педсовет.”Анализ работы школы за прошлый год и задачи на новый уч.год” 1. Подготовка \
документации по тарификации 2. Составление отчета школы по форме ОШ-1. | 30.08 Август- \
сентябрь | Директор ЗУВР
"""


def test_august_is_the_first_year_of_a_school_year_also_for_a_day():
    doc = parse_text(SCHOOL_SEPTEMBER, source="145.docx")
    assert [i.due for i in doc.items] == [D(2015, 8, 30), D(2015, 9, 30)]


# The March table of the same plan: one date cell per numbered check, each a range whose
# first day ends in a dot ("02.03.-05.03"); the range's end is the deadline.
SCHOOL_MARCH = """\
ПЛАН РАБОТЫ
на 2015/2016 учебный год
№ пп | Содержание работы | дата | Ответственные лица
III | Внутришкольный контроль 1. Проверка выполнения планов воспитательной работы кл. рук. \
2. Занятость учащихся 1-11 классов в работе кружков, спортивных секций. | 02.03.-05.03 \
07.03 -12.03 | ЗВР ЗУВР
"""


def test_a_range_whose_first_day_ends_in_a_dot_is_one_deadline():
    doc = parse_text(SCHOOL_MARCH, source="145.docx")
    assert [(i.start, i.due) for i in doc.items] == [(D(2016, 3, 2), D(2016, 3, 5)),
                                                     (D(2016, 3, 7), D(2016, 3, 12))]


# A regional plan for the 2014 state final exams (corpus 182, a garant appendix page): cells
# between lone "|" lines, a section heading "I. ..." right under the header.
SECTION_UNDER_HEADER = """\
N п/п
|
Направления деятельности
|
Сроки
|
Ответственные лица
|
I. Нормативно-правовое и методическое сопровождение ГИА
|
1
|
Приведение региональной базы нормативно-правовых документов в соответствие с требованиями
|
в течение всего периода
|
Б.С. Муртазов
|
2
|
Подготовка материалов по проведению информационно-разъяснительной работы с участниками ГИА-11
|
январь-февраль 2014
|
Б.С. Муртазов
|
II. Организационное сопровождение ГИА-11
|
1
|
Подготовка распорядительных документов по подготовке и проведению ГИА-11
|
январь-май 2014
|
Б.С. Муртазов
|
"""

# A school's plan of a patriotic month (corpus 223): one cell a line ending in " |", section
# rows followed by "|||"; row 1 lost its date cell in the copy (its action has a list in it).
SHORT_ROW_BEFORE_A_SECTION = """\
Приложение 1
к приказу от 24.02.2023 г №21
№ п/п |
Мероприятие |
Дата проведения |
Ответственный |
I. Организационные мероприятия |
|||
1 |
Подготовка и размещение в средствах массовой информации информационных материалов: - о \
земляках, проявивших мужество и героизм в годы Великой Отечественной войны,
в ходе проведения месячника |
Черкасов М.Н. ст. вожатый |
II. Выставки, конкурсы, акции |
|||
2 |
Книжные выставки и обзор книг в школьных библиотеках по теме «России верные сыны» |
23.01-23.02.2023 |
Педагог-библиотекарь |
3 |
Фотовыставка «Мой папа в армии служил» |
15.02.2023-23.02.2023 г |
Старший вожатый |
"""


def test_a_section_heading_under_the_header_is_no_header_cell():
    doc = parse_text(SECTION_UNDER_HEADER, source="182.txt")
    assert [(i.label, i.due) for i in doc.items] == [
        ("1", None), ("2", D(2014, 2, 28)), ("1", D(2014, 5, 31))]
    assert doc.items[1].owners == ["Б.С. Муртазов"]


def test_a_short_row_ends_at_the_next_section_heading():
    doc = parse_text(SHORT_ROW_BEFORE_A_SECTION, source="223.txt")
    assert [(i.label, i.due) for i in doc.items] == [
        ("1", None), ("2", D(2023, 2, 23)), ("3", D(2023, 2, 23))]
    assert doc.items[2].text == "Фотовыставка «Мой папа в армии служил»"


# A city's schedule of the municipal olympiad stage (corpus 196, a news page): a subject
# column, not an action one, beside the date column; cells between lone "|" lines.
SUBJECT_SCHEDULE = """\
Сроки проведения муниципального этапа всероссийской олимпиады школьников в \
общеобразовательных учреждениях, подведомственных УпрО, в 2020/2021 учебном году
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
3
|
Основы безопасности жизнедеятельности
|
9, 10 ноября
|
"""


def test_a_subject_column_beside_a_date_column_is_a_schedule():
    doc = parse_text(SUBJECT_SCHEDULE, source="196.txt")
    assert [(i.label, i.text, i.due) for i in doc.items] == [
        ("1", "Экономика", D(2020, 11, 5)),
        ("3", "Основы безопасности жизнедеятельности", D(2020, 11, 10))]


# A school page reproducing the 2023 ОГЭ timetable (corpus 212): no header, each row a day
# and the subjects examined on it, one cell a line ending in " |".
DAYS_AND_SUBJECTS = """\
Утверждённое расписание ОГЭ на 2023 год.
Приказ Министерства просвещения Российской Федерации, Федеральной службы по надзору в \
сфере образования и науки от 16.11.2022 № 990/1144
Основной период
24 мая (среда) |
история, физика, биология |
30 мая (вторник) |
обществознание, информатика и информационно- коммуникационные технологии (ИКТ), \
география, химия |
2 июня (пятница) |
иностранные языки (английский, французский, немецкий, испанский) |
6 июня (вторник) |
русский язык |
"""
RESERVE_DAYS = """\
Резервные дни
26 июня (понедельник) — русский язык;
27 июня (вторник) — по все"""


def test_a_headerless_table_of_days_and_what_happens_on_them():
    doc = parse_text(DAYS_AND_SUBJECTS, source="212.txt")
    assert [(i.text, i.due, i.line) for i in doc.items] == [
        ("история, физика, биология", D(2023, 5, 24), 4),
        ("обществознание, информатика и информационно- коммуникационные технологии (ИКТ), "
         "география, химия", D(2023, 5, 30), 6),
        ("иностранные языки (английский, французский, немецкий, испанский)", D(2023, 6, 2), 8),
        ("русский язык", D(2023, 6, 6), 10)]


def test_two_days_and_their_subjects_are_no_table():
    lines = DAYS_AND_SUBJECTS.rsplit("2 июня", 1)[0].split("\n")
    assert rebuild(lines, role) is None



# The header of the olympiad schedule below (corpus 195), as the copy gives it.
_ROW_BARS_HEADER = [
    '| ',
    ' № п/п ',
    ' | ',
    ' Дата проведения ',
    ' | ',
    ' Наименование предмета ',
    ' | ',
    ' Класс ',
    ' | ',
    ' Место проведения ',
    ' | ',
    ' Программа/ ',
    'требования ',
    ' | ',
    ' Состав участников ',
    ' | ',
    ' Протоколы ',
    'предварительные/итоговые ',
    ' | ',
    ' Сроки издания итогового протокола по предмету муниципального этапа олимпиады и '
    'направления результатов на портал ',
    '(не позднее указанной даты) ',
    ' | ',
]


# A city's olympiad schedule (corpus 195, Stavropol 2022): an HTML table flattened with a bar
# at the margin opening each row and " |" closing each cell; a row's number stands on its
# opening line ("|  1 | "); the class sub-rows of a merged cell hold two cells each.
ROW_BARS = "\n".join([
    *_ROW_BARS_HEADER,
    '|  1 | ',
    ' 16.11.2022 г. ',
    'среда ',
    ' | ',
    ' Английский язык ',
    ' | ',
    ' 7-11 ',
    ' | ',
    ' МБОУ СОШ №1  ',
    'г. Ставрополя ',
    ' | ',
    ' Программа/ ',
    'требования ',
    ' | ',
    ' 7 ',
    ' | ',
    ' 7 / 7 ',
    ' | ',
    ' 21.11.2022 ',
    'протоколы апелляционной комиссии ',
    ' | ',
    '| ',
    ' 8 ',
    ' | ',
    ' 8 / 8 ',
    ' | ',
    '| ',
    ' 9 ',
    ' | ',
    ' 9 / 9 ',
    ' | ',
    '|  2 | ',
    ' 17.11.2022 г. ',
    'четверг ',
    ' | ',
    ' История ',
    ' | ',
    ' 7-11 ',
    ' | ',
    ' МБОУ гимназия №12  ',
    'им. Белоконя В.Э.  ',
    'г. Ставрополя ',
    ' | ',
    ' Программа/ ',
    'требования ',
    ' | ',
    ' 7 ',
    ' | ',
    ' 7 / 7 ',
    ' | ',
    ' 23.11.2022 ',
    '  ',
    ' | ',
])


def test_a_bar_at_the_margin_opens_each_row():
    doc = parse_text(ROW_BARS, source="195.txt")
    assert [(i.label, i.text, i.due) for i in doc.items] == [
        ("1", "Английский язык", D(2022, 11, 16)), ("1", "Английский язык", D(2022, 11, 21)),
        ("2", "История", D(2022, 11, 17)), ("2", "История", D(2022, 11, 23))]
    assert doc.items[0].line == 23  # the row's opening bar



# A city's plan of measures (corpus 184, Cheboksary 2012): the table flattened one line a row,
# its header a line of column heads; each row's term stands between the action and the
# responsible, a bare date in row 3.
FLAT_ROWS = """\
Приложение к Распоряжению от 30.03.2012 г № 1147-Р План

План мероприятий по проведению месячника по продаже сельскохозяйственной продукции «Весна \
— 2012»


N п/п Мероприятия Сроки исполнения Ответственные
1. Организация взаимодействия с Министерством сельского хозяйства Чувашской Республики в \
части привлечения производителей сельскохозяйственной продукции к участию в месячнике по \
продаже сельскохозяйственной продукции "Весна - 2012" (далее - месячник "Весна - 2012") \
до 5 апреля 2012 г. Администрации Калининского, Ленинского, Московского районов города \
Чебоксары, управление по развитию потребительского рынка и предпринимательства \
администрации города Чебоксары
2. Изготовление и размещение 3-х растяжек с информацией о проведении месячника "Весна \
2012" к 5 апреля 2012 г. Управление архитектуры и градостроительства администрации города \
Чебоксары
3. Организация концертной программы при открытии месячника "Весна - 2012" в местах на \
территории города согласно приложению 2 к настоящему распоряжению 21 апреля 2012 г. \
Управление культуры администрации города Чебоксары
4. Предоставление торговых мест без в"""

# A school's plan-graph of external assessments (corpus 208, a PDF copied as one line): the
# title, the column heads and every row run together; each dated phrase closes a row.
FLAT_LINE = (
    'Муниципальное бюджетное общеобразовательное учреждение «Тальская средняя общеобразовательн'
    'ая школа» 663653, Красноярский край, Ирбейский район, с.Талое, ул.Лесная, 21 Тел.(39174) 3'
    '4-2-22, E-mail: taloesoch@yandex.ru Приложение к приказу № 02-04-1от 05.01.2023 План-графи'
    'к проведения внешних процедур в МБОУ Тальская СОШ 2022 – 2023 учебном году Оценочная Класс'
    ' Предмет Планируемая дата проведения процедура диагностирования оценочной процедуры Итогов'
    'ое сочинение (изложение) Итоговое собеседование Краевая диагностическая работа Всероссийск'
    'ие проверочные работы (ВПР) Всероссийские проверочные работы (ВПР) 11 Русский язык/Литерат'
    'ура 7 Декабря 2022 9 Русский язык/Литература 9 Февраля 2023 8 Физика/математика 26 января '
    '2023 10(11) География 1-24 марта 2023 По решению ОО 11 История 1-24 марта 2023 По решению '
    'ОО')


def test_a_table_flattened_one_line_a_row_under_its_header_line():
    doc = parse_text(FLAT_ROWS, source="184.txt")
    assert [(i.label, i.due) for i in doc.items if i.actionable and i.due] == [
        ("1", D(2012, 4, 5)), ("2", D(2012, 4, 5)), ("3", D(2012, 4, 21))]
    assert doc.items[2].owners == ["Управление культуры администрации города Чебоксары"]


def test_a_table_flattened_into_one_line_after_its_header():
    doc = parse_text(FLAT_LINE, source="208.txt")
    assert [i.due for i in doc.items if i.actionable] == [
        D(2022, 12, 7), D(2023, 2, 9), D(2023, 1, 26), D(2023, 3, 24), D(2023, 3, 24)]


def test_an_order_naming_measures_and_terms_is_no_flattened_table():
    text = ("ПРИКАЗ\nот 10.01.2023 № 5\nПровести мероприятия месячника в сроки:\n"
            "1. Открытие месячника 1 февраля 2023 г.\n2. Конкурс чтецов 10 февраля 2023 г.\n"
            "3. Смотр строя и песни 20 февраля 2023 г.\n")
    assert rebuild(text.split("\n"), role) is None


# The title of a school's calendar plan (corpus 214, Feodosia): no date, no number; the
# school year in the title places the plan's yearless dates.
def test_the_school_year_in_a_plans_title_places_its_yearless_dates():
    text = ("Календарный план воспитательной работы\n"
            "МБОУ «Специализированная школа №2 им.Д.И.Ульянова с углубленным\n"
            "на 2023-2024 учебный год на уровень основного общего образования\n"
            "Мероприятие | Классы | Дата\n"
            "Всероссийский открытый урок «ОБЖ» | 5-9 | 01.09\n"
            "Открытые уроки по математике | 5-9 | 15.02\n")
    doc = parse_text(text, source="214.txt")
    assert [i.due for i in doc.items] == [D(2023, 9, 1), D(2024, 2, 15)]



# The calendar plan of upbringing work of a Feodosia school (corpus 214), its PDF copied as
# text: one cell a line, an event's name wrapped around its classes and date cells.
CLASS_ROWS = "\n".join([
    'Календарный план воспитательной работы ФОП 5-9 классы 2023-2024',
    '',
    'Приложение 2',
    '',
    'Календарный план воспитательной работы',
    'МБОУ «Специализированная школа №2 им.Д.И.Ульянова с углубленным',
    'изучением английского языка г.Феодосии Республики Крым»',
    'на 2023-2024 учебный год на уровень основного общего образования',
    '',
    'Дела, события, мероприятия',
    '',
    'Классы',
    '',
    'Ориентировочное время',
    'проведения',
    'Модуль «Урочная деятельность»',
    '(согласно индивидуальным планам работы учителей-предметников)',
    'Оформление стендов (предметно-эстетическая среда, наглядная',
    '5-9',
    'сентябрь, в',
    'агитация школьных стендов предметной направленности)',
    'течение года',
    'Интерактивные формы учебной деятельности',
    '5-9',
    'В течение учебного года',
    'Содержание уроков (по плану учителя)',
    '5-9',
    'В течение учебного года',
    'Всероссийский открытый урок «ОБЖ» (урок подготовки детей к',
    '5-9',
    '01.09',
    'действиям в условиях различного рода чрезвычайных ситуаций)',
    'Международный день распространения грамотности',
    '5-9',
    '08.09',
    '(информационная минутка на уроке русского языка)',
    'Всероссийский открытый урок «ОБЖ» (приуроченный ко Дню',
    '5-9',
    '04.10',
    'гражданской обороны Российской Федерации)',
])


def test_a_calendar_plan_copied_one_cell_a_line_pairs_classes_and_dates():
    doc = parse_text(CLASS_ROWS, source="214.txt")
    dated = [(i.due, i.text) for i in doc.items if i.actionable and i.recurrence is None]
    assert [due for due, _text in dated] == [D(2023, 9, 1), D(2023, 9, 8), D(2023, 10, 4)]
    assert dated[0][1].startswith("Всероссийский открытый урок «ОБЖ»")


# The end of a regional roadmap copied from a legal portal (corpus 021, Krasnodar 2015): the
# copy stops inside row 3's term cell, after "август" of what may be "август - сентябрь".
CUT_IN_A_CELL = """\
от 13 ноября 2015 г. N 5976
N |
Направления деятельности |
Сроки |
Ответственные лица |
2. |
Подготовка аналитических отчетов предметных комиссий по форме, предоставляемой ФИПИ |
июль - август 2015 |
Р.А. Гардымова И.А. Никитина |
3. |
Подготовка и издание информационного сборника "Единый государственный экзамен в \
Краснодарском крае в 2015 году" |
август"""


def test_a_cell_the_copy_cuts_off_is_not_read():
    doc = parse_text(CUT_IN_A_CELL, source="021.txt")
    assert [(i.label, i.due) for i in doc.items] == [("2", D(2015, 8, 31)), ("3", None)]



# Rows 3 and 4 of the same schedule: ОБЖ and Chinese are written on the same day, so row 4's
# date and place cells are merged into row 3's and left out of the copy.
MERGED_DOWN = "\n".join([
    *_ROW_BARS_HEADER,
    ' | ',
    '|  3 | ',
    ' 18.11.2022 г. ',
    'пятница ',
    ' | ',
    ' ОБЖ ',
    ' | ',
    ' 7-11 ',
    ' | ',
    ' МБОУ кадетская школа ',
    '(2 отдельных входа) ',
    ' | ',
    ' Программа/ ',
    'требования ',
    ' | ',
    ' 7 ',
    ' | ',
    '   ',
    ' | ',
    ' 23.11.2022 ',
    ' | ',
    ' | ',
    '|  4 | ',
    ' Китайский язык ',
    ' | ',
    ' 7-11 ',
    ' | ',
    ' Программа/ ',
    'требования ',
    ' | ',
    ' 7 ',
    ' | ',
    '   ',
    ' | ',
    ' 23.11.2022 ',
])


def test_a_row_missing_its_merged_cells_keeps_its_cells_under_their_columns():
    doc = parse_text(MERGED_DOWN, source="195.txt")
    assert [(i.label, i.text, i.due) for i in doc.items] == [
        ("3", "ОБЖ", D(2022, 11, 18)), ("3", "ОБЖ", D(2022, 11, 23)),
        ("4", "Китайский язык", D(2022, 11, 23))]



# The calendar plan of a Podolsk school (corpus 215), its PDF copy scrambled further: after
# four rows the dates come torn from their classes ("10-13" / "октября", "12-15" /
# "декабря"). Rows of classes and dates would keep only four of its eleven dates: it is no
# such table (its dated lines read it).
SCRAMBLED_PLAN = [
    'КАЛЕНДАРНЫЙ ПЛАН ВОСПИТАТЕЛЬНОЙ',
    'РАБОТЫ НА 2023-2024 УЧЕБНЫЙ ГОД',
    'Дела',
    'Классы',
    'Дата',
    'Общешкольная линейка, посвященная',
    '5-9',
    '1 сентября',
    '«Первому звонку – 2023 года»',
    '5-9',
    '1 сентября',
    'Классный час «Россия,',
    'устремленная в будущее»',
    'Подъем Флага РФ и исполнение',
    'Каждый',
    '5-9',
    'Гимна РФ',
    'понедельн',
    'ик',
    '5-8',
    '3 сентября',
    'Акция, посвященная',
    'окончанию 2 мировой войны',
    '«Голубь мира»',
    'Сентябр',
    'Школьный этап сдачи норм ГТО',
    '5-9',
    'ьдекабр',
    'ь',
    'Школьные соревнования по футболу',
    '5-9',
    '2-4 октября',
    '5-9',
    '',
    '10-13',
    'октября',
    'Каждый',
    'понедельник',
    '5 октября',
    '',
    'Акция, посвященная «Всемирному',
    'дню ребенка»',
    'Предновогодний турнир по пионерболу',
    '',
    '5-9',
    '',
    '13-20 ноября',
    '',
    'Соц. педагог',
    '',
    '5-6',
    '',
    'Предновогодний турнир по волейболу',
    '',
    '7-8',
    '',
    'Новогодние Ёлки',
    '',
    '5-9',
    '',
    '12-15',
    'декабря',
    '19-22',
    'декабря',
    '27-29',
    'декабря',
    '',
    'Конкурс чтецо',
]


def test_a_plan_whose_dates_are_torn_from_their_classes_is_no_class_table():
    assert class_rows(SCRAMBLED_PLAN, SCRAMBLED_PLAN.index("Классы")) is None
    assert class_rows(CLASS_ROWS.split("\n"), CLASS_ROWS.split("\n").index("Классы"))


def test_the_days_schedule_goes_on_in_lines_of_a_day_and_what_happens_on_it():
    doc = parse_text(DAYS_AND_SUBJECTS + RESERVE_DAYS, source="212.txt")
    assert [(i.text, i.due) for i in doc.items][-2:] == [
        ("русский язык", D(2023, 6, 26)), ("по все", D(2023, 6, 27))]
