"""The ``low-score`` QA flag: model scores far below the rest of the corpus.

A pair's ``score`` is the model's length-normalised log-probability of its
English (mean log-probability per token, at most 0). The threshold is chosen
from the corpus like the length band (:mod:`kzparallel.qa`): a robust lower
fence ``median − 3.5 · 1.4826 · MAD`` of the scores, at least ``log(1.6)``
below the median (so a very uniform corpus does not flag normal variation).
With fewer than :data:`MIN_SCORED_PAIRS` scored pairs no pair is flagged.
``--min-score`` sets a fixed threshold instead (``--min-score -2.5``) or turns
the flag off (``--min-score off``).

:class:`ScoreStats` keeps the scores in fixed 0.01-wide bins (bounded memory);
the report draws them with the threshold.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from kzparallel.errors import KzError

MIN_SCORED_PAIRS = 50
K = 3.5
MIN_GAP = math.log(1.6)


@dataclass(frozen=True)
class ScoreThreshold:
    """Scores below ``value`` are flagged ``low-score`` (None: nothing is)."""

    value: float | None
    source: str  # "corpus", "fixed", "off" or "too-few"

    def low(self, score: float | None) -> bool:
        return self.value is not None and score is not None and score < self.value

    def to_dict(self) -> dict[str, object]:
        value = None if self.value is None else round(self.value, 4)
        return {"value": value, "source": self.source}

    def describe(self) -> str:
        if self.source == "corpus":
            return (
                f"{self.value:.2f} (median − {K}·1.4826·MAD of the corpus's scores, "
                f"at least {MIN_GAP:.2f} below the median)"
            )
        if self.source == "fixed":
            return f"{self.value:.2f} (set with --min-score)"
        if self.source == "too-few":
            return f"none: fewer than {MIN_SCORED_PAIRS} scored pairs"
        return "none (--min-score off)"


def parse_min_score(text: str | float | None) -> str | float:
    """``--min-score``: ``auto`` (default), ``off`` or a number."""
    if text is None or text == "auto":
        return "auto"
    if isinstance(text, (int, float)):
        return float(text)
    if text == "off":
        return "off"
    try:
        value = float(text)
    except ValueError:
        raise KzError(f"--min-score: give auto, off or a number (got {text!r})") from None
    if not math.isfinite(value):
        raise KzError(f"--min-score: give auto, off or a number (got {text!r})")
    return value


def binned_quantile(counts: Mapping[int, int], q: float, width: float) -> float:
    """The ``q`` quantile of values counted in bins of ``width`` (bin ``b`` holds
    values near ``b * width``): the bin where the cumulative count passes
    ``q * (n - 1)``."""
    target = q * (sum(counts.values()) - 1)
    seen = 0
    for b in sorted(counts):
        seen += counts[b]
        if seen > target:
            return b * width
    return max(counts) * width


class ScoreStats:
    """Streaming histogram of pair scores (0.01-wide bins)."""

    BIN = 0.01

    def __init__(self) -> None:
        self.bins: Counter[int] = Counter()
        self.count = 0

    def add(self, score: float | None) -> None:
        if score is None or not math.isfinite(score):
            return
        self.bins[round(score / self.BIN)] += 1
        self.count += 1

    def _quantile(self, counts: Counter[int], q: float) -> float:
        return binned_quantile(counts, q, self.BIN)

    def median(self) -> float:
        return self._quantile(self.bins, 0.5)

    def threshold(self, setting: str | float = "auto") -> ScoreThreshold:
        if setting == "off":
            return ScoreThreshold(None, "off")
        if isinstance(setting, (int, float)):
            return ScoreThreshold(float(setting), "fixed")
        if self.count < MIN_SCORED_PAIRS:
            return ScoreThreshold(None, "too-few")
        med = self.median()
        dev: Counter[int] = Counter()
        for b, c in self.bins.items():
            dev[round(abs(b * self.BIN - med) / self.BIN)] += c
        mad = self._quantile(dev, 0.5)
        return ScoreThreshold(round(med - max(K * 1.4826 * mad, MIN_GAP), 4), "corpus")

    def histogram(self, width: float = 0.1) -> list[tuple[float, int]]:
        """(bin start, pairs) in ``width``-wide bins, ascending: for the report."""
        step = round(width / self.BIN)
        out: Counter[int] = Counter()
        for b, c in self.bins.items():
            out[math.floor(b / step)] += c
        return [(k * width, out[k]) for k in sorted(out)]
