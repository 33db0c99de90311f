"""How well a run of Arabic sentences matches a run of English sentences.

Four pieces of evidence, each in [0, 1]:

* ``chrf`` — chrF (sacrebleu's definition: character 1–6-grams, whitespace
  removed; β = 1 so that extra text on either side costs the same) between the
  machine translation of the Arabic run and the English run. The n-gram counts
  of every run of 1–3 sentences are made once (``sacrebleu``'s
  ``extract_all_char_ngrams``) and only the matches are counted per pair, so a
  cell of the alignment table costs a few dictionary look-ups per n-gram.
* ``length`` — Gale & Church's (1993) normalised length difference
  ``δ = (l_en - c·l_ar) / sqrt(l·s²)`` in characters as an agreement
  ``exp(-δ² / 18)``; c and s² are the document's own
  (:mod:`kzparallel.alignment.length_model`: fitted on its confident anchors,
  the corpus-wide :data:`AR_RATIO` and :data:`AR_VARIANCE` of the seeds'
  references for a document with too few). The Arabic's length, not the MT's: a
  bad model's output length would make this evidence as bad as the model.
* ``numbers`` — Jaccard overlap of the numbers written in digits on each side
  (Arabic-Indic digits read as digits, thousands separators dropped); not
  applicable when neither side has one.
* ``names`` — Jaccard overlap of the glossary entries mentioned: in the Arabic
  as the glossary's Arabic-aware matcher finds them, in the English where one of
  the entry's English forms is present; not applicable when neither side names one.

:class:`Scorer` combines them into one similarity (a weighted mean of the pieces
that apply; the weights depend on the ``method``). With ``method="full"`` the
chrF weight is scaled by how well the MT tells the sentences apart
(:meth:`Scorer._separation`): a model whose output matches nothing in
particular adds nothing, and the alignment rests on length, numbers and names.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sacrebleu.metrics.helpers import extract_all_char_ngrams

from kzparallel.alignment.dp import first_width
from kzparallel.alignment.length_model import (
    AR_RATIO,
    AR_VARIANCE,
    CORPUS_MODEL,
    LengthModel,
    confident_anchors,
    fit_length_model,
    gale_church_delta,
)
from kzparallel.arabic import written_numbers

__all__ = ["AR_RATIO", "AR_VARIANCE", "METHODS", "Scorer", "chrf", "length_agreement"]

CHRF_ORDER = 6
MAX_RUN = 3  # longest run of sentences on one side of a link
SEPARATION_LOW = 0.05  # MT separation at or below which the MT gets no weight ("full")
SEPARATION_ROWS = 100  # Arabic sentences sampled for the separation
SEPARATION_SPAN = 0.1  # ... and full weight from SEPARATION_LOW + SEPARATION_SPAN
LENGTH_SPREAD = 3.0

# method -> weights of (chrf, length, numbers, names)
WEIGHTS: dict[str, tuple[float, float, float, float]] = {
    "full": (0.6, 0.15, 0.125, 0.125),
    "mt": (1.0, 0.0, 0.0, 0.0),
    "length": (0.0, 1.0, 0.0, 0.0),
    "anchors": (0.0, 0.5, 0.25, 0.25),
}
METHODS = tuple(WEIGHTS)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float | None:
    if not a and not b:
        return None
    return len(a & b) / len(a | b)


def length_agreement(l_src: float, l_tgt: float, ratio: float, variance: float) -> float:
    """``exp(-δ² / (2 · LENGTH_SPREAD²))`` in [0, 1]: 1 for the expected length, 0.61 at
    δ = ±LENGTH_SPREAD. Gale & Church's ``2 (1 - Φ(|δ|))`` would be uniform over
    [0, 1] for true translations, too flat to threshold."""
    delta = gale_church_delta(l_src, l_tgt, ratio, variance)
    return math.exp(-delta * delta / (2 * LENGTH_SPREAD * LENGTH_SPREAD))


@dataclass
class _Run:
    text: str
    ngrams: list[Counter[str]]
    totals: list[int]
    length: int
    numbers: frozenset[str]
    names: frozenset[str]


def _runs(
    texts: Sequence[str],
    measured: Sequence[str],
    numbers: Sequence[frozenset[str]],
    names: Sequence[frozenset[str]],
    with_ngrams: bool,
) -> dict[tuple[int, int], _Run]:
    """Every run ``texts[i:i + k]`` (k = 1..3), keyed by ``(i, k)``; its length is
    that of the same run of ``measured``."""
    out: dict[tuple[int, int], _Run] = {}
    for i in range(len(texts)):
        for k in range(1, MAX_RUN + 1):
            if i + k > len(texts):
                break
            text = " ".join(t for t in texts[i : i + k] if t)
            grams = extract_all_char_ngrams(text, CHRF_ORDER) if with_ngrams else []
            out[(i, k)] = _Run(
                text,
                grams,
                [sum(g.values()) for g in grams],
                len(" ".join(t for t in measured[i : i + k] if t)),
                frozenset().union(*numbers[i : i + k]),
                frozenset().union(*names[i : i + k]),
            )
    return out


def chrf(hyp: _Run, ref: _Run, beta: float = 1.0) -> float:
    """chrF in [0, 1] from the runs' n-gram counts (sacrebleu's averaging)."""
    avg_p = avg_r = 0.0
    orders = 0
    for h, r, nh, nr in zip(hyp.ngrams, ref.ngrams, hyp.totals, ref.totals, strict=True):
        if not nh or not nr:
            continue
        small, big = (h, r) if len(h) <= len(r) else (r, h)
        match = 0
        for gram, count in small.items():
            other = big.get(gram)
            if other:
                match += count if count < other else other
        avg_p += match / nh
        avg_r += match / nr
        orders += 1
    if not orders:
        return 0.0
    avg_p, avg_r = avg_p / orders, avg_r / orders
    if not avg_p + avg_r:
        return 0.0
    f = beta * beta
    return (1 + f) * avg_p * avg_r / (f * avg_p + avg_r)


class Scorer:
    """The similarity of any two runs of an Arabic and an English document.

    ``arabic``: the Arabic sentences; ``mt``: their machine translations (same
    length; None for the methods that use no MT); ``english``: the English
    sentences; ``glossary``: a :class:`kzparallel.glossary.Glossary` or None;
    ``fit_length``: fit the length model on the document (False: the corpus-wide
    one). :attr:`length` is the model used.
    """

    def __init__(
        self,
        arabic: Sequence[str],
        english: Sequence[str],
        mt: Sequence[str] | None = None,
        glossary: Any = None,
        method: str = "full",
        dates: Sequence[str | None] | None = None,
        fit_length: bool = True,
    ) -> None:
        if method not in WEIGHTS:
            raise ValueError(f"unknown alignment method {method!r} (one of {', '.join(METHODS)})")
        self.method = method
        self.weights = WEIGHTS[method]
        uses_mt = self.weights[0] > 0
        if uses_mt and mt is None:
            raise ValueError(f"method {method!r} needs the machine translation")
        if mt is not None and len(mt) != len(arabic):
            raise ValueError("one machine translation per Arabic sentence")
        self.n, self.m = len(arabic), len(english)
        ar_names, en_names = glossary_terms(glossary, arabic, english, dates)
        ar_numbers = [written_numbers(t) for t in arabic]
        en_numbers = [written_numbers(t) for t in english]
        src = arabic if mt is None else mt
        self._src = _runs(src, arabic, ar_numbers, ar_names, uses_mt)
        self._tgt = _runs(english, english, en_numbers, en_names, uses_mt)
        self._cache: dict[tuple[int, int, int, int], float] = {}
        self._chrf: dict[tuple[int, int, int, int], float] = {}
        self.mt_weight = 1.0
        self.length: LengthModel = CORPUS_MODEL
        if method == "full":
            self.separation = self._separation()
            self.mt_weight = min(
                1.0, max(0.0, (self.separation - SEPARATION_LOW) / SEPARATION_SPAN)
            )
            w = self.weights
            self.weights = (w[0] * self.mt_weight, w[1], w[2], w[3])
        if fit_length and self.weights[1]:
            self.length = self._fit_length()

    def _fit_length(self) -> LengthModel:
        """The document's length model, fitted on its confident anchors."""
        if not any(w for k, w in enumerate(self.weights) if k != 1):
            return CORPUS_MODEL  # no evidence but length: nothing to fit it on
        links = confident_anchors(self.n, self.m, first_width(self.n, self.m), self.anchor)
        return fit_length_model(
            [(self._src[(i, a)].length, self._tgt[(j, b)].length) for i, a, j, b in links]
        )

    def anchor(self, i: int, a: int, j: int, b: int) -> float | None:
        """The evidence other than length that Arabic ``[i, i+a)`` and English
        ``[j, j+b)`` match (the method's weights; None when none applies)."""
        total = weight = 0.0
        for k, (w, x) in enumerate(zip(self.weights, self.pieces(i, a, j, b), strict=True)):
            if k != 1 and w and not math.isnan(x):
                total += w * x
                weight += w
        return total / weight if weight else None

    def _separation(self) -> float:
        """How much the MT tells the sentences apart: the median, over the Arabic
        sentences, of (best − median) 1-1 chrF against the English sentences of
        the first pass's band. A model whose output matches nothing in particular
        (the random test model) scores 0.02–0.04; the trained test model 0.65–0.83.
        At most SEPARATION_ROWS Arabic sentences (evenly spaced) are looked at."""
        if not self.n or not self.m:
            return 0.0
        width = first_width(self.n, self.m)
        gaps = []
        for i in range(0, self.n, -(-self.n // SEPARATION_ROWS)):  # at most SEPARATION_ROWS
            centre = round(i * self.m / self.n)
            row = [
                self.chrf(i, 1, j, 1)
                for j in range(max(0, centre - width), min(self.m, centre + width + 1))
            ]
            gaps.append(max(row) - statistics.median(row))
        return statistics.median(gaps)

    def chrf(self, i: int, a: int, j: int, b: int) -> float:
        """chrF of the MT of Arabic ``[i, i+a)`` against English ``[j, j+b)`` (cached)."""
        key = (i, a, j, b)
        found = self._chrf.get(key)
        if found is None:
            found = self._chrf[key] = chrf(self._src[(i, a)], self._tgt[(j, b)])
        return found

    def pieces(self, i: int, a: int, j: int, b: int) -> tuple[float, ...]:
        """(chrf, length, numbers, names) for Arabic ``[i, i+a)`` and English ``[j, j+b)``;
        a piece that does not apply is NaN."""
        s, t = self._src[(i, a)], self._tgt[(j, b)]
        c = self.chrf(i, a, j, b) if self.weights[0] else math.nan
        length = length_agreement(s.length, t.length, self.length.ratio, self.length.variance)
        nums = _jaccard(s.numbers, t.numbers)
        names = _jaccard(s.names, t.names)
        return (
            c,
            length,
            math.nan if nums is None else nums,
            math.nan if names is None else names,
        )

    def similarity(self, i: int, a: int, j: int, b: int) -> float:
        """The combined similarity in [0, 1] (cached)."""
        key = (i, a, j, b)
        found = self._cache.get(key)
        if found is not None:
            return found
        total = weight = 0.0
        for w, x in zip(self.weights, self.pieces(i, a, j, b), strict=True):
            if w and not math.isnan(x):
                total += w * x
                weight += w
        value = total / weight if weight else 0.0
        self._cache[key] = value
        return value


def glossary_terms(
    glossary: Any,
    arabic: Sequence[str],
    english: Sequence[str],
    dates: Sequence[str | None] | None,
) -> tuple[list[frozenset[str]], list[frozenset[str]]]:
    """The glossary entry ids named in each Arabic and each English sentence."""
    if glossary is None:
        empty: frozenset[str] = frozenset()
        return [empty] * len(arabic), [empty] * len(english)
    from kzparallel.glossary.enforce import find_form

    day = [None] * len(arabic) if dates is None else list(dates)
    ar = [
        frozenset(m.term for m in glossary.find(text, date=d))
        for text, d in zip(arabic, day, strict=True)
    ]
    wanted = set().union(*ar) if ar else set()
    forms: dict[str, list[str]] = {}
    for entry in glossary.entries:
        if entry.id not in wanted:
            continue  # an English name with no Arabic mention anywhere anchors nothing
        found = []
        for form in (*entry.all_forms(), *entry.periods):
            found += [form.en, *form.also]
        forms[entry.id] = sorted({f for f in found if f}, key=len, reverse=True)
    en = [
        frozenset(term for term, fs in forms.items() if find_form(text, fs) is not None)
        for text in english
    ]
    return ar, en
