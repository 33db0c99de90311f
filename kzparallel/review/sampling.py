"""Sampled review: a reproducible random sample and the quality estimate it gives.

**Drawing.** Every pair gets a key, the first 7 bytes of
``BLAKE2b("SEED:PAIR_ID")`` read as an integer; a sample of ``n`` pairs is
the ``n`` pairs with the smallest keys (a simple random sample without
replacement that depends only on the seed and the pair ids: the same seed
gives the same sample, also after a re-build that keeps those pairs).
Stratified by document or by flags (the pair's set of QA flags, ``glossary``
for violations, or none), ``n`` is shared out in proportion to the strata's
sizes (largest remainders, ties by stratum name) and each stratum gives its
smallest keys, so the sample stays self-weighting. The sample is reviewed in
key order (a random order), so the pairs reviewed first are a random part of
it. One pass over the index, memory bounded by ``n``.

**Estimating.** A sampled pair counts as *acceptable* when its review status
is ``accepted`` (kept as the build made it), as not acceptable when it is
``rejected``, ``edited`` (or merged or split), and is left out while it is
unreviewed. The share of acceptable pairs among the judged ones estimates the
share in the whole corpus, with a Wilson score interval (95 %).
"""

from __future__ import annotations

import hashlib
import heapq
import math
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from statistics import NormalDist
from typing import Any

from kzparallel.errors import KzError
from kzparallel.review.queries import Page, Window, keyset_page
from kzparallel.review.store import REVIEW_DB, ReviewStore

STRATA = {"none": "not stratified", "doc": "stratified by document", "flag": "stratified by flags"}
MAX_SAMPLE = 10_000
CONFIDENCE = 0.95
JUDGED = ("accepted", "edited", "rejected", "merged")


