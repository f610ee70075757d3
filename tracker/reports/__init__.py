"""Reports: overdue summaries and executive discipline («исполнительская дисциплина»).

`figures` computes every figure in SQL, `progress` the per-decision progress and the
oldest overdue items; `report` bundles the views of one report;
`export_*` write it as CSV, JSON, XLSX or HTML; `digests` turns it into the weekly
messages of the lead and the coordinators. The bot's `/overdue` calls `figures`
directly: `figures.organisation_figures`, `figures.totals`, `progress.oldest_overdue`.
"""
