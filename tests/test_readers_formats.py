"""A reader test per format on real files: the seed protocol and a plan table, made with
python-docx and converted by LibreOffice (tests/fixtures/documents/make_fixtures.py), read
back to text that parses into the same items as the .txt / .docx originals."""

from __future__ import annotations

import dataclasses
import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from roadmaps.parsed import DocumentError
from roadmaps.parser import parse_file, parse_text
from roadmaps.readers import CELL_SEPARATOR, decode_text, document_text, read_text

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = ROOT / "tests" / "fixtures" / "documents"
PROTOCOL_TXT = ROOT / "roadmaps" / "examples" / "working_group_protocol.txt"
ROADMAP_ROWS = [
    "№ п/п | Наименование мероприятия | Срок начала | Срок окончания | Ответственные | "
    "Ожидаемый результат",
    "Региональный уровень",
    "1. | Разработать региональную модель профориентации | 01.07.2021 | 20.08.2021 | "
    "Министерство образования; РИПК и ППРО | Модель утверждена",
    "Муниципальный уровень",
    "4. | Утвердить муниципальные планы-графики |  | 15.09.2021 | МОУО | Планы утверждены",
]
needs_antiword = pytest.mark.skipif(
    not shutil.which("antiword") and not os.environ.get("CI"),
    reason="antiword is not installed (CI installs it)")


def _comparable(doc):
    # Everything but the line numbers, which depend on the layout of the text.
    return [{k: v for k, v in dataclasses.asdict(item).items() if k != "line"}
            for item in doc.items]


def _meta(doc):
    return (doc.kind, doc.number, doc.date, doc.title, doc.chair, doc.secretary)


@pytest.fixture(scope="module")
def protocol():
    return parse_file(PROTOCOL_TXT)


@pytest.fixture(scope="module")
def roadmap():
    return parse_file(DOCUMENTS / "roadmap.docx")


@pytest.mark.parametrize("name", [
    "protocol.pdf", pytest.param("protocol.doc", marks=needs_antiword), "protocol.odt",
    "protocol.rtf"])
def test_the_seed_protocol_reads_the_same_in_every_format(protocol, name):
    doc = parse_file(DOCUMENTS / name)
    assert _comparable(doc) == _comparable(protocol)
    assert _meta(doc) == _meta(protocol)
    assert len(doc.items) == 17 and doc.date == date(2022, 4, 11)


@pytest.mark.parametrize("name", [
    "roadmap.pdf", pytest.param("roadmap.doc", marks=needs_antiword), "roadmap.odt",
    "roadmap.rtf"])
def test_a_plan_table_reads_the_same_in_every_format(roadmap, name):
    text, _ = read_text(DOCUMENTS / name)
    lines = [line.strip() for line in text.splitlines()]
    for row in ROADMAP_ROWS:  # the same " | " rows the .docx reader makes
        assert row in lines, row
    doc = parse_text(text, source=name)
    assert _comparable(doc) == _comparable(roadmap)
    assert (doc.kind, doc.number, doc.date) == (roadmap.kind, "700", date(2021, 8, 20))


@pytest.mark.parametrize("name", [
    "numbered.pdf", pytest.param("numbered.doc", marks=needs_antiword), "numbered.odt",
    "numbered.rtf"])
def test_word_list_numbers_survive_every_format(name):
    # The order's items are numbered by Word's "List Number" style, not typed.
    expected = [(i.label, i.text, i.due) for i in parse_file(DOCUMENTS / "numbered.docx").items]
    assert [label for label, _, _ in expected] == ["1", "2", "3", None]
    doc = parse_file(DOCUMENTS / name)
    assert [(i.label, i.text, i.due) for i in doc.items][:3] == expected[:3]
    assert (doc.number, doc.date) == ("556", date(2021, 6, 15))


@pytest.mark.parametrize("name", ["merged.docx", "merged.pdf", "merged.odt", "merged.rtf"])
def test_a_cell_merged_down_repeats_its_value(name):
    text, _ = read_text(DOCUMENTS / name)
    owner = "Органы местного самоуправления"
    assert f"4. | Утвердить муниципальные планы-графики |  | 15.09.2021 | {owner} | " \
           "Планы утверждены" in text.splitlines()
    assert parse_text(text).items[-1].owners == [owner]


