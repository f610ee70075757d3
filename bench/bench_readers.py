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

Measured on the 2-core machine shared with other work (`python bench/bench_readers.py`;
per document; ratio = reader / floor; docs/s = read + parse):

    file                  read    floor   ratio  read+parse  docs/s
    protocol.txt         0.03 ms  0.01 ms   5.1     7.2 ms     139   (KOI8: +1 ms detection)
    roadmap.docx         8.2 ms   0.2 ms   41       10 ms      100
    protocol.pdf (4 p)   147 ms   177 ms   0.83    155 ms     26 pages/s
    roadmap.pdf (1 p)    42 ms    38 ms    1.1      44 ms     23 pages/s
    protocol.doc         8.9 ms   7.1 ms   1.3      16 ms      62
    protocol.odt         1.6 ms   0.1 ms   13      8.6 ms     116
    protocol.rtf         27 ms    26 ms    1.0      34 ms      29
    roadmap.xlsx         4.7 ms   3.6 ms   1.3     6.4 ms     156
    protocol_page.html   1.8 ms   0.9 ms   2.0     9.2 ms     108

(see the figures printed by the run for the current numbers; the parse of the 5.5 KB
protocol, ~7 ms, dominates every format but PDF and RTF.)
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


def _best(function: Callable[[], object], reads: int, repeat: int) -> float:
    """Seconds per call, best of `repeat` runs of `reads` calls."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(reads):
            function()
        best = min(best, (time.perf_counter() - start) / reads)
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
          f"{'per second':>16}")
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
        if suffix == ".pdf":
            rate = f"{_pages(raw) / both:,.0f} pages/s"
        else:
            rate = f"{1 / both:,.0f} docs/s"
        print(f"{name:<22}{read * 1e3:>8.2f}ms{base * 1e3:>8.2f}ms{read / base:>8.2f}"
              f"{both * 1e3:>10.1f}ms{rate:>16}")


if __name__ == "__main__":
    main()
