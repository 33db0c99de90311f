"""The review app's view of a build's pairs through the SQLite index.

:mod:`kzparallel.review.indexing` writes the index file; :class:`PairsIndex`
picks the file of the current ``pairs.jsonl`` (importing it when there is
none), swaps in a new one when ``pairs.jsonl`` changes (imported in the
background), hands out connections (at most :data:`MAX_CONNECTIONS` per file),
keeps the review statuses in step with ``review.sqlite`` and reads the pairs of
a page from ``pairs.jsonl`` by offset.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kzparallel.errors import InputError, KzError
from kzparallel.pairs_file import PAIRS_FILE
from kzparallel.records import Pair
from kzparallel.review.indexing import (
    INDEX_DIR,
    ImportSummary,
    Progress,
    Stamp,
    build_index,
    index_valid,
    read_meta,
    stamp_of,
    sync_status,
)
from kzparallel.review.store import ReviewStore

__all__ = ["INDEX_DIR", "Generation", "IndexStale", "PairsIndex", "Progress"]

MAX_CONNECTIONS = 8  # per index file: bounds the SQLite page caches held


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
                    if rebuild or not index_valid(db, stamp):
                        _remove_db(db)
                        summary = build_index(fd, self.path, db, stamp, self.store, progress)
                    if stamp_of(fd) == stamp:  # not rewritten in place while it was read
                        break
                    _remove_db(db)
                else:
                    raise KzError(f"{self.path}: keeps changing while it is read; try again")
                conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
                meta = read_meta(conn)
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