@needs_antiword
def test_antiword_does_not_tell_a_cell_merged_down():
    # A known limit of antiword's DocBook output (LibreOffice's conversion keeps it).
    lines = read_text(DOCUMENTS / "merged.doc")[0].splitlines()
    assert "4. | Утвердить муниципальные планы-графики |  | 15.09.2021 |  | Планы утверждены" \
        in lines


def test_pdf_pages_pdfium_cannot_rule_go_through_pdfplumber(monkeypatch, roadmap):
    import roadmaps.readers.pdf_tables as pdf_tables

    fast = read_text(DOCUMENTS / "roadmap.pdf")[0]
    monkeypatch.setattr(pdf_tables, "find_tables", lambda *args, **kwargs: None)
    slow = read_text(DOCUMENTS / "roadmap.pdf")[0]
    lines = [line.strip() for line in slow.splitlines()]
    for row in ROADMAP_ROWS:
        assert row in lines, row
    assert _comparable(parse_text(slow)) == _comparable(parse_text(fast)) \
        == _comparable(roadmap)


def test_pdf_text_is_in_reading_order_around_the_table():
    text, _ = read_text(DOCUMENTS / "roadmap.pdf")
    assert text.index("ДОРОЖНАЯ КАРТА") < text.index("№ п/п | Наименование") \
        < text.index("4. | Утвердить") < text.index("Начальник отдела")
    assert "Наименование мероприятия" not in text.replace("№ п/п | Наименование мероприятия", "")


def test_pdf_page_numbers_are_dropped_and_the_document_number_kept():
    import pdfplumber

    with pdfplumber.open(DOCUMENTS / "protocol.pdf") as pdf:
        footers = [page.extract_text().splitlines()[-1] for page in pdf.pages]
    assert footers == ["1", "2", "3", "4"]  # the fixture prints page numbers in the footer
    lines = read_text(DOCUMENTS / "protocol.pdf")[0].splitlines()
    assert not {"1", "2", "3", "4"} & set(lines)
    assert "21" in lines  # the protocol's number, on a line of its own mid-page


def test_xlsx_roadmap_finds_the_header_and_honours_merges():
    text, _ = read_text(DOCUMENTS / "roadmap.xlsx")
    lines = text.splitlines()
    assert lines[:3] == ["Приложение к приказу министерства от 20.08.2021 № 700",
                         "ДОРОЖНАЯ КАРТА", "мероприятий по развитию профессиональной "
                         "ориентации обучающихся на 2021-2022 учебный год"]
    assert ROADMAP_ROWS[:4] == [line for line in lines if line.startswith(
        ("№ п/п", "Региональный", "1. |", "Муниципальный"))]
    # The owner merged down over items 3 and 4 is repeated in both rows.
    assert "4. | Утвердить муниципальные планы-графики |  | 15.09.2021 | Органы местного " \
           "самоуправления | Планы утверждены" in lines
    # The second sheet follows the first.
    assert lines.index("№ | Мероприятие | Срок | Ответственный") > lines.index(ROADMAP_ROWS[-2])
    doc = parse_text(text)
    got = [(i.label, i.due, i.owners) for i in doc.items]
    assert got[4:] == [
        ("4", date(2021, 9, 15), ["Органы местного самоуправления"]),
        ("5", date(2021, 10, 1), ["Директора школ"]),
    ]
    assert [(i.label, i.due) for i in doc.items[:4]] == [
        (i.label, i.due) for i in parse_file(DOCUMENTS / "roadmap.docx").items[:4]]


def test_saved_web_page_reads_like_the_protocol_without_its_furniture(protocol):
    text, raw = read_text(DOCUMENTS / "protocol_page.html")
    assert b"charset=windows-1251" in raw and "ПОСТАНОВИЛИ:" in text  # decoded by <meta>
    for furniture in ("Поделиться", "ВКонтакте", "Одноклассники", "Версия для печати",
                      "Главная", "Подписаться", "Дата последнего изменения", "gtag",
                      "font-family", "Все права защищены", "Карта сайта", "Новости"):
        assert furniture not in text, furniture
    assert text.splitlines()[0] == "Дата публикации: 12.04.2022"  # kept for the date
    doc = parse_text(text)
    assert _comparable(doc)[:17] == _comparable(protocol)
    assert _meta(doc) == _meta(protocol)
    table = [i for i in doc.items[17:]]
    assert [i.label for i in table] == ["1", "2", "2", "3", "4"]
    assert CELL_SEPARATOR.join(["1.", "Разработать региональную модель профориентации"]) in text


