"""Who is who, in memory: the organisations and people, as plain frozen records.

One data type for everything that reasons about the directory without I/O: the owner
matcher of the import (`roadmaps.owners.OwnerMatcher`) and the planner's role
resolution (`notifications.planning.directory.Directory`, a subclass) both work over a
`Directory`. It is loaded from the database once per pass or batch by
`tracker.core.directory_rows.load_directory`; this module itself touches no database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tracker.core.enums import ChannelPref, OrgKind, Role
from tracker.core.text import fold


@dataclass(frozen=True)
class OrgInfo:
    id: int
    parent_id: int | None
    name: str
    kind: OrgKind


@dataclass(frozen=True)
class PersonInfo:
    """A person as the planner and the owner matcher see them. Only the first three
    fields are needed to match owners; the rest default to a plain active officer."""

    id: int
    name: str
    organisation_id: int
    role: Role = Role.OFFICER
    email: str | None = None
    telegram_chat_id: int | None = None
    telegram_active: bool = False
    channels: ChannelPref = ChannelPref.EMAIL
    timezone: str | None = None  # None: the policy's zone
    locale: str = "ru"
    active: bool = True


class Directory:
    """Organisations and people by id, and the organisation tree.

    `people` holds everyone, inactive people too (with `active=False`), in id order;
    users of the directory decide whether an inactive person counts.
    """

    def __init__(self, orgs: Iterable[OrgInfo], people: Iterable[PersonInfo] = ()) -> None:
        self.orgs: dict[int, OrgInfo] = {org.id: org for org in orgs}
        self.people: dict[int, PersonInfo] = {
            p.id: p for p in sorted(people, key=lambda p: p.id)}
        self._children: dict[int | None, list[OrgInfo]] | None = None
        self._descendants: dict[tuple[int, OrgKind], list[OrgInfo]] = {}

    def person(self, person_id: int) -> PersonInfo | None:
        return self.people.get(person_id)

    def org(self, org_id: int) -> OrgInfo | None:
        return self.orgs.get(org_id)

    def parent_of(self, org_id: int) -> int | None:
        """The parent's id (None at a root or for an unknown id)."""
        org = self.orgs.get(org_id)
        return org.parent_id if org is not None else None

    def children(self, org_id: int | None) -> list[OrgInfo]:
        """The organisations directly under `org_id` (None: the roots), in name order."""
        if self._children is None:
            self._children = {}
            for org in sorted(self.orgs.values(), key=lambda o: (fold(o.name), o.id)):
                self._children.setdefault(org.parent_id, []).append(org)
        return self._children.get(org_id, [])

    def descendants(self, root_id: int, kind: OrgKind) -> list[OrgInfo]:
        """Organisations of `kind` anywhere under `root_id`, in name order (cached: do
        not change the list)."""
        key = (root_id, kind)
        found = self._descendants.get(key)
        if found is not None:
            return found
        out: list[OrgInfo] = []
        stack = [root_id]
        seen = {root_id}
        while stack:
            for child in self.children(stack.pop()):
                if child.id in seen:
                    continue
                seen.add(child.id)
                if child.kind == kind:
                    out.append(child)
                stack.append(child.id)
        found = self._descendants[key] = sorted(out, key=lambda o: (fold(o.name), o.id))
        return found
