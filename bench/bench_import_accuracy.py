"""Accuracy of the document import on the corpus of real documents, and the parse speed.

The corpus (`bench/corpus/manifest.toml`, see `bench/corpus/README.md`) keys each real
public document by hand: its due dates, recurrences and dated phrases that are no due dates.
This benchmark reads every file with the project's reader (`roadmaps.readers.read_text`),
parses it with the project's parser (`roadmaps.parser.parse_text`, what `tracker import
--json` runs) and compares the due dates of the actionable items against the key:

- a found due date matches a key date when they are equal, multiset matching per document
  (a date keyed twice must be found twice);
- recall = matched / keyed, precision = matched / found, per kind, per format and overall,
  separately for the train and the test split;
- a document the reader cannot read, or the parser refuses ("no decision section found"),
  counts as refused and is listed; its keyed dates count as missed.

Recurrences are compared the same way on their canonical value (yearly, monthly, ...).

Speed, parse only (the texts already read): documents a second for .txt and .docx, pages a
second for .pdf, against a floor measured in the same run: one pass of a date-finding
regular expression over the same texts.

The files are not in git. They are looked for in $TRACKER_CORPUS_DIR, then ../shared/corpus
(beside the repository), then /work/corpus/files; with none there the benchmark says so in
one line and exits 2. A file on hand whose bytes do not match the entry's `sha256` (when the
manifest has one) is a different text than the one keyed: it is scored, with a warning line.

The test split is scored only at the end of the work and never tuned on: run with
`--split train` while working.

Measured on main at 293388a, 86 documents (2-core machine shared with other work):

    python bench/bench_import_accuracy.py
        train (69 documents, 56 keyed due dates): recall 0.12 (7/56), precision 0.44 (7/16);
            38 refused (19 with keyed deadlines): "no decision section found", and every
            .doc, .pdf, .rtf, .odt ("not a text document" / "a legacy Word file")
        test (17 documents, 9 keyed due dates): recall 0.44 (4/9), precision 0.50 (4/8);
            12 refused (5 with keyed deadlines)
        recurrences: train 0/17 found, test 0/4
        parse speed, txt+docx: 358 documents/s (65 documents x 20 rounds), floor (one date
            regex scan of the same texts) 2,650 documents/s, ratio 7.4; pdf: none readable

Train split on branch grammar2 (integ 49a8d44 + the `ParsedItem.due_date` rule: a recurring
item bounded by a period has no due date), 69 train documents, 56 keyed due dates:

    python bench/bench_import_accuracy.py --split train
        before (integ 49a8d44): recall 0.88 (49/56), precision 0.78 (49/63); 15 refused
        after:                  recall 0.88 (49/56), precision 0.82 (49/60); 15 refused
        recurrences: 15/17 keyed found, 23 found (precision 0.65), unchanged
        parse speed, txt+docx: 581 documents/s (52 documents x 20), floor 17,409
            documents/s, ratio 30.0; pdf ratio 21.4 (before the change)

Corpus rebuilt on 2026-12-02 (93 documents, 61 files on hand; files missing from the folder
are listed and left out of the scores), main at f84c337, train split only:

    python bench/bench_import_accuracy.py --split train
        train: 49 documents on hand (25 missing), 107 keyed due dates: recall 0.93 (100/107),
            precision 0.57 (100/175); without the .xlsx rows (64 keyed in one workbook):
            recall 0.84 (36/43), precision 0.78 (36/46); 13 refused (1 with keyed deadlines)
        recurrences: 5 of 11 keyed found, 11 found (precision 0.45)

Branch reader (main at ba245c7 + the grammar fixes of the false positives found with
`--details`), same 48 train documents on hand, 106 keyed due dates:

    TRACKER_CORPUS_DIR=/work/corpus/files python bench/bench_import_accuracy.py \
        --split train --rounds 1 --details
        before (main ba245c7): recall 0.96 (102/106), precision 0.57 (102/178); without the
            workbook 087 (64 keyed, 129 found: its actual-date and comment columns read as
            deadlines) 0.90 (38/42) / 0.78 (38/49); 10 refused (0 with keyed deadlines; 051
            failed on the specialty code «38.05.01» as an "impossible date")
        after:                 recall 1.00 (106/106), precision 0.98 (106/108); 9 refused
            (0 with keyed deadlines)
        per kind, before -> after (recall / precision): plan 0.99/0.51 -> 1.00/1.00, order
            1.00/0.86 -> 1.00/0.95, letter 1.00/0.89 -> 1.00/1.00, board_decision 0.67/0.67
            -> 1.00/1.00, council_decision 1.00/0.33 -> 1.00/1.00, directive 0.50/1.00 ->
            1.00/1.00, other 0.00/0.00 -> 1.00/1.00, roadmap 1.00/0.67 (unchanged: a row cut
            by the excerpt), protocol 1.00/1.00
        recurrences: 9 of 12 keyed found; found 18 -> 14 (precision 0.50 -> 0.64)
    Left on train: 004 (a typo "с 29 марта но 4 апреля" gives two dates), 021 (a row cut
    after "август" by the excerpt gives a yearless "август" of the next year).

Corpus round 3 (2026-12-02, branch corpus3: ids 094-114, 21 documents, 17 train), train split
only, per gathering round (`--round`), main at dcf0d5b + the manifest, then after the grammar
fixes of branch corpus3 (effective dates, calendars, a period heading, "Основной срок:",
dates listed after "сроки", pseudo-graphic tables, a one-line header over broken rows,
"период до <year>", what "Утвердить:" lists, "<day month> текущего года" yearly):

    TRACKER_CORPUS_DIR=/work/corpus/files python bench/bench_import_accuracy.py \
        --split train --rounds 1 --round N          (load average 1.9-3.5)
        round 1 (42 docs, 38 keyed): 1.00 (38/38) / 0.95 (38/40) -> unchanged
        round 2 (6 docs, 68 keyed):  1.00 (68/68) / 1.00 (68/68) -> unchanged
        round 3 (17 docs, 26 keyed): 0.35 (9/26) / 0.64 (9/14), 3 refused (3 with keyed
            deadlines) -> 0.96 (25/26) / 1.00 (25/25), 2 refused (1 with a keyed deadline:
            096, a '¦' table cut before its header)
        recurrences: round 2 1/3 -> 2/3 found, round 3 1/6 -> 4/6 (6 found)

Usage:
    python bench/bench_import_accuracy.py                 # both splits
    python bench/bench_import_accuracy.py --split train --round 3   # one gathering round
    python bench/bench_import_accuracy.py --split train   # while working
    python bench/bench_import_accuracy.py --verbose       # per-document misses
    python bench/bench_import_accuracy.py --split train --details  # found vs keyed, and
                                                    # the item behind each extra date
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import re
import sys
import time
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "bench" / "corpus" / "manifest.toml"
sys.path.insert(0, str(ROOT))

_DATE_FLOOR = re.compile(
    r"\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|\b\d{1,2}\s+(?:январ|феврал|март|апрел|ма[яй]|июн|июл"
    r"|август|сентябр|октябр|ноябр|декабр)\w*", re.IGNORECASE)
_PDF_PAGE = re.compile(rb"/Type\s*/Page\b")
# The gathering rounds by id (first, last), as the manifest keeps them.
with MANIFEST.open("rb") as _handle:
    ROUNDS = tuple(tuple(pair) for pair in tomllib.load(_handle)["rounds"])


def corpus_dir() -> Path | None:
    """The first existing corpus folder: $TRACKER_CORPUS_DIR, ../shared/corpus or
    /work/corpus/files.
    """
    candidates = []
    if os.environ.get("TRACKER_CORPUS_DIR"):
        candidates.append(Path(os.environ["TRACKER_CORPUS_DIR"]))
    candidates += [ROOT.parent / "shared" / "corpus", Path("/work/corpus/files")]
    for candidate in candidates:
        if candidate.is_dir() and any(candidate.iterdir()):
            return candidate
    return None


def load_manifest(path: Path = MANIFEST) -> list[dict]:
    with path.open("rb") as handle:
        return tomllib.load(handle)["document"]


@dataclass
class Score:
    """Keyed, found and matched counts of one group of documents."""

    keyed: int = 0
    found: int = 0
    matched: int = 0
    documents: int = 0
    refused: int = 0

    def add(self, other: Score) -> None:
        self.keyed += other.keyed
        self.found += other.found
        self.matched += other.matched
        self.documents += other.documents
        self.refused += other.refused

    @property
    def recall(self) -> float | None:
        return self.matched / self.keyed if self.keyed else None

    @property
    def precision(self) -> float | None:
        return self.matched / self.found if self.found else None


@dataclass
class Outcome:
    """One document's result."""

    entry: dict
    text: str | None = None
    pages: int = 0
    refused: str | None = None  # the reader's or parser's one-line error
    missing: bool = False  # the file is not in the corpus folder: left out of the scores
    # the file on hand differs from the one keyed (manifest sha256): scored, with a warning
    mismatch: bool = False
    found: list[date] = field(default_factory=list)
    found_recurrences: list[str] = field(default_factory=list)
    dates: Score = field(default_factory=Score)
    recurrences: Score = field(default_factory=Score)
    missed: list[date] = field(default_factory=list)
    extra: list[date] = field(default_factory=list)
    # (due date, line, due phrase, item text) of each found due date, for --details
    found_items: list[tuple[date, int, str, str]] = field(default_factory=list)


