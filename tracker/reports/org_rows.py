"""The organisations an organisation view has a row for, read in one Core select of four
columns (a country has a hundred thousand organisations, too many for the ORM), and the
walks down the tree that pick them (`row_organisations`). The rolled-up figures of each
row: `tracker.reports.figures`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from tracker.core.models import Organisation

__all__ = ["OrgRow", "org_rows", "orgs_by_parent", "row_organisations", "rows_and_root"]

_O = Organisation.__table__


@dataclass(frozen=True)
class OrgRow:
    """An organisation as the organisation view reads it (one Core select of four
    columns: a country has a hundred thousand organisations, too many for the ORM)."""

    id: int
    parent_id: int | None
    name: str
    kind: str


def org_rows(session: Session) -> list[OrgRow]:
    """Every organisation, in id order."""
    return [OrgRow(*row) for row in session.connection().execute(
        select(_O.c.id, _O.c.parent_id, _O.c.name, _O.c.kind).order_by(_O.c.id))]


def row_organisations(*, session: Session, root_org_id: int | None,
                      depth: int | None = 1) -> list[OrgRow]:
    """The organisations an organisation view has a rolled-up row for.

    `depth` levels below the root (1: its direct subordinates; None: every descendant).
    Without a root, the root is the only top-level organisation (the region); with
    several top-level organisations they are the rows at depth 1. An organisation with
    nothing under it is its own row.
    """
    return rows_and_root(orgs_by_parent(org_rows(session)), root_org_id, depth)[0]


def orgs_by_parent(orgs: list[OrgRow]) -> dict[int | None, list[OrgRow]]:
    by_parent: dict[int | None, list[OrgRow]] = {}
    for org in orgs:
        by_parent.setdefault(org.parent_id, []).append(org)
    return by_parent


def rows_and_root(by_parent: dict[int | None, list[OrgRow]], root_org_id: int | None,
                   depth: int | None) -> tuple[list[OrgRow], OrgRow | None]:
    remaining = depth - 1 if depth else None
    if root_org_id is None:
        tops = by_parent.get(None, [])
        if len(tops) != 1:
            return _descend(by_parent, tops, remaining, []), None
        root_org_id = tops[0].id
    root = next(o for level in by_parent.values() for o in level if o.id == root_org_id)
    rows = _descend(by_parent, by_parent.get(root_org_id, []), remaining, [])
    return (rows, root) if rows else ([root], None)


def _descend(by_parent, level: list, remaining: int | None, out: list) -> list:
    """Organisations `remaining` levels below `level` (None: `level` and all below)."""
    if remaining is None:
        for org in level:
            out.append(org)
            _descend(by_parent, by_parent.get(org.id, []), None, out)
        return out
    for _step in range(remaining):
        level = [child for org in level for child in by_parent.get(org.id, [])]
    out.extend(level)
    return out
