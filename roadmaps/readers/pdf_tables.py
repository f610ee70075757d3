"""Ruled tables of a PDF page read through PDFium: the straight horizontal and vertical
segments of the page's paths (lines, the sides of rectangles, thin filled rules) go
through pdfplumber's own table-finding steps (merge_edges, edges_to_intersections,
intersections_to_cells, cells_to_tables, with its default 3 pt tolerances), and each
cell's text is PDFium's text inside the cell's box. This gives pdfplumber's tables without
pdfminer parsing the page (20x faster). A rotated page returns None: the caller reads it
with pdfplumber itself.
"""

from __future__ import annotations

from roadmaps.readers.tables import clean_cell

_THIN = 3.0  # points: a path this thin is a rule (pdfplumber's snap/join tolerances too)


Rows = list[list[str] | str]


def find_tables(page, text_page, *, clean) -> list[tuple[float, float, Rows]] | None:
    """The page's ruled tables as (top, bottom, rows), top-down coordinates, rows as
    `roadmaps.readers.tables.table_lines` takes them; None for a rotated page."""
    import pypdfium2.raw as pdfium_c
    from pdfplumber import table as finder

    if page.get_rotation() % 360:
        return None
    height = page.get_size()[1]
    edges: list[dict] = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2):
        edges += _path_edges(obj, height, pdfium_c)
    if not edges:
        return []
    edges = finder.merge_edges(edges, _THIN, _THIN, _THIN, _THIN)
    edges = [e for e in edges if e["width" if e["orientation"] == "h" else "height"] >= _THIN]
    cells = finder.intersections_to_cells(finder.edges_to_intersections(edges, _THIN, _THIN))
    return [_rows(table, text_page, height, clean) for table in finder.cells_to_tables(cells)]


def _path_edges(obj, height: float, pdfium_c) -> list[dict]:
    """The horizontal and vertical straight segments of a path object, in top-down page
    coordinates. Sub-paths with curves are skipped: rules are straight."""
    import ctypes

    m = obj.get_matrix()
    x, y = ctypes.c_float(), ctypes.c_float()
    edges: list[dict] = []
    subpath: list[tuple[float, float]] = []
    curved = False

    def flush(closed: bool) -> None:
        points = subpath + subpath[:1] if closed and len(subpath) > 2 else subpath
        if not curved:
            for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
                if abs(y1 - y0) < 0.5 and abs(x1 - x0) >= _THIN:
                    top = height - y0
                    edges.append(_edge(min(x0, x1), top, max(x0, x1), top, "h"))
                elif abs(x1 - x0) < 0.5 and abs(y1 - y0) >= _THIN:
                    edges.append(_edge(x0, height - max(y0, y1), x0, height - min(y0, y1), "v"))

    for index in range(pdfium_c.FPDFPath_CountSegments(obj.raw)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj.raw, index)
        if not pdfium_c.FPDFPathSegment_GetPoint(segment, x, y):
            continue
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        point = (m.a * x.value + m.c * y.value + m.e, m.b * x.value + m.d * y.value + m.f)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            flush(False)
            subpath, curved = [point], False
            continue
        curved |= kind == pdfium_c.FPDF_SEGMENT_BEZIERTO
        subpath.append(point)
        if pdfium_c.FPDFPathSegment_GetClose(segment):
            flush(True)
            subpath, curved = [], False
    flush(False)
    return edges


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
