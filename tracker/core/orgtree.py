"""The organisation tree: the two walks every layer needs.

- `nearest_up`: from an organisation up through its ancestors, the first that has what
  is looked for ("the nearest coordinator up the tree"), in memory or in the database;
  `coordinators_up` is that walk over the database.
- `subtree_select`: the ids of an organisation and everything under it, as a recursive
  CTE (the same SQL on SQLite and PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import select
from sqlmodel import Session

from tracker.core.enums import Role
from tracker.core.models import Organisation, Person

T = TypeVar("T")

_O = Organisation.__table__


def nearest_up(org_id: int | None, parent_of: Callable[[int], int | None],
               found_at: Callable[[int], list[T]]) -> list[T]:
    """`found_at` of `org_id`, else of its nearest ancestor where it is not empty; [] when
    none is. The walk stops at the root, at an unknown parent (`parent_of` gives None)
    and at a loop in the tree."""
    seen: set[int] = set()
    while org_id is not None and org_id not in seen:
        seen.add(org_id)
        found = found_at(org_id)
        if found:
            return found
        org_id = parent_of(org_id)
    return []


def coordinators_up(session: Session, org_id: int | None, *,
                    exclude: int | None = None) -> list[Person]:
    """The active coordinators of `org_id`, else of its nearest ancestor with any (ordered
    by id), leaving out the person `exclude`."""

    def found_at(at: int) -> list[Person]:
        query = select(Person).where(Person.organisation_id == at,
                                     Person.role == Role.COORDINATOR, Person.active.is_(True))
        if exclude is not None:
            query = query.where(Person.id != exclude)
        return list(session.scalars(query.order_by(Person.id)).all())

    def parent_of(at: int) -> int | None:
        return session.scalar(select(Organisation.parent_id).where(Organisation.id == at))

    return nearest_up(org_id, parent_of, found_at)


def subtree_select(root_id: int):
    """SELECT of the ids of `root_id` and everything under it (a recursive CTE)."""
    sub = select(_O.c.id).where(_O.c.id == root_id).cte("subtree", recursive=True)
    child = _O.alias("child")
    sub = sub.union_all(select(child.c.id).where(child.c.parent_id == sub.c.id))
    return select(sub.c.id)


def subtree_ids(session: Session, root_id: int) -> list[int]:
    """Ids of `root_id` and everything under it."""
    return list(session.connection().execute(subtree_select(root_id)).scalars())
