"""How parallel an aligned document pair is: its parallelism score
(:func:`measure_parallelism`) and the long runs of sentences without a counterpart
(:func:`long_runs`).

The **parallelism score** is the share of the less covered side that is in
two-sided links, by characters: a close translation covers nearly all of both
sides (1.0); an English version that leaves out half of the Arabic covers half of
the Arabic (0.5), however well what it keeps is linked. Below
:data:`PARTIAL_BELOW` the pair is flagged as a **partial** translation. Each
side's share and the mean score of the two-sided links (their similarity) are
recorded with it.

A run of :data:`LONG_RUN` or more consecutive Arabic sentences in 1-0 links (or
English sentences in 0-1 links) is a passage one version has and the other does
not — a quotation, an attribution chain, a background paragraph the English left
out, or English of its own — or a stretch the aligner could not match: either way
worth a look, so it is reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from kzparallel.records import Link

LONG_RUN = 3  # consecutive one-sided sentences from which a run is reported
PARTIAL_BELOW = 0.7  # a parallelism score below this: a partial translation


@dataclass(frozen=True)
class Parallelism:
    """The shares of each side's characters in two-sided links, the mean score of
    those links, the score (the smaller share) and whether it marks the pair as a
    partial translation."""

    ar_covered: float
    en_covered: float
    mean_link_score: float
    score: float
    partial: bool

    def to_dict(self) -> dict[str, float | bool]:
        out = asdict(self)
        for key in ("ar_covered", "en_covered", "mean_link_score", "score"):
            out[key] = round(out[key], 4)
        return out


def measure_parallelism(
    links: Sequence[Link], arabic: Sequence[str], english: Sequence[str]
) -> Parallelism:
    """The :class:`Parallelism` of ``links`` between the sentences ``arabic`` and
    ``english`` (a side without characters counts as covered: nothing is missing)."""
    two = [k for k in links if k.ar_sents and k.en_sents]
    ar_total, en_total = sum(map(len, arabic)), sum(map(len, english))
    ar = sum(len(arabic[i]) for k in two for i in k.ar_sents)
    en = sum(len(english[j]) for k in two for j in k.en_sents)
    ar_covered = ar / ar_total if ar_total else 1.0
    en_covered = en / en_total if en_total else 1.0
    if not ar_total and not en_total:
        ar_covered = en_covered = 0.0  # nothing to align: nothing parallel
    mean = sum(k.score for k in two) / len(two) if two else 0.0
    score = min(ar_covered, en_covered)
    return Parallelism(ar_covered, en_covered, mean, score, score < PARTIAL_BELOW)


@dataclass(frozen=True)
class Run:
    """``sentences`` consecutive sentences of ``side`` (``"ar"``: 1-0 links, ``"en"``:
    0-1 links) from sentence ``start`` (0-based in that document)."""

    side: str
    start: int
    sentences: int

    def to_dict(self) -> dict[str, int | str]:
        return asdict(self)


def _runs(indices: list[int], side: str, minimum: int) -> list[Run]:
    out: list[Run] = []
    start = prev = None
    for k in [*sorted(indices), None]:
        if k is not None and prev is not None and k == prev + 1:
            prev = k
            continue
        if start is not None and prev is not None and prev - start + 1 >= minimum:
            out.append(Run(side, start, prev - start + 1))
        start = prev = k
    return out


def long_runs(links: Sequence[Link], minimum: int = LONG_RUN) -> list[Run]:
    """The runs of at least ``minimum`` consecutive one-sided sentences, the Arabic
    ones first, each side in document order."""
    arabic = [i for k in links if not k.en_sents for i in k.ar_sents]
    english = [j for k in links if not k.ar_sents for j in k.en_sents]
    return _runs(arabic, "ar", minimum) + _runs(english, "en", minimum)
