"""Domain errors and HTTP errors as Russian (or English) error pages."""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse

from tracker.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, TrackerError
from tracker.core.i18n import _
from tracker.services.extensions import NobodyToDecide, RequestWaiting
from tracker.services.web_tokens import TokenExpired, TokenMalformed, TokenUsed
from tracker.web.common import WebError, error_page

logger = logging.getLogger("tracker.web")


def status_and_key(exc: TrackerError) -> tuple[int, str, dict]:
    """The HTTP status and the page sentence of a domain error."""
    for kind, status, key in (
        (TokenMalformed, 404, "err_token_format"), (TokenUsed, 410, "err_token_used"),
        (TokenExpired, 410, "err_token_expired"), (RequestWaiting, 409, "err_waiting"),
        (NobodyToDecide, 409, "err_nobody"), (NotFound, 404, "err_not_found"),
        (PermissionDenied, 403, "err_forbidden"), (Conflict, 409, "err_conflict"),
    ):
        if isinstance(exc, kind):
            return status, key, {}
    if isinstance(exc, InvalidInput):
        return 400, "err_invalid", {"detail": str(exc)}
    return 400, "err_invalid", {"detail": str(exc)}


async def on_web_error(request: Request, exc: WebError):
    if exc.status == 401:
        if request.method == "GET":
            return RedirectResponse("/signin", status_code=303)
        return error_page(request, 403, exc.key)
    return error_page(request, exc.status, exc.key, **exc.params)


async def on_domain_error(request: Request, exc: TrackerError):
    status, key, params = status_and_key(exc)
    return error_page(request, status, key, **params)


async def on_http_error(request: Request, exc: HTTPException):
    key = {404: "err_not_found", 405: "err_method"}.get(exc.status_code, "err_invalid")
    params = {"detail": exc.detail} if key == "err_invalid" else {}
    status = exc.status_code if exc.status_code in (400, 404, 405, 413) else 400
    return error_page(request, status, key, **params)


async def on_crash(request: Request, exc: Exception):
    logger.exception(_("unexpected error on %s %s"), request.method, request.url.path)
    return error_page(request, 500, "err_internal")
