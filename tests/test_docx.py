""".docx documents built with python-docx: paragraphs and tables in document order, and a
roadmap table that imports exactly as its plain-text form."""

from __future__ import annotations

import dataclasses
from datetime import date

import docx
import pytest

from roadmaps.parsed import DocumentError
from roadmaps.parser import parse_file, parse_text
from roadmaps.readers import docx_to_text
from tracker.core.enums import DocumentKind, Level, Recurrence

HEADER = ["№ п/п", "Наименование мероприятия", "Срок начала", "Срок окончания",
          "Ответственные", "Ожидаемый результат"]
ROWS = [
    "Региональный уровень",
    ["1.", "Разработать региональную модель профориентации", "01.07.2021", "20.08.2021",
     "Министерство образования; РИПК и ППРО", "Модель утверждена"],
    ["2.", "Провести обучающие семинары (до 1 октября) и подготовить сборник практик "
     "(до 1 декабря)", "", "", "РИПК и ППРО", "Сборник"],
    "Муниципальный уровень",
    ["3.", "Организовать работу районных методических объединений", "сентябрь 2021",
     "ежемесячно", "Органы местного самоуправления, осуществляющие управление в сфере "
     "образования", "Протоколы заседаний"],
    ["4.", "Утвердить муниципальные планы-графики", "", "15.09.2021", "МОУО",
     "Планы утверждены"],
]
TITLE = ["Приложение", "к приказу министерства от 20.08.2021 № 700", "",
         "ДОРОЖНАЯ КАРТА", "мероприятий по развитию профессиональной ориентации обучающихся "
         "на 2021-2022 учебный год"]


def _roadmap_docx(path, *, header=HEADER, rows=ROWS):
    document = docx.Document()
    for line in TITLE:
        document.add_paragraph(line)
    table = document.add_table(rows=1 + len(rows), cols=len(header))
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row, values in zip(table.rows[1:], rows, strict=True):
        if isinstance(values, str):  # a section row: one cell merged across the table
            merged = row.cells[0].merge(row.cells[-1])
            merged.text = values
        else:
            for cell, text in zip(row.cells, values, strict=True):
                cell.text = text
    document.add_paragraph("Начальник отдела   И.И. Иванова")
    document.save(path)
    return path


def _roadmap_text(header=HEADER, rows=ROWS, sep=" | "):
    body = [sep.join(header)]
    body += [row if isinstance(row, str) else sep.join(row) for row in rows]
    return "\n".join([*TITLE, "", *body, "", "Начальник отдела   И.И. Иванова", ""])


def _comparable(doc):
    # Everything but the line numbers, which depend on the layout of the text.
    return [{k: v for k, v in dataclasses.asdict(item).items() if k != "line"}
            for item in doc.items]


def test_docx_roadmap_imports_the_same_as_its_text_form(tmp_path):
    from_docx = parse_file(_roadmap_docx(tmp_path / "roadmap.docx"))
    text_path = tmp_path / "roadmap.txt"
    text_path.write_text(_roadmap_text(), encoding="utf-8")
    from_text = parse_file(text_path)
    assert _comparable(from_docx) == _comparable(from_text)
    for field in ("kind", "number", "date", "title", "issuer", "chair", "secretary"):
        assert getattr(from_docx, field) == getattr(from_text, field)
    assert len(from_docx.items) == 5


def test_docx_roadmap_items(tmp_path):
    doc = parse_file(_roadmap_docx(tmp_path / "roadmap.docx"))
    assert (doc.kind, doc.number, doc.date) == (DocumentKind.ROADMAP, "700", date(2021, 8, 20))
    got = [(i.label, i.level, i.start, i.due, i.recurrence) for i in doc.items]
    assert got == [
        ("1", Level.REGIONAL, date(2021, 7, 1), date(2021, 8, 20), None),
        ("2", Level.REGIONAL, None, date(2021, 10, 1), None),
        ("2", Level.REGIONAL, None, date(2021, 12, 1), None),
        ("3", Level.MUNICIPAL, date(2021, 9, 1), date(2022, 8, 31), Recurrence.MONTHLY),
        ("4", Level.MUNICIPAL, None, date(2021, 9, 15), None),
    ]
    assert doc.items[1].text == "Провести обучающие семинары (до 1 октября)"
    assert doc.items[2].text == "Подготовить сборник практик (до 1 декабря)"
    assert doc.items[0].owners == ["Министерство образования", "РИПК и ППРО"]


def test_tab_separated_text_form_matches_too(tmp_path):
    from_docx = parse_file(_roadmap_docx(tmp_path / "roadmap.docx"))
    from_tabs = parse_text(_roadmap_text(sep="\t"))
    assert _comparable(from_docx) == _comparable(from_tabs)


def test_columns_are_found_by_header_in_any_order(tmp_path):
    order = [4, 1, 3, 0, 5, 2]
    header = [HEADER[i] for i in order]
    rows = [r if isinstance(r, str) else [r[i] for i in order] for r in ROWS]
    shuffled = parse_file(_roadmap_docx(tmp_path / "s.docx", header=header, rows=rows))
    plain = parse_file(_roadmap_docx(tmp_path / "p.docx"))
    assert _comparable(shuffled) == _comparable(plain)