def _match(keyed: list, found: list) -> tuple[Score, list, list]:
    keyed_count, found_count = Counter(keyed), Counter(found)
    matched = keyed_count & found_count
    score = Score(keyed=len(keyed), found=len(found), matched=sum(matched.values()))
    missed = sorted((keyed_count - matched).elements())
    extra = sorted((found_count - matched).elements())
    return score, missed, extra


def _read(path: Path) -> tuple[str, bytes]:
    from roadmaps.readers import read_text

    result = read_text(path)
    if isinstance(result, tuple):
        return result[0], result[1]
    return result, path.read_bytes()


def sha256_mismatch(entry: dict, path: Path) -> bool:
    """Whether the file on hand is not the one keyed (its manifest `sha256`, when given)."""
    expected = entry.get("sha256")
    return bool(expected) and hashlib.sha256(path.read_bytes()).hexdigest() != expected


def evaluate(entry: dict, folder: Path) -> Outcome:
    """Read, parse and score one manifest entry."""
    from roadmaps.parsed import DocumentError
    from roadmaps.parser import parse_text

    outcome = Outcome(entry=entry)
    path = folder / entry["file"]
    keyed = [date.fromisoformat(value) for value in entry["due_dates"]]
    keyed_rec = [value.split(":", 1)[0].strip() for value in entry["recurrences"]]
    found: list[date] = []
    found_rec: list[str] = []
    if not path.is_file():
        outcome.missing = True
        outcome.refused = f"{entry['file']}: missing from {folder}"
    else:
        outcome.mismatch = sha256_mismatch(entry, path)
        try:
            text, raw = _read(path)
            outcome.text = text
            if entry["format"] == "pdf":
                outcome.pages = max(1, len(_PDF_PAGE.findall(raw)))
            parsed = parse_text(text, source=path.name)
        except DocumentError as exc:
            outcome.refused = str(exc)
        except Exception as exc:  # a crash is a refusal too, and must be seen
            outcome.refused = f"{entry['file']}: {type(exc).__name__}: {exc}"
        else:
            for item in parsed.items:
                if not item.actionable:
                    continue
                if item.due_date is not None:
                    found.append(item.due_date)
                    outcome.found_items.append((item.due_date, item.line,
                                                item.due_text or "", item.text))
                if item.recurrence is not None:
                    found_rec.append(str(item.recurrence))
    outcome.found, outcome.found_recurrences = found, found_rec
    outcome.dates, outcome.missed, outcome.extra = _match(keyed, found)
    outcome.recurrences, _, _ = _match(keyed_rec, found_rec)
    outcome.dates.documents = outcome.recurrences.documents = 1
    outcome.dates.refused = outcome.recurrences.refused = int(outcome.refused is not None)
    return outcome


