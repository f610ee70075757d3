"""A recurring action has no due date, also when a period bounds it (the corpus key rule,
bench/corpus/README.md): `ParsedItem.due_date` is None for it and its `due`/`start` keep
the period it runs in; a recurring action with a first deadline is due on that deadline.
Texts written for the test in the layout of district orders and plan tables."""

from __future__ import annotations

from datetime import date

import pytest

from roadmaps.parser import parse_text
from tracker.core.enums import Recurrence

D = date

ORDER = """\
ПРИКАЗ
от 18.08.2025 № 211

О начале учебного года

ПРИКАЗЫВАЮ:
1. Руководителям школ представлять ежедневно до 11:00 в отдел образования сведения о \
посещаемости с 01.09.2025 по 12.09.2025 года.
2. Проводить еженедельно по средам с 10.09 по 29.10 совещания заместителей директоров.
3. Представить отчет о готовности школ в срок до 25 августа 2025 года.
4. Направлять сведения о питании до 1 октября 2025 г., далее – ежегодно.
"""

PLAN = """\
ПЛАН
мероприятий по развитию сети дошкольных организаций

№ | Мероприятие | Срок | Исполнитель |
1. | Мониторинг очереди в детские сады | 2024 - 2026 ежемесячно | Управление образования |
2. | Открытие групп кратковременного пребывания | 2025 | Управление образования |
"""

CASES = [
    # (document, label, due_date, period start, period end (`due`), recurrence)
    (ORDER, "1", None, D(2025, 9, 1), D(2025, 9, 12), Recurrence.DAILY),
    (ORDER, "2", None, D(2025, 9, 10), D(2025, 10, 29), Recurrence.WEEKLY),
    (ORDER, "3", D(2025, 8, 25), None, D(2025, 8, 25), None),
    (ORDER, "4", D(2025, 10, 1), None, D(2025, 10, 1), Recurrence.YEARLY),
    (PLAN, "1", None, D(2024, 1, 1), D(2026, 12, 31), Recurrence.MONTHLY),
    (PLAN, "2", D(2025, 12, 31), D(2025, 1, 1), D(2025, 12, 31), None),
]


@pytest.mark.parametrize(("text", "label", "due_date", "start", "due", "recurrence"), CASES)
def test_recurring_items_bounded_by_a_period_have_no_due_date(
        text, label, due_date, start, due, recurrence):
    doc = parse_text(text, source="order.txt")
    [item] = [i for i in doc.items if i.label == label]
    assert item.actionable
    assert (item.due_date, item.start, item.due, item.recurrence) == (
        due_date, start, due, recurrence)