def test_paragraphs_and_tables_keep_document_order(tmp_path):
    document = docx.Document()
    document.add_paragraph("ПРОТОКОЛ № 4")
    document.add_paragraph("Дата проведения: 01.03.2022")
    document.add_paragraph("РЕШИЛИ:")
    document.add_paragraph("1. Информацию принять к сведению.")
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ["Мероприятие", "Срок", "Ответственный"],
                          strict=True):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["Провести семинар", "до 15 марта",
                                                "Иванова И.И."], strict=True):
        cell.text = text
    document.add_paragraph("2. Подготовить отчёт до 1 апреля.")
    document.add_paragraph("Секретарь: Петрова С.С.")
    path = tmp_path / "protocol.docx"
    document.save(path)
    text = docx_to_text(path.read_bytes())
    assert text.index("принять к сведению") < text.index("Провести семинар") < text.index(
        "Подготовить отчёт")
    doc = parse_file(path)
    assert [(i.label, i.text, i.due, i.owners) for i in doc.items] == [
        ("1", "Информацию принять к сведению.", None, []),
        (None, "Провести семинар", date(2022, 3, 15), ["Иванова И.И."]),
        ("2", "Подготовить отчёт до 1 апреля.", date(2022, 4, 1), []),
    ]
    assert (doc.number, doc.secretary) == ("4", "Петрова С.С.")


def test_docx_suffix_does_not_matter(tmp_path):
    path = _roadmap_docx(tmp_path / "roadmap.docx")
    renamed = path.rename(tmp_path / "roadmap.bin")
    assert len(parse_file(renamed).items) == 5


def test_empty_docx_is_an_error(tmp_path):
    path = tmp_path / "empty.docx"
    docx.Document().save(path)
    with pytest.raises(DocumentError, match=r"^empty\.docx: в документе нет текста$"):
        parse_file(path)


def test_zip_that_is_not_a_docx_is_an_error(tmp_path):
    import zipfile
    path = tmp_path / "archive.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(DocumentError, match=r"^archive\.docx: не удаётся прочитать файл \.docx"):
        parse_file(path)


def test_merged_header_cell_over_two_date_columns(tmp_path):
    document = docx.Document()
    document.add_paragraph("ПЛАН мероприятий на 2022 год")
    table = document.add_table(rows=3, cols=4)
    top, sub = table.rows[0].cells, table.rows[1].cells
    top[0].text, top[1].text, top[3].text = "Мероприятие", "Сроки", "Ответственный"
    top[1].merge(top[2])
    sub[1].text, sub[2].text = "начало", "окончание"
    for cell, text in zip(table.rows[2].cells, ["Провести смотр-конкурс", "01.03.2022",
                                                "31.03.2022", "Отдел образования"], strict=True):
        cell.text = text
    path = tmp_path / "plan.docx"
    document.save(path)
    item = parse_file(path).items[0]
    assert (item.text, item.start, item.due, item.owners) == (
        "Провести смотр-конкурс", date(2022, 3, 1), date(2022, 3, 31), ["Отдел образования"])


def _multilevel_list(document) -> int:
    """Add a Word list "1." / "1.1." / "а)" to the document's numbering; return its numId."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    numbering = document.part.numbering_part.element
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/></w:lvl>'
        for i, (fmt, text) in enumerate([("decimal", "%1."), ("decimal", "%1.%2."),
                                         ("russianLower", "%3)")]))
    numbering.insert(0, parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">{levels}</w:abstractNum>'))
    numbering.append(parse_xml(
        f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return 90


def _numbered(document, text: str, num_id: int, level: int):
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    paragraph = document.add_paragraph(text)
    paragraph._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/>'
        "</w:numPr>"))
    return paragraph


def test_word_auto_numbering_gives_the_labels(tmp_path):
    document = docx.Document()
    for line in ["ПРИКАЗ", "01.03.2022 № 15", "ПРИКАЗЫВАЮ:"]:
        document.add_paragraph(line)
    num_id = _multilevel_list(document)
    _numbered(document, "Отделу образования:", num_id, 0)
    _numbered(document, "провести семинар до 10 марта;", num_id, 1)
    _numbered(document, "подготовить отчёт:", num_id, 1)
    _numbered(document, "по школам до 20 марта;", num_id, 2)
    _numbered(document, "Контроль за исполнением приказа оставляю за собой.", num_id, 0)
    document.add_paragraph("Уже без номера", style="List Bullet")
    path = tmp_path / "order.docx"
    document.save(path)
    text = docx_to_text(path.read_bytes())
    assert "\n1.1. провести семинар" in text and "\nа) по школам" in text
    assert "\n2. Контроль" in text and "\n• Уже без номера" in text
    doc = parse_file(path)
    assert [(i.label, i.parent_label, i.actionable, i.due) for i in doc.items][:5] == [
        ("1", None, False, None),
        ("1.1", "1", True, date(2022, 3, 10)),
        ("1.2", "1", False, None),
        ("а", "1.2", True, date(2022, 3, 20)),
        ("2", None, False, None),
    ]
    assert doc.items[1].owners == ["Отделу образования"]
