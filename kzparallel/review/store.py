"""The review decision log: ``DIR/review.sqlite`` (SQLite in WAL mode).

Every decision is one row, never updated or deleted::

    seq      INTEGER  order of the decisions
    pair_id  TEXT     the build pair (``Pair.id``) the decision is about
    version  INTEGER  the pair's version this decision makes (1, 2, ...)
    who      TEXT     reviewer
    at       TEXT     UTC time, ISO 8601
    action   TEXT     accept | reject | edit | merge | split | note
    before   TEXT     English before the decision (edit, merge, split)
    after    TEXT     English after it (edit, merge), or the note text
    data     TEXT     JSON details (merge partner, split point and parts)

Optimistic concurrency: a pair's version is the number of decisions about
it. A decision names the version it was based on (the one the reviewer saw);
if the pair has moved on since, :class:`StaleDecision` is raised and nothing
is written. ``UNIQUE(pair_id, version)`` makes the check hold across
processes too.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from kzparallel.errors import KzError

REVIEW_DB = "review.sqlite"
ACTIONS = ("accept", "reject", "edit", "merge", "split", "note")

_SCHEMA = f"""
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
);
CREATE INDEX IF NOT EXISTS decisions_pair ON decisions (pair_id);
"""


class StaleDecision(KzError):
    """The pair changed after the reviewer loaded it."""


@dataclass(frozen=True)
class Decision:
    """One row of the decision log."""

    seq: int
    pair_id: str
    version: int
    who: str
    at: str
    action: str
    before: str | None
    after: str | None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Change:
    """A decision to record: about ``pair_id``, based on ``base_version``."""

    pair_id: str
    base_version: int
    action: str
    before: str | None = None
    after: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _row(row: Sequence[Any]) -> Decision:
    seq, pair_id, version, who, at, action, before, after, data = row
    return Decision(seq, pair_id, version, who, at, action, before, after, json.loads(data or "{}"))


_COLUMNS = "seq, pair_id, version, who, at, action, before, after, data"


class ReviewStore:
    """The decision log of one build directory (a connection per operation)."""

    def __init__(self, out_dir: str | Path) -> None:
        self.path = Path(out_dir) / REVIEW_DB

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
        except sqlite3.Error as exc:
            raise KzError(f"{self.path}: cannot open the review database ({exc})") from None
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.executescript(_SCHEMA)
            yield conn
        finally:
            conn.close()

    def decisions(self) -> list[Decision]:
        """Every decision, oldest first."""
        with self._connect() as conn:
            rows = conn.execute(f"SELECT {_COLUMNS} FROM decisions ORDER BY seq").fetchall()
        return [_row(r) for r in rows]

    def history(self, pair_id: str) -> list[Decision]:
        with self._connect() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM decisions WHERE pair_id = ? ORDER BY seq", (pair_id,)
            ).fetchall()
        return [_row(r) for r in rows]

    def record(self, changes: Sequence[Change], who: str) -> list[Decision]:
        """Record ``changes`` in one transaction, or none of them.

        Raises :class:`StaleDecision` when a pair's current version is not the
        change's ``base_version``.
        """
        at = _now()
        made: list[Decision] = []
        with self._connect() as conn:
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


def read_decisions(out_dir: str | Path) -> list[Decision]:
    """The decisions of a build, read-only; ``[]`` without ``DIR/review.sqlite``."""
    path = Path(out_dir) / REVIEW_DB
    if not path.is_file():
        return []
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10.0)
    except sqlite3.Error as exc:
        raise KzError(f"{path}: cannot open the review database ({exc})") from None
    try:
        rows = conn.execute(f"SELECT {_COLUMNS} FROM decisions ORDER BY seq").fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return []
        raise KzError(f"{path}: cannot read the review database ({exc})") from None
    except sqlite3.DatabaseError as exc:
        raise KzError(f"{path}: not a review database ({exc})") from None
    finally:
        conn.close()
    return [_row(r) for r in rows]
