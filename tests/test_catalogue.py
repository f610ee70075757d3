"""The one catalogue of words (tracker/core/i18n.py): complete, compiled, and in use."""

from __future__ import annotations

import gettext
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tracker.core import i18n

ROOT = Path(__file__).resolve().parent.parent
PO = i18n.LOCALE_DIR / "ru" / "LC_MESSAGES" / "tracker.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "N_": None, "NP_": ((1, "c"), 2), "ngettext": (1, 2),
            "pgettext": ((1, "c"), 2)}


def _catalogue():
    with PO.open("rb") as f:
        return read_po(f, locale="ru")


def _extracted() -> dict[tuple[str, str | None], str]:
    """Every (message id, context) the code and templates mark, with where it stands."""
    found: dict[tuple[str, str | None], str] = {}
    method_map = [("**/templates/**", "jinja2"), ("**.py", "python")]
    for package in ("tracker", "notifications", "roadmaps"):
        for filename, lineno, message, _comments, context in extract_from_dir(
            ROOT / package, method_map, keywords=KEYWORDS,
            options_map={"**/templates/**": {"extensions": "jinja2.ext.i18n"}},
        ):
            msgid = message[0] if isinstance(message, tuple) else message
            found.setdefault((msgid, context), f"{package}/{filename}:{lineno}")
    return found


def test_every_marked_message_has_russian_words():
    catalogue = _catalogue()
    missing = [f"{where}: {msgid!r}" for (msgid, context), where in _extracted().items()
               if not ((found := catalogue.get(msgid, context=context)) and found.string)]
    assert missing == []


def test_compiled_catalogue_matches_the_po_file():
    compiled = gettext.GNUTranslations(MO.open("rb"))
    for message in _catalogue():
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            for n, form in zip((1, 3, 5), message.string, strict=True):
                assert compiled.ngettext(message.id[0], message.id[1], n) == form, message.id
        else:
            key = message.id if not message.context else f"{message.context}\x04{message.id}"
            assert compiled._catalog.get(key) == message.string, (
                f"{MO.name} is stale for {message.id!r}: run pybabel compile")


def test_russian_is_the_default_and_english_the_identity():
    i18n.set_locale("ru")
    assert i18n._("Error") == "Ошибка"
    assert [i18n.ngettext("{n} task", "{n} tasks", n).format(n=n) for n in (1, 3, 5, 21)] == [
        "1 поручение", "3 поручения", "5 поручений", "21 поручение"]
    i18n.set_locale("en")
    try:
        assert i18n._("Error") == "Error"
        assert i18n.ngettext("{n} task", "{n} tasks", 3).format(n=3) == "3 tasks"
    finally:
        i18n.set_locale("ru")
    assert i18n.translations("de").gettext("Error") == "Ошибка"  # unknown: Russian
