"""The review database ``DIR/review.sqlite`` (SQLite in WAL mode): the decision log.

Every decision is one row of ``decisions``, never updated or deleted::

    seq      INTEGER  order of the decisions
    pair_id  TEXT     the build pair (``Pair.id``) the decision is about
    version  INTEGER  the pair's version this decision makes (1, 2, ...)
    who      TEXT     reviewer
    at       TEXT     UTC time, ISO 8601
    action   TEXT     accept | reject | edit | merge | split | note | relink
    before   TEXT     English before the decision (edit, merge, split)
    after    TEXT     English after it (edit, merge), or the note text
    data     TEXT     JSON details (merge partner, split point and parts)

A ``relink`` decision is about the link structure of an aligned document
(``build --english``); its ``pair_id`` is ``links:<doc_id>``
(:mod:`kzparallel.review.relink`), so it is versioned and refused when stale like
the others.

``pair_state`` holds each pair's current state (version, shown status,
reviewed, the folded :class:`~kzparallel.review.state.PairState` as JSON, the
``seq`` of its last decision); it is written in the transaction that logs the
decision, so it never disagrees with the log. ``samples`` and
``sample_pairs`` hold the random samples drawn for a quality estimate
(:mod:`kzparallel.review.sampling`).

Optimistic concurrency: a pair's version is the number of decisions about
it. A decision names the version it was based on (the one the reviewer saw);
if the pair has moved on since, :class:`StaleDecision` is raised and nothing
is written. ``UNIQUE(pair_id, version)`` makes the check hold across
processes too.

Schema versions (``PRAGMA user_version``): 0 is the first format (the
``decisions`` table alone); 1 adds ``pair_state`` and the sample tables; 2 allows
the action ``relink`` (the table is copied into one with the new ``CHECK``). A
database of an older version is migrated when it is first opened for writing: its
decisions are kept as they are (version 0: folded once into ``pair_state``).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from kzparallel.errors import KzError
from kzparallel.review.state import (
    Change,
    Decision,
    PairState,
    apply_decision,
    state_from_json,
    state_json,
)

__all__ = ["Change", "Decision", "ReviewStore", "StaleDecision", "read_decisions"]

REVIEW_DB = "review.sqlite"
ACTIONS = ("accept", "reject", "edit", "merge", "split", "note", "relink")
SCHEMA_VERSION = 2

_DECISIONS = f"""
CREATE TABLE IF NOT EXISTS decisions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    pair_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    who TEXT NOT NULL,
    at TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ({", ".join(repr(a) for a in ACTIONS)})),
    before TEXT,
    after TEXT,
    data TEXT NOT NULL DEFAULT '{{}}',
    UNIQUE (pair_id, version)
)"""
_SCHEMA_V1 = (
    _DECISIONS,
    "CREATE INDEX IF NOT EXISTS decisions_pair ON decisions (pair_id)",
    """CREATE TABLE IF NOT EXISTS pair_state (
    pair_id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    status TEXT NOT NULL,
    reviewed INTEGER NOT NULL,
    state TEXT NOT NULL
)""",
    "CREATE INDEX IF NOT EXISTS pair_state_seq ON pair_state (seq)",
    """CREATE TABLE IF NOT EXISTS samples (
    id INTEGER PRIMARY KEY,
    seed INTEGER NOT NULL,
    size INTEGER NOT NULL,
    strata TEXT NOT NULL,
    population INTEGER NOT NULL,
    source TEXT NOT NULL,
    who TEXT NOT NULL,
    at TEXT NOT NULL
)""",
    """CREATE TABLE IF NOT EXISTS sample_pairs (
    sample_id INTEGER NOT NULL REFERENCES samples (id),
    rank INTEGER NOT NULL,
    pair_id TEXT NOT NULL,
    stratum TEXT NOT NULL,
    PRIMARY KEY (sample_id, rank)
)""",
    "CREATE INDEX IF NOT EXISTS sample_pairs_pair ON sample_pairs (pair_id, sample_id)",
)


class StaleDecision(KzError):
    """The pair changed after the reviewer loaded it."""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _row(row: Sequence[Any]) -> Decision:
    seq, pair_id, version, who, at, action, before, after, data = row
    return Decision(seq, pair_id, version, who, at, action, before, after, json.loads(data or "{}"))


_COLUMNS = "seq, pair_id, version, who, at, action, before, after, data"


def _write_state(conn: sqlite3.Connection, pair_id: str, st: PairState) -> None:
    seq = st.last.seq if st.last else 0
    conn.execute(
        "INSERT INTO pair_state (pair_id, version, seq, status, reviewed, state) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (pair_id) DO UPDATE SET version = excluded.version, "
        "seq = excluded.seq, status = excluded.status, reviewed = excluded.reviewed, "
        "state = excluded.state",
        (pair_id, st.version, seq, st.shown_status, int(st.reviewed), state_json(st)),
    )


def _refresh_state(conn: sqlite3.Connection, pair_id: str) -> None:
    """Re-fold one pair's decisions (a handful) into its ``pair_state`` row."""
    st = PairState()
    for row in conn.execute(
        f"SELECT {_COLUMNS} FROM decisions WHERE pair_id = ? ORDER BY seq", (pair_id,)
    ):
        apply_decision(st, _row(row))
    _write_state(conn, pair_id, st)


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Bring the database to :data:`SCHEMA_VERSION` (in one transaction)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise KzError(
                f"{path}: review database schema version {version} is newer than this "
                f"kzparallel understands ({SCHEMA_VERSION}): upgrade kzparallel"
            )
        if version < 1:
            for statement in _SCHEMA_V1:
                conn.execute(statement)
            # version 0 had the decision log only: fold it once, one pair at a time
            current: str | None = None
            st = PairState()
            for row in conn.execute(f"SELECT {_COLUMNS} FROM decisions ORDER BY pair_id, seq"):
                d = _row(row)
                if d.pair_id != current:
                    if current is not None:
                        _write_state(conn, current, st)
                    current, st = d.pair_id, PairState()
                apply_decision(st, d)
            if current is not None:
                _write_state(conn, current, st)
        if version < 2:  # the CHECK of the actions gains "relink": copy the log over
            conn.execute("ALTER TABLE decisions RENAME TO decisions_v1")
            conn.execute(_DECISIONS)
            conn.execute(f"INSERT INTO decisions ({_COLUMNS}) SELECT {_COLUMNS} FROM decisions_v1")
            conn.execute("DROP TABLE decisions_v1")
            conn.execute("CREATE INDEX IF NOT EXISTS decisions_pair ON decisions (pair_id)")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