def wilson_interval(successes: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """The Wilson score interval of a proportion ``successes / n``."""
    if n <= 0 or not 0 <= successes <= n:
        raise ValueError(f"no interval for {successes} of {n}")
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def allocate(size: int, strata: dict[str, int]) -> dict[str, int]:
    """``size`` shared out in proportion to the stratum sizes (largest remainders)."""
    total = sum(strata.values())
    if size >= total:
        return dict(strata)
    quotas = {h: size * n / total for h, n in strata.items()}
    out = {h: math.floor(q) for h, q in quotas.items()}
    left = size - sum(out.values())
    for h in sorted(quotas, key=lambda h: (-(quotas[h] - out[h]), h))[:left]:
        out[h] += 1
    return out


def sample_key(seed: int, pair_id: str) -> int:
    return int.from_bytes(hashlib.blake2b(f"{seed}:{pair_id}".encode(), digest_size=7).digest())


def _strata_sizes(conn: sqlite3.Connection, strata: str) -> dict[str, int]:
    if strata == "doc":
        return {str(d): int(n) for d, n in conn.execute("SELECT doc_id, pairs FROM docs")}
    if strata == "flag":
        sql = "SELECT flags, count(*) FROM pairs GROUP BY flags"
        return {str(f) or "no flag": int(n) for f, n in conn.execute(sql)}
    return {"all": int(conn.execute("SELECT count(*) FROM pairs").fetchone()[0])}


def _members(conn: sqlite3.Connection, strata: str) -> Iterator[tuple[str, str]]:
    """``(pair_id, stratum)`` of every pair of the index."""
    if strata == "doc":
        sql = "SELECT p.id, d.doc_id FROM pairs p JOIN docs d ON d.pos = p.doc_pos"
        yield from conn.execute(sql)
    elif strata == "flag":
        for pid, flags in conn.execute("SELECT id, flags FROM pairs"):
            yield pid, flags or "no flag"
    else:
        for (pid,) in conn.execute("SELECT id FROM pairs"):
            yield pid, "all"


def draw(conn: sqlite3.Connection, size: int, seed: int, strata: str) -> list[tuple[str, str]]:
    """``(pair_id, stratum)`` of a sample of ``size`` pairs from the index, in review order."""
    if strata not in STRATA:
        raise ValueError(f"unknown stratification {strata!r} (use {', '.join(STRATA)})")
    if not 1 <= size <= MAX_SAMPLE:
        raise ValueError(f"the sample size must be between 1 and {MAX_SAMPLE}")
    quota = allocate(size, _strata_sizes(conn, strata))
    heaps: dict[str, list[tuple[int, str]]] = {h: [] for h, n in quota.items() if n}
    for pid, stratum in _members(conn, strata):
        heap = heaps.get(stratum)
        if heap is None:
            continue
        item = (-sample_key(seed, pid), pid)  # a max-heap of the smallest keys
        if len(heap) < quota[stratum]:
            heapq.heappush(heap, item)
        elif item > heap[0]:
            heapq.heapreplace(heap, item)
    chosen = [(-k, pid, h) for h, heap in heaps.items() for k, pid in heap]
    return [(pid, h) for _, pid, h in sorted(chosen)]


def save_sample(
    store: ReviewStore,
    *,
    seed: int,
    strata: str,
    population: int,
    source: str,  # the provenance signature of the build it was drawn from
    who: str,
    pairs: list[tuple[str, str]],
) -> int:
    """Store a drawn sample in ``review.sqlite``; its id."""
    at = datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    with store.connect() as conn:
        conn.execute("BEGIN IMMEDIATE")
        try:
            cur = conn.execute(
                "INSERT INTO samples (seed, size, strata, population, source, who, at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (seed, len(pairs), strata, population, source, who, at),
            )
            sample_id = int(cur.lastrowid or 0)
            conn.executemany(
                "INSERT INTO sample_pairs (sample_id, rank, pair_id, stratum) VALUES (?, ?, ?, ?)",
                [(sample_id, rank, pid, h) for rank, (pid, h) in enumerate(pairs, 1)],
            )
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return sample_id


@dataclass(frozen=True)
class SampleEstimate:
    """What the reviewed part of a sample says about the whole corpus."""

    sample_id: int
    seed: int
    size: int
    strata: str
    population: int
    judged: int
    acceptable: int
    confidence: float = CONFIDENCE

    @property
    def share(self) -> float | None:
        return self.acceptable / self.judged if self.judged else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return (
            wilson_interval(self.acceptable, self.judged, self.confidence) if self.judged else None
        )

    def summary(self) -> str:
        """One sentence for the app, the report and the dataset card."""
        drawn = (
            f"sample {self.sample_id}: {self.size} pairs drawn with seed {self.seed} "
            f"from {self.population:,} ({STRATA[self.strata]})"
        )
        if not self.judged or self.share is None or self.interval is None:
            return f"no pair of the sample is reviewed yet ({drawn})"
        low, high = self.interval
        return (
            f"{100 * self.share:.1f}% of the pairs are acceptable "
            f"({100 * self.confidence:.0f}% Wilson interval {100 * low:.1f}–{100 * high:.1f}%, "
            f"about {round(low * self.population):,}–{round(high * self.population):,} "
            f"of {self.population:,} pairs), from {self.acceptable} acceptable of "
            f"{self.judged} reviewed ({drawn})"
        )


def _estimate(
    conn: sqlite3.Connection, sample_id: int | None, signature: str | None = None
) -> SampleEstimate | None:
    if sample_id is not None:
        where, params = "WHERE id = ?", [sample_id]
    elif signature is not None:
        where, params = "WHERE source = ? ORDER BY id DESC LIMIT 1", [signature]
    else:
        where, params = "ORDER BY id DESC LIMIT 1", []
    row = conn.execute(
        f"SELECT id, seed, size, strata, population FROM samples {where}", params
    ).fetchone()
    if row is None:
        return None
    marks = ", ".join("?" * len(JUDGED))
    judged, acceptable = conn.execute(
        f"SELECT count(s.pair_id), coalesce(sum(s.status = 'accepted'), 0) "
        "FROM sample_pairs sp JOIN pair_state s ON s.pair_id = sp.pair_id "
        f"WHERE sp.sample_id = ? AND s.status IN ({marks})",
        [row[0], *JUDGED],
    ).fetchone()
    return SampleEstimate(*row, judged=int(judged), acceptable=int(acceptable))


def estimate(store: ReviewStore, sample_id: int | None = None) -> SampleEstimate | None:
    """The estimate of sample ``sample_id`` (default: the newest); None without one."""
    if not store.exists():
        return None
    with store.connect() as conn:
        return _estimate(conn, sample_id)


def samples(store: ReviewStore) -> list[SampleEstimate]:
    """Every sample, newest first, with its estimate."""
    if not store.exists():
        return []
    with store.connect() as conn:
        ids = [int(r[0]) for r in conn.execute("SELECT id FROM samples ORDER BY id DESC")]
        return [e for i in ids if (e := _estimate(conn, i)) is not None]


def read_estimate(out_dir: str | Path, signature: str) -> SampleEstimate | None:
    """The estimate of the newest sample drawn from a build with provenance ``signature``.

    Read-only, for ``report.html`` and the dataset card: a sample of a build made
    with another model or other settings says nothing about this one.
    """
    path = Path(out_dir) / REVIEW_DB
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10.0)
    except sqlite3.Error as exc:
        raise KzError(f"{path}: cannot open the review database ({exc})") from None
    try:
        return _estimate(conn, None, signature)
    except sqlite3.DatabaseError as exc:  # OperationalError included
        if "no such table" in str(exc):  # a database of the first format: no samples
            return None
        raise KzError(f"{path}: cannot read the review database ({exc})") from None
    finally:
        conn.close()


def sample_page(
    store: ReviewStore, sample_id: int, *, unreviewed: bool, window: Window, size: int
) -> Page:
    """One page of a sample in review order: rows ``(rank, pair_id)``, keys are ranks."""
    if not store.exists():
        return Page([], None, None, 0)
    conds = ["sp.sample_id = ?"] + (["coalesce(s.reviewed, 0) = 0"] if unreviewed else [])
    source = "sample_pairs sp LEFT JOIN pair_state s ON s.pair_id = sp.pair_id"
    with store.connect() as conn:
        rows, prev, nxt = keyset_page(
            conn, source, "sp.rank", conds, [sample_id], window, size, "sp.rank, sp.pair_id"
        )
        total = conn.execute(
            f"SELECT count(*) FROM {source} WHERE {' AND '.join(conds)}", [sample_id]
        ).fetchone()[0]
    return Page([(int(r), str(p)) for r, p in rows], prev, nxt, int(total))


def sample_info(store: ReviewStore, sample_id: int) -> dict[str, Any] | None:
    if not store.exists():
        return None
    with store.connect() as conn:
        row = conn.execute(
            "SELECT id, seed, size, strata, population, who, at FROM samples WHERE id = ?",
            (sample_id,),
        ).fetchone()
    keys = ("id", "seed", "size", "strata", "population", "who", "at")
    return dict(zip(keys, row, strict=True)) if row else None
