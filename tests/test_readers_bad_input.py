"""Bad input: an encrypted or damaged PDF, a damaged .doc/.xlsx/.odt, a zip bomb in .docx or
.xlsx, a file over import.max_file_mb, a binary file named .txt. Each is a DocumentError of
one line naming the file; `tracker import` prints `Error: ...`, exits 1, writes nothing."""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest

from roadmaps.parsed import DocumentError
from roadmaps.readers import document_text, read_text
from tests.conftest import MUNICIPALITIES_CSV

DOCUMENTS = Path(__file__).resolve().parent / "fixtures" / "documents"
needs_antiword = pytest.mark.skipif(
    not shutil.which("antiword") and not os.environ.get("CI"),
    reason="antiword is not installed (CI installs it)")


def _zip(members: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return buffer.getvalue()


def _bomb(part: str, **others: str) -> bytes:
    # 30 MB of spaces deflate to ~30 KB: a ratio of ~1000 in the zip directory.
    return _zip({"[Content_Types].xml": "<Types/>", **others, part: b" " * 30_000_000})


def _fixture(name: str, length: int | None = None) -> bytes:
    raw = (DOCUMENTS / name).read_bytes()
    return raw[:length] if length else raw


BAD = {
    "encrypted.pdf": (lambda: _fixture("encrypted.pdf"),
                      "encrypted.pdf: PDF зашифрован (защищён паролем); сохраните его без пароля и "
                      "импортируйте снова"),
    "truncated.pdf": (lambda: _fixture("protocol.pdf", 8000),
                      "truncated.pdf: не удаётся прочитать файл PDF ("),
    "garbage.pdf": (lambda: b"%PDF-1.7\n" + b"\x8f not a pdf " * 100,
                    "garbage.pdf: не удаётся прочитать файл PDF ("),
    "scanned.pdf": (lambda: _fixture("scanned.pdf"), "scanned.pdf: в PDF нет текстового слоя"),
    "truncated.xlsx": (lambda: _fixture("roadmap.xlsx", 3000),
                       "truncated.xlsx: не удаётся прочитать файл .xlsx ("),
    "damaged.xlsx": (lambda: _zip({"[Content_Types].xml": "<x/>", "xl/workbook.xml": "<<"}),
                     "damaged.xlsx: не удаётся прочитать файл .xlsx ("),
    "truncated.odt": (lambda: _fixture("protocol.odt", 5000),
                      "truncated.odt: не удаётся прочитать файл .odt ("),
    "damaged.odt": (lambda: _zip({"mimetype": "application/vnd.oasis.opendocument.text",
                                  "content.xml": "<<not xml"}),
                    "damaged.odt: не удаётся прочитать файл .odt ("),
    "bomb.docx": (lambda: _bomb("word/document.xml"),
                  "bomb.docx: отклонено: word/document.xml распаковывается в 1,0"),
    "bomb.xlsx": (lambda: _bomb("xl/worksheets/sheet1.xml",
                                **{"xl/workbook.xml": "<workbook/>"}),
                  "bomb.xlsx: отклонено: xl/worksheets/sheet1.xml распаковывается в 1,0"),
    "binary.txt": (lambda: bytes(range(256)) * 40, "binary.txt: двоичный файл, а не текстовый "
                   "документ"),
    "image.txt": (lambda: _fixture("scanned.pdf").replace(b"%PDF", b"\x89PNG", 1),
                  "image.txt: это не текстовый документ (a PNG image)"),
}
DOC_BAD = {
    "damaged.doc": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000,
                    "damaged.doc: не удаётся прочитать файл .doc ("),
    "truncated.doc": (lambda: _fixture("protocol.doc", 9000),
                      "truncated.doc: не удаётся прочитать файл .doc ("),
}


@pytest.mark.parametrize("name", [*BAD, *(pytest.param(n, marks=needs_antiword)
                                          for n in DOC_BAD)])
