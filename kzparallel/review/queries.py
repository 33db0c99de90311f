"""The review app's lists, read from the pairs index with keyset pagination.

A page is asked for by a key, never by an offset: ``after=K`` gives the
first rows whose key is greater than ``K``, ``before=K`` the last rows whose key
is smaller, ``last`` the final page. The key of a pair is its position in
``pairs.jsonl``; of a document, its sort value and then its position. Every
page costs the same however deep it is in the list.

Filters (``show``: all, unreviewed, flagged, glossary, renderings: a name in a
form other than its most frequent one), the document and a
search (:func:`kzparallel.review.search.fts_query`) combine. Without a search
the counts come from the per-document counters; with one they are counted up
to :data:`COUNT_CAP` (then shown as "more than").
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

FILTERS = ("all", "unreviewed", "flagged", "glossary", "renderings")
PAGE_SIZES = (20, 50, 100)  # 100 rows of a build with alignments: ~0.7 MB
DEFAULT_PAGE = 50
COUNT_CAP = 10_000
DOC_SORTS = {  # name: (column, descending by default)
    "doc": ("pos", False),
    "flagged": ("flagged_share", True),
    "glossary": ("glossary", True),
    "progress": ("progress", False),
}
_SHOW = {
    "all": None,
    "unreviewed": "p.reviewed = 0",
    "flagged": "p.flagged = 1",
    "glossary": "p.glossary = 1",
    "renderings": "p.renderings = 1",
}
_ROW = "p.pos, p.id, p.doc_pos, p.para, p.status, p.offset, p.length"


@dataclass(frozen=True)
class Window:
    """Which page: after a key, before a key, the last page, or (none) the first."""

    after: int | None = None
    before: int | None = None
    last: bool = False


@dataclass(frozen=True)
class IndexRow:
    pos: int
    id: str
    doc_pos: int
    para: int
    status: str
    offset: int
    length: int

    @property
    def ref(self) -> tuple[int, str, int, int]:
        return self.pos, self.id, self.offset, self.length


@dataclass
class Page:
    """One page of a list: ``prev``/``next`` are the keys for the neighbouring pages."""

    rows: list[Any]
    prev: int | None
    next: int | None
    total: int
    capped: bool = False  # total is a lower bound (a search matched more than COUNT_CAP)


@dataclass(frozen=True)
class Counts:
    pairs: int
    flagged: int
    glossary: int
    reviewed: int
    renderings: int = 0

    def of(self, show: str) -> int:
        return {
            "all": self.pairs,
            "unreviewed": self.pairs - self.reviewed,
            "flagged": self.flagged,
            "glossary": self.glossary,
            "renderings": self.renderings,
        }[show]


@dataclass(frozen=True)
class DocRow:
    pos: int
    doc_id: str
    pairs: int
    flagged: int
    glossary: int
    reviewed: int

    @property
    def share_reviewed(self) -> str:
        return f"{100 * self.reviewed // self.pairs}%" if self.pairs else "-"

    @property
    def share_flagged(self) -> str:
        return f"{100 * self.flagged // self.pairs}%" if self.pairs else "-"


def counts(conn: sqlite3.Connection, doc_pos: int | None = None) -> Counts:
    """The counters of one document, or of the whole build (``totals``)."""
    cols = "pairs, flagged, glossary, reviewed, renderings"
    if doc_pos:
        sql, params = f"SELECT {cols} FROM docs WHERE pos = ?", [doc_pos]
    else:
        sql, params = f"SELECT {cols} FROM totals", []
    row = conn.execute(sql, params).fetchone()
    return Counts(*map(int, row)) if row else Counts(0, 0, 0, 0)


MAX_EXPANSION = 64  # words a search word may stand for before it is left a prefix query


def expander(conn: sqlite3.Connection) -> Any:
    """``expand(word)``: the indexed words that start with ``word`` (None: too many)."""

    def expand(word: str) -> list[str] | None:
        rows = conn.execute(
            "SELECT term FROM vocab WHERE term >= ? AND term < ? ORDER BY term LIMIT ?",
            (word, word + "\U0010ffff", MAX_EXPANSION + 1),
        ).fetchall()
        return None if len(rows) > MAX_EXPANSION else [r[0] for r in rows]

    return expand


def doc_by_id(conn: sqlite3.Connection, doc_id: str) -> DocRow | None:
    row = conn.execute(
        "SELECT pos, doc_id, pairs, flagged, glossary, reviewed FROM docs WHERE doc_id = ?",
        (doc_id,),
    ).fetchone()
    return DocRow(*row) if row else None


def pair_by_id(conn: sqlite3.Connection, pair_id: str) -> IndexRow | None:
    row = conn.execute(
        f"SELECT {_ROW} FROM pairs p WHERE p.id = ? ORDER BY p.pos LIMIT 1", (pair_id,)
    ).fetchone()
    return IndexRow(*row) if row else None


def pairs_at(conn: sqlite3.Connection, positions: list[int]) -> dict[int, IndexRow]:
    if not positions:
        return {}
    marks = ", ".join("?" * len(positions))
    rows = conn.execute(f"SELECT {_ROW} FROM pairs p WHERE p.pos IN ({marks})", positions)
    return {r[0]: IndexRow(*r) for r in rows}


def pairs_by_ids(conn: sqlite3.Connection, ids: list[str]) -> dict[str, IndexRow]:
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    rows = conn.execute(
        f"SELECT {_ROW} FROM pairs p WHERE p.id IN ({marks}) ORDER BY p.pos DESC", ids
    )
    return {r[1]: IndexRow(*r) for r in rows}  # the first occurrence wins


def following(conn: sqlite3.Connection, rows: list[IndexRow]) -> dict[int, IndexRow]:
    """For each row's ``pos``, the next pair when it is in the same paragraph."""
    nxt = pairs_at(conn, [r.pos + 1 for r in rows])
    out = {}
    for r in rows:
        n = nxt.get(r.pos + 1)
        if n is not None and (n.doc_pos, n.para) == (r.doc_pos, r.para):
            out[r.pos] = n
    return out


