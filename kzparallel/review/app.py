"""The review web app (Starlette, server-rendered Jinja2 templates).

``create_app(out_dir, ...)`` serves one build directory:

* ``GET /`` — documents: pairs, flagged pairs, glossary failures, share reviewed;
* ``GET /doc/{doc_id}`` and ``GET /pairs`` — pair rows, filtered with
  ``?show=unreviewed|flagged|glossary`` (``/pairs`` spans every document);
* ``POST /pair/{pair_id}/{action}`` — accept, reject, edit, merge, split, note.

Safety: every text is escaped by Jinja2 autoescape and a Content-Security-Policy
allows only the package's own script and stylesheet; every POST needs the
hidden CSRF field (an HMAC of the browser's session cookie) or gets 403; with
``token`` set, every request needs ``Authorization: Bearer TOKEN`` or the
cookie that ``?token=TOKEN`` sets; only ``/static`` files of this package are
served, never a path of the build directory.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from kzparallel.records import Pair
from kzparallel.review.decisions import (
    PairState,
    merge_changes,
    merged_ar,
    split_change,
    split_spans,
)
from kzparallel.review.pairs import PairIndex
from kzparallel.review.render import alignment_view, ar_pieces, en_pieces, split_points
from kzparallel.review.store import Change, ReviewStore, StaleDecision

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "kz_session"
TOKEN_COOKIE = "kz_token"
FILTERS = ("all", "unreviewed", "flagged", "glossary")
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)

Retranslate = Callable[[list[str]], list[str]]


@dataclass
class Config:
    out_dir: Path
    secret: bytes
    token: str | None
    who: str
    model: str | None
    retranslate: Retranslate | None


def csrf_token(secret: bytes, session: str) -> str:
    return hmac.new(secret, session.encode(), hashlib.sha256).hexdigest()


def valid_csrf(request: Request, sent: str) -> bool:
    """Whether ``sent`` is the CSRF token of the session cookie the request came with."""
    session = request.cookies.get(SESSION_COOKIE, "")
    if not session or not sent:
        return False
    expected = csrf_token(request.app.state.config.secret, session)
    return hmac.compare_digest(sent.encode(), expected.encode())


def model_retranslator(model: str) -> Retranslate:
    """Re-translation with ``model`` (loaded on first use) via ``load_translator``."""
    from kzparallel.translation import load_translator
    from kzparallel.translation.base import DecodingConfig

    loaded: list[Any] = []

    def run(texts: list[str]) -> list[str]:
        if not loaded:
            loaded.append(load_translator(model))
        return [t.text for t in loaded[0].translate(texts, DecodingConfig())]

    return run


class Guard(BaseHTTPMiddleware):
    """Bearer token, session cookie, CSRF on POST, security headers."""

    def __init__(self, app: Any, config: Config) -> None:
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


def _safe_back(value: str) -> str:
    """A local path to go back to after a POST (never another site)."""
    if value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


@dataclass
class Row:
    """One pair row of the document view."""

    pair: Pair
    state: PairState
    following: Pair | None  # the next pair of the same paragraph (merge partner)
    following_version: int

    @property
    def status(self) -> str:
        return "merged" if self.state.merged_into else self.state.status

    @property
    def ar(self) -> str:
        if self.state.merge_next and self.following is not None:
            return merged_ar(self.pair, self.following)
        return self.pair.ar

    @property
    def en(self) -> str:
        return self.state.en if self.state.en is not None else self.pair.en

    def ar_pieces(self) -> list[Any]:
        return ar_pieces(self.pair.ar, self.pair.terms) if self.ar == self.pair.ar else []

    def en_pieces(self) -> list[Any]:
        return en_pieces(self.en, self.pair.terms)

    def parts(self) -> list[tuple[str, str]]:
        if self.state.split_at is None:
            return []
        try:
            spans = split_spans(self.pair.ar, self.state.split_at)
        except ValueError:
            return []
        return [
            (self.pair.ar[s:e], p.get("en", ""))
            for (s, e), p in zip(spans, self.state.parts, strict=False)
        ]

    def alignment(self) -> Any:
        if self.state.merge_next or self.state.split_at is not None:
            return None
        return alignment_view(self.pair.alignment, self.pair.src_tokens, self.pair.tgt_tokens)

    def split_points(self) -> list[tuple[int, str]]:
        return split_points(self.pair.ar)

    @property
    def can_restructure(self) -> bool:
        st = self.state
        return not (st.merge_next or st.merged_into or st.split_at is not None)


def create_app(
    out_dir: str | Path,
    *,
    token: str | None = None,
    model: str | None = None,
    retranslate: Retranslate | None = None,
    who: str | None = None,
    allowed_hosts: list[str] | None = None,
) -> Starlette:
    """The review app over build directory ``out_dir`` (reads ``pairs.jsonl``)."""
    out = Path(out_dir)
    index = PairIndex(out)
    index.load()
    store = ReviewStore(out)
    if retranslate is None and model:
        retranslate = model_retranslator(model)
    cfg = Config(
        out_dir=out,
        secret=secrets.token_bytes(32),
        token=token,
        who=who or getpass.getuser(),
        model=model,
        retranslate=retranslate,
    )
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )

    def page(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        html = env.get_template(name).render(
            csrf=request.state.csrf, build=out.name, who=cfg.who, model=cfg.model, **ctx
        )
        return HTMLResponse(html, status_code=status)

    async def documents(request: Request) -> Response:
        index.refresh()
        states = index.states(store)
        return page(request, "documents.html", docs=index.summaries(states))

    def rows_for(pairs: list[Pair], states: dict[str, PairState], show: str) -> list[Row]:
        rows = []
        for p in pairs:
            st = states.get(p.id, PairState())
            nxt = index.following(p)
            row = Row(p, st, nxt, states[nxt.id].version if nxt and nxt.id in states else 0)
            if show == "unreviewed" and st.reviewed:
                continue
            if show == "flagged" and not (p.qa or p.violations):
                continue
            if show == "glossary" and not p.violations:
                continue
            rows.append(row)
        return rows

    async def pairs_view(request: Request) -> Response:
        index.refresh()
        show = request.query_params.get("show", "all")
        if show not in FILTERS:
            show = "all"
        doc_id = request.path_params.get("doc_id") or request.query_params.get("doc")
        if doc_id and doc_id not in index.docs:
            return page(
                request,
                "message.html",
                404,
                title="No such document",
                message=f"there is no document {doc_id!r} in this build",
            )
        pairs = index.docs[doc_id] if doc_id else index.pairs
        states = index.states(store)
        back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return page(
            request,
            "document.html",
            doc_id=doc_id,
            show=show,
            filters=FILTERS,
            rows=rows_for(pairs, states, show),
            back=back,
            doc_ids=list(index.docs),
        )

    async def act(request: Request) -> Response:
        index.refresh()
        form = await request.form()
        field = {k: str(v) for k, v in form.items()}
        if not valid_csrf(request, field.get("csrf", "")):
            return PlainTextResponse(
                "refused: missing or invalid CSRF token (reload the page and try again)",
                status_code=403,
            )
        back = _safe_back(field.get("back", "/"))
        pair = index.by_id.get(request.path_params["pair_id"])
        action = request.path_params["action"]
        if pair is None:
            return page(
                request,
                "message.html",
                404,
                title="No such pair",
                message="that pair is not in this build",
                back=back,
            )
        try:
            version = int(field.get("version", ""))
        except ValueError:
            return page(
                request,
                "message.html",
                400,
                title="Bad request",
                message="the form has no pair version",
                back=back,
            )
        try:
            st = index.states(store).get(pair.id, PairState())
            if action in ("merge", "split") and (st.merge_next or st.merged_into or st.parts):
                raise ValueError("this pair was already merged or split")
            changes = _changes(cfg, index, pair, action, version, field)
            store.record(changes, cfg.who)
        except StaleDecision as exc:
            return page(
                request,
                "message.html",
                409,
                title="Not saved: the pair has changed",
                message=exc.message,
                back=back,
            )
        except ValueError as exc:
            return page(
                request, "message.html", 400, title="Not saved", message=str(exc), back=back
            )
        return RedirectResponse(f"{back}#p-{pair.id}", status_code=303)

    async def not_found(request: Request, exc: Exception) -> Response:
        return PlainTextResponse("not found", status_code=404)

    routes = [
        Route("/", documents),
        Route("/pairs", pairs_view),
        Route("/doc/{doc_id:str}", pairs_view),
        Route("/pair/{pair_id:str}/{action:str}", act, methods=["POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [Middleware(Guard, config=cfg)]
    if allowed_hosts:
        middleware.insert(0, Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts))
    app = Starlette(routes=routes, middleware=middleware, exception_handlers={404: not_found})
    app.state.config = cfg
    return app


def _changes(
    cfg: Config, index: PairIndex, pair: Pair, action: str, version: int, field: dict[str, str]
) -> list[Change]:
    """The log rows for one submitted form (ValueError: a message for the reviewer)."""
    if action in ("accept", "reject"):
        return [Change(pair.id, version, action)]
    if action == "note":
        note = field.get("note", "").strip()
        if not note:
            raise ValueError("the note is empty")
        return [Change(pair.id, version, "note", None, note)]
    if action == "edit":
        en = field.get("en", "").strip()
        if not en:
            raise ValueError("the English is empty (reject the pair instead)")
        data: dict[str, Any] = {}
        if field.get("part", "") != "":
            data["part"] = int(field["part"])
        return [Change(pair.id, version, "edit", field.get("before"), en, data)]
    if action == "merge":
        nxt = index.following(pair)
        if nxt is None or nxt.id != field.get("next"):
            raise ValueError("only a pair and the next one of the same paragraph can be merged")
        en, en_mt = field.get("en", "").strip(), ""
        if "retranslate" in field:
            if cfg.retranslate is None:
                raise ValueError("no model is configured: type the English")
            en = en_mt = cfg.retranslate([merged_ar(pair, nxt)])[0]
        if not en:
            raise ValueError("type the English of the merged pair")
        return merge_changes(pair, version, nxt, int(field.get("next_version", "0")), en, en_mt)
    if action == "split":
        try:
            at = int(field.get("at", ""))
        except ValueError:
            raise ValueError("choose where to split the Arabic") from None
        spans = split_spans(pair.ar, at)
        if "retranslate" in field:
            if cfg.retranslate is None:
                raise ValueError("no model is configured: type the English of both parts")
            outs = cfg.retranslate([pair.ar[s:e] for s, e in spans])
            parts = [{"en": o, "en_mt": o} for o in outs]
        else:
            ens = [field.get("en1", "").strip(), field.get("en2", "").strip()]
            if not all(ens):
                raise ValueError("type the English of both parts")
            parts = [{"en": e, "en_mt": ""} for e in ens]
        return [split_change(pair, version, at, parts)]
    raise ValueError(f"unknown action {action!r}")