def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:5.2f}"


def _table(title: str, groups: dict[str, Score]) -> list[str]:
    lines = [f"  {title:<22} {'docs':>4} {'refused':>7} {'keyed':>5} {'found':>5} "
             f"{'match':>5} {'recall':>6} {'prec.':>6}"]
    for name, score in groups.items():
        lines.append(f"  {name:<22} {score.documents:>4} {score.refused:>7} {score.keyed:>5} "
                     f"{score.found:>5} {score.matched:>5} {_fmt(score.recall):>6} "
                     f"{_fmt(score.precision):>6}")
    return lines


def details(outcome: Outcome) -> list[str]:
    """One document's found vs keyed due dates, and the item behind each extra one."""
    entry = outcome.entry
    lines = [f"    {entry['id']} {entry['file']}: keyed {len(entry['due_dates'])}, found "
             f"{len(outcome.found)}, matched {outcome.dates.matched}"
             + (f"; missed {[d.isoformat() for d in outcome.missed]}" if outcome.missed else "")]
    extra = Counter(outcome.extra)
    for due, line, phrase, text in outcome.found_items:
        if extra[due] > 0:
            extra[due] -= 1
            lines.append(f"      extra {due.isoformat()} line {line} «{phrase}»: "
                         f"{' '.join(text.split())[:160]}")
    return lines


