"""Setting and clearing the signed session cookie."""

from __future__ import annotations

from tracker.web import security


def set_session(response, web, session_id: str) -> None:
    response.set_cookie(security.SESSION_COOKIE, security.sign(web.secret, session_id),
                        max_age=web.settings.web.session_days * 86400, httponly=True,
                        samesite="lax", secure=web.settings.web.base_url.startswith("https:"),
                        path="/")


def clear_session(response, web) -> None:
    response.delete_cookie(security.SESSION_COOKIE, path="/", httponly=True, samesite="lax")
