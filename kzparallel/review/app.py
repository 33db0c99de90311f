"""The review web app (Starlette, server-rendered Jinja2 templates).

``create_app(out_dir, ...)`` serves one build directory; its pairs are read
through the SQLite index of :mod:`kzparallel.review.index` (imported on the
first start), a page at a time:

* ``GET /`` — documents (paginated, sortable by flagged share, glossary
  failures, review progress) and the quality estimate of the newest sample;
* ``GET /doc/{doc_id}`` and ``GET /pairs`` — pair rows, filtered with
  ``?show=unreviewed|flagged|glossary|renderings``, ``?doc=ID`` and a search ``?q=``;
* ``GET /sample``, ``POST /sample``, ``GET /sample/{id}`` — draw a random
  sample and review it (:mod:`kzparallel.review.sampling`);
* ``POST /pair/{pair_id}/{action}`` — accept, reject, edit, merge, split, note;
* ``POST /relink/{doc_id}`` — re-link an aligned document's sentences
  (:mod:`kzparallel.review.relink_view`; its links are shown on ``/doc/{doc_id}``);
* ``POST /reviewer`` — this browser's reviewer name (:mod:`kzparallel.review.reviewer`),
  recorded with each of its decisions; a decision without one is refused.

Every list takes ``n`` (page size), ``after``/``before`` (keyset keys) and
``last``. Safety: every text is escaped by Jinja2 autoescape; see
:mod:`kzparallel.review.guard` for the token, CSRF and headers; only ``/static``
files of this package are served, never a path of the build directory.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from kzparallel.errors import KzError
from kzparallel.manifest import read_manifest
from kzparallel.review.actions import Retranslate, form_changes, model_retranslator
from kzparallel.review.guard import Guard, Hosts, safe_back, valid_csrf
from kzparallel.review.index import Generation, IndexStale, PairsIndex, Progress
from kzparallel.review.params import MAX_KEY, BadParameter, page_size, whole, window
from kzparallel.review.queries import (
    DEFAULT_PAGE,
    DOC_SORTS,
    FILTERS,
    PAGE_SIZES,
    IndexRow,
    Page,
    counts,
    doc_by_id,
    expander,
    following,
    list_docs,
    list_pairs,
    pair_by_id,
    pairs_at,
    pairs_by_ids,
)
from kzparallel.review.relink_view import links_view, record_relink
from kzparallel.review.reviewer import NO_NAME, check_name, name_box, remember, reviewer_of
from kzparallel.review.rows import Row
from kzparallel.review.sampling import (
    MAX_SAMPLE,
    STRATA,
    draw,
    estimate,
    sample_info,
    sample_page,
    samples,
    save_sample,
)
from kzparallel.review.search import fts_query
from kzparallel.review.state import PairState
from kzparallel.review.store import ReviewStore, StaleDecision

__all__ = ["create_app", "model_retranslator"]

HERE = Path(__file__).resolve().parent
SORT_LABELS = {
    "doc": "build order",
    "flagged": "flagged share",
    "glossary": "glossary failures",
    "progress": "review progress",
}


@dataclass
class Config:
    out_dir: Path
    secret: bytes
    token: str | None
    who: str  # --reviewer: the name of a browser that gave none ("": ask)
    model: str | None
    retranslate: Retranslate | None
    reimport_wait: float
    hosts: Hosts | None = None  # the Host header check (kzparallel.review.guard)


def _url(path: str, params: Mapping[str, Any]) -> str:
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return path + (f"?{urlencode(kept)}" if kept else "")


def _links(path: str, params: Mapping[str, Any], page: Page) -> dict[str, str | None]:
    has_prev, has_next = page.prev is not None, page.next is not None
    return {
        "first": _url(path, params) if has_prev else None,
        "prev": _url(path, {**params, "before": page.prev}) if has_prev else None,
        "next": _url(path, {**params, "after": page.next}) if has_next else None,
        "last": _url(path, {**params, "last": 1}) if has_next else None,
    }


def create_app(
    out_dir: str | Path,
    *,
    token: str | None = None,
    model: str | None = None,
    retranslate: Retranslate | None = None,
    who: str | None = None,
    allowed_hosts: Hosts | list[str] | None = None,
    progress: Progress | None = None,
    reimport_wait: float = 5.0,
) -> Starlette:
    """The review app over build directory ``out_dir``.

    The pairs are imported into ``DIR/review-index/`` first when the index is
    missing or older than ``pairs.jsonl`` (``progress`` is called as it reads).
    A ``pairs.jsonl`` that changes while the app runs is imported again in the
    background; a request waits up to ``reimport_wait`` seconds for it.
    ``allowed_hosts``: answer only requests whose ``Host`` is one of them
    (``kzparallel review`` gives :meth:`Hosts.for_bind`; None: no Host check).
    ``who``: the reviewer name of a browser that has not given its own
    (``--reviewer``; ValueError when it is not a name); without it, each
    browser is asked for one before its first decision.
    """
    out = Path(out_dir)
    store = ReviewStore(out)
    index = PairsIndex(out, store)
    index.open(progress)
    if retranslate is None and model:
        retranslate = model_retranslator(model)
    cfg = Config(
        out_dir=out,
        secret=secrets.token_bytes(32),
        token=token,
        who=check_name(who) if who else "",
        model=model,
        retranslate=retranslate,
        reimport_wait=reimport_wait,
        hosts=Hosts.of(allowed_hosts) if isinstance(allowed_hosts, list) else allowed_hosts,
    )
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )

    def page(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        html = env.get_template(name).render(
            csrf=request.state.csrf,
            build=out.name,
            model=cfg.model,
            **name_box(request, cfg.who),
            **ctx,
        )
        return HTMLResponse(html, status_code=status)

    def message(request: Request, status: int, title: str, text: str, back: str = "/") -> Response:
        return page(request, "message.html", status, title=title, message=text, back=back)

    def fresh() -> str | None:
        """Pick up a re-built pairs.jsonl and new decisions; a notice for the page."""
        running = index.refresh(cfg.reimport_wait)
        index.sync()
        if running:
            return (
                "pairs.jsonl has changed: it is being imported again; "
                "until that is done the pages show the pairs as they were"
            )
        if index.error:
            return f"the new pairs.jsonl could not be imported ({index.error}); showing the last import"
        return None

    def build_rows(
        conn: Any, gen: Generation, found: list[IndexRow], ranks: list[int] | None = None
    ) -> list[Row]:
        nxt = following(conn, found)
        pairs = gen.read([r.ref for r in found])
        partners = dict(zip(list(nxt), gen.read([n.ref for n in nxt.values()]), strict=True))
        states = store.states([r.id for r in found] + [n.id for n in nxt.values()])
        rows = []
        for i, (r, pair) in enumerate(zip(found, pairs, strict=True)):
            partner = partners.get(r.pos)
            version = states[partner.id].version if partner and partner.id in states else 0
            rank = ranks[i] if ranks else None
            rows.append(Row(pair, states.get(r.id, PairState()), partner, version, rank))
        return rows

    def build_signature(conn: Any, gen: Generation) -> str:
        """The provenance signature of the build (manifest.json, else the first pair)."""
        manifest = read_manifest(out)
        if manifest and manifest.get("signature"):
            return str(manifest["signature"])
        first = pairs_at(conn, [1]).get(1)
        return gen.read([first.ref])[0].signature if first else ""

    def documents(request: Request) -> Response:
        notice = fresh()
        q = request.query_params
        sort = q.get("sort", "doc")
        if sort not in DOC_SORTS:
            sort = "doc"
        order = q.get("order")
        desc = order == "desc" if order in ("asc", "desc") else DOC_SORTS[sort][1]
        size = page_size(q)
        with index.connection() as (conn, _):
            docs = list_docs(conn, sort=sort, desc=desc, window=window(q), size=size)
            totals = counts(conn)
        params = {
            "sort": None if sort == "doc" else sort,
            "order": None if desc == DOC_SORTS[sort][1] else ("desc" if desc else "asc"),
            "n": None if size == DEFAULT_PAGE else size,
        }
        return page(
            request,
            "documents.html",
            notice=notice,
            page=docs,
            counts=totals,
            links=_links("/", params, docs),
            sort=sort,
            desc=desc,
            size=size,
            sizes=PAGE_SIZES,
            sorts=list(SORT_LABELS.items()),
            sort_links={s: _url("/", {"sort": s}) for s in ("flagged", "glossary", "progress")},
            estimate=estimate(store),
        )

    def pairs_view(request: Request) -> Response:
        notice = fresh()
        q = request.query_params
        show = q.get("show", "all")
        if show not in FILTERS:
            show = "all"
        search = q.get("q", "").strip()
        size = page_size(q)
        doc_id = request.path_params.get("doc_id") or q.get("doc", "").strip() or None
        with index.connection() as (conn, gen):
            doc = doc_by_id(conn, doc_id) if doc_id else None
            if doc_id and doc is None:
                return message(
                    request,
                    404,
                    "No such document",
                    f"there is no document {doc_id!r} in this build",
                )
            doc_pos = doc.pos if doc else None
            found = list_pairs(
                conn,
                doc_pos=doc_pos,
                show=show,
                fts=fts_query(search, expander(conn)),
                window=window(q),
                size=size,
            )
            rows = build_rows(conn, gen, found.rows)
            totals = counts(conn, doc_pos)
        params = {
            "doc": doc_id if request.url.path == "/pairs" else None,
            "show": None if show == "all" else show,
            "q": search,
            "n": None if size == DEFAULT_PAGE else size,
        }
        back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        relinks = (
            links_view(out, store, doc.doc_id) if doc and request.url.path != "/pairs" else None
        )
        return page(
            request,
            "document.html",
            relinks=relinks,
            notice=notice,
            doc=doc,
            show=show,
            q=search,
            filters=FILTERS,
            counts=totals,
            size=size,
            sizes=PAGE_SIZES,
            rows=rows,
            page=found,
            links=_links(request.url.path, params, found),
            back=back,
        )

    def samples_view(request: Request) -> Response:
        notice = fresh()
        gen = index.gen
        return page(
            request,
            "samples.html",
            notice=notice,
            samples=samples(store),
            population=gen.pairs if gen else 0,
            max_sample=MAX_SAMPLE,
            seed=secrets.randbelow(10**6),
            strata=list(STRATA.items()),
        )

    def sample_view(request: Request) -> Response:
        notice = fresh()
        try:
            sample_id = whole("sample", request.path_params["sample_id"], 1)
        except BadParameter:
            sample_id = None
        info = sample_info(store, sample_id) if sample_id is not None else None
        if info is None or sample_id is None:
            return message(request, 404, "No such sample", "there is no such sample")
        q = request.query_params
        show = "unreviewed" if q.get("show") == "unreviewed" else "all"
        size = page_size(q)
        ranked = sample_page(
            store, sample_id, unreviewed=show == "unreviewed", window=window(q), size=size
        )
        with index.connection() as (conn, gen):
            by_id = pairs_by_ids(conn, [pid for _, pid in ranked.rows])
            present = [(rank, by_id[pid]) for rank, pid in ranked.rows if pid in by_id]
            rows = build_rows(conn, gen, [r for _, r in present], [k for k, _ in present])
        params = {
            "show": None if show == "all" else show,
            "n": None if size == DEFAULT_PAGE else size,
        }
        back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return page(
            request,
            "sample.html",
            notice=notice,
            info=info,
            estimate=estimate(store, sample_id),
            show=show,
            size=size,
            sizes=PAGE_SIZES,
            rows=rows,
            doc=None,
            page=ranked,
            missing=len(ranked.rows) - len(present),
            links=_links(request.url.path, params, ranked),
            back=back,
        )

    def new_sample(request: Request, field: dict[str, str]) -> Response:
        fresh()
        try:  # draw() says the size's range
            size = whole("size", field.get("size"), -MAX_KEY, MAX_KEY)
        except BadParameter:
            size = None
        seed, strata = whole("seed", field.get("seed")), field.get("strata")
        if size is None or seed is None or strata not in STRATA:
            return message(request, 400, "Not drawn", "give a size, a seed (0 or more) and strata")
        try:
            with index.connection() as (conn, gen):
                chosen = draw(conn, size, seed, strata)
                population, source = gen.pairs, build_signature(conn, gen)
        except ValueError as exc:
            return message(request, 400, "Not drawn", str(exc), "/sample")
        sample_id = save_sample(
            store,
            seed=seed,
            strata=strata,
            population=population,
            source=source,
            who=request.state.who,
            pairs=chosen,
        )
        index.sync()
        return RedirectResponse(f"/sample/{sample_id}", status_code=303)

    def act(request: Request, field: dict[str, str]) -> Response:
        fresh()
        back = safe_back(field.get("back", "/"))
        pair_id = request.path_params["pair_id"]
        action = request.path_params["action"]
        with index.connection() as (conn, gen):
            found = pair_by_id(conn, pair_id)
            if found is None:
                return message(request, 404, "No such pair", "that pair is not in this build", back)
            partner = following(conn, [found]).get(found.pos)
            pair = gen.read([found.ref])[0]
            nxt = gen.read([partner.ref])[0] if partner else None
        version = whole("version", field.get("version"))
        if version is None:
            return message(request, 400, "Bad request", "the form has no pair version", back)
        try:
            st = store.states([pair.id]).get(pair.id, PairState())
            if action in ("merge", "split") and (st.merge_next or st.merged_into or st.parts):
                raise ValueError("this pair was already merged or split")
            changes = form_changes(cfg.retranslate, pair, nxt, action, version, field)
            store.record(changes, request.state.who)
        except StaleDecision as exc:
            return message(request, 409, "Not saved: the pair has changed", exc.message, back)
        except ValueError as exc:
            return message(request, 400, "Not saved", str(exc), back)
        index.sync()
        return RedirectResponse(f"{back}#p-{pair.id}", status_code=303)

    def relink(request: Request, field: dict[str, str]) -> Response:
        fresh()
        back = safe_back(field.get("back", "/"))
        try:
            record_relink(out, store, request.path_params["doc_id"], field, request.state.who)
        except StaleDecision as exc:
            return message(request, 409, "Not saved: the links have changed", exc.message, back)
        except ValueError as exc:
            return message(request, 400, "Not saved", str(exc), back)
        return RedirectResponse(f"{back}#links", status_code=303)

    async def post(request: Request) -> Response:
        form = await request.form()
        field = {k: str(v) for k, v in form.items()}
        if not valid_csrf(request, field.get("csrf", "")):
            return PlainTextResponse(
                "refused: missing or invalid CSRF token (reload the page and try again)",
                status_code=403,
            )
        back = safe_back(field.get("back", "/"))
        if request.url.path == "/reviewer":
            try:
                name = check_name(field.get("name", ""))
            except ValueError as exc:
                return message(request, 400, "Name not saved", str(exc), back)
            return remember(RedirectResponse(back, status_code=303), name)
        request.state.who = reviewer_of(request, cfg.who)
        if not request.state.who:
            return message(request, 400, *NO_NAME, back)
        handler = (
            act
            if "pair_id" in request.path_params
            else relink
            if "doc_id" in request.path_params
            else new_sample
        )
        return await run_in_threadpool(handler, request, field)

    async def not_found(request: Request, exc: Exception) -> Response:
        return PlainTextResponse("not found", status_code=404)

    async def stale(request: Request, exc: Exception) -> Response:
        await run_in_threadpool(index.refresh, cfg.reimport_wait, True)
        return message(
            request,
            503,
            "The pairs are being imported again",
            "pairs.jsonl was rewritten while the review server ran; reload in a moment",
            request.url.path,
        )

    async def bad_parameter(request: Request, exc: Exception) -> Response:
        return message(request, 400, "Bad request", str(exc))

    async def failed(request: Request, exc: Exception) -> Response:
        text = exc.message if isinstance(exc, KzError) else str(exc)
        return message(request, 500, "Error", text)

    routes = [
        Route("/", documents),
        Route("/pairs", pairs_view),
        Route("/doc/{doc_id:str}", pairs_view),
        Route("/sample", samples_view),
        Route("/sample", post, methods=["POST"]),
        Route("/sample/{sample_id:str}", sample_view),
        Route("/pair/{pair_id:str}/{action:str}", post, methods=["POST"]),
        Route("/relink/{doc_id:str}", post, methods=["POST"]),
        Route("/reviewer", post, methods=["POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [Middleware(Guard, config=cfg)]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={
            404: not_found,
            IndexStale: stale,
            BadParameter: bad_parameter,
            KzError: failed,
        },
    )
    app.state.config = cfg
    app.state.index = index
    return app
