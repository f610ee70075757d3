"""Benchmark of the Russian deadline grammar (`roadmaps.deadlines`): phrases per second.

Four workloads, each a list of texts parsed one call per text:

* ``deadline lines``: one-sentence decisions that hold a deadline, in every form the grammar
  knows (the common case when importing a protocol's "Решили:" part);
* ``plain lines``: sentences with no deadline, many with event dates ("протокол от ...");
* ``cells``: the content of "Срок" table cells (``cell=True``);
* ``document``: a whole protocol of ~60 lines as one text (throughput in characters).

Usage:
    python bench/bench_deadlines.py                 # default: 20000 calls per workload
    python bench/bench_deadlines.py --calls 100000 --repeat 5

Times are the best of ``--repeat`` runs (wall clock, ``time.perf_counter``); the import time
includes compiling the grammar's one regular expression.

Measured on the 2-core machine, quiet (`python bench/bench_deadlines.py`): import 98 ms;
deadline lines 68 µs a call (14,700/s), plain lines 50 µs (20,000/s), cells 34 µs
(29,900/s); a 4,641-character protocol with 30 deadlines in 3.8 ms (1.2 M chars/s).
About half of a call is the one regex scan over the text; dateparser, for comparison,
takes about 3 ms a call.
"""

from __future__ import annotations

import argparse
import time
from datetime import date

_t0 = time.perf_counter()
from roadmaps.deadlines import Period, find_deadlines  # noqa: E402  (timing the import)

IMPORT_SECONDS = time.perf_counter() - _t0

REF = date(2021, 6, 15)
AY = Period(date(2021, 9, 1), date(2022, 8, 31))

DEADLINE_PHRASES = [
    "в срок до 20 августа 2021 года", "до 01 октября 2021 года", "до 15 сентября",
    "не позднее 15.09.2021", "не позднее чем за 10 дней до 1 сентября 2021 г.", "к 1 сентября",
    "срок исполнения – до 20.08.2021", "в сентябре 2021 года", "в мае–июне 2022 г.",
    "с 10.01.2022 по 21.01.2022", "в 2022 г.", "в течение 2022 года", "в I квартале 2022 года",
    "во II полугодии 2021 г.", "до конца 2021 года", "до конца года",
    "в течение 2021-2022 учебного года", "ежемесячно в течение 2022 года", "постоянно",
    "ежеквартально до 5 числа месяца, следующего за отчетным", "до «15» сентября 2021 г.",
    "до 20 авг. 2021", "ДО 20 АВГУСТА 2021 ГОДА", "до 11.04. 2022", "в течение месяца",
]
DEADLINE_LINES = [
    f"Разработать (описать) муниципальные модели по профориентации {p}." for p in DEADLINE_PHRASES
]
PLAIN_LINES = [
    "Протокол № 1 от 15.06.2021 г.",
    "Ознакомиться руководителям ОУ с Приказом отдела образования N2 153/2 от 10.06.2021.",
    "Информацию принять к сведению.",
    "Анализ эффективности принятых мер по направлению в 2020-2021 учебном году:",
    "Усилить профориентационную работу с детьми ДОУ и обучающимися (5-6 классы)",
    "Осуществлять систематическую просветительскую работу с родителями",
    "Председатель: Пушкарева Е.А.",
    "на основании приказа от 11.03.2021 № 194 «Об утверждении положения о мониторинге»",
    "Создать региональное методическое объединение по профессиональной ориентации обучающихся.",
    "Довести данную информацию до сведения руководителей органов местного самоуправления.",
]
CELLS = [
    "сентябрь 2021", "15.09.2021", "в течение года", "постоянно", "май - июнь 2022",
    "I квартал 2022 г.", "2021-2022 учебный год", "до 20.08.2021", "ежемесячно", "2022 год",
]


def _document() -> str:
    lines = []
    for n in range(30):
        lines.append(f"{n + 1}. " + DEADLINE_LINES[n % len(DEADLINE_LINES)])
        lines.append(PLAIN_LINES[n % len(PLAIN_LINES)])
    return "\n".join(lines)


def _best(work, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def _run_lines(texts: list[str], calls: int, repeat: int, **kwargs) -> tuple[float, int]:
    batch = (texts * (calls // len(texts) + 1))[:calls]

    def work():
        for text in batch:
            find_deadlines(text, reference=REF, **kwargs)

    found = sum(len(find_deadlines(t, reference=REF, **kwargs)) for t in texts)
    return _best(work, repeat) / calls, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20000, help="calls per workload")
    parser.add_argument("--repeat", type=int, default=3, help="runs per workload; best counts")
    args = parser.parse_args()

    started = time.perf_counter()
    find_deadlines(DEADLINE_LINES[0], reference=REF)
    first_call = time.perf_counter() - started
    print(f"import (incl. regex compile): {IMPORT_SECONDS * 1e3:8.1f} ms")
    print(f"first call:                   {first_call * 1e6:8.1f} µs")
    print(f"{'workload':<16}{'texts':>7}{'found':>7}{'µs/call':>10}{'calls/s':>12}")
    for name, texts, kwargs in (
        ("deadline lines", DEADLINE_LINES, {}),
        ("plain lines", PLAIN_LINES, {}),
        ("cells", CELLS, {"cell": True, "period": AY}),
    ):
        per_call, found = _run_lines(texts, args.calls, args.repeat, **kwargs)
        print(f"{name:<16}{len(texts):>7}{found:>7}{per_call * 1e6:>10.1f}{1 / per_call:>12,.0f}")

    document = _document()
    rounds = max(1, args.calls // 200)
    seconds = _best(lambda: [find_deadlines(document, reference=REF) for _ in range(rounds)],
                    args.repeat) / rounds
    found = len(find_deadlines(document, reference=REF))
    print(
        f"document: {len(document):,} chars, {found} deadlines: {seconds * 1e3:.2f} ms "
        f"({len(document) / seconds / 1e6:.2f} M chars/s, {found / seconds:,.0f} deadlines/s)"
    )


if __name__ == "__main__":
    main()
