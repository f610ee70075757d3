"""Secrets, signed cookies, CSRF tokens, security headers and the sign-in rate limit.

The session secret comes from `TRACKER_WEB__SECRET`, else from `web-secret` beside the
database (generated once, mode 0600). Cookies are `value.signature` with an HMAC-SHA256
of the value under that secret; a forged or altered cookie is simply not signed in.
CSRF: every browser gets a random `csrf` cookie; forms carry an HMAC of it, and every
POST must bring both (double submit, signed, so a planted cookie is not enough).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
import time
from collections import deque
from pathlib import Path

SESSION_COOKIE = "tracker_session"
CSRF_COOKIE = "tracker_csrf"

HEADERS = {
    "content-security-policy": ("default-src 'none'; style-src 'self'; img-src 'self'; "
                                "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",  # action links must not leak through Referer
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
    "cache-control": "no-store",
}


def load_secret(settings) -> bytes:
    """The signing secret (see the module docstring)."""
    given = settings.web.secret
    if given is not None and given.get_secret_value():
        return given.get_secret_value().encode()
    path = secret_path(settings)
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48).encode()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as stream:
        stream.write(value)
    return value


def secret_path(settings) -> Path:
    url = settings.db_url
    if url.startswith("sqlite:///") and "memory" not in url:
        return Path(url.split("///", 1)[1]).parent / "web-secret"
    return settings.base_dir / "web-secret"


def evidence_dir(settings) -> Path:
    return secret_path(settings).parent / settings.web.evidence_dir


def sign(secret: bytes, value: str) -> str:
    mac = hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()
    return f"{value}.{mac}"


def unsign(secret: bytes, signed: str | None) -> str | None:
    if not signed or "." not in signed:
        return None
    value, mac = signed.rsplit(".", 1)
    good = hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()
    return value if hmac.compare_digest(mac, good) else None


def csrf_token(secret: bytes, cookie_value: str) -> str:
    return hmac.new(secret, b"csrf:" + cookie_value.encode(), hashlib.sha256).hexdigest()


def csrf_ok(secret: bytes, cookie_value: str | None, field: str | None) -> bool:
    if not cookie_value or not field:
        return False
    return hmac.compare_digest(csrf_token(secret, cookie_value), field)


class RateLimit:
    """At most `limit` events per key in a sliding `window` of seconds (in memory)."""

    def __init__(self, limit: int, window: float = 3600.0, clock=time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._seen: dict[str, deque] = {}
        self._lock = threading.Lock()

    def allow(self, *keys: str) -> bool:
        """Count one event for every key; False (nothing counted) if any is at its limit."""
        now = self.clock()
        with self._lock:
            queues = []
            for key in keys:
                queue = self._seen.setdefault(key, deque())
                while queue and queue[0] <= now - self.window:
                    queue.popleft()
                if len(queue) >= self.limit:
                    return False
                queues.append(queue)
            for queue in queues:
                queue.append(now)
            return True
