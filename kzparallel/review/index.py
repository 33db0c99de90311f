"""The pairs of a build indexed in SQLite for the review app: ``DIR/review-index/``.

``pairs.jsonl`` is read once, line by line, into
``DIR/review-index/pairs-<stamp>.sqlite`` (WAL mode):

* ``pairs`` — one row per pair: position in the file (``pos``, 1, 2, ...),
  id, document, paragraph/sentence, whether it is flagged (QA flags or
  glossary violations) or has glossary violations, its flags, its review
  status (kept current from ``review.sqlite``), and the byte offset and length
  of its line in ``pairs.jsonl``; indexes by id, by document, and partial
  indexes for flagged, glossary failures and unreviewed pairs;
* ``docs`` — per document: pairs, flagged, glossary failures, reviewed, with
  indexes for each way the documents list sorts;
* ``fts`` — FTS5 over the Arabic and the English (:mod:`kzparallel.review.search`);
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

import contextlib
import fcntl
import hashlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kzparallel.errors import InputError, KzError
from kzparallel.records import Pair
from kzparallel.review.search import fts_row
from kzparallel.review.store import ReviewStore
from kzparallel.sinks.pairs import PAIRS_FILE

INDEX_DIR = "review-index"
INDEX_VERSION = 1  # PRAGMA user_version of an index file
STAMP_BYTES = 64 * 1024
BATCH = 2000
MAX_CONNECTIONS = 8  # per index file: bounds the SQLite page caches held

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
    pairs INTEGER NOT NULL,
    flagged INTEGER NOT NULL,
    glossary INTEGER NOT NULL,
    reviewed INTEGER NOT NULL DEFAULT 0,
    flagged_share REAL NOT NULL,
    progress REAL NOT NULL DEFAULT 0
);
CREATE VIRTUAL TABLE fts USING fts5(
    arx, en, content='', detail=column, tokenize='unicode61 remove_diacritics 0'
);
"""
_INDEXES = """
CREATE INDEX pairs_id ON pairs (id);
CREATE INDEX pairs_doc ON pairs (doc_pos, pos);
CREATE INDEX pairs_flagged ON pairs (pos) WHERE flagged = 1;
CREATE INDEX pairs_glossary ON pairs (pos) WHERE glossary = 1;
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
    docs: dict[str, list[int]] = {}  # doc_id -> [pos, first, pairs, flagged, glossary]
    rows: list[tuple[Any, ...]] = []
    texts: list[tuple[int, str, str]] = []
    pos = 0

    def flush() -> None:
        conn.executemany("INSERT INTO pairs VALUES (?,?,?,?,?,?,?,?,'unreviewed',0,?,?)", rows)
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
            doc = docs[doc_id] = [len(docs) + 1, pos, 0, 0, 0]
        flagged, glossary = int(bool(qa or violations)), int(bool(violations))
        doc[2] += 1
        doc[3] += flagged
        doc[4] += glossary
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
        "INSERT INTO docs (pos, doc_id, first, pairs, flagged, glossary, flagged_share) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        ((d[0], doc_id, d[1], d[2], d[3], d[4], d[3] / d[2]) for doc_id, d in docs.items()),
    )
    conn.execute("COMMIT")
    conn.executescript(_INDEXES)
    return pos, len(docs)


def _meta(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT key, value FROM meta").fetchall())


def _set_meta(conn: sqlite3.Connection, **values: Any) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
        [(k, str(v)) for k, v in values.items()],
    )


def sync_status(conn: sqlite3.Connection, store: ReviewStore) -> int:
    """Bring the index's review statuses up to ``review.sqlite``; return the pairs updated."""
    synced = int(_meta(conn).get("synced_seq", "0"))
    top, changed = store.changed_since(synced)
    if top == synced:
        return 0
    conn.execute("BEGIN IMMEDIATE")
    try:
        if int(_meta(conn).get("synced_seq", "0")) != synced:  # another process did it
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
    except BaseException:
        conn.close()
        tmp.unlink(missing_ok=True)
        raise
    return ImportSummary(pairs, docs, time.perf_counter() - t0)


