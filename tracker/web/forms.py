"""Reading and checking form input before any service is called (Russian messages)."""

from __future__ import annotations

from datetime import date

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request

from tracker.core.dates import parse_date
from tracker.core.errors import InvalidInput
from tracker.services.evidence import Limits, Upload, extension_of
from tracker.services.web_actions import MAX_COMMENT
from tracker.web.common import WebError, check_csrf


async def read_form(request: Request, limits: Limits):
    """The POSTed form, its CSRF checked. Bodies over the upload limit are refused (413)
    before they are read; at most one file part."""
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > limits.max_bytes + 512 * 1024:
        raise WebError(413, "err_file_large", mb=_mb(limits))
    try:
        form = await request.form(max_files=1, max_fields=12, max_part_size=2 * 1024 * 1024)
    except HTTPException:  # too many fields or files, a field over 2 MB, a broken body
        raise WebError(413, "err_form") from None
    check_csrf(request, form)
    return form


def text(form, name: str) -> str | None:
    """A text field, trimmed; None when empty. :raises WebError: too long."""
    value = form.get(name)
    if not isinstance(value, str):
        return None
    value = value.strip()
    if len(value) > MAX_COMMENT:
        raise WebError(400, "err_comment_long", n=len(value), max=MAX_COMMENT)
    return value or None


async def upload(form, limits: Limits) -> Upload | None:
    """The evidence file, checked against the limits; None when no file was chosen."""
    part = form.get("file")
    if not isinstance(part, UploadFile) or not part.filename:
        return None
    ext = extension_of(part.filename)
    if ext not in limits.types:
        raise WebError(415, "err_file_type", ext=ext or "?", types=", ".join(limits.types))
    data = await part.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise WebError(413, "err_file_large", mb=_mb(limits))
    if not data:
        raise WebError(400, "err_file_empty")
    return Upload(part.filename, data)


def new_due(form, floor: date) -> date:
    value = form.get("new_due")
    try:
        day = parse_date(value) if isinstance(value, str) and value.strip() else None
    except (InvalidInput, ValueError):
        day = None
    if day is None:
        raise WebError(400, "err_date")
    if day <= floor:
        raise WebError(400, "err_date_early", date=floor.strftime("%d.%m.%Y"))
    return day


def _mb(limits: Limits) -> str:
    return f"{limits.max_bytes / 1024 / 1024:g}"
