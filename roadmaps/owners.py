"""Who does an item: owner names matched to the directory, and the level rules.

Pure: `OwnerMatcher` works over the plain in-memory directory (`tracker.core.directory`;
the importer loads it once per batch and builds one matcher for all its documents), so
matching is table-testable without a database. Only active people are matched.

Matching tolerates Russian case endings and initials (the names' keys:
`roadmaps.owner_names`). Every word is reduced to a set of
candidate stems (the word itself and the word without each common ending), and two
words are the same when their sets meet: "Пушкаревой" and "Пушкарева" share
"пушкарев", "отделу" and "Отдел" share "отдел". Abbreviations such as "г." stand for
their word. A person is a surname plus initials ("Пушкаревой Е.А.", "Е.А. Пушкарева");
an organisation matches when all its words occur in the owner text (or, for a short
form such as "Таганрогский механический колледж", when all the text's words occur in
the organisation's name). Two equally good candidates are ambiguous: such an owner is
reported unmatched with the reason, never guessed.

Where the text names no owner (or names only owners the directory does not know), the
level decides (`resolve`): regional items go to the regional owner, municipal items to
every municipality of the region, school items to every school of the region, or of
the municipality named. Unmatched owner names are always returned, never dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from roadmaps.owner_names import (
    FULL_NAME,
    PERSON_AFTER,
    PERSON_BEFORE,
    OwnerGroup,
    covers,
    group_of,
    initials_of,
    name_key,
    person_key,
    stems,
)
from roadmaps.parsed import Note
from tracker.core.directory import Directory, OrgInfo
from tracker.core.enums import Level, OrgKind
from tracker.core.i18n import N_
from tracker.core.text import fold, normalize_locale

# Case endings of nouns, adjectives and surnames, longest first.


# Warnings shown in the preview (`Note`s: English ids, translated where shown).
MESSAGES = {
    "unknown": N_("owner «{name}» is not in the directory"),
    "ambiguous": N_("owner «{name}» is ambiguous: {candidates}"),
    "no_schools_of": N_("the directory lists no schools of «{org}»: assigned to it"),
    "no_schools": N_("the directory lists no schools: assigned to the municipalities"),
    "nobody": N_("nobody to assign it to: {problem}"),
}
PROBLEMS = {
    "no_region": N_("the directory has no region; import the organisations first"),
    "many_regions": N_("the directory has several regions; set import.region in the config"),
    "bad_region": N_("import.region «{name}» is not a region in the directory"),
    "bad_owner": N_("import.regional_owner «{name}» is not in the directory"),
}


@dataclass(frozen=True)
class Target:
    """One assignment to make: an organisation and, when named, its responsible person."""

    organisation_id: int
    person_id: int | None = None


@dataclass(frozen=True)
class OwnerMatch:
    """What one owner name matched: a person, organisations or a group."""

    text: str
    person_id: int | None = None
    organisation_ids: tuple[int, ...] = ()
    group: OwnerGroup | None = None


@dataclass
class Resolution:
    """The targets of one item, and what could not be matched (with the reason)."""

    targets: list[Target] = field(default_factory=list)
    matched: list[OwnerMatch] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    by_rule: bool = False  # the level rule chose the targets
    _seen: set[Target] = field(default_factory=set, repr=False, compare=False)


@dataclass(frozen=True)
class Rules:
    """The config's level rules, already resolved to ids (see `Directory.rules`)."""

    default_level: Level = Level.MUNICIPAL
    region_id: int | None = None
    regional_owner_id: int | None = None
    problem: str | None = None  # why the region is unknown, shown when a rule needs it


