"""The one catalogue of words: gettext, Russian by default, English for `locale = "en"`.

Message ids are English; `tracker/core/locale/ru/LC_MESSAGES/tracker.po` holds the Russian
words and its compiled `.mo` beside it (both in git; `tests/test_catalogue.py` fails when
the `.mo` is stale or a message in the code has no Russian). English is the identity.

    from tracker.core.i18n import _, ngettext
    print(_("Task {id} marked done.").format(id=12))

`_` follows the process locale, set once by the app at start (`set_locale`); code that
renders for one recipient in their own locale asks `translations(locale)` instead.

Extract and update (Babel, in the test extras):
    pybabel extract -F babel.cfg -k _ -k N_ -k NP_:1c,2 -k ngettext:1,2 -k pgettext:1c,2 \\
        -o tracker/core/locale/tracker.pot .
    pybabel update -i tracker/core/locale/tracker.pot -d tracker/core/locale -D tracker
    pybabel compile -d tracker/core/locale -D tracker
"""

from __future__ import annotations

import gettext as _gettext
from functools import cache
from pathlib import Path

from tracker.core.text import DEFAULT_LOCALE, normalize_locale

DOMAIN = "tracker"
LOCALE_DIR = Path(__file__).with_name("locale")

_current: list[str] = [DEFAULT_LOCALE]


@cache
def translations(locale: str | None) -> _gettext.NullTranslations:
    """The catalogue for `locale` ("ru", "en"; anything else is Russian)."""
    code = normalize_locale(locale)
    if code == "en":
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[code])


def set_locale(locale: str | None) -> None:
    """Make `locale` the language of `_` for this process (the apps call it once)."""
    _current[0] = normalize_locale(locale)


def current_locale() -> str:
    """The locale `_` speaks now."""
    return _current[0]


def _(message: str) -> str:
    """`message` in the current locale."""
    return translations(_current[0]).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The plural form for `n` in the current locale (Russian has three)."""
    return translations(_current[0]).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """`message` in `context` (one English word, two Russian ones)."""
    return translations(_current[0]).pgettext(context, message)


def N_(message: str) -> str:
    """Marks `message` for extraction where it is defined; translated where it is shown."""
    return message


def NP_(context: str, message: str) -> tuple[str, str]:
    """Marks `message` in `context` (an English word with two Russian ones) for extraction;
    `translate` shows it."""
    return (context, message)


def translate(locale: str | None, message: str | tuple[str, str]) -> str:
    """A marked message (`N_` or `NP_`) in `locale`."""
    catalogue = translations(locale)
    if isinstance(message, tuple):
        return catalogue.pgettext(*message)
    return catalogue.gettext(message)
