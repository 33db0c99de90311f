"""Persistent translation cache in SQLite (WAL mode).

Key = sha256 of (model id, revision, backend label, the decoding settings
that change the output, the glossary hints given to the decoder, source text).
Each stored entry keeps the best text and score plus the n-best hypotheses
and the attention matrix as JSON, so later stages (glossary repair) can reuse
them without loading the model.

A crash loses at most the batch in flight (one commit per :meth:`put_many`).
A corrupted database file is moved aside (``*.corrupt-<time>``) with one
warning and a fresh one is created: the cache never stops a run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, NoReturn

from kzparallel.errors import KzError
from kzparallel.translation.base import Hypothesis, TermHints, Translation
from kzparallel.translation.hints import SUPPRESSION_RULE

log = logging.getLogger("kzparallel.translation.cache")

DB_NAME = "translations.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS translations (
    key TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    score REAL NOT NULL,
    nbest INTEGER NOT NULL,
    has_attention INTEGER NOT NULL,
    data TEXT NOT NULL,
    created REAL NOT NULL
)
"""


def default_cache_dir() -> Path:
    """``$KZPARALLEL_CACHE_DIR``, else the user cache dir (platformdirs)."""
    env = os.environ.get("KZPARALLEL_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("kzparallel"))


def cache_key(
    model_id: str,
    revision: str,
    backend_label: str,
    settings: Mapping[str, object],
    text: str,
    hints: TermHints | None = None,
) -> str:
    """The cache key of one source text under one model + decoding setup."""
    parts: dict[str, Any] = {
        "model": model_id,
        "revision": revision,
        "backend": backend_label,
        "settings": dict(sorted(settings.items())),
        "text": text,
    }
    if hints:
        parts["hints"] = {"prefer": list(hints.prefer), **_shared_hints(hints.forbid, hints.keep)}
    blob = json.dumps(parts, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _shared_hints(forbid: Sequence[str], keep: Sequence[str]) -> dict[str, Any]:
    """``forbid`` and ``keep`` of a hint as they enter the key. Glossary hints
    share the glossary's whole lists (hundreds of strings) across sentences:
    a list of more than a few strings enters as its SHA-256 (remembered), so
    keying a sentence does not serialise the glossary every time."""
    out: dict[str, Any] = {"forbid": list(forbid)}
    if forbid:  # which forbidden variants are suppressed is decided by this rule
        out["rule"] = SUPPRESSION_RULE
    if keep:
        out["keep"] = list(keep)
    for name, value in tuple(out.items()):
        if len(value) > _INLINE_HINTS:
            out[name] = _digest(tuple(value))
    return out


_INLINE_HINTS = 16


@lru_cache(maxsize=64)
def _digest(values: tuple[str, ...]) -> str:
    blob = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()


def translation_to_json(tr: Translation) -> str:
    return json.dumps(
        {
            "hypotheses": [
                {"text": h.text, "score": h.score, "tokens": h.tokens} for h in tr.hypotheses
            ],
            "src_tokens": tr.src_tokens,
            "attention": tr.attention,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def translation_from_json(data: str) -> Translation:
    d = json.loads(data)
    return Translation(
        hypotheses=[
            Hypothesis(h["text"], h["score"], h.get("tokens", [])) for h in d["hypotheses"]
        ],
        src_tokens=d.get("src_tokens", []),
        attention=d.get("attention"),
    )


def _is_corruption(exc: sqlite3.DatabaseError) -> bool:
    msg = str(exc).lower()
    if "not a database" in msg or "malformed" in msg or "corrupt" in msg:
        return True
    return type(exc) is sqlite3.DatabaseError


class CacheError(KzError):
    """The translation cache cannot be used (not corruption: that is recovered)."""


class TranslationCache:
    """SQLite translation cache.

    ``path`` is a directory (the database is ``<dir>/translations.sqlite``) or
    a file path ending in ``.sqlite``/``.db``. ``on_warning`` receives the one
    warning about a corrupted file (default: the logging module).
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        on_warning: Callable[[str], None] | None = None,
    ) -> None:
        p = Path(path) if path is not None else default_cache_dir()
        self.path = p if p.suffix in (".sqlite", ".db") else p / DB_NAME
        self._warn = on_warning or log.warning
        self._warned = False
        self.hits = 0
        self.misses = 0
        self._conn: sqlite3.Connection | None = None
        self._open()

    # -- connection ---------------------------------------------------------

    def _fail(self, reason: object) -> NoReturn:
        raise CacheError(
            f"translation cache {self.path}: {reason} (choose another --cache-dir, or --no-cache)"
        ) from None

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._fail((exc.strerror or str(exc)).lower())
        conn = sqlite3.connect(self.path, timeout=30.0)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(_SCHEMA)
            conn.execute("SELECT count(*) FROM translations LIMIT 1").fetchone()
            conn.commit()
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn

    def _open(self) -> None:
        try:
            self._conn = self._connect()
        except sqlite3.DatabaseError as exc:
            self._recover(exc)

    def _recover(self, exc: sqlite3.DatabaseError) -> None:
        """Move a corrupted database aside and start a fresh one.

        Errors that are not corruption ("database is locked", "database or disk
        is full", "unable to open database file") are a one-line CacheError.
        """
        if not _is_corruption(exc):
            self._fail(exc)
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None
        aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
        for suffix in ("", "-wal", "-shm"):
            src = Path(f"{self.path}{suffix}")
            if src.exists():
                os.replace(src, Path(f"{aside}{suffix}"))
        if not self._warned:
            self._warned = True
            self._warn(
                f"translation cache {self.path} was unreadable ({exc}); "
                f"moved it to {aside.name} and started a new one"
            )
        self._conn = self._connect()

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = self._connect()
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> TranslationCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reads and writes ---------------------------------------------------

    def get_many(
        self, keys: Iterable[str], *, nbest: int = 1, attention: bool = False
    ) -> dict[str, Translation]:
        """Entries found for ``keys`` that have at least ``nbest`` hypotheses
        (and attention when asked); the others count as misses."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, Translation] = {}
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            sql = (
                "SELECT key, data FROM translations WHERE nbest >= ? AND has_attention >= ? "
                f"AND key IN ({','.join('?' * len(chunk))})"
            )
            try:
                rows = self.conn.execute(sql, [nbest, int(attention), *chunk]).fetchall()
            except sqlite3.DatabaseError as exc:
                self._recover(exc)
                rows = []
            for key, data in rows:
                try:
                    found[key] = translation_from_json(data)
                except (ValueError, KeyError, TypeError):
                    continue
        self.hits += len(found)
        self.misses += len(wanted) - len(found)
        return found

    def get(self, key: str, *, nbest: int = 1, attention: bool = False) -> Translation | None:
        return self.get_many([key], nbest=nbest, attention=attention).get(key)

    def put_many(self, items: Iterable[tuple[str, Translation]]) -> None:
        """Store entries and commit (one transaction per call)."""
        rows = [
            (
                key,
                tr.text,
                tr.score,
                len(tr.hypotheses),
                int(tr.attention is not None),
                translation_to_json(tr),
                time.time(),
            )
            for key, tr in items
        ]
        if not rows:
            return
        sql = "INSERT OR REPLACE INTO translations VALUES (?, ?, ?, ?, ?, ?, ?)"
        for attempt in (0, 1):
            try:
                with self.conn:
                    self.conn.executemany(sql, rows)
                return
            except sqlite3.DatabaseError as exc:
                if attempt:
                    raise
                self._recover(exc)

    def put(self, key: str, tr: Translation) -> None:
        self.put_many([(key, tr)])

    def __len__(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM translations").fetchone()[0])
