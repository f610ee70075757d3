"""What every route uses: the app's state, the signed-in person, CSRF, pages, errors."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from tracker.core import text as i18n
from tracker.core.dates import format_local, local_today
from tracker.core.models import Person
from tracker.services.evidence import Limits
from tracker.web import security
from tracker.web.words import words

TEMPLATES = Path(__file__).with_name("templates")


class WebError(Exception):
    """An error page: an HTTP status and a sentence from `words` (with its params)."""

    def __init__(self, status: int, key: str, **params) -> None:
        super().__init__(key)
        self.status, self.key, self.params = status, key, params


@dataclass
class WebState:
    """Built once per app: settings, database, secret, clock, limits."""

    settings: Any
    db: Any
    secret: bytes
    clock: Any
    evidence_dir: Path
    sign_in_limit: security.RateLimit
    mailer: Any = None  # async (person, url) -> None: sends a sign-in link
    kick: Any = None  # () -> None: run the delivery pass now (beside the scheduler)
    env: Environment = field(init=False)

    def __post_init__(self) -> None:
        self.env = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                               autoescape=select_autoescape(["html"]), trim_blocks=True,
                               lstrip_blocks=True)

    @property
    def limits(self) -> Limits:
        web = self.settings.web
        return Limits(self.evidence_dir, int(web.max_upload_mb * 1024 * 1024),
                      tuple(t.lower().lstrip(".") for t in web.upload_types))

    def wake(self) -> None:
        """A notice was recorded (an extension asked for or decided): send it now."""
        if self.kick is not None:
            self.kick()

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return local_today(self.now(), self.settings.zone)


def state(request: Request) -> WebState:
    return request.app.state.web


def session_id(request: Request) -> str | None:
    return security.unsign(state(request).secret, request.cookies.get(security.SESSION_COOKIE))


def current_person(request: Request, session) -> Person | None:
    """The signed-in person (checked against the database on every request), or None."""
    sid = session_id(request)
    if sid is None:
        return None
    from tracker.services.web_sessions import person_of

    return person_of(session=session, session_id=sid, now=state(request).now())


def require_person(request: Request, session) -> Person:
    person = current_person(request, session)
    if person is None:
        raise WebError(401, "err_sign_in")
    return person


def csrf_value(request: Request) -> str:
    """This browser's CSRF cookie value (a new one when it has none yet)."""
    value = request.cookies.get(security.CSRF_COOKIE) or getattr(request.state, "new_csrf",
                                                                  None)
    if not value:
        value = request.state.new_csrf = secrets.token_urlsafe(24)
    return value


def check_csrf(request: Request, form) -> None:
    if not security.csrf_ok(state(request).secret, request.cookies.get(security.CSRF_COOKIE),
                            form.get("csrf")):
        raise WebError(403, "err_csrf")


def page(request: Request, template: str, *, status: int = 200, locale: str | None = None,
         person: Person | None = None, **variables) -> HTMLResponse:
    web = state(request)
    locale = i18n.normalize_locale(locale or (person.locale if person else None)
                                   or web.settings.locale)
    t = words(locale)
    html = web.env.get_template(template).render(
        t=t, locale=locale, person=person, request=request,
        csrf=security.csrf_token(web.secret, csrf_value(request)),
        fmt_date=lambda d: i18n.format_date(d, locale) if d else "",
        fmt_short=lambda d: i18n.format_date_short(_as_date(d)) if _as_date(d) else "",
        days=lambda n: i18n.days_phrase(n, locale), today=web.today(),
        when=lambda moment: format_local(moment, web.settings.zone),
        percent=lambda share: _percent(share, locale), doc_title=_doc_title, **variables)
    return HTMLResponse(html, status_code=status)


def _as_date(value) -> date | None:
    """Dates, datetimes and ISO strings (from event details) as dates."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _doc_title(document) -> str:
    from tracker.core.titles import document_title

    return document_title(document)


def _percent(share, locale: str) -> str:
    if share is None:
        return "—"
    text = f"{round(share * 100, 1):g}"
    return f"{text}%" if locale == "en" else f"{text.replace('.', ',')} %"


def error_page(request: Request, status: int, key: str, locale: str | None = None,
               **params) -> HTMLResponse:
    t = words(locale or state(request).settings.locale)
    return page(request, "error.html", status=status, locale=locale,
                title=t(f"e{status}") if f"e{status}" in _TITLES else t("e400"),
                text=t(key, **params))


_TITLES = {"e400", "e403", "e404", "e405", "e409", "e410", "e413", "e415", "e429", "e500"}


def parse_int(value: str) -> int:
    """A positive id from the path; anything else is a 404."""
    if not value.isdigit() or len(value) > 12:
        raise WebError(404, "err_not_found")
    return int(value)
