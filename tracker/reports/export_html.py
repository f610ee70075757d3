"""The HTML export: one self-contained file (inline CSS and SVG, no scripts, fonts or
images from elsewhere), so it opens without the internet and prints on A4.

Contents: the totals, an SVG bar chart of overdue items by organisation, a table per
view, the per-decision progress (with CSS bars) and the oldest overdue items. Every
text from the database is escaped.
"""

from __future__ import annotations

from datetime import date
from html import escape

from tracker.reports.figures import Figures, GroupBy
from tracker.reports.report import (
    COLUMNS,
    OVERDUE_KEYS,
    Report,
    group_title,
    text,
)
from tracker.reports.table import format_share

CHART_ROWS = 25  # organisations shown in the chart, the most overdue first

_CSS = """
body{font-family:Arial,"Liberation Sans",Helvetica,sans-serif;color:#1f2933;margin:24px;
font-size:13px;overflow-wrap:break-word}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px;color:#1f3a5f}
p.meta{color:#52606d;margin:0 0 16px}
.scroll{overflow-x:auto;max-width:100%;margin:0 0 12px}
table{border-collapse:collapse;width:100%}
th,td{border:1px solid #d9dce1;padding:4px 6px;vertical-align:top}
th{background:#eef1f5;text-align:left;font-size:12px;min-width:4em}
td.n{text-align:right;white-space:nowrap}td.bad{color:#b91c1c;font-weight:bold;background:#fdecec}
td.t{min-width:14em}
tr.total td{font-weight:bold;background:#f7f8fa}
.bar{background:#e5e7eb;height:10px;width:100px;max-width:100%;display:block;margin-top:3px}
.bar span{background:#2f855a;height:10px;display:block}
svg{max-width:100%;height:auto}
svg text{font-family:Arial,"Liberation Sans",Helvetica,sans-serif;font-size:11px}
@media (max-width:600px){body{margin:8px;font-size:14px}h1{font-size:18px}
th{font-size:12px}}
@media print{@page{size:A4 landscape;margin:10mm}
body{margin:0;font-size:8.5pt}h1{font-size:14pt}h2{font-size:11pt;break-after:avoid}
.scroll{overflow:visible}table{table-layout:auto;width:100%}
th{font-size:7.5pt;min-width:0;hyphens:auto}
th,td{padding:2px 3px}td.n{white-space:normal}td.t{min-width:0}
thead{display:table-header-group}tr,svg{break-inside:avoid}}
"""


def to_html(report: Report) -> str:
    locale = report.locale
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{escape(locale)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(report.title)}: {escape(report.scope)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{escape(report.title)}: {escape(report.scope)}</h1>",
        f'<p class="meta">{escape(text(locale, "as_of"))} {report.as_of:%d.%m.%Y}</p>',
        f"<h2>{escape(text(locale, 'totals'))}</h2>",
        _figures_table([report.totals], locale, totals=None, first=text(locale, "totals")),
    ]
    orgs = report.views.get(GroupBy.ORGANISATION)
    if orgs:
        parts += [f"<h2>{escape(text(locale, 'chart'))}</h2>", overdue_chart(orgs)]
    for group, rows in report.views.items():
        parts += [f"<h2>{escape(group_title(group, locale))}</h2>",
                  _figures_table(rows, locale, totals=report.totals)]
    parts += [f"<h2>{escape(text(locale, 'decisions'))}</h2>", _decisions(report)]
    parts += [f"<h2>{escape(text(locale, 'oldest'))}</h2>", _oldest(report)]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _figures_table(rows: list[Figures], locale: str, *, totals: Figures | None,
                   first: str | None = None) -> str:
    head = "".join(f"<th>{escape(c.label(locale))}</th>" for c in COLUMNS)
    body = [_figures_row(r.as_dict(), locale, first) for r in rows]
    if totals is not None:
        total = totals.as_dict() | {"name": text(locale, "totals")}
        body.append(_figures_row(total, locale, None, css="total"))
    if not rows:
        return f"<p>{escape(text(locale, 'none'))}</p>"
    return _boxed(head, body)


