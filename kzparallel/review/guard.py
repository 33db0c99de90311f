"""What every request of the review app goes through: host, token, session, CSRF, headers.

* **Host** (against DNS rebinding): with :class:`Hosts` (``kzparallel review``
  always gives them, :meth:`Hosts.for_bind`), a request whose ``Host`` header
  names another host gets 400 before anything else. A server bound to a loopback
  address answers to ``127.0.0.1``, ``localhost`` and ``[::1]`` (with any port);
  bound to another address, also to that address; bound to every interface
  (``0.0.0.0``, ``::``) also to the machine's host names and to any IP address
  written as such (a page can only rebind a *name* to this machine).
* **Origin**: a POST whose ``Origin`` header is not the origin the page was served
  from (``http://`` + its ``Host``) gets 403, the CSRF field notwithstanding.
* Every POST needs the hidden CSRF field (an HMAC of the browser's session
  cookie) or gets 403; with a ``token``, every request needs
  ``Authorization: Bearer TOKEN`` or the cookie that ``?token=TOKEN`` sets; a
  Content-Security-Policy allows only the package's own script and stylesheet.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
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


LOOPBACK = ("127.0.0.1", "localhost", "::1")
EVERY_INTERFACE = ("0.0.0.0", "::")
_HOST = re.compile(
    r"^(?:\[(?P<v6>[0-9a-fA-F:.]+)\]|(?P<name>[^:\[\]]+))(?::(?P<port>[0-9]{1,5}))?$"
)


def split_host(header: str) -> str | None:
    """The host of a ``Host`` header value (IPv6 without its brackets, lower case),
    ``None`` when it is not a host with an optional port."""
    m = _HOST.match(header.strip())
    if m is None:
        return None
    return (m.group("v6") or m.group("name")).lower()


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Hosts:
    """The hosts a review server answers to (the ``Host`` header check)."""

    names: frozenset[str]
    any_ip: bool = False  # bound to every interface: any address written as an IP

    @classmethod
    def of(cls, names: Iterable[str]) -> Hosts:
        return cls(frozenset(n.strip("[]").lower() for n in names))

    @classmethod
    def for_bind(cls, bind: str) -> Hosts:
        """The hosts of a server bound to ``bind`` (``--host``)."""
        host = bind.strip("[]").lower()
        if host in EVERY_INTERFACE:
            names = {socket.gethostname(), socket.getfqdn()}
            return cls.of([*LOOPBACK, *(n for n in names if n)]).with_any_ip()
        return cls.of([*LOOPBACK, host])

    def with_any_ip(self) -> Hosts:
        return Hosts(self.names, any_ip=True)

    def allows(self, header: str) -> bool:
        host = split_host(header)
        if host is None:
            return False
        return host in self.names or (self.any_ip and _is_ip(host))


def same_origin(request: Request, origin: str) -> bool:
    """Is ``origin`` (an ``Origin`` header) the origin the request was sent to?"""
    served = f"{request.url.scheme}://{request.headers.get('host', '')}".lower()
    return origin.strip().lower().rstrip("/") == served


class GuardConfig(Protocol):
    secret: bytes
    token: str | None
    hosts: Hosts | None


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
    """Host, bearer token, session cookie, Origin and CSRF on POST, security headers."""

    def __init__(self, app: Any, config: GuardConfig) -> None:
        super().__init__(app)
        self.config = config

    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        cfg = self.config
        host = request.headers.get("host", "")
        if cfg.hosts is not None and not cfg.hosts.allows(host):
            return PlainTextResponse(
                f"refused: Host {host!r} is not this review server's address", status_code=400
            )
        origin = request.headers.get("origin")
        if request.method == "POST" and origin is not None and not same_origin(request, origin):
            return PlainTextResponse(
                f"refused: a form of another site ({origin}) cannot post here", status_code=403
            )
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
        # same-origin, not no-referrer: under no-referrer a browser sends `Origin: null`
        # with the page's own forms, which the Origin check above must refuse
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers.setdefault("Cache-Control", "no-store")
        return response