class ReviewStore:
    """The review database of one build directory (a connection per operation).

    Reading never creates the file: without ``DIR/review.sqlite`` there are no
    decisions, states or samples.
    """

    def __init__(self, out_dir: str | Path) -> None:
        self.path = Path(out_dir) / REVIEW_DB

    def exists(self) -> bool:
        return self.path.is_file()

    @contextlib.contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """A connection to the database (created and migrated as needed)."""
        try:
            conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        except sqlite3.Error as exc:
            raise KzError(f"{self.path}: cannot open the review database ({exc})") from None
        try:
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                    _migrate(conn, self.path)
            except sqlite3.DatabaseError as exc:
                raise KzError(f"{self.path}: not a review database ({exc})") from None
            yield conn
        finally:
            conn.close()

    def decisions(self) -> list[Decision]:
        """Every decision, oldest first."""
        if not self.exists():
            return []
        with self.connect() as conn:
            rows = conn.execute(f"SELECT {_COLUMNS} FROM decisions ORDER BY seq").fetchall()
        return [_row(r) for r in rows]

    def history(self, pair_id: str) -> list[Decision]:
        if not self.exists():
            return []
        with self.connect() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM decisions WHERE pair_id = ? ORDER BY seq", (pair_id,)
            ).fetchall()
        return [_row(r) for r in rows]

    def states(self, pair_ids: Sequence[str]) -> dict[str, PairState]:
        """The current state of each of ``pair_ids`` that has a decision."""
        if not pair_ids or not self.exists():
            return {}
        with self.connect() as conn:
            marks = ", ".join("?" * len(pair_ids))
            rows = conn.execute(
                f"SELECT pair_id, state FROM pair_state WHERE pair_id IN ({marks})",
                list(pair_ids),
            ).fetchall()
        return {pid: state_from_json(pid, text) for pid, text in rows}

    def last_seq(self) -> int:
        """The ``seq`` of the newest decision (0: none)."""
        if not self.exists():
            return 0
        with self.connect() as conn:
            return int(conn.execute("SELECT coalesce(max(seq), 0) FROM decisions").fetchone()[0])

    def changed_since(self, seq: int) -> tuple[int, list[tuple[str, str, int]]]:
        """``(last seq, [(pair_id, shown status, reviewed)])`` of pairs decided after ``seq``."""
        if not self.exists():
            return 0, []
        with self.connect() as conn:
            conn.execute("BEGIN")  # one snapshot for both reads
            top = int(conn.execute("SELECT coalesce(max(seq), 0) FROM decisions").fetchone()[0])
            rows = conn.execute(
                "SELECT pair_id, status, reviewed FROM pair_state WHERE seq > ? ORDER BY seq",
                (seq,),
            ).fetchall()
            conn.execute("COMMIT")
        return top, [(str(a), str(b), int(c)) for a, b, c in rows]

    def record(self, changes: Sequence[Change], who: str) -> list[Decision]:
        """Record ``changes`` in one transaction, or none of them.

        Raises :class:`StaleDecision` when a pair's current version is not the
        change's ``base_version``. The pairs' ``pair_state`` rows are updated
        in the same transaction.
        """
        at = _now()
        made: list[Decision] = []
        with self.connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                for ch in changes:
                    if ch.action not in ACTIONS:
                        raise KzError(f"unknown review action {ch.action!r}")
                    last = conn.execute(
                        "SELECT version, who, at, action FROM decisions WHERE pair_id = ? "
                        "ORDER BY version DESC LIMIT 1",
                        (ch.pair_id,),
                    ).fetchone()
                    current = last[0] if last else 0
                    if current != ch.base_version:
                        raise StaleDecision(
                            f"pair {ch.pair_id} was changed since you loaded it "
                            f"({last[3]} by {last[1]} at {last[2]}, version {current}, "
                            f"yours was based on version {ch.base_version}); "
                            "nothing was saved: reload to see the current text"
                            if last
                            else f"pair {ch.pair_id} has version 0, not {ch.base_version}; "
                            "nothing was saved: reload to see the current text"
                        )
                    data = json.dumps(ch.data, ensure_ascii=False, sort_keys=True)
                    cur = conn.execute(
                        "INSERT INTO decisions (pair_id, version, who, at, action, before, "
                        "after, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (ch.pair_id, current + 1, who, at, ch.action, ch.before, ch.after, data),
                    )
                    _refresh_state(conn, ch.pair_id)
                    made.append(
                        Decision(
                            int(cur.lastrowid or 0),
                            ch.pair_id,
                            current + 1,
                            who,
                            at,
                            ch.action,
                            ch.before,
                            ch.after,
                            dict(ch.data),
                        )
                    )
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        return made


def read_decisions(out_dir: str | Path, upto: int | None = None) -> list[Decision]:
    """The decisions of a build, read-only; ``[]`` without ``DIR/review.sqlite``.

    ``upto``: only the decisions up to that ``seq`` (a build's snapshot of the log,
    :meth:`ReviewStore.last_seq` when it started: every shard of one build applies
    the same decisions, whatever a reviewer saves meanwhile)."""
    path = Path(out_dir) / REVIEW_DB
    if not path.is_file():
        return []
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10.0)
    except sqlite3.Error as exc:
        raise KzError(f"{path}: cannot open the review database ({exc})") from None
    try:
        where, args = ("", ()) if upto is None else (" WHERE seq <= ?", (upto,))
        rows = conn.execute(
            f"SELECT {_COLUMNS} FROM decisions{where} ORDER BY seq", args
        ).fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return []
        raise KzError(f"{path}: cannot read the review database ({exc})") from None
    except sqlite3.DatabaseError as exc:
        raise KzError(f"{path}: not a review database ({exc})") from None
    finally:
        conn.close()
    return [_row(r) for r in rows]
