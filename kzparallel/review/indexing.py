"""Writing the review app's SQLite index of a build's pairs (``DIR/review-index/``).

``pairs.jsonl`` is read once, line by line, into
``DIR/review-index/pairs-<stamp>.sqlite`` (WAL mode):

* ``pairs`` — one row per pair: position in the file (``pos``, 1, 2, ...),
  id, document, paragraph/sentence, whether it is flagged (QA flags or
  glossary violations), has glossary violations, or has a name in a form
  other than its most frequent one (``renderings``, from the build's
  ``consistency.json``: :func:`kzparallel.glossary.consistency.rendering_marker`),
  its flags, its review
  status (kept current from ``review.sqlite``), and the byte offset and length
  of its line in ``pairs.jsonl``; indexes by id, by document, and partial
  indexes for flagged, glossary failures, renderings and unreviewed pairs;
* ``docs`` — per document: first and last position, pairs, flagged, glossary
  failures, renderings, reviewed, with indexes for each way the documents list sorts;
  ``totals`` — the same for the whole build;
* ``fts`` — FTS5 over the Arabic and the English (:mod:`kzparallel.review.search`),
  and ``vocab``, its words (a search word is expanded into the words it starts);
* ``meta`` — the stamp of the ``pairs.jsonl`` it was made from and the last
  decision (``seq``) whose status it holds.

A page reads its pairs' lines from ``pairs.jsonl`` by offset (through a file
descriptor opened with the import, so a re-build that replaces the file does
not disturb the pages served until the new import is ready): the server never
holds all pairs in memory.

The stamp is the file's size, modification time and a SHA-256 of its first
and last 64 KiB; a ``pairs.jsonl`` whose stamp differs is imported again (a
new file, swapped in when complete; imports of one build directory are
serialised by a lock file). Review statuses are not copied by the import but
synchronised from ``review.sqlite``'s ``pair_state`` (:meth:`PairsIndex.sync`):
all of them after an import, then the pairs decided since the last
synchronised decision.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kzparallel.errors import InputError
from kzparallel.glossary.consistency import CONSISTENCY_FILE, rendering_marker
from kzparallel.review.search import arabic_forms, fts_row
from kzparallel.review.store import ReviewStore

INDEX_DIR = "review-index"
INDEX_VERSION = 3  # PRAGMA user_version of an index file (another: imported again)
STAMP_BYTES = 64 * 1024
BATCH = 2000

Progress = Callable[[int, int], None]  # (bytes read, bytes in all)

_TABLES = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE pairs (
    pos INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    doc_pos INTEGER NOT NULL,
    para INTEGER NOT NULL,
    sent INTEGER NOT NULL,
    flagged INTEGER NOT NULL,
    glossary INTEGER NOT NULL,
    renderings INTEGER NOT NULL,
    flags TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'unreviewed',
    reviewed INTEGER NOT NULL DEFAULT 0,
    offset INTEGER NOT NULL,
    length INTEGER NOT NULL
);
CREATE TABLE docs (
    pos INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL,
    first INTEGER NOT NULL,
    last INTEGER NOT NULL,
    pairs INTEGER NOT NULL,
    flagged INTEGER NOT NULL,
    glossary INTEGER NOT NULL,
    renderings INTEGER NOT NULL,
    reviewed INTEGER NOT NULL DEFAULT 0,
    flagged_share REAL NOT NULL,
    progress REAL NOT NULL DEFAULT 0
);
CREATE TABLE totals (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    pairs INTEGER NOT NULL,
    flagged INTEGER NOT NULL,
    glossary INTEGER NOT NULL,
    renderings INTEGER NOT NULL,
    reviewed INTEGER NOT NULL,
    docs INTEGER NOT NULL
);
CREATE TABLE vocab (term TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE VIRTUAL TABLE fts USING fts5(
    arx, en, content='', detail=column, tokenize='unicode61 remove_diacritics 0'
);
"""
_INDEXES = """
CREATE INDEX pairs_id ON pairs (id);
CREATE INDEX pairs_doc ON pairs (doc_pos, pos);
CREATE INDEX pairs_flagged ON pairs (pos) WHERE flagged = 1;
CREATE INDEX pairs_glossary ON pairs (pos) WHERE glossary = 1;
CREATE INDEX pairs_renderings ON pairs (pos) WHERE renderings = 1;
CREATE INDEX pairs_unreviewed ON pairs (pos) WHERE reviewed = 0;
CREATE INDEX pairs_flags ON pairs (flags);
CREATE UNIQUE INDEX docs_id ON docs (doc_id);
CREATE INDEX docs_flagged ON docs (flagged_share, pos);
CREATE INDEX docs_glossary ON docs (glossary, pos);
CREATE INDEX docs_progress ON docs (progress, pos);
"""


