"""Ruled tables of a PDF page read through PDFium: the page's rules (thin path objects and
the sides of rectangles) go through pdfplumber's own table-finding steps (merge_edges,
edges_to_intersections, intersections_to_cells, cells_to_tables, with its default
tolerances), and each cell's text is PDFium's text inside the cell's box. This gives
pdfplumber's tables without pdfminer parsing the page (20x faster).

A page whose paths are not plain rules or rectangles (curves, polylines) returns None: the
caller reads that page with pdfplumber itself.
"""

from __future__ import annotations

from roadmaps.readers.tables import clean_cell

_THIN = 3.0  # points: a path this thin is a rule (pdfplumber's snap/join tolerances too)
_MAX_RECT_SEGMENTS = 6  # a rectangle is 4-5 segments (+ close)


Rows = list[list[str] | str]


def find_tables(page, text_page, *, clean) -> list[tuple[float, float, Rows]] | None:
    """The page's ruled tables as (top, bottom, rows), top-down coordinates, rows as
    `roadmaps.readers.tables.table_lines` takes them; None when the ruling is not plain."""
    import pypdfium2.raw as pdfium_c
    from pdfplumber import table as finder

    width, height = page.get_size()
    edges: list[dict] = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        w, h = right - left, top - bottom
        top, bottom = height - top, height - bottom  # pdfplumber counts from the top
        if h <= _THIN and w >= _THIN:
            y = (top + bottom) / 2
            edges.append(_edge(left, y, right, y, "h"))
        elif w <= _THIN and h >= _THIN:
            x = (left + right) / 2
            edges.append(_edge(x, top, x, bottom, "v"))
        elif w > _THIN and h > _THIN:
            if pdfium_c.FPDFPath_CountSegments(obj.raw) > _MAX_RECT_SEGMENTS:
                return None  # a curve or a polyline: leave the page to pdfplumber
            edges += [_edge(left, top, right, top, "h"), _edge(left, bottom, right, bottom, "h"),
                      _edge(left, top, left, bottom, "v"), _edge(right, top, right, bottom, "v")]
    if not edges:
        return []
    edges = finder.merge_edges(edges, _THIN, _THIN, _THIN, _THIN)
    cells = finder.intersections_to_cells(finder.edges_to_intersections(edges, _THIN, _THIN))
    out = []
    for table in finder.cells_to_tables(cells):
        out.append(_rows(table, text_page, height, clean))
    return out


def _edge(x0: float, top: float, x1: float, bottom: float, orientation: str) -> dict:
    return {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "width": x1 - x0,
            "height": bottom - top, "orientation": orientation, "object_type": "line"}


def _rows(table, text_page, height: float, clean) -> tuple[float, float, Rows]:
    xs = sorted({round(c[0], 1) for c in table} | {round(c[2], 1) for c in table})
    ys = sorted({round(c[1], 1) for c in table} | {round(c[3], 1) for c in table})
    column = {x: i for i, x in enumerate(xs)}
    row_of = {y: i for i, y in enumerate(ys)}
    grid: list[list[int | None]] = [[None] * (len(xs) - 1) for _ in range(len(ys) - 1)]
    texts = []
    for k, (x0, top, x1, bottom) in enumerate(table):
        text = text_page.get_text_bounded(x0, height - bottom, x1, height - top)
        texts.append(clean_cell(clean(text)))
        # A merged cell covers several grid positions: its text repeats in each.
        for r in range(row_of[round(top, 1)], row_of[round(bottom, 1)]):
            for c in range(column[round(x0, 1)], column[round(x1, 1)]):
                grid[r][c] = k
    rows: list[list[str] | str] = []
    for row in grid:
        if len(row) > 1 and len(set(row)) == 1 and row[0] is not None:
            rows.append(texts[row[0]])  # one cell across the table: a section row
        else:
            rows.append(["" if k is None else texts[k] for k in row])
    return ys[0], ys[-1], rows
