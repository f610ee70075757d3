"""Readers: encodings, .docx, and one clear error for anything that is not a document
(the other formats: test_readers_formats.py; bad input: test_readers_bad_input.py)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from roadmaps.parsed import DocumentError
from roadmaps.parser import parse_file
from roadmaps.readers import decode_text, read_text

TEXT = "ПРИКАЗ\n\n15.06.2021 № 556\n\nПРИКАЗЫВАЮ:\n1. Разработать план до 1 сентября 2021 года.\n"


@pytest.mark.parametrize("encoding, prefix", [
    ("utf-8", b""),
    ("utf-8", b"\xef\xbb\xbf"),
    ("cp1251", b""),
    ("utf-16-le", b"\xff\xfe"),
])
def test_it_reads_supported_encodings(tmp_path, encoding, prefix):
    path = tmp_path / "order.txt"
    path.write_bytes(prefix + TEXT.encode(encoding))
    text, raw = read_text(path)
    assert text.lstrip("\ufeff") == TEXT
    assert raw == path.read_bytes()


def test_windows_1251_document_parses_like_utf8(tmp_path):
    (tmp_path / "a.txt").write_bytes(TEXT.encode("cp1251"))
    (tmp_path / "b.txt").write_bytes(TEXT.encode("utf-8"))
    a, b = parse_file(tmp_path / "a.txt"), parse_file(tmp_path / "b.txt")
    assert a.items == b.items and a.number == "556"
    assert a.content_hash == hashlib.sha256(TEXT.encode("cp1251")).hexdigest()
    assert a.content_hash != b.content_hash


def test_crlf_line_endings(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes(TEXT.replace("\n", "\r\n").encode("utf-8"))
    doc = parse_file(path)
    assert [i.text for i in doc.items] == ["Разработать план до 1 сентября 2021 года."]


@pytest.mark.parametrize("content, message", [
    (b"", "order.txt: файл пуст"),
    (b"  \n\r\n\t ", "order.txt: файл пуст"),
    (b"\x00\x01\x02\x03binary\x00data", "order.txt: двоичный файл, а не текстовый документ"),
    # Read by content whatever the suffix: a PDF, a .doc and a .docx that are broken.
    (b"%PDF-1.7\n...", "order.txt: не удаётся прочитать файл PDF ("),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20,
     "order.txt: это не текстовый документ (a PNG image); сохраните его как .txt или .docx"),
    (b"PK\x03\x04broken zip", "order.txt: не удаётся прочитать файл .docx"),
    ("Ça coûte très cher à Genève".encode("latin-1"),
     "order.txt: не удаётся распознать кодировку текста (не UTF-8, Windows-1251 и не "
     "KOI8-R)"),
])
def test_it_refuses_what_is_not_a_document(tmp_path, content, message):
    path = tmp_path / "order.txt"
    path.write_bytes(content)
    with pytest.raises(DocumentError) as exc:
        parse_file(path)
    assert str(exc.value).startswith(message)
    assert "\n" not in str(exc.value)


def test_it_refuses_an_oversize_file(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(TEXT.encode("utf-8") * 100)
    too_large = r"^big\.txt: файл слишком велик \(.* предел 1,000\)$"
    with pytest.raises(DocumentError, match=too_large):
        parse_file(path, max_bytes=1_000)
    assert parse_file(path, max_bytes=1_000_000).number == "556"


def test_missing_file_is_a_document_error(tmp_path):
    with pytest.raises(DocumentError, match=r"^nope\.txt: не удаётся прочитать файл"):
        parse_file(tmp_path / "nope.txt")


def test_decode_text_names_the_source():
    with pytest.raises(DocumentError, match=r"^<mail>: файл пуст$"):
        decode_text(b"", name="<mail>")


def test_no_decision_section_is_an_error(tmp_path):
    path = tmp_path / "letter.txt"
    path.write_text("Письмо\n\nУважаемые коллеги!\nНаправляем информацию о семинаре.\n",
                    encoding="utf-8")
    with pytest.raises(DocumentError, match=r"^letter\.txt: не найден раздел решений \("):
        parse_file(path)


def test_parse_file_accepts_a_string_path(tmp_path):
    path = tmp_path / "order.txt"
    path.write_text(TEXT, encoding="utf-8")
    assert parse_file(Path(str(path))).source == "order.txt"
