"""Properties of the deadline grammar over arbitrary text.

Whatever a document contains, the grammar either returns deadlines that point back into the
text or raises DeadlineError for an impossible date, naming a phrase that is in the text.
"""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roadmaps.deadlines import DeadlineError, Period, find_deadlines, find_period, parse_deadline

CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
ALPHABET = CYRILLIC + "0123456789" + " .,:;-–—/«»\"'()№\n\t\xa0" + "IVXivx"

# Pieces of the grammar, so that random text often comes close to real phrases.
FRAGMENTS = [
    "до", "в срок до", "не позднее", "не позднее чем за", "к", "в", "во", "в течение",
    "до конца", "с", "по", "от", "за", "на", "Срок:", "срок исполнения –", "№",
    "15", "31", "32", "0", "1", "29", "30", "13", "12", ".", ". ", "-", "–", "/", "«", "»",
    "сентября", "сентябрь", "сентябре", "февраля", "авг.", "сент.", "мая", "май", "июнь",
    "2021", "2022", "21", "22", "0000", "9999", "года", "г.", "гг.", "году", "год",
    "учебного года", "учебный год", "уч. г.", "I", "II", "III", "IV", "квартале", "кв.",
    "полугодии", "ежемесячно", "ежеквартально", "постоянно", "ежегодно", "числа месяца",
    "следующего за отчетным", "дней", "рабочих дней", "недели", "месяца", "дневный срок",
    "текущего", "года,", " ", "  ", "\n",
]

references = st.one_of(st.none(), st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))


@st.composite
def periods(draw):
    if draw(st.booleans()):
        return None
    a = draw(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))
    b = draw(st.dates(min_value=a, max_value=date(9999, 12, 31)))
    return Period(a, b)


texts = st.one_of(
    st.text(alphabet=ALPHABET, max_size=120),
    st.lists(st.sampled_from(FRAGMENTS), max_size=14).map(" ".join),
    st.lists(st.sampled_from(FRAGMENTS), max_size=14).map("".join),
    st.text(max_size=60),  # anything at all, including astral and combining characters
)


def _check(text, found):
    last_end = 0
    for d in found:
        begin, end = d.span
        assert text[begin:end] == d.text
        assert last_end <= begin < end  # in order, never overlapping, never empty
        last_end = end
        if d.due is None:
            assert d.recurrence is not None  # only a recurrence may lack a due date
        if d.start is not None and d.due is not None:
            assert d.start <= d.due


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, reference=references, period=periods(), cell=st.booleans())
def test_never_crashes_and_spans_index_the_text(text, reference, period, cell):
    try:
        found = find_deadlines(text, reference=reference, period=period, cell=cell)
    except DeadlineError as exc:
        assert exc.phrase and exc.phrase in text
        assert repr(exc.phrase) in str(exc)
        return
    _check(text, found)
    assert parse_deadline(text, reference=reference, period=period, cell=cell) == (
        found[-1] if found else None
    )


@settings(max_examples=800, deadline=None)
@given(text=texts, reference=references)
def test_find_period_never_crashes(text, reference):
    try:
        period = find_period(text, reference=reference)
    except DeadlineError as exc:
        assert exc.phrase in text
        return
    if period is not None:
        assert period.start <= period.end


@settings(max_examples=500, deadline=None)
@given(
    prefix=st.text(alphabet=ALPHABET, max_size=30),
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
)
def test_a_real_date_behind_do_is_found_after_any_prefix(prefix, day):
    # Whatever sentence precedes it, "до DD.MM.YYYY" is the last deadline and exact.
    text = f"{prefix}. До {day:%d.%m.%Y}"
    try:
        found = parse_deadline(text, reference=date(2000, 1, 1))
    except DeadlineError:
        return  # the random prefix itself held an impossible date
    assert found is not None
    assert found.due == day
    assert found.text.endswith(f"{day:%d.%m.%Y}")
