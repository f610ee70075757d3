"""Organisations: the hierarchy region → municipality → school or other body."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlmodel import Session, select

from tracker.core import orgtree
from tracker.core.enums import OrgKind
from tracker.core.errors import InvalidInput, NotFound
from tracker.core.i18n import _
from tracker.core.ids import looks_like_id, parse_id
from tracker.core.models import Organisation
from tracker.core.text import fold
from tracker.services.csv_rows import line_of

# Russian and English words for kinds, as they appear in directories.
_KIND_WORDS: dict[str, OrgKind] = {
    "region": OrgKind.REGION,
    "регион": OrgKind.REGION,
    "область": OrgKind.REGION,
    "край": OrgKind.REGION,
    "республика": OrgKind.REGION,
    "municipality": OrgKind.MUNICIPALITY,
    "муниципалитет": OrgKind.MUNICIPALITY,
    "городской округ": OrgKind.MUNICIPALITY,
    "муниципальный район": OrgKind.MUNICIPALITY,
    "муниципальный округ": OrgKind.MUNICIPALITY,
    "school": OrgKind.SCHOOL,
    "школа": OrgKind.SCHOOL,
    "общеобразовательная организация": OrgKind.SCHOOL,
    "other": OrgKind.OTHER,
}


def parse_kind(word: str) -> tuple[OrgKind, str | None]:
    """A kind from a directory word; unknown words make `other` and are kept as category.

    Returns (kind, category): the category keeps the original wording ("городской округ").
    """
    key = fold(word)
    if not key:
        raise InvalidInput(_("organisation kind is empty"))
    kind = _KIND_WORDS.get(key)
    if kind is None:
        return OrgKind.OTHER, word.strip()
    return kind, (None if key in OrgKind._value2member_map_ else word.strip())


def add_organisation(
    *,
    session: Session,
    name: str,
    kind: OrgKind | str,
    parent: Organisation | None = None,
    category: str | None = None,
) -> Organisation:
    """Create an organisation under `parent`.

    :raises InvalidInput: an empty name, or the same name already under that parent.
    """
    name = " ".join(name.split())
    if not name:
        raise InvalidInput(_("organisation name is empty"))
    if isinstance(kind, str) and not isinstance(kind, OrgKind):
        kind, parsed_category = parse_kind(kind)
        category = category or parsed_category
    parent_id = parent.id if parent else None
    existing = session.exec(
        select(Organisation).where(
            Organisation.name_key == fold(name), Organisation.parent_id == parent_id
        )
    ).first()
    if existing:
        where = f" under {parent.name!r}" if parent else ""
        raise InvalidInput(_(
            "organisation {name!r} already exists{where} (id {id})")
            .format(name=name, where=where, id=existing.id))
    org = Organisation(
        name=name, name_key=fold(name), kind=kind, category=category, parent_id=parent_id
    )
    session.add(org)
    session.flush()
    return org


def find_organisation(*, session: Session, ref: str | int) -> Organisation:
    """An organisation by id or by name (case- and `ё`-insensitive).

    :raises NotFound: nothing matches. :raises InvalidInput: the name is ambiguous.
    """
    if isinstance(ref, int) or looks_like_id(str(ref)):
        org_id = parse_id(ref, what=_("organisation id"))
        org = session.get(Organisation, org_id)
        if org is None:
            raise NotFound(_("organisation {org_id} not found").format(org_id=org_id))
        return org
    if not str(ref).strip():
        raise InvalidInput(_("organisation is empty: expected an id or a name"))
    matches = session.exec(select(Organisation).where(Organisation.name_key == fold(ref))).all()
    if not matches:
        raise NotFound(_("organisation {ref!r} not found").format(ref=ref))
    if len(matches) > 1:
        ids = ", ".join(str(o.id) for o in matches)
        raise InvalidInput(_(
            "organisation name {ref!r} is ambiguous (ids {ids}); use the id")
            .format(ref=ref, ids=ids))
    return matches[0]


@dataclass
class ImportResult:
    """What an import did; skipped rows by line: already in the directory, or repeating
    an earlier line of the same file (line -> that earlier line)."""

    created: int = 0
    skipped: int = 0
    existing_lines: list[int] = field(default_factory=list)
    duplicate_lines: dict[int, int] = field(default_factory=dict)

    def skip(self, line: int, same_as: int | None = None) -> None:
        self.skipped += 1
        if same_as is None:
            self.existing_lines.append(line)
        else:
            self.duplicate_lines[line] = same_as

    def skipped_text(self) -> str | None:
        """`Skipped line 4 (same as line 2); lines 5-9 already in the directory`, or None."""
        parts = []
        if self.duplicate_lines:
            parts.append("; ".join(_("line {line} (same as line {first})").format(
                line=line, first=first) for line, first in self.duplicate_lines.items()))
        if self.existing_lines:
            ranges = _ranges(self.existing_lines)
            if len(self.existing_lines) == 1:
                parts.append(_("line {ranges} already in the directory").format(ranges=ranges))
            else:
                parts.append(_("lines {ranges} already in the directory").format(ranges=ranges))
        return _("Skipped {what}").format(what="; ".join(parts)) if parts else None


def _ranges(numbers: list[int]) -> str:
    out: list[str] = []
    start = prev = None
    for n in sorted(numbers):
        if prev is not None and n == prev + 1:
            prev = n
            continue
        if start is not None:
            out.append(str(start) if start == prev else f"{start}-{prev}")
        start = prev = n
    if start is not None:
        out.append(str(start) if start == prev else f"{start}-{prev}")
    return ", ".join(out)


def import_organisations(
    *, session: Session, rows: Iterable[Mapping[str, str]], parent: str | None = None, source: str
) -> ImportResult:
    """Import `name,kind[,parent]` rows. An existing organisation is skipped, not doubled.

    `parent` (the `--parent` option) puts rows without a parent column under that
    organisation, created as a region if it does not exist. A row left without a parent
    is skipped when an organisation of that name exists anywhere.

    :raises InvalidInput: naming the file and line of the first bad row.
    """
    result = ImportResult()
    default_parent: Organisation | None = None
    if parent:
        try:
            default_parent = find_organisation(session=session, ref=parent)
        except NotFound:
            default_parent = add_organisation(session=session, name=parent, kind=OrgKind.REGION)
            result.created += 1
    seen: dict[tuple[str, int | None], int] = {}
    for number, row in enumerate(rows, start=2):
        line = line_of(row, number)
        name = (row.get("name") or "").strip()
        if not name:
            raise InvalidInput(_(
                "{source}, line {line}: empty name")
                .format(source=source, line=line))
        kind_word = (row.get("kind") or "").strip()
        if not kind_word:
            raise InvalidInput(_(
                "{source}, line {line}: empty kind for {name!r}")
                .format(source=source, line=line, name=name))
        owner = default_parent
        if (row.get("parent") or "").strip():
            try:
                owner = find_organisation(session=session, ref=row["parent"].strip())
            except (NotFound, InvalidInput) as exc:
                raise InvalidInput(_(
                    "{source}, line {line}: parent: {exc}")
                    .format(source=source, line=line, exc=exc)) from None
        parent_id = owner.id if owner else None
        same_name = select(Organisation.id).where(Organisation.name_key == fold(name))
        if owner is not None:
            same_name = same_name.where(Organisation.parent_id == parent_id)
        # A row with no parent names an organisation already in the directory anywhere:
        # importing the same file again without --parent must not double the directory.
        key = (fold(name), parent_id)
        if key in seen:
            result.skip(line, same_as=seen[key])
            continue
        seen[key] = line
        exists = session.exec(same_name).first()
        if exists:
            result.skip(line)
            continue
        try:
            add_organisation(session=session, name=name, kind=kind_word, parent=owner)
        except InvalidInput as exc:
            raise InvalidInput(_(
                "{source}, line {line}: {exc}")
                .format(source=source, line=line, exc=exc)) from None
        result.created += 1
    return result


def subtree_ids(*, session: Session, root_id: int) -> list[int]:
    """Ids of `root_id` and everything under it (a recursive CTE, on any database)."""
    return orgtree.subtree_ids(session, root_id)


def ancestors(*, session: Session, org: Organisation) -> list[Organisation]:
    """The chain from `org` up to the root, `org` first."""
    chain = [org]
    seen = {org.id}
    while chain[-1].parent_id is not None and chain[-1].parent_id not in seen:
        parent = session.get(Organisation, chain[-1].parent_id)
        if parent is None:
            break
        seen.add(parent.id)
        chain.append(parent)
    return chain


def organisation_tree(*, session: Session) -> list[tuple[Organisation, int]]:
    """Every organisation with its depth, parents before children, names sorted."""
    orgs = session.exec(select(Organisation)).all()
    children: dict[int | None, list[Organisation]] = {}
    for org in orgs:
        children.setdefault(org.parent_id, []).append(org)
    out: list[tuple[Organisation, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for org in sorted(children.get(parent_id, []), key=lambda o: o.name_key):
            out.append((org, depth))
            walk(org.id, depth + 1)

    walk(None, 0)
    return out


def regions(*, session: Session) -> list[Organisation]:
    return list(session.exec(select(Organisation).where(Organisation.kind == OrgKind.REGION)))


def children_of(*, session: Session, parent_id: int, kind: OrgKind | None = None):
    query = select(Organisation).where(Organisation.parent_id == parent_id)
    if kind is not None:
        query = query.where(Organisation.kind == kind)
    return list(session.exec(query.order_by(Organisation.name_key)))
