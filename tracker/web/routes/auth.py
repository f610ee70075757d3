"""Signing in without a password: a one-time link by email (the form, `tracker web
invite`) or by the bot (`/web`); signing out."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from tracker.core.i18n import _
from tracker.core.models import Person
from tracker.core.text import fold
from tracker.services.web_links import sign_in_url
from tracker.services.web_sessions import create_sign_in, end_session, redeem_sign_in
from tracker.services.web_tokens import find_live, look_up
from tracker.web import forms
from tracker.web.common import WebError, page, session_id, state
from tracker.web.session_cookie import clear_session, set_session

logger = logging.getLogger("tracker.web")


def base_url(request: Request) -> str:
    return state(request).settings.web.base_url or str(request.base_url).rstrip("/")


async def sign_in_form(request: Request):
    return page(request, "signin.html")


async def sign_in_post(request: Request):
    web = state(request)
    form = await forms.read_form(request, web.limits)
    email = form.get("email")
    email = email.strip() if isinstance(email, str) else ""
    if not email or len(email) > 254 or "@" not in email:
        raise WebError(400, "err_invalid", detail="email")
    client = request.client.host if request.client else "?"
    if not web.sign_in_limit.allow(f"ip:{client}", f"email:{fold(email)}"):
        raise WebError(429, "err_rate")

    def make():
        with web.db.transaction() as session:
            # Addresses are ASCII in practice; lower() folds those on every database.
            match = session.exec(select(Person).where(
                Person.active.is_(True),
                func.lower(Person.email) == email.lower())).all()
            if len(match) != 1:
                return None, None
            token = create_sign_in(session=session, person=match[0], now=web.now(),
                                   ttl=timedelta(minutes=web.settings.web.sign_in_ttl_minutes))
            return match[0], token

    person, token = await run_in_threadpool(make)
    if person is not None and web.mailer is not None:
        try:
            await web.mailer(person, sign_in_url(base_url(request), token))
        except Exception as exc:  # the page says the same either way; the log says why
            logger.warning(_("sign-in link to person %s not sent: %s"), person.id, exc)
    # The same answer whether or not the address is known: no probing the directory.
    return page(request, "signin_sent.html",
                minutes=web.settings.web.sign_in_ttl_minutes)


async def sign_in_link(request: Request):
    token = request.path_params["token"]
    web = state(request)

    def check():
        with web.db.reading() as session:
            row = look_up(session=session, token=token, now=web.now())
            if row.action != "sign_in":
                raise WebError(404, "err_token_unknown")
            return session.get(Person, row.person_id)

    person = await run_in_threadpool(check)
    return page(request, "signin_confirm.html", locale=person.locale, who=person,
                token=token)


async def sign_in_redeem(request: Request):
    token = request.path_params["token"]
    web = state(request)
    await forms.read_form(request, web.limits)

    def redeem():
        with web.db.transaction() as session:
            row = find_live(session=session, token=token)
            if row is not None and row.action != "sign_in":
                raise WebError(404, "err_token_unknown")
            _person, sid = redeem_sign_in(session=session, token=token, now=web.now(),
                                    days=web.settings.web.session_days)
            return sid

    sid = await run_in_threadpool(redeem)
    response = RedirectResponse("/my", status_code=303)
    set_session(response, web, sid)
    return response


async def sign_out(request: Request):
    web = state(request)
    await forms.read_form(request, web.limits)
    sid = session_id(request)
    if sid is not None:
        def end():
            with web.db.transaction() as session:
                end_session(session=session, session_id=sid, now=web.now())
        await run_in_threadpool(end)
    response = RedirectResponse("/signin", status_code=303)
    clear_session(response, web)
    return response


routes = [
    Route("/signin", sign_in_form, methods=["GET"]),
    Route("/signin", sign_in_post, methods=["POST"]),
    Route("/signin/{token}", sign_in_link, methods=["GET"]),
    Route("/signin/{token}", sign_in_redeem, methods=["POST"]),
    Route("/signout", sign_out, methods=["POST"]),
]
