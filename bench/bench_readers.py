"""Benchmark of the document readers (`roadmaps.readers`) on the committed fixtures.

For every format the reader turns the fixture's bytes into text (no file I/O), timed
against a raw floor measured in the same run on the same file, and the text is then
parsed (`roadmaps.parser.parse_text`, what `tracker import --dry-run` does):

* .txt: floor `bytes.decode("utf-8")`;
* .docx, .odt: floor the zipfile read of word/document.xml / content.xml;
* .pdf: floor pdfplumber's own `extract_text()` of every page, and PDFium's plain text of
  every page (pages/s is the figure);
* .doc: floor antiword's plain-text run (`antiword -m UTF-8.txt`; ours is its DocBook run);
* .rtf: floor striprtf alone;
* .xlsx: floor openpyxl read-only `iter_rows(values_only=True)` over every sheet;
* .html: floor feeding the page to a do-nothing `html.parser.HTMLParser`.

Usage:
    python bench/bench_readers.py               # best of 5 runs of 20 reads each
    python bench/bench_readers.py --reads 50 --repeat 3
    python bench/bench_readers.py --corpus /work/corpus/files   # also: every file there,
                                                # read + parse, totals per format

Measured on the 2-core machine, fairly quiet (load average 2-3), one run of
`python bench/bench_readers.py --corpus /work/corpus/files` (read and floor: wall clock per
document; ratio = reader / floor; the rates are for read + parse, wall clock and this
process's CPU time):

    file                  read     floor   ratio  read+parse      per second     (CPU time)
    protocol.txt         0.12ms   0.01ms   14.81       2.5ms      404 docs/s     454 docs/s
    roadmap.docx         0.66ms   0.06ms   10.56       1.9ms      531 docs/s     772 docs/s
    protocol.pdf         7.21ms 194.70ms    0.04       6.9ms    577 pages/s    580 pages/s
      vs PDFium text     4.51ms   3.11ms    1.45       7.1ms    564 pages/s    572 pages/s
    roadmap.pdf          3.11ms  29.55ms    0.11       4.5ms    223 pages/s    279 pages/s
      vs PDFium text     3.21ms   0.75ms    4.29       3.5ms    284 pages/s    289 pages/s
    protocol.doc         6.40ms   2.31ms    2.77       9.1ms      110 docs/s              -
    protocol.odt         1.66ms   0.07ms   24.88       3.8ms      264 docs/s     264 docs/s
    protocol.rtf         6.98ms   6.65ms    1.05       9.2ms      108 docs/s     110 docs/s
    roadmap.xlsx         3.87ms   3.32ms    1.16       4.5ms      223 docs/s     210 docs/s
    protocol_page.html   1.81ms   0.53ms    3.42       5.1ms      197 docs/s     250 docs/s

    the corpus gathered so far (/work/corpus/files, read + parse once each):
    format      files  pages   seconds        per second
    .doc            4      4      0.07         60 docs/s
    .docx           4      4      0.23         18 docs/s   (two of them are 74 K and 214 K
                                                            characters: 46 + 32 ms reading)
    .html           9      9      0.15         59 docs/s
    .odt            1      1      0.00        668 docs/s
    .pdf            6     14      0.12       112 pages/s
    .rtf            1      1      0.03         25 docs/s
    .txt           61     61      0.05      1,237 docs/s

Under load (load average 8-11, seven other jobs) the same fixtures gave 170-217 docs/s
for text, 206-259 for .docx, 173-387 pages/s for text PDF pages and 77-91 for the ruled
one (29 pages/s of CPU with pdfplumber's own table finder before, 11-15 wall clock).

Text and .docx are above 200 documents a second on documents of a protocol's size; the
reader is 0.1-0.7 ms of it, the rest is the parse. The .docx reader went from 28 ms
(python-docx opening the package) to 0.7-1.9 ms reading document.xml with lxml. PDF: a
text page costs about what PDFium's plain text does (ratio 1.5), 25x less than
pdfplumber's extract_text; a ruled page runs pdfplumber's table-finding steps on PDFium's
rules at 0.1 of pdfplumber's extract_text of the same page. Both are far above 20 pages a
second. Figures are noisy (runs minutes apart differ up to 2x); the ratios are steadier.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Callable
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

from roadmaps.parser import parse_text
from roadmaps.readers import document_text

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = ROOT / "tests" / "fixtures" / "documents"
PROTOCOL_TXT = ROOT / "roadmaps" / "examples" / "working_group_protocol.txt"


def _zip_floor(member: str) -> Callable[[bytes], object]:
    return lambda raw: zipfile.ZipFile(BytesIO(raw)).read(member)


def _pdf_floor(raw: bytes) -> object:
    import pdfplumber

    with pdfplumber.open(BytesIO(raw)) as pdf:
        return [page.extract_text() for page in pdf.pages]


def _pdfium_floor(raw: bytes) -> object:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(raw)
    texts = []
    for page in pdf:
        text_page = page.get_textpage()
        texts.append(text_page.get_text_bounded())
        text_page.close()
        page.close()
    pdf.close()
    return texts


def _doc_floor(raw: bytes) -> object:
    with tempfile.NamedTemporaryFile(suffix=".doc") as file:
        file.write(raw)
        file.flush()
        return subprocess.run(["antiword", "-m", "UTF-8.txt", file.name],
                              capture_output=True, check=True).stdout


def _rtf_floor(raw: bytes) -> object:
    from striprtf.striprtf import rtf_to_text

    return rtf_to_text(raw.decode("latin-1"), encoding="cp1251")


def _xlsx_floor(raw: bytes) -> object:
    import openpyxl

    book = openpyxl.load_workbook(BytesIO(raw), read_only=True, data_only=True)
    rows = [list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets]
    book.close()
    return rows


def _html_floor(raw: bytes) -> object:
    parser = HTMLParser()
    parser.feed(raw.decode("cp1251"))
    parser.close()
    return parser


CASES: list[tuple[str, str, Callable[[bytes], object]]] = [  # label, file, floor
    ("protocol.txt", "protocol.txt", lambda raw: raw.decode("utf-8")),
    ("roadmap.docx", "roadmap.docx", _zip_floor("word/document.xml")),
    ("protocol.pdf", "protocol.pdf", _pdf_floor),
    ("  vs PDFium text", "protocol.pdf", _pdfium_floor),
    ("roadmap.pdf", "roadmap.pdf", _pdf_floor),
    ("  vs PDFium text", "roadmap.pdf", _pdfium_floor),
    ("protocol.doc", "protocol.doc", _doc_floor),
    ("protocol.odt", "protocol.odt", _zip_floor("content.xml")),
    ("protocol.rtf", "protocol.rtf", _rtf_floor),
    ("roadmap.xlsx", "roadmap.xlsx", _xlsx_floor),
    ("protocol_page.html", "protocol_page.html", _html_floor),
]


def _best(function: Callable[[], object], reads: int, repeat: int,
          clock: Callable[[], float] = time.perf_counter) -> float:
    """Seconds per call, best of `repeat` runs of `reads` calls."""
    best = float("inf")
    for _ in range(repeat):
        start = clock()
        for _ in range(reads):
            function()
        best = min(best, (clock() - start) / reads)
    return best


def _pages(raw: bytes) -> int:
    import pdfplumber

    with pdfplumber.open(BytesIO(raw)) as pdf:
        return len(pdf.pages)


def corpus(folder: Path) -> None:
    """Read + parse every document under `folder` once; totals per format (a document the
    parser refuses still counts: its reading is what is timed)."""
    from roadmaps.parsed import DocumentError

    totals: dict[str, list[float]] = {}  # suffix -> [documents, pages, seconds]
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        raw = path.read_bytes()
        start = time.perf_counter()
        try:
            text = document_text(raw, name=path.name, suffix=path.suffix)
            parse_text(text, source=path.name)
        except DocumentError:
            pass
        seconds = time.perf_counter() - start
        pages = _pages(raw) if raw.startswith(b"%PDF-") else 1
        entry = totals.setdefault(path.suffix.casefold() or "(none)", [0, 0, 0.0])
        entry[0] += 1
        entry[1] += pages
        entry[2] += seconds
    print(f"\n{'format':<10}{'files':>7}{'pages':>7}{'seconds':>10}{'per second':>18}")
    for suffix, (files, pages, seconds) in sorted(totals.items()):
        rate = f"{pages / seconds:,.0f} pages/s" if suffix == ".pdf" else \
            f"{files / seconds:,.0f} docs/s"
        print(f"{suffix:<10}{files:>7}{pages:>7}{seconds:>10.2f}{rate:>18}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reads", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--corpus", type=Path, help="also time every document in this folder")
    args = parser.parse_args()
    print(f"{'file':<22}{'read':>10}{'floor':>10}{'ratio':>8}{'read+parse':>12}"
          f"{'per second':>16}{'(CPU time)':>18}")
    for label, name, floor in CASES:
        path = PROTOCOL_TXT if name == "protocol.txt" else DOCUMENTS / name
        raw = path.read_bytes()
        if name.endswith(".doc") and not shutil.which("antiword"):
            print(f"{label:<22}  skipped: antiword is not installed")
            continue
        suffix = path.suffix
        document_text(raw, name=name, suffix=suffix)  # warm up: lazy imports
        read = _best(lambda raw=raw, s=suffix, n=name: document_text(raw, name=n, suffix=s),
                     args.reads, args.repeat)
        base = _best(lambda raw=raw, f=floor: f(raw), args.reads, args.repeat)
        both = _best(lambda raw=raw, s=suffix, n=name: parse_text(
            document_text(raw, name=n, suffix=s), source=n), args.reads, args.repeat)
        # CPU time of this process: what a quiet machine would give (antiword's run is
        # another process, so .doc has none).
        cpu = _best(lambda raw=raw, s=suffix, n=name: parse_text(
            document_text(raw, name=n, suffix=s), source=n), args.reads, args.repeat,
            time.process_time) if suffix != ".doc" else None
        unit, count = ("pages/s", _pages(raw)) if suffix == ".pdf" else ("docs/s", 1)
        rate = f"{count / both:,.0f} {unit}"
        cpu_rate = f"{count / cpu:,.0f} {unit}" if cpu else "-"
        print(f"{label:<22}{read * 1e3:>8.2f}ms{base * 1e3:>8.2f}ms{read / base:>8.2f}"
              f"{both * 1e3:>10.1f}ms{rate:>16}{cpu_rate:>18}")
    if args.corpus:
        corpus(args.corpus)


if __name__ == "__main__":
    main()
