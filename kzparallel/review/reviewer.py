"""Who is reviewing: the name recorded with every decision of the review app.

The name of a request's reviewer is, first, the one this browser gave (the
name form at the top of every page: ``POST /reviewer`` sets the
``kz_reviewer`` cookie, kept a year), else the server's ``--reviewer NAME``
(``create_app(who=...)``). Never the server's OS user: eight reviewers on one
server are eight names. A decision (a pair's form, a re-linking, a sample)
without a name is refused (400, nothing saved) and the page asks for one.

A name is 1 to :data:`MAX_NAME` characters once its spaces are collapsed, with
no control or bidi-override characters (the zero-width (non-)joiners that some
scripts need stay); it travels in the cookie percent-encoded, so any script
fits, and a cookie that does not hold a valid name counts as none.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote, unquote

from starlette.requests import Request
from starlette.responses import Response

__all__ = [
    "MAX_NAME",
    "NO_NAME",
    "REVIEWER_COOKIE",
    "check_name",
    "name_box",
    "remember",
    "reviewer_of",
]

REVIEWER_COOKIE = "kz_reviewer"
MAX_NAME = 60
KEEP_S = 365 * 24 * 3600  # the browser keeps the name a year
_JOINERS = {"\u200c", "\u200d"}  # ZWNJ, ZWJ: part of some names' spelling
# the refusal of a decision without a name (title, message)
NO_NAME = (
    "Not saved: who are you?",
    "type your name in the reviewer box at the top of the page first: it is recorded "
    "with each of your decisions",
)


def check_name(text: str) -> str:
    """The reviewer name ``text`` as it is recorded (ValueError: why it is not one)."""
    name = " ".join(text.split())
    if not name:
        raise ValueError("type your name: it is recorded with each of your decisions")
    if len(name) > MAX_NAME:
        raise ValueError(f"a reviewer name has at most {MAX_NAME} characters")
    bad = [c for c in name if unicodedata.category(c).startswith("C") and c not in _JOINERS]
    if bad:
        raise ValueError(f"a reviewer name has no control characters (U+{ord(bad[0]):04X})")
    return name


def reviewer_of(request: Request, default: str = "") -> str:
    """The name of the reviewer behind ``request`` ("": nobody said)."""
    raw = request.cookies.get(REVIEWER_COOKIE)
    if raw:
        try:
            return check_name(unquote(raw, errors="strict"))
        except (ValueError, UnicodeDecodeError):
            pass  # not a name this app set: as if there were none
    return default


def remember(response: Response, name: str) -> Response:
    """Have the browser send ``name`` (checked) with its next requests."""
    response.set_cookie(
        REVIEWER_COOKIE,
        quote(name, safe=""),
        max_age=KEEP_S,
        httponly=True,
        samesite="strict",
    )
    return response


def name_box(request: Request, default: str = "") -> dict[str, str]:
    """What the page's reviewer box shows: the name (``who``) and the page to
    come back to once it is set (``here``; after a POST, the start page)."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return {"who": reviewer_of(request, default), "here": here if request.method == "GET" else "/"}