def report(outcomes: list[Outcome], split: str, *, verbose: bool,
           show_details: bool = False) -> list[str]:
    """The printed table of one split."""
    in_split = [o for o in outcomes if o.entry["split"] == split]
    missing = [o for o in in_split if o.missing]
    chosen = [o for o in in_split if not o.missing]
    by_kind: dict[str, Score] = {}
    by_format: dict[str, Score] = {}
    total, rec_total = Score(), Score()
    for outcome in chosen:
        by_kind.setdefault(outcome.entry["kind"], Score()).add(outcome.dates)
        by_format.setdefault(outcome.entry["format"], Score()).add(outcome.dates)
        total.add(outcome.dates)
        rec_total.add(outcome.recurrences)
    lines = [f"== split {split}: {len(chosen)} documents =="]
    if missing:
        keyed = sum(len(o.entry["due_dates"]) for o in missing)
        lines.append(f"  missing files, left out of the scores: {len(missing)} "
                     f"({keyed} keyed due dates): {', '.join(o.entry['id'] for o in missing)}")
    lines += [f"  warning: {o.entry['file']} does not match its sha256 in the manifest: "
              "a different text than the one keyed, its scores may not hold"
              for o in chosen if o.mismatch]
    lines += _table("due dates by kind", dict(sorted(by_kind.items())))
    lines += _table("due dates by format", dict(sorted(by_format.items())))
    lines += _table("due dates overall", {"all": total})
    lines += _table("recurrences overall", {"all": rec_total})
    refused = [o for o in chosen if o.refused]
    with_deadlines = [o for o in refused if o.entry["due_dates"] or o.entry["recurrences"]]
    lines.append(f"  refused: {len(refused)} of {len(chosen)} "
                 f"({len(with_deadlines)} of them with keyed deadlines)")
    lines += [f"    {o.entry['id']} ({o.entry['format']}): {o.refused}" for o in refused]
    if show_details:
        for outcome in chosen:
            if outcome.found or outcome.entry["due_dates"]:
                lines += details(outcome)
    elif verbose:
        for outcome in chosen:
            if outcome.missed or outcome.extra:
                lines.append(f"    {outcome.entry['id']} {outcome.entry['file']}: missed "
                             f"{[d.isoformat() for d in outcome.missed]} extra "
                             f"{[d.isoformat() for d in outcome.extra]}")
    return lines


def speed(outcomes: list[Outcome], *, rounds: int) -> list[str]:
    """Parse-only throughput of the read texts, with a regex-scan floor."""
    from roadmaps.parsed import DocumentError
    from roadmaps.parser import parse_text

    lines = ["== parse speed (texts already read) =="]
    groups = {
        "txt+docx": ([o.text for o in outcomes if o.text and o.entry["format"] in ("txt", "docx")],
                     "documents"),
        "pdf": ([o.text for o in outcomes if o.text and o.entry["format"] == "pdf"], "pages"),
    }
    pdf_pages = sum(o.pages for o in outcomes if o.text and o.entry["format"] == "pdf")
    for name, (texts, unit) in groups.items():
        if not texts:
            lines.append(f"  {name}: no readable documents")
            continue
        start = time.perf_counter()
        for _ in range(rounds):
            for text in texts:
                with contextlib.suppress(DocumentError):
                    parse_text(text)
        parse_s = time.perf_counter() - start
        start = time.perf_counter()
        for _ in range(rounds):
            for text in texts:
                _DATE_FLOOR.findall(text)
        floor_s = time.perf_counter() - start
        count = (len(texts) if unit == "documents" else pdf_pages) * rounds
        lines.append(f"  {name}: {count / parse_s:,.0f} {unit}/s parse "
                     f"({len(texts)} documents x {rounds}); floor (date regex scan) "
                     f"{count / floor_s:,.0f} {unit}/s; parse/floor time ratio "
                     f"{parse_s / floor_s:,.1f}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=["train", "test", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=20, help="parse rounds for the timing")
    parser.add_argument("--verbose", action="store_true", help="list per-document misses")
    parser.add_argument("--details", action="store_true",
                        help="per document: keyed vs found, and the item behind each extra date")
    parser.add_argument("--round", type=int, choices=range(1, len(ROUNDS) + 1),
                        help="only the documents of one gathering round (see ROUNDS)")
    args = parser.parse_args(argv)
    folder = corpus_dir()
    if folder is None:
        print("no corpus files: set TRACKER_CORPUS_DIR or place them in ../shared/corpus "
              "or /work/corpus/files (see bench/corpus/README.md)")
        return 2
    entries = load_manifest()
    splits = ["train", "test"] if args.split == "both" else [args.split]
    chosen = [entry for entry in entries if entry["split"] in splits]
    if args.round:
        low, high = ROUNDS[args.round - 1]
        chosen = [entry for entry in chosen if low <= int(entry["id"]) <= high]
    # Only the chosen split's files are read: a train run never opens a test file.
    outcomes = [evaluate(entry, folder) for entry in chosen]
    scope = f", round {args.round}" if args.round else ""
    print(f"corpus: {folder} ({len(entries)} documents in the manifest{scope})")
    for split in splits:
        print("\n".join(report(outcomes, split, verbose=args.verbose,
                                show_details=args.details)))
    print("\n".join(speed([o for o in outcomes if o.entry["split"] in splits],
                          rounds=args.rounds)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