def test_html_tables_repeat_merged_cells():
    page = ("<html><body><table><tr><th>№</th><th>Мероприятие</th><th>Срок</th></tr>"
            "<tr><td colspan=3>I. Организационные мероприятия</td></tr>"
            "<tr><td rowspan=2>1.</td><td>Провести совещание<br>с директорами</td>"
            "<td rowspan=2>до 01.09.2021</td></tr><tr><td>Утвердить план</td></tr>"
            "<tr><td>2.</td><td colspan=2>Постоянно</td></tr></table></body></html>")
    text = document_text(page.encode("utf-8"), name="p.html")
    assert text.strip().splitlines() == [
        "№ | Мероприятие | Срок",
        "I. Организационные мероприятия",
        "1. | Провести совещание с директорами | до 01.09.2021",
        "1. | Утвердить план | до 01.09.2021",
        "2. | Постоянно | Постоянно",
    ]


def test_an_articles_own_header_is_kept():
    page = ("<html><body><header><nav>Главная</nav>Сайт министерства</header><article>"
            "<header><h1>ПРИКАЗ № 5</h1></header><p>ПРИКАЗЫВАЮ:</p><p>1. Провести семинар."
            "</p></article><footer>Контакты</footer></body></html>")
    text = document_text(page.encode("utf-8"), name="p.html")
    assert [line for line in text.splitlines() if line] == [
        "ПРИКАЗ № 5", "ПРИКАЗЫВАЮ:", "1. Провести семинар."]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251", "koi8_r"])
def test_text_encodings_are_detected(tmp_path, protocol, encoding):
    text = PROTOCOL_TXT.read_text(encoding="utf-8")
    if encoding == "koi8_r":  # KOI8-R has no «», №
        text = text.translate(str.maketrans({"«": '"', "»": '"', "№": "N"}))
    path = tmp_path / "protocol.txt"
    path.write_bytes(text.encode(encoding))
    read, _ = read_text(path)
    assert read.lstrip("\ufeff") == text
    assert [i.due for i in parse_file(path).items] == [i.due for i in protocol.items]


@pytest.mark.parametrize("line", [
    "Срок до 1 мая", "ПЕНЗЕНСКАЯ ГОРОДСКАЯ ДУМА", "ВЕСЕННИХ КАНИКУЛ", "26.05.2017 N 716-34/6",
    "первый этап: отборочный этап - в заочной форме;", "от 19 марта 2003 г. N 305-р",
])
@pytest.mark.parametrize("encoding", ["cp1251", "koi8_r"])
def test_short_lines_and_capitals_decode_in_either_code_page(line, encoding):
    assert decode_text(line.encode(encoding)) == line


def test_a_line_of_digits_and_a_number_sign_is_windows_1251():
    assert decode_text("26.05.2017 № 716-34/6".encode("cp1251")) == "26.05.2017 № 716-34/6"


def test_rtf_code_page_comes_from_ansicpg():
    body = "Срок до 1 мая".encode("cp1251")
    escaped = "".join(f"\\'{b:02x}" if b > 127 else chr(b) for b in body)
    raw = ("{\\rtf1\\ansi\\ansicpg1251\\deff0{\\fonttbl{\\f0 Times;}}\\f0 ПРИКАЗЫВАЮ:\\par "
           .replace("ПРИКАЗЫВАЮ:", "") + escaped + "\\par}").encode("ascii")
    assert document_text(raw, name="a.rtf").strip() == "Срок до 1 мая"
    koi = raw.replace(b"\\ansicpg1251", b"\\ansicpg20866")  # KOI8-R's Windows code page
    assert document_text(koi, name="b.rtf").strip() != "Срок до 1 мая"  # the cp is honoured


