"""Document date and number wherever they stand, and decisions quoted from an earlier act
(issue 11.4)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlmodel import select

from roadmaps.parsed import localized
from roadmaps.parser import parse_file, parse_text
from tests.conftest import NOW
from tracker.core.enums import DocumentKind, EventKind
from tracker.core.models import Event, Task
from tracker.services.importing import import_document, preview

WORKING_GROUP = Path(__file__).resolve().parents[1] / "roadmaps" / "examples" / \
    "working_group_protocol.txt"

APPENDIX = """\
Приложение N 1
к постановлению администрации
муниципального района
от 5 марта 2018 г. N 211

ПЛАН-ГРАФИК
мероприятий по подготовке к ГИА

№ | Мероприятие | Срок | Ответственный
1 | Провести собрания с родителями | до 20 марта | Отдел образования
"""

SIGNATURE_CARD = """\
О проведении семинара

1. Отделу образования провести семинар для заместителей директоров до 15 апреля.
2. Руководителям ОО обеспечить участие педагогов.

Начальник управления                                      И.И. Петров

г. Азов
26 марта 2019 года
N 114
"""

WEB_PAGE = """\
Главная / Новости / Объявления
Дата публикации: 12.09.2022
Версия для печати

Уважаемые руководители!
Заявки на участие в конкурсе необходимо представить до 30 сентября.
"""


def test_appendix_header_split_over_lines():
    doc = parse_text(APPENDIX, source="a.txt")
    assert (doc.kind, doc.date, doc.number) == (DocumentKind.PLAN, date(2018, 3, 5), "211")
    assert [i.due for i in doc.items] == [date(2018, 3, 20)]


def test_signature_card_after_the_text():
    doc = parse_text(SIGNATURE_CARD, source="s.txt")
    assert (doc.date, doc.number) == (date(2019, 3, 26), "114")
    assert doc.items[0].due == date(2019, 4, 15)


def test_publication_date_line():
    doc = parse_text(WEB_PAGE, source="w.txt")
    assert doc.date == date(2022, 9, 12)
    assert [(i.due, i.due_source) for i in doc.items] == [(date(2022, 9, 30), "phrase")]


# A regional news post (corpus 204): its date and the time it went up, alone under the
# headline.
NEWS_POST = """\
Владимир Владимиров: Пришло время проверить готовность наших школ к приему учеников

5 августа 2025, 13:23

Поручил краевому Минобразования вместе с главами территорий организовать эту работу. Все \
образовательные учреждения должны пройти процедуру приемки до 15 августа.
"""


def test_news_post_date_with_its_time_of_day():
    doc = parse_text(NEWS_POST, source="n.txt")
    assert doc.date == date(2025, 8, 5)
    assert [i.due for i in doc.items if i.due] == [date(2025, 8, 15)]


def test_quoted_decisions_cite_their_act_and_warn_about_past_deadlines():
    doc = parse_file(WORKING_GROUP)
    assert doc.date == date(2022, 4, 11)
    quoted = [i for i in doc.items if i.cited_act]
    assert [i.line for i in quoted] == [i.line for i in doc.items if i.line > 51]  # all after it
    assert len(quoted) == 13
    assert {(i.cited_act, i.cited_date, i.cited_number) for i in quoted} == {
        ("приказ от 15.06.2021 № 556", date(2021, 6, 15), "556")}
    dated = [i for i in quoted if i.due]
    assert dated and all(
        f"срок {i.due:%d.%m.%Y} раньше даты документа 11.04.2022 (решение из: приказ от "
        f"15.06.2021 № 556)" in [localized(w, "ru") for w in i.warnings] for i in dated)
    # the decisions of the protocol itself cite nothing
    assert all(i.cited_act is None for i in doc.items if i.label in ("1", "2", "3", "4"))


def test_the_cited_act_is_kept_with_the_task(db, settings, region):
    parsed = parse_file(WORKING_GROUP)
    with db.transaction() as session:
        plan = preview(parsed, session=session, settings=settings)
        assert any("раньше даты документа" in localized(w, "ru")
                   for p in plan.items for w in p.warnings)
        import_document(parsed, session=session, settings=settings, now=NOW, planned=plan)
    with db.reading() as session:
        rows = session.exec(select(Task.text, Event.details).join(Event, Event.task_id == Task.id)
                            .where(Event.kind == EventKind.CREATED)).all()
    cited = {text: json.loads(details).get("source_act") for text, details in rows}
    model = next(v for k, v in cited.items() if k.startswith("Разработать (описать) региональную"))
    assert model == {"text": "приказ от 15.06.2021 № 556", "number": "556", "date": "2021-06-15"}
    assert cited["Информацию принять к сведению."] is None


def test_undated_excerpt_resolves_yearless_dates_near_its_dated_deadlines():
    text = ("1. Руководителям образовательных учреждений района:\n"
            "1.1. Начать учебный год 1 сентября 2023 года торжественной линейкой.\n"
            "1.2. Представить списки обучающихся (до 5 сентября).\n"
            "1.3. Провести инструктажи работников (до 28 августа).\n")
    doc = parse_text(text, source="excerpt.txt")
    assert doc.date is None
    assert [i.due for i in doc.items if i.actionable] == [
        date(2023, 9, 1), date(2023, 9, 5), date(2023, 8, 28)]
    assert doc.warnings == ["no document date found: dates without a year resolve from "
                            "02.03.2023, half a year before the earliest dated deadline"]
    assert all(not i.warnings for i in doc.items if i.actionable)  # no "before the document"


def test_undated_text_without_any_year_leaves_yearless_dates_alone():
    doc = parse_text("РЕШИЛИ:\n1. Провести семинар до 5 сентября.\n", source="p.txt")
    assert doc.items[0].due is None
    assert doc.warnings == ["no document date found: dates without a year are not resolved"]
