"""People: officers, coordinators, the regional lead, administrators."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, select

from tracker.core.enums import ChannelPref, Role, parse_choice
from tracker.core.errors import InvalidInput, NotFound
from tracker.core.i18n import N_, _
from tracker.core.ids import looks_like_id, parse_id
from tracker.core.models import Organisation, Person
from tracker.core.text import fold
from tracker.services.csv_rows import line_of
from tracker.services.orgs import ImportResult, find_organisation

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LOCALES = ("ru", "en")


def add_person(
    *,
    session: Session,
    name: str,
    organisation: Organisation,
    email: str | None = None,
    telegram_chat_id: int | None = None,
    role: Role | str = Role.OFFICER,
    locale: str = "ru",
    timezone: str | None = None,
    channels: ChannelPref | str = ChannelPref.BOTH,
) -> Person:
    """Create a person in `organisation`.

    :raises InvalidInput: an empty name, a malformed email, an unknown role, locale or
        time zone, or an email already in use.
    """
    name = " ".join(name.split())
    if not name:
        raise InvalidInput(_("person name is empty"))
    email = (email or "").strip() or None
    if email and not _EMAIL.match(email):
        raise InvalidInput(_("invalid email {email!r} for {name!r}").format(email=email, name=name))
    if email and session.exec(select(Person.id).where(Person.email == email)).first():
        raise InvalidInput(_(
            "email {email!r} already belongs to another person")
            .format(email=email))
    if locale not in LOCALES:
        raise InvalidInput(_(
            "invalid locale {locale!r}: expected one of {LOCALES}")
            .format(locale=locale, LOCALES=', '.join(LOCALES)))
    if timezone:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidInput(_(
                "unknown time zone {timezone!r} for {name!r}")
                .format(timezone=timezone, name=name)) from None
    person = Person(
        name=name,
        name_key=fold(name),
        email=email,
        telegram_chat_id=telegram_chat_id,
        organisation_id=organisation.id,
        role=parse_choice(Role, role, N_("role")),
        locale=locale,
        timezone=timezone or None,
        channels=parse_choice(ChannelPref, channels, N_("channels")),
    )
    session.add(person)
    session.flush()
    return person


def find_person(*, session: Session, ref: str | int) -> Person:
    """A person by id, email or name (case-insensitive).

    :raises NotFound: nothing matches. :raises InvalidInput: the name is ambiguous.
    """
    ref_text = str(ref).strip()
    if not ref_text:
        raise InvalidInput(_("person is empty: expected an id, an email or a name"))
    if looks_like_id(ref_text):
        person_id = parse_id(ref_text, what=_("person id"))
        person = session.get(Person, person_id)
        if person is None:
            raise NotFound(_("person {person_id} not found").format(person_id=person_id))
        return person
    if "@" in ref_text:
        person = session.exec(select(Person).where(Person.email == ref_text)).first()
        if person is None:
            raise NotFound(_("person with email {ref_text!r} not found").format(ref_text=ref_text))
        return person
    matches = session.exec(select(Person).where(Person.name_key == fold(ref_text))).all()
    if not matches:
        raise NotFound(_("person {ref_text!r} not found").format(ref_text=ref_text))
    if len(matches) > 1:
        ids = ", ".join(str(p.id) for p in matches)
        raise InvalidInput(_(
            "person name {ref_text!r} is ambiguous (ids {ids}); use the id")
            .format(ref_text=ref_text, ids=ids))
    return matches[0]


def _chat_id(value: str, where: str) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    digits = value.removeprefix("-")
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 18 or int(digits) == 0:
        raise InvalidInput(_(
            "{where}: telegram_chat_id {value!r} is not a Telegram chat id (expected a whole "
            "number such as 123456789)")
            .format(where=where, value=value))
    return int(value)


def import_people(
    *, session: Session, rows: Iterable[Mapping[str, str]], source: str
) -> ImportResult:
    """Import `name,email,telegram_chat_id,organisation,role[,locale]` rows.

    A row whose email (or, without email, name in the same organisation) exists, or
    repeats an earlier row of the file, is skipped and its line kept in the result.
    :raises InvalidInput: naming the file and line of the first bad row (an empty or
        unknown role, a bad email or chat id, an unknown organisation).
    """
    result = ImportResult()
    seen: dict[tuple, int] = {}
    for number, row in enumerate(rows, start=2):
        line = line_of(row, number)
        where = _("{source}, line {line}").format(source=source, line=line)
        try:
            org = find_organisation(session=session, ref=(row.get("organisation") or "").strip())
        except (NotFound, InvalidInput) as exc:
            raise InvalidInput(f"{where}: {exc}") from None
        email = (row.get("email") or "").strip() or None
        name = (row.get("name") or "").strip()
        role = (row.get("role") or "").strip()
        if not role:
            allowed = ", ".join(m.value for m in Role)
            raise InvalidInput(_(
                "{where}: empty role for {name!r}: expected one of {allowed}")
                .format(where=where, name=name, allowed=allowed))
        key = ("email", email.lower()) if email else ("name", fold(name), org.id)
        if key in seen:
            result.skip(line, same_as=seen[key])
            continue
        seen[key] = line
        if email:
            exists = session.exec(select(Person.id).where(Person.email == email)).first()
        else:
            exists = session.exec(
                select(Person.id).where(
                    Person.name_key == fold(name), Person.organisation_id == org.id
                )
            ).first()
        if exists:
            result.skip(line)
            continue
        chat_id = _chat_id(row.get("telegram_chat_id", ""), where)
        try:
            add_person(
                session=session,
                name=name,
                organisation=org,
                email=email,
                telegram_chat_id=chat_id,
                role=role,
                locale=(row.get("locale") or "ru").strip() or "ru",
            )
        except InvalidInput as exc:
            raise InvalidInput(f"{where}: {exc}") from None
        result.created += 1
    return result


def list_people(
    *, session: Session, organisation_ids: list[int] | None = None, role: Role | None = None
) -> list[tuple[Person, Organisation]]:
    query = select(Person, Organisation).join(
        Organisation, Organisation.id == Person.organisation_id
    )
    if organisation_ids is not None:
        query = query.where(Person.organisation_id.in_(organisation_ids))
    if role is not None:
        query = query.where(Person.role == role)
    return list(session.exec(query.order_by(Organisation.name_key, Person.name_key)))


def person_zone(person: Person, default: str) -> ZoneInfo:
    return ZoneInfo(person.timezone or default)


def chat_gone(session: Session, person_id: int) -> None:
    """The person's Telegram chat cannot be reached (the bot was blocked, the chat
    deleted): their Telegram is switched off until they write to the bot again."""
    person = session.get(Person, person_id)
    if person is not None:
        person.telegram_active = False
        session.add(person)
        session.flush()


def chat_moved(session: Session, person_id: int, new_chat_id: int) -> None:
    """The person's Telegram chat has a new id (a group became a supergroup)."""
    person = session.get(Person, person_id)
    if person is not None:
        person.telegram_chat_id = new_chat_id
        session.add(person)
        session.flush()


def set_preferences(*, session: Session, person: Person, channels: ChannelPref | None = None,
                    locale: str | None = None) -> Person:
    """A person's own choices: the channels reminders come by and the language."""
    if channels is not None:
        person.channels = channels
    if locale is not None:
        person.locale = locale
    session.add(person)
    session.flush()
    return person