def test_content_decides_before_the_suffix(tmp_path):
    for source, suffix in (("protocol.pdf", ".txt"), ("protocol.odt", ".docx"),
                           ("roadmap.xlsx", ".docx"), ("protocol.rtf", ".doc")):
        path = tmp_path / f"renamed{suffix}"
        path.write_bytes((DOCUMENTS / source).read_bytes())
        assert read_text(path)[0] == read_text(DOCUMENTS / source)[0]


def test_a_scanned_pdf_says_it_has_no_text_layer():
    with pytest.raises(DocumentError) as exc:
        read_text(DOCUMENTS / "scanned.pdf")
    assert str(exc.value) == ("scanned.pdf: в PDF нет текстового слоя (отсканированный документ?); "
                              "распознавание текста не поддерживается: импортируйте PDF с "
                              "текстом, .docx или .txt")


def test_doc_without_a_converter_says_what_to_install(monkeypatch):
    import roadmaps.readers.legacy as legacy

    monkeypatch.setattr(legacy.shutil, "which", lambda program: None)
    with pytest.raises(DocumentError) as exc:
        read_text(DOCUMENTS / "protocol.doc")
    assert str(exc.value).startswith("protocol.doc: для чтения файла Word 97-2003 .doc нужен "
                                     "antiword или LibreOffice: установите antiword")


def _fake_soffice(tmp_path, monkeypatch, body: str) -> Path:
    """A stand-in `soffice` on PATH (antiword hidden): CI installs antiword only, so the
    LibreOffice route is checked with a program that behaves like it on the command line."""
    import roadmaps.readers.legacy as legacy

    program = tmp_path / "bin" / "soffice"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    program.chmod(0o755)
    monkeypatch.setattr(legacy.shutil, "which",
                        lambda name: str(program) if name == "soffice" else None)
    return program


def test_doc_through_libreoffice_when_antiword_is_missing(tmp_path, monkeypatch):
    log = tmp_path / "args.txt"
    # Like `soffice --headless --convert-to docx --outdir DIR FILE`: DIR/<stem>.docx.
    _fake_soffice(tmp_path, monkeypatch, f'''echo "$@" > {log}
for last; do :; done
while [ "$1" != "--outdir" ]; do shift; done
cp {DOCUMENTS / "merged.docx"} "$2/$(basename "$last" .doc).docx"
''')
    text, _ = read_text(DOCUMENTS / "protocol.doc")
    assert text == read_text(DOCUMENTS / "merged.docx")[0]
    args = log.read_text(encoding="utf-8").split()
    assert args[0].startswith("-env:UserInstallation=file://")  # a private profile
    assert args[1:5] == ["--headless", "--convert-to", "docx", "--outdir"]


def test_doc_libreoffice_cannot_convert_is_one_line(tmp_path, monkeypatch):
    _fake_soffice(tmp_path, monkeypatch, "exit 1\n")
    with pytest.raises(DocumentError) as exc:
        read_text(DOCUMENTS / "protocol.doc")
    assert str(exc.value) == ("protocol.doc: не удаётся прочитать файл .doc (LibreOffice не "
                              "смог его преобразовать)")


def test_docx_content_controls_are_read_but_not_a_table_of_contents(tmp_path):
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    def control(gallery: str, text: str):
        return parse_xml(
            f'<w:sdt {nsdecls("w")}><w:sdtPr><w:docPartObj><w:docPartGallery w:val="{gallery}"/>'
            f"</w:docPartObj></w:sdtPr><w:sdtContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p>"
            "</w:sdtContent></w:sdt>")

    document = docx.Document()
    document.add_paragraph("ПРИКАЗЫВАЮ:")
    body = document.element.body
    body.insert(len(body) - 1, control("Table of Contents", "1.8. Сроки исполнения работ 5"))
    body.insert(len(body) - 1, control("Cover Pages", "1. Провести семинар до 1 мая 2022 г."))
    path = tmp_path / "controls.docx"
    document.save(path)
    text, _ = read_text(path)
    assert "Сроки исполнения работ" not in text
    assert "1. Провести семинар до 1 мая 2022 г." in text.splitlines()
