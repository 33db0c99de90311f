"""Sentence alignment of two lists of sentences: :func:`align_pair` (the links and
what the document's alignment measured: :class:`Alignment`), :func:`align_sentences`
(the links only).

A link of ``a`` Arabic and ``b`` English sentences (both ≥ 1) earns
``(a + b) / 2 × (similarity − threshold) − penalty[a-b]``; a 1-0 or 0-1 link earns
nothing. The best total over the document (:mod:`kzparallel.alignment.dp`) is the
alignment: a pair of sentences is linked only when their similarity is above the
threshold, and two sentences are joined in one link only when the joined text
matches clearly better than either sentence alone (the penalty).

In a document estimated to have more of one side without a counterpart than the
gold sets' close translations (:mod:`kzparallel.alignment.link_costs`), a sentence of
that side left on its own earns the document's one-sided gain, and a link pays it
for each sentence of that side beyond the first: a passage the English left out
stays a run of 1-0 links instead of being joined to a neighbour's link (a 2-1) or
shifting the links after it. Close translations keep the gold sets' costs (0).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kzparallel.alignment.confidence import shipped_calibration
from kzparallel.alignment.dp import align_banded
from kzparallel.alignment.length_model import LengthModel
from kzparallel.alignment.link_costs import LinkCosts, estimate_link_costs
from kzparallel.alignment.parallelism import Parallelism, Run, long_runs, measure_parallelism
from kzparallel.alignment.similarity import Scorer
from kzparallel.records import Link

# threshold per method: the similarity below which two sentences are not linked
THRESHOLDS = {"full": 0.35, "mt": 0.3, "length": 0.2, "anchors": 0.4}
PENALTIES = {
    (1, 1): 0.0,
    (2, 1): 0.08,
    (1, 2): 0.08,
    (2, 2): 0.2,
    (3, 1): 0.16,
    (1, 3): 0.16,
}


@dataclass
class AlignParams:
    """The aligner's settings (defaults measured on the gold sets, see the README)."""

    method: str = "full"  # full | mt | length | anchors (kzparallel.alignment.similarity)
    threshold: float | None = None  # None: THRESHOLDS[method]
    penalties: dict[tuple[int, int], float] = field(default_factory=lambda: dict(PENALTIES))
    narrow: int = 4  # second-pass band around the first path
    fit_length: bool = True  # the document's own length model (False: the corpus-wide one)
    fit_costs: bool = True  # one-sided links' gains from the document (False: 0, the gold sets')

    def cutoff(self) -> float:
        return THRESHOLDS[self.method] if self.threshold is None else self.threshold


@dataclass
class Alignment:
    """A document pair's links and what its alignment measured on the way."""

    links: list[Link]
    length: LengthModel  # the length model used (kzparallel.alignment.length_model)
    costs: LinkCosts  # the one-sided links' gains (kzparallel.alignment.link_costs)
    runs: list[Run]  # long runs of one-sided sentences (kzparallel.alignment.parallelism)
    parallelism: Parallelism  # the parallelism score (kzparallel.alignment.parallelism)

    def summary(self) -> dict[str, Any]:
        """What ``links.jsonl`` and the manifest record about the document's alignment."""
        return {
            "parallelism": self.parallelism.to_dict(),
            "length_model": self.length.to_dict(),
            "link_costs": self.costs.to_dict(),
            "long_runs": [r.to_dict() for r in self.runs],
        }


def align_sentences(
    arabic: Sequence[str],
    english: Sequence[str],
    mt: Sequence[str] | None = None,
    glossary: Any = None,
    params: AlignParams | None = None,
    dates: Sequence[str | None] | None = None,
) -> list[Link]:
    """Align ``arabic`` (with its machine translation ``mt``) to ``english``.

    ``dates`` (one per Arabic sentence, or None) choose the glossary's dated forms.
    """
    return align_pair(arabic, english, mt, glossary, params, dates).links


def align_pair(
    arabic: Sequence[str],
    english: Sequence[str],
    mt: Sequence[str] | None = None,
    glossary: Any = None,
    params: AlignParams | None = None,
    dates: Sequence[str | None] | None = None,
) -> Alignment:
    """:func:`align_sentences` with what the alignment measured (:class:`Alignment`)."""
    params = params or AlignParams()
    scorer = Scorer(arabic, english, mt, glossary, params.method, dates, params.fit_length)
    tau = params.cutoff()
    penalties = params.penalties

    costs = (
        estimate_link_costs(sum(map(len, arabic)), sum(map(len, english)), scorer.length.ratio)
        if params.fit_costs
        else LinkCosts()
    )

    def gain(i: int, a: int, j: int, b: int) -> float:
        if a == 0:
            return costs.english_only
        if b == 0:
            return costs.arabic_only
        extra = costs.arabic_only * (a - 1) + costs.english_only * (b - 1)
        return (a + b) / 2 * (scorer.similarity(i, a, j, b) - tau) - penalties[(a, b)] - extra

    raw = align_banded(len(arabic), len(english), gain, narrow=params.narrow)
    calibration = shipped_calibration()
    links = []
    for i, a, j, b in raw:
        if a and b:
            score = scorer.similarity(i, a, j, b)
        elif a:
            score = 1.0 - _best_partner(scorer, i, len(english), "ar")
        else:
            score = 1.0 - _best_partner(scorer, j, len(arabic), "en")
        kind, score = f"{a}-{b}", round(min(1.0, max(0.0, score)), 4)
        links.append(
            Link(
                ar=" ".join(arabic[i : i + a]),
                en=" ".join(english[j : j + b]),
                ar_sents=list(range(i, i + a)),
                en_sents=list(range(j, j + b)),
                kind=kind,
                score=score,
                confidence=calibration.confidence(kind, score) if calibration else None,
            )
        )
    return Alignment(
        links, scorer.length, costs, long_runs(links), measure_parallelism(links, arabic, english)
    )


def _best_partner(scorer: Scorer, index: int, others: int, side: str, reach: int = 3) -> float:
    """The best 1-1 similarity of one unlinked sentence with the sentences of the
    other document near its position (``reach`` each side of the scaled position)."""
    if not others:
        return 0.0
    n, m = (scorer.n, scorer.m) if side == "ar" else (scorer.m, scorer.n)
    centre = round(index * m / n) if n else 0
    best = 0.0
    for k in range(max(0, centre - reach), min(others, centre + reach + 1)):
        i, j = (index, k) if side == "ar" else (k, index)
        best = max(best, scorer.similarity(i, 1, j, 1))
    return best
