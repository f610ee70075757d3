"""English words on a Russian screen: what is left of a text once names and commands are
taken out. Used by tests/test_russian_screens.py."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Names (of products, programmes, file formats) that are Latin in Russian text too.
NAMES = frozenset({"Telegram", "WSR", "WorldSkills", "Russia", "JuniorSkills", "ID", "PDF",
                   "XLSX", "CSV", "HTML", "SMTP", "ics", "eml", "Excel", "SQLite",
                   "PostgreSQL"})
_COMMANDS = (
    re.compile(r"https?://\S+"),
    re.compile(r"\btracker(?:\s+(?:--?[\w-]+|[\w.\-:/]+))+"),  # tracker tasks done 42 ...
    re.compile(r"\b[\w.-]+(?:/[\w.-]+)+"),  # a relative path (outbox/telegram.log)
    re.compile(r"(?:/[\w.+-]+){2,}/?"),  # an absolute path
    re.compile(r"(?<![\w/])/[a-z_]+(?:\s+\d+)?"),  # a bot command: /done 42
    re.compile(r"--[a-z][\w-]*"),  # an option
    re.compile(r"[\w.+-]+@[\w.-]+"),  # an email address
    re.compile(r"[\w.+-]+(?:@[\w.-]*)?…"),  # an address cut to fit a column
    re.compile(r"\b[\w-]+(?:\.[\w-]+)+(?::\d+)?\b"),  # a host or file name
    re.compile(r"«[^»]*»"),  # a quoted title or a server's reply, quoted as such
)
_WORD = re.compile(r"[A-Za-z]{2,}")


def english_words(text: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    for pattern in _COMMANDS:
        text = pattern.sub(" ", text)
    return [w for w in _WORD.findall(text) if w not in NAMES | allowed]


class _Visible(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script", "head", "title"):
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in ("style", "script", "head", "title"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """What a reader sees of an HTML page or a Telegram HTML text."""
    parser = _Visible()
    parser.feed(html)
    return " ".join(parser.parts)