def _pair_source(
    conn: sqlite3.Connection, doc_pos: int | None, show: str, fts: str | None
) -> tuple[str, str, list[str], list[Any]]:
    """``(FROM clause, key column, conditions, parameters)`` of a pair list."""
    conds: list[str] = []
    params: list[Any] = []
    if fts is not None:  # the full-text index leads: rowid order is pairs.jsonl order
        conds.append("fts MATCH ?")
        params.append(fts)
        if doc_pos:  # only the stretch of rows where the document is
            first, last = conn.execute(
                "SELECT first, last FROM docs WHERE pos = ?", (doc_pos,)
            ).fetchone()
            conds.append("fts.rowid BETWEEN ? AND ?")
            params.extend([first, last])
    if doc_pos:
        conds.append("p.doc_pos = ?")
        params.append(doc_pos)
    if _SHOW.get(show):
        conds.append(str(_SHOW[show]))
    if fts is None:
        return "pairs p", "p.pos", conds, params
    return "fts CROSS JOIN pairs p ON p.pos = fts.rowid", "fts.rowid", conds, params


def keyset_page(
    conn: sqlite3.Connection,
    source: str,
    key: str,
    conds: list[str],
    params: list[Any],
    window: Window,
    size: int,
    columns: str,
) -> tuple[list[Any], int | None, int | None]:
    """Rows of one keyset page and the keys of the previous and next pages."""

    def query(extra: str, extra_params: list[Any], desc: bool, limit: int) -> list[Any]:
        where = " AND ".join([*conds, extra] if extra else conds) or "1"
        order = "DESC" if desc else "ASC"
        sql = f"SELECT {columns} FROM {source} WHERE {where} ORDER BY {key} {order} LIMIT ?"
        return conn.execute(sql, [*params, *extra_params, limit]).fetchall()

    def exists(extra: str, value: int) -> bool:
        return bool(query(extra, [value], False, 1))

    if window.before is not None or window.last:
        extra, extra_params = (
            (f"{key} < ?", [window.before]) if window.before is not None else ("", [])
        )
        rows = query(extra, extra_params, True, size + 1)
        more_before = len(rows) > size
        rows = rows[:size][::-1]
        if not rows:
            return [], None, None
        nxt = rows[-1][0] if exists(f"{key} > ?", rows[-1][0]) else None
        return rows, rows[0][0] if more_before else None, nxt
    extra, extra_params = (f"{key} > ?", [window.after]) if window.after is not None else ("", [])
    rows = query(extra, extra_params, False, size + 1)
    more_after = len(rows) > size
    rows = rows[:size]
    if not rows:
        return [], None, None
    prev = rows[0][0] if window.after is not None and exists(f"{key} < ?", rows[0][0]) else None
    return rows, prev, rows[-1][0] if more_after else None


def list_pairs(
    conn: sqlite3.Connection,
    *,
    doc_pos: int | None,
    show: str,
    fts: str | None,
    window: Window,
    size: int,
) -> Page:
    source, key, conds, params = _pair_source(conn, doc_pos, show, fts)
    columns = f"{key}, {_ROW}"
    raw, prev, nxt = keyset_page(conn, source, key, conds, params, window, size, columns)
    rows = [IndexRow(*r[1:]) for r in raw]
    if fts is None:
        return Page(rows, prev, nxt, counts(conn, doc_pos).of(show))
    where = " AND ".join(conds)
    total = conn.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {source} WHERE {where} LIMIT ?)",
        [*params, COUNT_CAP + 1],
    ).fetchone()[0]
    return Page(rows, prev, nxt, min(total, COUNT_CAP), capped=total > COUNT_CAP)


def list_docs(
    conn: sqlite3.Connection, *, sort: str, desc: bool, window: Window, size: int
) -> Page:
    """One page of the documents list, sorted by ``sort`` (a :data:`DOC_SORTS` name)."""
    column = DOC_SORTS[sort][0]
    cols = "pos, doc_id, pairs, flagged, glossary, reviewed"
    anchor = window.before if window.before is not None else window.after
    backward = window.before is not None or window.last
    reverse = backward != desc  # walk the index downwards
    cmp = "<" if reverse else ">"
    order = "DESC" if reverse else "ASC"
    where, params = "1", []
    if anchor is not None:
        if column == "pos":
            where, params = f"pos {cmp} ?", [anchor]
        else:
            where = f"({column}, pos) {cmp} (SELECT {column}, pos FROM docs WHERE pos = ?)"
            params = [anchor]
    by = f"{column} {order}, pos {order}" if column != "pos" else f"pos {order}"
    sql = f"SELECT {cols} FROM docs WHERE {where} ORDER BY {by} LIMIT ?"
    raw = conn.execute(sql, [*params, size + 1]).fetchall()
    more = len(raw) > size
    raw = raw[:size]
    if backward:
        raw = raw[::-1]
    rows = [DocRow(*r) for r in raw]
    total = int(conn.execute("SELECT docs FROM totals").fetchone()[0])
    if not rows:
        return Page([], None, None, total)
    if backward:
        prev = rows[0].pos if more else None
        nxt = rows[-1].pos if window.before is not None else None  # the anchor follows
    else:
        prev = rows[0].pos if anchor is not None else None  # the anchor precedes
        nxt = rows[-1].pos if more else None
    return Page(rows, prev, nxt, total)
