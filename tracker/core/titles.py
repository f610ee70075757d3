"""How a document is named in lists and messages."""

from __future__ import annotations

_KIND_RU = {
    "protocol": "Протокол",
    "order": "Приказ",
    "directive": "Распоряжение",
    "resolution": "Постановление",
    "board_decision": "Решение коллегии",
    "roadmap": "Дорожная карта",
    "plan": "План",
    "manual": "Поручение",
}


def document_title(document) -> str:
    """`Протокол № 1 от 15.06.2021` from anything with kind, number and date."""
    parts = [_KIND_RU.get(str(document.kind), str(document.kind))]
    if document.number:
        parts.append(f"№ {document.number}")
    if document.date:
        parts.append(f"от {document.date:%d.%m.%Y}")
    return " ".join(parts)
