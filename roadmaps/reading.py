"""One file into one parsed document: the entry point of every import.

`read_document` is what `tracker import`, the demo and any upload call: a `.toml` file is
a hand-written roadmap (`roadmaps.toml_roadmap`), anything else a document read by
content (`roadmaps.readers.read_text`) and parsed (`roadmaps.parser`). Pure: no
database, no configuration (the caller passes the size limit).
"""

from __future__ import annotations

from pathlib import Path

from roadmaps.parsed import ParsedDocument
from roadmaps.parser import parse_file
from roadmaps.readers import MAX_BYTES
from roadmaps.toml_roadmap import parse_toml_file


def read_document(path: Path, *, max_bytes: int = MAX_BYTES) -> ParsedDocument:
    """The parse of the file at `path`; its content hash is the SHA-256 of its bytes.

    :raises DocumentError: one line naming the file (unreadable, too large, not a
        document we can read, no decisions found, a bad roadmap).
    """
    path = Path(path)
    if path.suffix.casefold() == ".toml":
        return parse_toml_file(path, max_bytes=max_bytes)
    return parse_file(path, max_bytes=max_bytes)
