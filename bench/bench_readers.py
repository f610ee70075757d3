"""Benchmark of the document readers (`roadmaps.readers`) on the committed fixtures.

For every format the reader turns the fixture's bytes into text (no file I/O), timed
against a raw floor measured in the same run on the same file, and the text is then
parsed (`roadmaps.parser.parse_text`, what `tracker import --dry-run` does):

* .txt: floor `bytes.decode("utf-8")`;
* .docx, .odt: floor the zipfile read of word/document.xml / content.xml;
* .pdf: floor pdfplumber's own `extract_text()` of every page (pages/s is the figure);
* .doc: floor antiword's plain-text run (`antiword -m UTF-8.txt`; ours is its DocBook run);
* .rtf: floor striprtf alone;
* .xlsx: floor openpyxl read-only `iter_rows(values_only=True)` over every sheet;
* .html: floor feeding the page to a do-nothing `html.parser.HTMLParser`.

Usage:
    python bench/bench_readers.py               # best of 5 runs of 20 reads each
    python bench/bench_readers.py --reads 50 --repeat 3

Measured on the 2-core machine shared with seven other jobs (load average 8-10), one run of
`python bench/bench_readers.py` (read and floor: wall clock per document; ratio = reader /
floor; the rates are for read + parse, wall clock and, closer to a quiet machine, this
process's CPU time):

    file                  read     floor   ratio  read+parse      per second     (CPU time)
    protocol.txt         0.10ms   0.01ms   13.45       4.6ms      217 docs/s     428 docs/s
    roadmap.docx         1.42ms   0.06ms   22.37       4.8ms      206 docs/s     721 docs/s
    protocol.pdf        18.69ms 442.78ms    0.04      23.2ms    173 pages/s    525 pages/s
    roadmap.pdf        103.38ms  70.56ms    1.47      68.2ms     15 pages/s     29 pages/s
    protocol.doc         9.20ms   2.15ms    4.27      15.8ms       63 docs/s              -
    protocol.odt         1.17ms   0.06ms   19.20       7.6ms      132 docs/s     387 docs/s
    protocol.rtf         7.99ms   7.69ms    1.04      10.7ms       93 docs/s     110 docs/s
    roadmap.xlsx         7.69ms   8.24ms    0.93       9.6ms      104 docs/s     229 docs/s
    protocol_page.html   5.23ms   1.92ms    2.72      13.7ms       73 docs/s     266 docs/s

Text and .docx are above 200 documents a second (the parse of the 5.5 KB protocol, ~2-4
ms, is most of it; the .docx reader went from 28 ms with python-docx to 1.1-1.4 ms reading
document.xml with lxml). Pages without ruling go through PDFium at 20x pdfplumber's own
extract_text (protocol.pdf, 4 pages); a ruled page (a plan table) costs what pdfplumber
costs (ratio ~1 to its extract_text: parsing the page is 85 % of it), 29 pages/s of CPU,
11-15 pages/s wall clock on this loaded machine: below 20 pages/s here. The figures are
noisy (two runs minutes apart differed up to 2x); only the ratios are stable.
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


CASES: list[tuple[str, Callable[[bytes], object]]] = [
    ("protocol.txt", lambda raw: raw.decode("utf-8")),
    ("roadmap.docx", _zip_floor("word/document.xml")),
    ("protocol.pdf", _pdf_floor),
    ("roadmap.pdf", _pdf_floor),
    ("protocol.doc", _doc_floor),
    ("protocol.odt", _zip_floor("content.xml")),
    ("protocol.rtf", _rtf_floor),
    ("roadmap.xlsx", _xlsx_floor),
    ("protocol_page.html", _html_floor),
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reads", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"{'file':<22}{'read':>10}{'floor':>10}{'ratio':>8}{'read+parse':>12}"
          f"{'per second':>16}{'(CPU time)':>18}")
    for name, floor in CASES:
        path = PROTOCOL_TXT if name == "protocol.txt" else DOCUMENTS / name
        raw = path.read_bytes()
        if name.endswith(".doc") and not shutil.which("antiword"):
            print(f"{name:<22}  skipped: antiword is not installed")
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
        print(f"{name:<22}{read * 1e3:>8.2f}ms{base * 1e3:>8.2f}ms{read / base:>8.2f}"
              f"{both * 1e3:>10.1f}ms{rate:>16}{cpu_rate:>18}")


if __name__ == "__main__":
    main()
