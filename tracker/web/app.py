"""The Starlette application of the web workspace.

`create_app(settings, db)` builds it: routes by concept (`routes/`), the vendored CSS
under `/static`, security headers on every response, a CSRF cookie for every browser,
and every error as a Russian (or English) error page with the right status.
"""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from tracker.core.errors import TrackerError
from tracker.web import errors, security
from tracker.web.common import WebError, WebState

STATIC = Path(__file__).with_name("static")


class _Headers(BaseHTTPMiddleware):
    async def dispatch(self, request, call_next):
        response = await call_next(request)
        for name, value in security.HEADERS.items():
            response.headers.setdefault(name, value)
        new = request.scope.get("state", {}).get("new_csrf")
        if new and not request.cookies.get(security.CSRF_COOKIE):
            response.set_cookie(security.CSRF_COOKIE, new, httponly=True, samesite="lax",
                                path="/", max_age=30 * 86400)
        return response


class _BodyLimit:
    """Refuses a request body past the upload limit while it streams in (a chunked
    upload has no Content-Length to check up front): a 413 page, nothing parsed."""

    def __init__(self, app, limit: int, mb: str) -> None:
        self.app, self.limit, self.mb = app, limit, mb

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        seen = 0

        async def limited():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise WebError(413, "err_file_large", mb=self.mb)
            return message

        await self.app(scope, limited, send)


def create_app(settings, db, *, clock=None, mailer=None, kick=None) -> Starlette:
    """The app over `db`; `clock` returns aware UTC now (default: the real clock);
    `mailer` sends sign-in links (default: the configured email channel); `kick` wakes
    the delivery loop when a notice was recorded (`tracker run --web`)."""
    from tracker.core.models import utcnow
    from tracker.web.mail import email_sender
    from tracker.web.routes import actions, auth, lead, tasks

    web = WebState(settings=settings, db=db, secret=security.load_secret(settings),
                   clock=clock or utcnow, evidence_dir=security.evidence_dir(settings),
                   sign_in_limit=security.RateLimit(settings.web.sign_in_per_hour),
                   mailer=mailer or email_sender(settings), kick=kick)
    app = Starlette(
        routes=[*actions.routes, *auth.routes, *tasks.routes, *lead.routes,
                Mount("/static", StaticFiles(directory=STATIC), name="static")],
        middleware=[Middleware(_Headers),
                    Middleware(_BodyLimit, limit=web.limits.max_bytes + 3 * 1024 * 1024,
                               mb=f"{settings.web.max_upload_mb:g}")],
        exception_handlers={WebError: errors.on_web_error, TrackerError: errors.on_domain_error,
                            HTTPException: errors.on_http_error, Exception: errors.on_crash},
    )
    app.state.web = web
    return app
