"""Who is who, in memory: the people and organisations the planner resolves roles against.

The caller loads rows once per pass and converts them to these frozen records; the
`Directory` answers "who owns this", "who coordinates here" and "who leads this
region" without I/O, caching each answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from notifications.message import ChannelKind
from tracker.core import directory as core
from tracker.core.directory import OrgInfo, PersonInfo
from tracker.core.enums import AssignmentStatus, ChannelPref, Role
from tracker.core.orgtree import nearest_up

__all__ = ["AssignmentInfo", "Directory", "OrgInfo", "PersonInfo", "channels_of"]


@dataclass(frozen=True, slots=True)
class AssignmentInfo:
    """What the planner needs of an assignment.

    `last_checked` is `Assignment.next_check_at` as stored before this pass: the moment
    the planner last promised to look again. Notices before it were dealt with by an
    earlier pass. None, or a value not after `created_at`, means "never planned yet".
    """

    id: int
    status: AssignmentStatus
    due_date: date | None
    organisation_id: int
    person_id: int | None
    created_at: datetime
    last_checked: datetime | None


def channels_of(person: PersonInfo) -> tuple[ChannelKind, ...]:
    """The channels `person` is reached by, honouring the preference where possible.

    Telegram counts only with a chat id and an active chat; email only with an address.
    A preference that cannot be met falls back to the other channel, so nobody silently
    gets nothing while a way to reach them exists.
    """
    email = bool(person.email)
    telegram = person.telegram_chat_id is not None and person.telegram_active
    if person.channels == ChannelPref.BOTH:
        chosen = (ChannelKind.EMAIL,) * email + (ChannelKind.TELEGRAM,) * telegram
        return chosen
    if person.channels == ChannelPref.TELEGRAM:
        preferred, fallback = (telegram, ChannelKind.TELEGRAM), (email, ChannelKind.EMAIL)
    else:
        preferred, fallback = (email, ChannelKind.EMAIL), (telegram, ChannelKind.TELEGRAM)
    for usable, kind in (preferred, fallback):
        if usable:
            return (kind,)
    return ()


class Directory(core.Directory):
    """Role resolution over the in-memory directory (`tracker.core.directory`).

    Only active people are ever returned. Results are lists ordered by person id.
    """

    def __init__(self, orgs: Iterable[OrgInfo], people: Iterable[PersonInfo]):
        super().__init__(orgs, people)
        self._by_org_role: dict[tuple[int, Role], list[PersonInfo]] = {}
        leads: list[PersonInfo] = []
        self._admins: list[PersonInfo] = []
        for person in self.people.values():
            if not person.active:
                continue
            self._by_org_role.setdefault((person.organisation_id, person.role), []).append(person)
            if person.role == Role.LEAD:
                leads.append(person)
            elif person.role == Role.ADMIN:
                self._admins.append(person)
        self._root_cache: dict[int, int] = {}
        self._leads_by_root: dict[int, list[PersonInfo]] = {}
        for person in leads:
            self._leads_by_root.setdefault(self.root(person.organisation_id), []).append(person)
        self._coordinators: dict[int, list[PersonInfo]] = {}
        self._escalation: dict[tuple[str, int], tuple[list[PersonInfo], str | None]] = {}
        self._owners: dict[tuple[int, int | None], list[PersonInfo]] = {}

    def _chain(self, org_id: int) -> list[int]:
        """`org_id` and its ancestors, nearest first; stops at a loop or an unknown parent."""
        chain = [org_id]
        seen = {org_id}
        org = self.orgs.get(org_id)
        while org is not None and org.parent_id is not None and org.parent_id not in seen:
            chain.append(org.parent_id)
            seen.add(org.parent_id)
            org = self.orgs.get(org.parent_id)
        return chain

    def root(self, org_id: int) -> int:
        """The topmost ancestor of `org_id` (the region), or `org_id` itself."""
        root = self._root_cache.get(org_id)
        if root is None:
            root = self._root_cache[org_id] = self._chain(org_id)[-1]
        return root

    def officers(self, org_id: int) -> list[PersonInfo]:
        """The active officers of exactly this organisation."""
        return self._by_org_role.get((org_id, Role.OFFICER), [])

    def owners(self, a: AssignmentInfo) -> list[PersonInfo]:
        """The assignment's person if active, else the active officers of its organisation."""
        key = (a.organisation_id, a.person_id)
        owners = self._owners.get(key)
        if owners is None:
            person = self.people.get(a.person_id) if a.person_id is not None else None
            if person is not None and person.active:
                owners = [person]
            else:
                owners = self.officers(a.organisation_id)
            self._owners[key] = owners
        return owners

    def coordinators(self, org_id: int) -> list[PersonInfo]:
        """Active coordinators of `org_id`, else of its nearest ancestor that has any."""
        found = self._coordinators.get(org_id)
        if found is None:
            found = self._coordinators[org_id] = nearest_up(
                org_id, self.parent_of,
                lambda at: self._by_org_role.get((at, Role.COORDINATOR), []))
        return found

    def leads(self, org_id: int) -> list[PersonInfo]:
        """Active leads anywhere in the region of `org_id` (the tree under its root)."""
        return self._leads_by_root.get(self.root(org_id), [])

    def escalation_recipients(self, role: str, org_id: int
                              ) -> tuple[list[PersonInfo], str | None]:
        """Whom an escalation step for `role` ("coordinator" or "lead") about an assignment
        of `org_id` goes to, and why, when it is not `role` (None when it is).

        A step is never dropped for want of its audience: the coordinators of `org_id`,
        else of its nearest ancestor that has a reachable one; else the region's leads;
        else the administrators (of the region, else all). "Reachable" means having a
        channel (`channels_of`). Returns ([], reason) only when nobody at all is left.
        """
        key = (role, org_id)
        cached = self._escalation.get(key)
        if cached is not None:
            return cached
        wanted = Role(role)
        org = self.orgs.get(org_id)
        where = org.name if org is not None else f"organisation {org_id}"
        reason: str | None = None
        found: list[PersonInfo] = []
        if wanted == Role.COORDINATOR:
            found = nearest_up(org_id, self.parent_of, lambda at: [
                p for p in self._by_org_role.get((at, Role.COORDINATOR), []) if channels_of(p)])
            if not found:
                reason = f"no reachable coordinator for {where} or above"
        if wanted == Role.LEAD or not found:
            leads = [p for p in self.leads(org_id) if channels_of(p)]
            if leads:
                found = leads
            elif wanted == Role.LEAD:
                reason = f"no reachable lead in the region of {where}"
        if not found:
            root = self.root(org_id)
            admins = [p for p in self._admins if channels_of(p)]
            found = [p for p in admins if self.root(p.organisation_id) == root] or admins
            if not found:
                reason = f"{reason}; nobody else to tell (no lead or admin reachable)"
        if reason is not None and found:
            whom = "the lead" if found[0].role == Role.LEAD else "the admins"
            reason = f"{reason}: sent to {whom} instead"
        result = self._escalation[key] = (found, reason)
        return result