class OwnerMatcher:
    """Owner names matched against a `Directory`: build one per batch of documents."""

    def __init__(self, directory: Directory, *, locale: str = "ru") -> None:
        self.locale = normalize_locale(locale)
        self.directory = directory
        self._org_keys = [(o, name_key(o.name)) for o in directory.orgs.values()]
        self._person_keys = [k for p in directory.people.values()
                             if p.active and (k := person_key(p))]
        self._resolved: dict[tuple, Resolution] = {}

    # -- the hierarchy -------------------------------------------------------------------

    def descendants(self, root_id: int, kind: OrgKind) -> list[OrgInfo]:
        """Organisations of `kind` anywhere under `root_id`, in name order."""
        return self.directory.descendants(root_id, kind)

    def rules(self, *, default_level: Level, region: str = "", regional_owner: str = "") -> Rules:
        """Resolve the config's names: the region (named, else the only one) and the
        regional owner (named, else the region). A name that matches nothing or several
        organisations becomes `Rules.problem`, reported when a rule needs it."""
        problem = None
        region_id = None
        orgs = self.directory.orgs.values()
        regions = [o for o in orgs if o.kind == OrgKind.REGION]
        if region:
            found = [o for o in regions if fold(o.name) == fold(region)]
            if len(found) == 1:
                region_id = found[0].id
            else:
                problem = self._note(PROBLEMS["bad_region"], name=region)
        elif len(regions) == 1:
            region_id = regions[0].id
        else:
            problem = self._note(PROBLEMS["many_regions" if regions else "no_region"])
        owner_id = region_id
        if regional_owner:
            found = [o for o in orgs if fold(o.name) == fold(regional_owner)]
            if len(found) == 1:
                owner_id = found[0].id
            else:
                owner_id = None
                problem = self._note(PROBLEMS["bad_owner"], name=regional_owner)
        return Rules(default_level, region_id, owner_id, problem)

    # -- matching one name ----------------------------------------------------------------

    def match(self, text: str) -> OwnerMatch | str:
        """What `text` names, or why it matches nothing: a warning for the preview."""
        persons = self._match_people(text)
        if persons:
            if len(persons) > 1:
                names = ", ".join(sorted(self.directory.people[p].name for p in persons))
                return self._note(MESSAGES["ambiguous"], name=text, candidates=names)
            person = self.directory.people[persons[0]]
            return OwnerMatch(text, person_id=person.id,
                              organisation_ids=(person.organisation_id,))
        group = group_of(text)
        orgs = self._match_orgs(text)
        if group is not None and (isinstance(orgs, list) or not orgs):
            return OwnerMatch(text, group=group)
        if isinstance(orgs, list):
            names = "; ".join(sorted(o.name for o in orgs)[:3])
            more = f" (+{len(orgs) - 3})" if len(orgs) > 3 else ""
            return self._note(MESSAGES["ambiguous"], name=text, candidates=names + more)
        if orgs:
            return OwnerMatch(text, organisation_ids=(orgs.id,))
        return self._note(MESSAGES["unknown"], name=text)

    def _match_people(self, text: str) -> list[int]:
        found: list[int] = []
        for pattern in (PERSON_AFTER, PERSON_BEFORE):
            for m in pattern.finditer(text):
                surname, initials = stems(m["surname"]), initials_of(m["initials"])
                hits = [k.person.id for k in self._person_keys
                        if k.surname & surname
                        and (not k.initials or not initials
                             or k.initials.startswith(initials) or initials.startswith(k.initials))]
                found.extend(h for h in hits if h not in found)
            if found:
                return found
        m = FULL_NAME.match(text)
        if m:
            surname = stems(m[1])
            initials = initials_of("".join(p[0] for p in m.groups()[1:] if p))
            found = [k.person.id for k in self._person_keys
                     if k.surname & surname and k.initials and k.initials == initials]
        return found

    def _match_orgs(self, text: str) -> OrgInfo | list[OrgInfo] | None:
        """The best organisation: the longest name fully contained in the text; failing
        that, the organisation whose name contains all the text's words (two or more).
        Several equally good candidates come back as a list (ambiguous)."""
        key = name_key(text)
        if not key:
            return None
        best: list[OrgInfo] = []
        best_len = 0
        for org, org_key in self._org_keys:
            if covers(key, org_key):
                if len(org_key) > best_len:
                    best, best_len = [org], len(org_key)
                elif len(org_key) == best_len:
                    best.append(org)
        if not best and len(key) >= 2:
            best = [org for org, org_key in self._org_keys if covers(org_key, key)]
        if len(best) > 1:
            return best
        return best[0] if best else None

    # -- one item -------------------------------------------------------------------------

    def resolve(self, owners: Sequence[str], level: Level | None, rules: Rules) -> Resolution:
        """The targets of an item with these owner names at this level.

        Named owners that match win. A named municipality at the school level stands for
        its schools. With no owner matched, the level rule decides; the unmatched names
        are kept in `Resolution.unmatched` (and a warning) either way.

        Answers are remembered per (owners, level, rules): most items of a batch name
        nobody or the same owners. Each call gets its own copy.
        """
        level = level or rules.default_level
        key = (tuple(owners), level, rules)
        known = self._resolved.get(key)
        if known is None:
            known = self._resolved[key] = self._resolve(owners, level, rules)
        return Resolution(list(known.targets), list(known.matched), list(known.unmatched),
                          list(known.warnings), known.by_rule, set(known._seen))

    def _resolve(self, owners: Sequence[str], level: Level, rules: Rules) -> Resolution:
        result = Resolution()
        for name in owners:
            found = self.match(name)
            if isinstance(found, str):
                result.unmatched.append(name)
                result.warnings.append(found)
            else:
                result.matched.append(found)
        for found in result.matched:
            if found.group is not None:
                self._add_group(result, found.group, rules)
            elif found.person_id is not None:
                _add(result, Target(found.organisation_ids[0], found.person_id))
            else:
                for org_id in found.organisation_ids:
                    self._add_org(result, org_id, level)
        if not result.targets and not result.matched:
            result.by_rule = True
            self._add_rule(result, level, rules)
        return result

    def _add_org(self, result: Resolution, org_id: int, level: Level) -> None:
        org = self.directory.orgs[org_id]
        if level == Level.SCHOOL and org.kind in (OrgKind.MUNICIPALITY, OrgKind.REGION):
            schools = self.descendants(org.id, OrgKind.SCHOOL)
            if schools:
                for school in schools:
                    _add(result, Target(school.id))
                return
            result.warnings.append(self._note(MESSAGES["no_schools_of"], org=org.name))
        _add(result, Target(org.id))

    def _add_group(self, result: Resolution, group: OwnerGroup, rules: Rules) -> None:
        if rules.region_id is None:
            result.warnings.append(self.nobody(rules))
            return
        if group == OwnerGroup.ALL_SCHOOLS:
            schools = self.descendants(rules.region_id, OrgKind.SCHOOL)
            if schools:
                for school in schools:
                    _add(result, Target(school.id))
                return
            # The directory may list only municipalities: they pass the item on.
            result.warnings.append(self._note(MESSAGES["no_schools"]))
        for org in self.descendants(rules.region_id, OrgKind.MUNICIPALITY):
            _add(result, Target(org.id))

    def nobody(self, rules: Rules) -> str:
        """The warning of an item that a rule cannot give to anyone (`Rules.problem`)."""
        problem = rules.problem or self._note(PROBLEMS["no_region"])
        return self._note(MESSAGES["nobody"], problem=problem)

    def _note(self, template: str, **params) -> Note:
        """A warning in the directory's locale (and structured, for any other)."""
        return Note(template, self.locale, **params)

    def _add_rule(self, result: Resolution, level: Level, rules: Rules) -> None:
        if level == Level.REGIONAL:
            if rules.regional_owner_id is None:
                result.warnings.append(self.nobody(rules))
                return
            _add(result, Target(rules.regional_owner_id))
        elif level == Level.MUNICIPAL:
            self._add_group(result, OwnerGroup.ALL_MUNICIPALITIES, rules)
        else:
            self._add_group(result, OwnerGroup.ALL_SCHOOLS, rules)


def _add(result: Resolution, target: Target) -> None:
    if target not in result._seen:
        result._seen.add(target)
        result.targets.append(target)
