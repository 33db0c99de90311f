"""The length model of one document pair: how many English characters to expect
per Arabic character (Gale & Church's ``c``) and how much that varies (``s²``).

A sentence-by-sentence translation of the seeds has about :data:`AR_RATIO` English
characters per Arabic one; a freer English version (shorter sentences, summaries)
can have two thirds of that, and then a fixed ``c`` pulls links off by a sentence.
The totals do not tell either: an English version that leaves out half of the
Arabic has half the characters even when what it keeps is translated in full. So
:func:`fit_length_model` measures ``c`` and ``s²`` on the document's **confident
anchors** (:func:`confident_anchors`: links whose evidence other than length —
numbers, glossary names, the machine translation's chrF when it tells sentences
apart — is strong, on the best path that evidence alone gives). The fit is robust
(the median of the log ratios; ``s²`` from the median δ²) and shrunk towards the
corpus-wide figures by :data:`PRIOR_ANCHORS` pseudo-anchors. The corpus-wide
model stays in use

* with fewer than :data:`MIN_ANCHORS` anchors (a short document, or one without
  numbers and names): too little to measure;
* when the fitted ratio is within :data:`SAME_RATIO` (±10 %) of the corpus's: the
  seeds' own documents spread that much (1.12–1.35), and the link costs were
  set with the corpus figure;

and ``s²`` is never taken below the corpus's (the median δ² of well-matched
anchors is smaller than the spread the merges of the dynamic programming meet).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

from kzparallel.alignment.dp import align_banded

AR_RATIO = 1.22  # English characters per Arabic character (seeds/references/, 94 paragraphs)
AR_VARIANCE = 3.6  # s² of the same measurement (Gale & Church's own en-de/en-fr: 6.8)
ANCHOR_MIN = 0.6  # the evidence (other than length) of a confident anchor, at least
MIN_ANCHORS = 4  # fewer confident anchors: the corpus-wide model
PRIOR_ANCHORS = 2.0  # the corpus-wide model counts as this many anchors in the fit
SAME_RATIO = 0.1  # |log(fitted / corpus ratio)| at most this: the corpus-wide model
RATIO_LIMITS = (0.25, 4.0)
VARIANCE_LIMITS = (1.0, 12.0)
NO_EVIDENCE = -0.1  # the anchor pass's gain for a link without numbers, names (or MT)
ANCHOR_MERGE = 0.05  # ... and its cost per sentence beyond 1-1
ANCHOR_KINDS = ((1, 1), (1, 0), (0, 1), (2, 1), (1, 2))
CHI2_MEDIAN = 0.4549  # median of χ² with one degree of freedom (δ² of true links)


@dataclass(frozen=True)
class LengthModel:
    """``ratio`` (c) and ``variance`` (s²) of Gale & Church's length model as the
    aligner uses them; ``source`` ``"document"`` (fitted) or ``"corpus"`` (the
    corpus-wide figures) and ``reason`` why; ``anchors`` the confident anchors
    found and ``fitted`` the ratio they gave (None: not fitted)."""

    ratio: float
    variance: float
    source: str = "corpus"
    reason: str = "the corpus-wide figures"
    anchors: int = 0
    fitted: float | None = None

    def to_dict(self) -> dict[str, float | int | str | None]:
        out = asdict(self)
        for key in ("ratio", "variance", "fitted"):
            if out[key] is not None:
                out[key] = round(out[key], 4)
        return out


CORPUS_MODEL = LengthModel(AR_RATIO, AR_VARIANCE)


def gale_church_delta(l_src: float, l_tgt: float, ratio: float, variance: float) -> float:
    """Gale & Church's normalised length difference δ (about N(0, 1) for translations)."""
    mean = (l_src + l_tgt / ratio) / 2
    return (l_tgt - ratio * l_src) / math.sqrt(max(mean, 1.0) * variance)


def confident_anchors(
    n: int,
    m: int,
    width: int,
    evidence: Callable[[int, int, int, int], float | None],
    minimum: float = ANCHOR_MIN,
) -> list[tuple[int, int, int, int]]:
    """The links ``(i, a, j, b)`` (Arabic ``[i, i+a)``, English ``[j, j+b)``) with
    ``evidence`` (None: none applies) of at least ``minimum`` on the best path of
    :data:`ANCHOR_KINDS` links (the two passes of :func:`~kzparallel.alignment.dp.align_banded`:
    1-1, 1-0 and 0-1 in a band of ``width`` around the scaled diagonal, then all
    of them near that path), scored by that evidence alone: a link earns ``evidence − minimum −
    ANCHOR_MERGE × (a + b − 2)`` (not more for more sentences: a sentence without
    numbers or names would join any link for free), one without evidence
    :data:`NO_EVIDENCE`. The length plays no part, so the ratio fitted on the
    anchors cannot steer them; 2-1 and 1-2 links keep a sentence the English
    merges or splits from passing for a 1-1 anchor of half the length."""
    if not n or not m:
        return []
    found: dict[tuple[int, int, int, int], float | None] = {}

    def value(i: int, a: int, j: int, b: int) -> float | None:
        key = (i, a, j, b)
        if key not in found:
            found[key] = evidence(i, a, j, b)
        return found[key]

    def gain(i: int, a: int, j: int, b: int) -> float:
        if not a or not b:
            return 0.0
        x = value(i, a, j, b)
        if x is None:
            return NO_EVIDENCE
        return x - minimum - ANCHOR_MERGE * (a + b - 2)

    path = align_banded(n, m, gain, wide=width, kinds=ANCHOR_KINDS)
    return [link for link in path if link[1] and link[3] and (value(*link) or 0.0) >= minimum]


def fit_length_model(
    lengths: Sequence[tuple[int, int]], prior: LengthModel = CORPUS_MODEL
) -> LengthModel:
    """The model of a document from the (Arabic, English) character lengths of its
    confident anchors (module doc); ``prior``'s figures where the fit is not used."""
    kept = [(a, e) for a, e in lengths if a > 0 and e > 0]
    k = len(kept)
    if k < MIN_ANCHORS:
        reason = f"{k} confident anchor(s), fewer than {MIN_ANCHORS}"
        return LengthModel(prior.ratio, prior.variance, "corpus", reason, k)
    share = k / (k + PRIOR_ANCHORS)
    log_ratio = statistics.median(math.log(e / a) for a, e in kept)
    ratio = math.exp(share * log_ratio + (1 - share) * math.log(prior.ratio))
    ratio = min(max(ratio, RATIO_LIMITS[0]), RATIO_LIMITS[1])
    if abs(math.log(ratio / prior.ratio)) <= SAME_RATIO:
        reason = f"fitted ratio {ratio:.2f} within {SAME_RATIO:.0%} of {prior.ratio:.2f}"
        return LengthModel(prior.ratio, prior.variance, "corpus", reason, k, ratio)
    # δ² with s² = 1 for each anchor: its median is CHI2_MEDIAN × s²
    squares = [gale_church_delta(a, e, ratio, 1.0) ** 2 for a, e in kept]
    measured = max(statistics.median(squares) / CHI2_MEDIAN, VARIANCE_LIMITS[0])
    variance = math.exp(share * math.log(measured) + (1 - share) * math.log(prior.variance))
    variance = min(max(variance, prior.variance), VARIANCE_LIMITS[1])
    reason = f"fitted on {k} confident anchors"
    return LengthModel(ratio, variance, "document", reason, k, ratio)
