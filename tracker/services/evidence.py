"""Evidence files: uploaded through the web workspace, or sent to the bot (`record_file`).

Files are kept in a folder beside the database (`[web] evidence_dir`), one sub-folder
per assignment, under a random name with the original extension; the `Evidence` row
keeps `file_id = "web:<assignment>/<name>"`, the original file name and its type. Only
allowed extensions and sizes are accepted; the row and the EVIDENCE event are written
in the caller's transaction, and the file is removed again if that transaction fails.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from sqlmodel import Session

from tracker.core.enums import EventKind, Via
from tracker.core.errors import InvalidInput, NotFound
from tracker.core.i18n import _
from tracker.core.models import Assignment, Evidence, Person
from tracker.services.tasks import record_event

WEB_PREFIX = "web:"

_TYPES = {
    "pdf": "application/pdf", "txt": "text/plain", "zip": "application/zip",
    "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png",
    "doc": "application/msword", "xls": "application/vnd.ms-excel",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}


@dataclass(frozen=True)
class Upload:
    """A file as received: its name as the browser gave it and its bytes."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class Limits:
    directory: Path
    max_bytes: int
    types: tuple[str, ...]


def extension_of(filename: str) -> str:
    name = PurePosixPath(filename.replace("\\", "/")).name
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def check_upload(upload: Upload, limits: Limits) -> None:
    """:raises InvalidInput: empty, too large, or a type outside the allowed list."""
    ext = extension_of(upload.filename)
    if ext not in limits.types:
        allowed = ", ".join(limits.types)
        raise InvalidInput(_(
            "file type .{ext} is not accepted; allowed: {allowed}")
            .format(ext=ext or '?', allowed=allowed))
    if not upload.data:
        raise InvalidInput(_("the file is empty"))
    if len(upload.data) > limits.max_bytes:
        raise InvalidInput(_(
            "the file is {size} bytes; the limit is {max_bytes}")
            .format(size=len(upload.data), max_bytes=limits.max_bytes))


def store(*, session: Session, assignment: Assignment, person: Person, upload: Upload,
          limits: Limits, now: datetime, via: Via = Via.WEB) -> Evidence:
    """Keep `upload` with the assignment. :raises InvalidInput: see `check_upload`."""
    check_upload(upload, limits)
    ext = extension_of(upload.filename)
    relative = f"{assignment.id}/{secrets.token_hex(16)}.{ext}"
    path = limits.directory / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as stream:
        stream.write(upload.data)
    name = PurePosixPath(upload.filename.replace("\\", "/")).name[:300]
    try:
        row = Evidence(assignment_id=assignment.id, person_id=person.id,
                       file_id=WEB_PREFIX + relative, file_name=name,
                       mime_type=_TYPES.get(ext, "application/octet-stream"), at=now)
        session.add(row)
        record_event(session=session, kind=EventKind.EVIDENCE, via=via, at=now,
                     assignment_id=assignment.id, task_id=assignment.task_id,
                     person_id=person.id, file_id=row.file_id, file_name=name)
        session.flush()
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return row


def record_file(*, session: Session, assignment: Assignment, person: Person, file_id: str,
                file_name: str | None, mime_type: str | None, now: datetime,
                via: Via) -> Evidence:
    """Keep a file the messenger holds (its own `file_id`) with the assignment, with the
    EVIDENCE event, in the caller's transaction."""
    row = Evidence(assignment_id=assignment.id, person_id=person.id, file_id=file_id,
                   file_name=file_name, mime_type=mime_type, at=now)
    session.add(row)
    record_event(session=session, kind=EventKind.EVIDENCE, via=via, at=now,
                 assignment_id=assignment.id, task_id=assignment.task_id, person_id=person.id,
                 file_id=file_id, file_name=file_name)
    return row


def path_of(evidence: Evidence, directory: Path) -> Path:
    """The stored file of a web upload. :raises NotFound: not a web upload, or the
    stored name leads outside the folder (never written so, but checked anyway)."""
    if not evidence.file_id.startswith(WEB_PREFIX):
        raise NotFound(_("evidence {id} is kept in Telegram, not here").format(id=evidence.id))
    root = directory.resolve()
    path = (root / evidence.file_id[len(WEB_PREFIX):]).resolve()
    if root not in path.parents or not path.is_file():
        raise NotFound(_("evidence {id} file not found").format(id=evidence.id))
    return path
