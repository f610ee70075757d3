"""Codes of rules and standards that look like dates are never deadlines (issue 11.3)."""

from __future__ import annotations

from datetime import date

from roadmaps.deadlines import find_deadlines

# A school's regulation on pupils' clothing (corpus 153, .docx): the sanitary rules are cited
# by their codes.
SANPIN = ("Внешний вид учащихся должен соответствовать общепринятым в обществе нормам делового "
          "стиля и носить светский характер, а так же соответствовать гигиеническим нормам, "
          "которые изложены в санитарно-эпидемиологических правилах (СанПиН) 2.4.2 1178-02 "
          "«Забота о здоровье и гигиене обучающихся» и 2.4.7/1.1.1286–03 «Гигиенические "
          "требования к одежде для детей, подростков и взрослых»")


def test_a_sanitary_rules_code_is_no_date():
    assert find_deadlines(SANPIN, reference=date(2013, 9, 1), bare=True) == []


def test_a_date_of_this_century_still_is_one():
    found = find_deadlines("Обеспечить форму до 01.01.2020", reference=date(2013, 9, 1))
    assert [d.due for d in found] == [date(2020, 1, 1)]