def test_bad_input_is_one_line_naming_the_file(tmp_path, name):
    content, message = {**BAD, **DOC_BAD}[name]
    path = tmp_path / name
    path.write_bytes(content())
    with pytest.raises(DocumentError) as exc:
        read_text(path)
    assert str(exc.value).startswith(message), str(exc.value)
    assert "\n" not in str(exc.value) and str(tmp_path) not in str(exc.value)


def test_the_zip_directory_is_checked_before_anything_is_inflated(monkeypatch):
    import roadmaps.readers.zipsafe as zipsafe

    raw = _fixture("roadmap.docx")
    assert "ДОРОЖНАЯ КАРТА" in document_text(raw, name="r.docx")
    monkeypatch.setattr(zipsafe, "MAX_UNZIPPED", 10_000)
    with pytest.raises(DocumentError, match=r"^r\.docx: отклонено: файл распаковывается в [\d,]+ "
                                            r"байт "
                                            r"\(предел 10,000; zip-бомба\?\)$"):
        document_text(raw, name="r.docx")


def test_an_unknown_zip_is_not_taken_for_a_document():
    with pytest.raises(DocumentError, match=r"^a\.zip: zip-архив, который не является документом "
                                            r"\.docx"):
        document_text(_zip({"readme.txt": "hello"}), name="a.zip", suffix=".zip")
    ods = _zip({"mimetype": "application/vnd.oasis.opendocument.spreadsheet",
                "content.xml": "<x/>"})
    with pytest.raises(DocumentError, match=r"^t\.ods: таблица OpenDocument \(\.ods\); "
                                            r"сохраните её как \.xlsx$"):
        document_text(ods, name="t.ods", suffix=".ods")


# --- through the CLI, with a real SQLite file ---

TABLES = ("document", "task", "assignment", "event", "organisation", "person")


def _counts(tmp_path) -> tuple[int, ...]:
    with sqlite3.connect(tmp_path / "tracker.db") as connection:
        return tuple(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                     for table in TABLES)


@pytest.fixture
def directory(cli):
    result = cli("org", "import", str(MUNICIPALITIES_CSV), "--parent", "Ростовская область")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("name", ["encrypted.pdf", "truncated.pdf", "bomb.docx", "bomb.xlsx",
                                  "damaged.odt", "truncated.xlsx", "binary.txt",
                                  pytest.param("damaged.doc", marks=needs_antiword)])
def test_import_of_bad_input_fails_and_writes_nothing(cli, directory, tmp_path, name):
    content, message = {**BAD, **DOC_BAD}[name]
    (tmp_path / name).write_bytes(content())
    before = _counts(tmp_path)
    result = cli("import", name, "--yes")
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.startswith(f"Ошибка: {name}: {message.split(': ', 1)[1]}")
    assert result.stderr.count("\n") == 1
    assert _counts(tmp_path) == before


def test_import_refuses_a_file_over_max_file_mb(cli, directory, tmp_path, config_path):
    config_path.write_text(config_path.read_text(encoding="utf-8")
                           + "\n[import]\nmax_file_mb = 0.01\n", encoding="utf-8")
    shutil.copy(DOCUMENTS / "roadmap.pdf", tmp_path / "big.pdf")  # ~20 KB
    before = _counts(tmp_path)
    result = cli("import", "big.pdf", "--yes")
    assert result.exit_code == 1, result.output
    size = (tmp_path / "big.pdf").stat().st_size
    assert result.stderr == (f"Ошибка: big.pdf: файл слишком велик ({size:,} байт; предел "
                             "10,000)\n")
    assert _counts(tmp_path) == before


def test_import_of_a_pdf_roadmap_writes_it(cli, directory, tmp_path):
    shutil.copy(DOCUMENTS / "roadmap.pdf", tmp_path / "roadmap.pdf")
    before = _counts(tmp_path)
    result = cli("import", "roadmap.pdf", "--yes")
    assert result.exit_code == 0, result.output
    assert "roadmap.pdf: импортирован как документ 1: задач 5" in result.stdout
    assert _counts(tmp_path)[:2] == (before[0] + 1, before[1] + 5)
