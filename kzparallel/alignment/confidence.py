"""Link confidence: the aligner's raw link score mapped to the probability that the
link is right, fitted on the gold sets.

A link's ``score`` (:mod:`kzparallel.alignment.align`) is a similarity for a
two-sided link and ``1 −`` the best similarity nearby for a one-sided one: higher
is surer, but 0.8 does not mean "right 80 % of the time". :func:`fit_calibration`
fits, for each family of links (``two-sided``: 1-1, 2-1, ...; ``one-sided``: 1-0,
0-1), a monotone map from the raw score to the share of links that are right
(strictly: the gold has exactly that link), by isotonic regression
(:func:`pool_adjacent_violators`, pure Python); blocks of fewer than
``min_count`` links are pooled with a neighbour, so that no step rests on a
handful of links, and the rates are kept within [0.01, 0.99]. :class:`Calibration` is the fitted table: a step function, the
blocks' lower bounds and rates; the table the package uses is
``calibration.json`` beside this module, written by
``tests/benchmarks/bench_align.py --calibrate`` (the commit it was fitted on is in
the file) and read once.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from kzparallel.records import Link

CALIBRATION_FILE = Path(__file__).with_name("calibration.json")
FAMILIES = ("two-sided", "one-sided")
# no confidence above 0.99 or below 0.01: a hundred links all right in the gold sets
# do not make a certainty
MOST = 0.99


def family(kind: str) -> str:
    """``"one-sided"`` for a 1-0 or 0-1 link, ``"two-sided"`` for the others."""
    return "one-sided" if kind in ("1-0", "0-1") else "two-sided"


@dataclass(frozen=True)
class Block:
    """One step of the fitted map: raw scores from ``low`` up to the next block's
    ``low`` are right with probability ``rate`` (``count`` links were pooled)."""

    low: float
    rate: float
    count: int


def pool_adjacent_violators(
    samples: Iterable[tuple[float, bool]], min_count: int = 1
) -> list[Block]:
    """Isotonic (non-decreasing) fit of ``right`` against ``score``.

    ``samples`` are (raw score, link right); equal scores form one block; then any
    block whose rate is not above the previous one's is pooled with it, until the
    rates increase; then any block of fewer than ``min_count`` links is pooled with
    the neighbour whose rate is closer (pooling neighbours keeps the rates
    increasing)."""
    grouped: dict[float, list[float]] = {}
    for score, right in samples:
        group = grouped.setdefault(score, [score, 0.0, 0])
        group[1] += right
        group[2] += 1
    blocks: list[list[float]] = []  # [low, right, count]
    for score in sorted(grouped):
        blocks.append(grouped[score])
        while len(blocks) > 1 and blocks[-2][1] / blocks[-2][2] >= blocks[-1][1] / blocks[-1][2]:
            _, right_, count = blocks.pop()
            blocks[-1][1] += right_
            blocks[-1][2] += count
    while len(blocks) > 1:
        small = [k for k, b in enumerate(blocks) if b[2] < min_count]
        if not small:
            break
        k = min(small, key=lambda k: (blocks[k][2], k))
        rate = blocks[k][1] / blocks[k][2]
        if k == 0:
            other = 1
        elif k == len(blocks) - 1:
            other = k - 1
        else:
            before = rate - blocks[k - 1][1] / blocks[k - 1][2]
            after = blocks[k + 1][1] / blocks[k + 1][2] - rate
            other = k - 1 if before <= after else k + 1
        first, second = sorted((k, other))
        blocks[first][1] += blocks[second][1]
        blocks[first][2] += blocks[second][2]
        del blocks[second]
    return [Block(round(b[0], 4), round(b[1] / b[2], 4), int(b[2])) for b in blocks]


@dataclass(frozen=True)
class Calibration:
    """The fitted map of each family (:func:`fit_calibration`)."""

    tables: dict[str, list[Block]]
    fitted_on: str = ""  # the commit the table was fitted on
    data: str = ""  # what it was fitted on, in words

    def confidence(self, kind: str, score: float) -> float:
        """P(link right) for a link of ``kind`` with raw ``score``: the rate of the
        last block whose ``low`` is at most ``score`` (the first block's below it)."""
        table = self.tables[family(kind)]
        lows = [b.low for b in table]
        k = max(0, bisect.bisect_right(lows, score) - 1)
        return table[k].rate

    def to_dict(self) -> dict[str, Any]:
        return {
            "fitted_on": self.fitted_on,
            "data": self.data,
            "tables": {
                name: [[b.low, b.rate, b.count] for b in blocks]
                for name, blocks in self.tables.items()
            },
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Calibration:
        return cls(
            tables={
                name: [Block(float(lo), float(rate), int(n)) for lo, rate, n in rows]
                for name, rows in raw["tables"].items()
            },
            fitted_on=str(raw.get("fitted_on", "")),
            data=str(raw.get("data", "")),
        )


def fit_calibration(
    samples: Sequence[tuple[str, float, bool]],
    min_count: int = 20,
    fitted_on: str = "",
    data: str = "",
) -> Calibration:
    """A :class:`Calibration` from (link kind, raw score, link right) samples."""
    tables = {}
    for name in FAMILIES:
        own = [(score, right) for kind, score, right in samples if family(kind) == name]
        blocks = pool_adjacent_violators(own, min_count) or [Block(0.0, 0.5, 0)]
        tables[name] = [Block(b.low, min(MOST, max(1 - MOST, b.rate)), b.count) for b in blocks]
    return Calibration(tables, fitted_on, data)


@dataclass(frozen=True)
class Bin:
    """One row of a reliability table."""

    low: float
    high: float
    count: int
    predicted: float  # mean confidence of the bin's links
    observed: float  # share of them that are right


def reliability(
    samples: Sequence[tuple[str, float, bool]],
    calibration: Calibration,
    edges: Sequence[float] = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0),
) -> list[Bin]:
    """Predicted against observed per bin of confidence (empty bins left out); a
    confidence equal to the top edge counts in the last bin."""
    groups: list[list[tuple[float, bool]]] = [[] for _ in edges[1:]]
    for kind, score, right in samples:
        conf = calibration.confidence(kind, score)
        k = min(len(groups) - 1, max(0, bisect.bisect_right(edges, conf) - 1))
        groups[k].append((conf, right))
    return [
        Bin(
            edges[k],
            edges[k + 1],
            len(g),
            round(sum(c for c, _ in g) / len(g), 4),
            round(sum(r for _, r in g) / len(g), 4),
        )
        for k, g in enumerate(groups)
        if g
    ]


def labelled(
    gold: Sequence[tuple[Sequence[int], Sequence[int]]], links: Iterable[Link]
) -> list[tuple[str, float, bool]]:
    """(kind, raw score, right) for each of ``links``: right when ``gold`` has
    exactly that link (the same Arabic and English sentences)."""
    truth = {(tuple(a), tuple(e)) for a, e in gold}
    return [
        (link.kind, link.score, (tuple(link.ar_sents), tuple(link.en_sents)) in truth)
        for link in links
    ]


@lru_cache(maxsize=1)
def shipped_calibration() -> Calibration | None:
    """The package's table (``calibration.json``; None before one is fitted)."""
    if not CALIBRATION_FILE.is_file():
        return None
    return Calibration.from_dict(json.loads(CALIBRATION_FILE.read_text(encoding="utf-8")))
