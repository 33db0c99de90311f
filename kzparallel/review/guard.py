"""What every request of the review app goes through: token, session, CSRF, headers.

Every POST needs the hidden CSRF field (an HMAC of the browser's session
cookie) or gets 403; with a ``token``, every request needs
``Authorization: Bearer TOKEN`` or the cookie that ``?token=TOKEN`` sets; a
Content-Security-Policy allows only the package's own script and stylesheet.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from typing import Any, Protocol
from urllib.parse import urlencode

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

SESSION_COOKIE = "kz_session"
TOKEN_COOKIE = "kz_token"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


class GuardConfig(Protocol):
    secret: bytes
    token: str | None


def csrf_token(secret: bytes, session: str) -> str:
    return hmac.new(secret, session.encode(), hashlib.sha256).hexdigest()


def valid_csrf(request: Request, sent: str) -> bool:
    """Whether ``sent`` is the CSRF token of the session cookie the request came with."""
    session = request.cookies.get(SESSION_COOKIE, "")
    if not session or not sent:
        return False
    expected = csrf_token(request.app.state.config.secret, session)
    return hmac.compare_digest(sent.encode(), expected.encode())


def safe_back(value: str) -> str:
    """A local path to go back to after a POST (never another site)."""
    if value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


class Guard(BaseHTTPMiddleware):
    """Bearer token, session cookie, CSRF on POST, security headers."""

    def __init__(self, app: Any, config: GuardConfig) -> None:
        super().__init__(app)
        self.config = config

    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        cfg = self.config
        set_token = False
        if cfg.token is not None:
            given = request.headers.get("authorization", "")
            cookie = request.cookies.get(TOKEN_COOKIE, "")
            query = request.query_params.get("token")
            ok = hmac.compare_digest(given.encode(), f"Bearer {cfg.token}".encode()) or (
                hmac.compare_digest(cookie.encode(), cfg.token.encode())
            )
            if query is not None and request.method == "GET":
                if not hmac.compare_digest(query.encode(), cfg.token.encode()):
                    return PlainTextResponse("wrong token", status_code=401)
                ok = set_token = True
            if not ok:
                return PlainTextResponse(
                    "this review server needs a token: open it with ?token=TOKEN "
                    "or send Authorization: Bearer TOKEN",
                    status_code=401,
                    headers={"WWW-Authenticate": "Bearer"},
                )
        session = request.cookies.get(SESSION_COOKIE, "")
        new_session = not session
        if new_session:
            session = secrets.token_urlsafe(24)
        request.state.session = session
        request.state.csrf = csrf_token(cfg.secret, session)
        if request.method not in ("GET", "HEAD", "POST"):
            return PlainTextResponse("method not allowed", status_code=405)
        if set_token:
            rest = {k: v for k, v in request.query_params.items() if k != "token"}
            response: Response = RedirectResponse(
                request.url.path + (f"?{urlencode(rest)}" if rest else ""), status_code=303
            )
            response.set_cookie(TOKEN_COOKIE, cfg.token or "", httponly=True, samesite="strict")
        else:
            response = await call_next(request)
        if new_session:
            response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="strict")
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers.setdefault("Cache-Control", "no-store")
        return response
