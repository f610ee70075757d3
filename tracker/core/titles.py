"""How a document is named in lists and messages, and the names of document kinds."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from tracker.core.i18n import N_, translate

KINDS: dict[str, str] = {
    "protocol": N_("Protocol"),
    "order": N_("Order"),
    "directive": N_("Directive"),
    "resolution": N_("Resolution"),
    "board_decision": N_("Board decision"),
    "roadmap": N_("Roadmap"),
    "plan": N_("Plan"),
    "manual": N_("Manual task"),  # typed in with `tracker tasks add`
    "instructions": N_("List of instructions"),
    "schedule": N_("Schedule"),
    "regulation": N_("Regulation"),
    "letter": N_("Letter"),
}


def kind_name(kind, locale: str | None = "ru") -> str:
    """«Протокол» for "protocol"; an unknown kind as it is."""
    message = KINDS.get(str(kind))
    return translate(locale, message) if message else str(kind)


class DocumentRef(NamedTuple):
    """A document's kind, number and date read from a row, for `document_title`."""

    kind: str
    number: str | None
    date: date | None


def document_title(document, locale: str | None = "ru") -> str:
    """`Протокол № 1 от 15.06.2021` from anything with kind, number and date."""
    parts = [kind_name(document.kind, locale)]
    if document.number:
        parts.append(translate(locale, N_("No. {number}")).format(number=document.number))
    if document.date:
        parts.append(translate(locale, N_("of {date:%d.%m.%Y}")).format(date=document.date))
    return " ".join(parts)