@dataclass(frozen=True)
class Stamp:
    """What identifies one version of ``pairs.jsonl``."""

    size: int
    mtime_ns: int
    digest: str  # SHA-256 of the first and the last STAMP_BYTES

    @property
    def key(self) -> str:
        return hashlib.sha256(f"{self.size}:{self.mtime_ns}:{self.digest}".encode()).hexdigest()[
            :16
        ]


def stamp_of(fd: int) -> Stamp:
    st = os.fstat(fd)
    h = hashlib.sha256(os.pread(fd, STAMP_BYTES, 0))
    h.update(os.pread(fd, STAMP_BYTES, max(0, st.st_size - STAMP_BYTES)))
    return Stamp(st.st_size, st.st_mtime_ns, h.hexdigest())


@dataclass(frozen=True)
class ImportSummary:
    pairs: int
    docs: int
    seconds: float


def _records(fd: int, path: Path, progress: Progress | None) -> Iterator[tuple[int, int, Any]]:
    """``(offset, length, record)`` of each pair line (blank lines skipped)."""
    total = os.fstat(fd).st_size
    offset = 0
    with os.fdopen(os.dup(fd), "rb") as fh:
        fh.seek(0)
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    rec = json.loads(line)
                    if not isinstance(rec, dict) or not rec.get("id") or "doc_id" not in rec:
                        raise ValueError("no id or doc_id")
                except ValueError as exc:
                    raise InputError(f"{path}:{n}", f"not a pair record ({exc})") from None
                yield offset, len(line), rec
            offset += len(line)
            if progress is not None and n % BATCH == 0:
                progress(offset, total)
    if progress is not None:
        progress(total, total)


def _write_index(
    conn: sqlite3.Connection, fd: int, path: Path, progress: Progress | None
) -> tuple[int, int]:
    conn.executescript(_TABLES)
    marker = rendering_marker(path.parent / CONSISTENCY_FILE)
    # doc_id -> [pos, first, pairs, flagged, glossary, last, renderings]
    docs: dict[str, list[int]] = {}
    rows: list[tuple[Any, ...]] = []
    texts: list[tuple[int, str, str]] = []
    pos = 0

    def flush() -> None:
        conn.executemany("INSERT INTO pairs VALUES (?,?,?,?,?,?,?,?,?,'unreviewed',0,?,?)", rows)
        conn.executemany("INSERT INTO fts (rowid, arx, en) VALUES (?, ?, ?)", texts)
        rows.clear()
        texts.clear()

    conn.execute("BEGIN")
    for offset, length, rec in _records(fd, path, progress):
        pos += 1
        qa, violations = rec.get("qa") or [], rec.get("violations") or []
        doc_id = str(rec["doc_id"])
        doc = docs.get(doc_id)
        if doc is None:
            doc = docs[doc_id] = [len(docs) + 1, pos, 0, 0, 0, pos, 0]
        flagged, glossary = int(bool(qa or violations)), int(bool(violations))
        renderings = int(marker is not None and marker.marks(rec))
        doc[2] += 1
        doc[3] += flagged
        doc[4] += glossary
        doc[5] = pos
        doc[6] += renderings
        flags = " ".join(sorted({str(f) for f in qa} | ({"glossary"} if violations else set())))
        rows.append(
            (
                pos,
                str(rec["id"]),
                doc[0],
                int(rec.get("para") or 0),
                int(rec.get("sent") or 0),
                flagged,
                glossary,
                renderings,
                flags,
                offset,
                length,
            )
        )
        texts.append((pos, *fts_row(rec)))
        if len(rows) >= BATCH:
            flush()
    flush()
    conn.executemany(
        "INSERT INTO docs (pos, doc_id, first, last, pairs, flagged, glossary, renderings, "
        "flagged_share) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ((d[0], i, d[1], d[5], d[2], d[3], d[4], d[6], d[3] / d[2]) for i, d in docs.items()),
    )
    conn.execute(
        "INSERT INTO totals SELECT 1, coalesce(sum(pairs), 0), coalesce(sum(flagged), 0), "
        "coalesce(sum(glossary), 0), coalesce(sum(renderings), 0), 0, count(*) FROM docs"
    )
    conn.execute("COMMIT")
    # the words of the full-text index, to expand a search word into those it starts
    conn.execute("CREATE VIRTUAL TABLE temp.fts_terms USING fts5vocab(main, fts, 'row')")
    conn.execute("INSERT INTO vocab SELECT term FROM temp.fts_terms")
    conn.execute("DROP TABLE temp.fts_terms")
    conn.executescript(_INDEXES)
    return pos, len(docs)