def _valid(db: Path, stamp: Stamp) -> bool:
    if not db.is_file():
        return False
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            if conn.execute("PRAGMA user_version").fetchone()[0] != INDEX_VERSION:
                return False
            meta = _meta(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return (meta.get("size"), meta.get("mtime_ns"), meta.get("digest")) == (
        str(stamp.size),
        str(stamp.mtime_ns),
        stamp.digest,
    )


def _remove_db(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


@dataclass
class Generation:
    """One imported ``pairs.jsonl``: its index file and a descriptor of the file read."""

    db: Path
    fd: int
    stamp: Stamp
    ino: int
    pairs: int
    docs: int
    idle: list[sqlite3.Connection] = field(default_factory=list)
    users: int = 0
    retired: bool = False
    slots: threading.BoundedSemaphore = field(
        default_factory=lambda: threading.BoundedSemaphore(MAX_CONNECTIONS)
    )

    def connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            f"file:{self.db}?mode=rw",
            uri=True,
            timeout=30.0,
            isolation_level=None,
            check_same_thread=False,
        )
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn

    def read(self, rows: Sequence[tuple[int, str, int, int]]) -> list[Pair]:
        """The pairs of ``rows`` (``(pos, id, offset, length)``) read from ``pairs.jsonl``."""
        out = []
        for pos, pair_id, offset, length in rows:
            line = os.pread(self.fd, length, offset)
            try:
                pair = Pair.from_dict(json.loads(line))
            except ValueError:
                pair = None
            if pair is None or pair.id != pair_id:
                raise IndexStale(f"pairs.jsonl changed under the index (pair {pos})")
            out.append(pair)
        return out


class IndexStale(KzError):
    """``pairs.jsonl`` was rewritten in place: the index no longer matches it."""


class PairsIndex:
    """The review app's view of ``DIR/pairs.jsonl`` through its SQLite index."""

    def __init__(self, out_dir: str | Path, store: ReviewStore) -> None:
        self.out = Path(out_dir)
        self.path = self.out / PAIRS_FILE
        self.dir = self.out / INDEX_DIR
        self.store = store
        self.gen: Generation | None = None
        self.error: str | None = None  # why the last re-import failed
        self.imported: ImportSummary | None = None  # what open() imported (None: up to date)
        self._lock = threading.Lock()
        self._sync_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._failed: tuple[int, int, int] | None = None  # the file a re-import failed on

    # -- importing ----------------------------------------------------------------

    def _open_fd(self) -> int:
        try:
            return os.open(self.path, os.O_RDONLY)
        except OSError:
            raise InputError(
                str(self.path), "no such pairs file (run `kzparallel build` first)"
            ) from None

    def _generation(
        self, progress: Progress | None, rebuild: bool = False
    ) -> tuple[Generation, ImportSummary | None]:
        fd = self._open_fd()
        try:
            self.dir.mkdir(exist_ok=True)
            with open(self.dir / ".lock", "a+b") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)  # one import per build directory at a time
                for _ in range(3):
                    stamp = stamp_of(fd)
                    db = self.dir / f"pairs-{stamp.key}.sqlite"
                    summary = None
                    if rebuild or not _valid(db, stamp):
                        _remove_db(db)
                        summary = build_index(fd, self.path, db, stamp, self.store, progress)
                    if stamp_of(fd) == stamp:  # not rewritten in place while it was read
                        break
                    _remove_db(db)
                else:
                    raise KzError(f"{self.path}: keeps changing while it is read; try again")
                conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
                meta = _meta(conn)
                conn.close()
            gen = Generation(
                db, fd, stamp, os.fstat(fd).st_ino, int(meta["pairs"]), int(meta["docs"])
            )
        except BaseException:
            os.close(fd)
            raise
        return gen, summary

    def open(self, progress: Progress | None = None) -> ImportSummary | None:
        """Use the index of the current ``pairs.jsonl``, importing it first if needed."""
        gen, summary = self._generation(progress)
        self._swap(gen)
        self.sync()
        self.imported = summary
        return summary

    def _swap(self, gen: Generation) -> None:
        with self._lock:
            old, self.gen = self.gen, gen
            if old is not None:
                old.retired = True
                self._release_if_unused(old)
        for stale in self.dir.glob("pairs-*.sqlite"):
            if stale != gen.db:
                _remove_db(stale)  # open descriptors of another process stay valid

    def _release_if_unused(self, gen: Generation) -> None:
        if gen.retired and gen.users == 0:
            for conn in gen.idle:
                conn.close()
            gen.idle.clear()
            if gen.fd >= 0:
                os.close(gen.fd)
                gen.fd = -1

    def _reimport(self, seen: tuple[int, int, int] | None, rebuild: bool) -> None:
        try:
            gen, _ = self._generation(None, rebuild)
            self._swap(gen)
            self.error = None
        except (KzError, OSError) as exc:
            self.error = exc.message if isinstance(exc, KzError) else f"{self.path}: {exc}"
            self._failed = seen  # not tried again until the file changes again

    def _seen(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return st.st_size, st.st_mtime_ns, st.st_ino

    def changed(self) -> bool:
        """Whether ``pairs.jsonl`` is not the file the index was made from."""
        seen, gen = self._seen(), self.gen
        if seen is None:
            return False  # gone: keep showing the last import
        return gen is None or seen != (gen.stamp.size, gen.stamp.mtime_ns, gen.ino)

    def refresh(self, wait: float, force: bool = False) -> bool:
        """Re-import in the background when ``pairs.jsonl`` changed; wait up to ``wait`` s.

        ``force``: import it again even if it looks unchanged (it was rewritten in
        place). Returns whether a re-import is still running.
        """
        with self._lock:
            running = self._thread is not None and self._thread.is_alive()
            seen = self._seen()
            if not running and (force or (self.changed() and seen != self._failed)):
                self._thread = threading.Thread(
                    target=self._reimport, args=(seen, force), daemon=True
                )
                self._thread.start()
                running = True
            thread = self._thread
        if running and thread is not None:
            thread.join(wait)
            return thread.is_alive()
        return False

    # -- using it -----------------------------------------------------------------------

    @contextlib.contextmanager
    def connection(self) -> Iterator[tuple[sqlite3.Connection, Generation]]:
        """A connection to the current index file (at most MAX_CONNECTIONS at once)."""
        with self._lock:
            gen = self.gen
            if gen is None:
                raise KzError(f"{self.path}: the pairs are not imported")
            gen.users += 1
        gen.slots.acquire()
        conn = None
        try:
            with self._lock:
                conn = gen.idle.pop() if gen.idle else None
            if conn is None:
                conn = gen.connect()
            yield conn, gen
        finally:
            gen.slots.release()
            with self._lock:
                gen.users -= 1
                if conn is not None:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    gen.idle.append(conn)
                self._release_if_unused(gen)

    def sync(self) -> None:
        """Statuses of the pairs decided since the last call (see :func:`sync_status`)."""
        with self._sync_lock, self.connection() as (conn, _):
            sync_status(conn, self.store)

    def close(self) -> None:
        with self._lock:
            gen, self.gen = self.gen, None
            if gen is not None:
                gen.retired = True
                self._release_if_unused(gen)