def _figures_row(row: dict, locale: str, first: str | None, css: str = "") -> str:
    cells = []
    for column in COLUMNS:
        value = row.get(column.key)
        if column.key == "name":
            cells.append(f'<td class="t">{escape(first or str(value))}</td>')
            continue
        shown = _show(value, column.kind, locale)
        bad = column.key in OVERDUE_KEYS and row.get("overdue") and value not in (None, 0)
        cells.append(f'<td class="n{" bad" if bad else ""}">{escape(shown)}</td>')
    klass = f' class="{css}"' if css else ""
    return f"<tr{klass}>{''.join(cells)}</tr>"


def _boxed(head: str, body: list[str]) -> str:
    """A table in a box of its own that scrolls sideways on a narrow screen (the page
    itself never gets wider than the screen); printed, the box is open and the table
    fits the page width."""
    return (f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>")


def _show(value, kind: str, locale: str) -> str:
    if value is None:
        return "—"
    if kind == "share":
        return format_share(value, locale)
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, float):
        shown = f"{value:.1f}"
        return shown.replace(".", ",") if locale == "ru" else shown
    return str(value)


def overdue_chart(rows: list[Figures]) -> str:
    """A horizontal SVG bar chart of overdue items per organisation (the most first)."""
    rows = sorted((r for r in rows if r.overdue), key=lambda r: (-r.overdue, r.name))
    rows = rows[:CHART_ROWS]
    if not rows:
        return "<p>—</p>"
    label_w, bar_w, row_h = 260, 380, 18
    peak = max(r.overdue for r in rows)
    height = row_h * len(rows) + 4
    bars = []
    for i, r in enumerate(rows):
        y = i * row_h + 2
        width = max(1, round(bar_w * r.overdue / peak))
        name = r.name if len(r.name) <= 42 else r.name[:41] + "…"
        bars.append(
            f'<text x="{label_w - 6}" y="{y + 12}" text-anchor="end">{escape(name)}</text>'
            f'<rect x="{label_w}" y="{y + 2}" width="{width}" height="{row_h - 6}" '
            f'fill="#c53030"><title>{escape(r.name)}: {r.overdue}</title></rect>'
            f'<text x="{label_w + width + 4}" y="{y + 12}">{r.overdue}</text>'
        )
    return (f'<svg role="img" width="{label_w + bar_w + 40}" '
            f'height="{height}" viewBox="0 0 {label_w + bar_w + 40} {height}">'
            + "".join(bars) + "</svg>")


def _decisions(report: Report) -> str:
    locale = report.locale
    if not report.decisions:
        return f"<p>{escape(text(locale, 'none'))}</p>"
    from tracker.reports.report import DECISION_COLUMNS

    head = "".join(f"<th>{escape(c.label(locale))}</th>" for c in DECISION_COLUMNS)
    body = []
    for d in report.decisions:
        share = d.done / d.total if d.total else 0
        pending = ", ".join(d.pending)
        if d.pending_count > len(d.pending):
            more = d.pending_count - len(d.pending)
            pending += f" … (+{more})"
        bad = ' class="n bad"' if d.overdue else ' class="n"'
        body.append(
            "<tr>"
            f"<td>{escape(d.document or '—')}</td><td>{escape(d.label or '')}</td>"
            f'<td class="t">{escape(d.text)}</td>'
            f'<td class="n">{escape(_show(d.due_date, "date", locale))}</td>'
            f'<td class="n">{escape(d.phrase(locale))} '
            f'<span class="bar"><span style="width:{round(share * 100)}%"></span></span></td>'
            f"<td{bad}>{d.overdue}</td><td>{escape(pending)}</td>"
            "</tr>"
        )
    return _boxed(head, body)


def _oldest(report: Report) -> str:
    locale = report.locale
    if not report.oldest:
        return f"<p>{escape(text(locale, 'none'))}</p>"
    from tracker.reports.report import OVERDUE_ITEM_COLUMNS

    head = "".join(f"<th>{escape(c.label(locale))}</th>" for c in OVERDUE_ITEM_COLUMNS)
    body = []
    for item in report.oldest:
        row = item.as_dict()
        cells = []
        for column in OVERDUE_ITEM_COLUMNS:
            shown = escape(_show(row.get(column.key), column.kind, locale))
            if column.key == "days_overdue":
                cells.append(f'<td class="n bad">{shown}</td>')
            elif column.kind in ("int", "date"):
                cells.append(f'<td class="n">{shown}</td>')
            else:
                css = ' class="t"' if column.key == "text" else ""
                cells.append(f"<td{css}>{shown}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return _boxed(head, body)