def read_meta(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT key, value FROM meta").fetchall())


def _set_meta(conn: sqlite3.Connection, **values: Any) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
        [(k, str(v)) for k, v in values.items()],
    )


def sync_status(conn: sqlite3.Connection, store: ReviewStore) -> int:
    """Bring the index's review statuses up to ``review.sqlite``; return the pairs updated."""
    synced = int(read_meta(conn).get("synced_seq", "0"))
    top, changed = store.changed_since(synced)
    if top == synced:
        return 0
    conn.execute("BEGIN IMMEDIATE")
    try:
        if int(read_meta(conn).get("synced_seq", "0")) != synced:  # another process did it
            conn.execute("ROLLBACK")
            return 0
        updated = 0
        for pair_id, status, reviewed in changed:
            for pos, doc_pos, was in conn.execute(
                "SELECT pos, doc_pos, reviewed FROM pairs WHERE id = ?", (pair_id,)
            ).fetchall():
                conn.execute(
                    "UPDATE pairs SET status = ?, reviewed = ? WHERE pos = ?",
                    (status, reviewed, pos),
                )
                if was != reviewed:
                    conn.execute(
                        "UPDATE docs SET reviewed = reviewed + ?, "
                        "progress = (reviewed + ?) * 1.0 / pairs WHERE pos = ?",
                        (reviewed - was, reviewed - was, doc_pos),
                    )
                    conn.execute("UPDATE totals SET reviewed = reviewed + ?", (reviewed - was,))
                updated += 1
        _set_meta(conn, synced_seq=top)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return updated


def build_index(
    fd: int,
    path: Path,
    target: Path,
    stamp: Stamp,
    store: ReviewStore,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import the pairs file open at ``fd`` into a new index file at ``target``."""
    t0 = time.perf_counter()
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.unlink(missing_ok=True)
    conn = sqlite3.connect(tmp, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=OFF")  # a new file: a failed import is thrown away
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-32000")
        pairs, docs = _write_index(conn, fd, path, progress)
        _set_meta(
            conn,
            size=stamp.size,
            mtime_ns=stamp.mtime_ns,
            digest=stamp.digest,
            pairs=pairs,
            docs=docs,
            synced_seq=0,
        )
        sync_status(conn, store)
        conn.execute(f"PRAGMA user_version = {INDEX_VERSION}")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.close()
        os.replace(tmp, target)
        arabic_forms.cache_clear()  # the import's vocabulary: not kept by the server
    except BaseException:
        conn.close()
        tmp.unlink(missing_ok=True)
        raise
    return ImportSummary(pairs, docs, time.perf_counter() - t0)


def index_valid(db: Path, stamp: Stamp) -> bool:
    if not db.is_file():
        return False
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            if conn.execute("PRAGMA user_version").fetchone()[0] != INDEX_VERSION:
                return False
            meta = read_meta(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return (meta.get("size"), meta.get("mtime_ns"), meta.get("digest")) == (
        str(stamp.size),
        str(stamp.mtime_ns),
        stamp.digest,
    )
