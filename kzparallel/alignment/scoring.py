"""Link precision, recall and F1 against gold alignments, strict and lax, counted
the way Vecalign's and Bertalign's scorer counts them (``score.py`` of Vecalign,
after Sennrich & Volk's lax/strict measures, https://aclanthology.org/W11-4624/):

* a test link is a **strict** true positive when it is exactly a gold link, a
  **lax** one when it shares an Arabic sentence with a gold link and one of that
  gold link's English sentences;
* precision is counted over all test links (1-0 and 0-1 included); recall is
  precision with gold and test swapped after 1-0 and 0-1 links are removed from
  both;
* counts are summed over documents before dividing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Links = Sequence[tuple[Sequence[int], Sequence[int]]]


@dataclass
class LinkScores:
    """Strict and lax precision, recall and F1 (each in [0, 1])."""

    precision: float
    recall: float
    f1: float
    lax_precision: float
    lax_recall: float
    lax_f1: float


def _counts(gold: Links, test: Links) -> tuple[int, int, int, int]:
    """(strict tp, strict fp, lax tp, lax fp) of ``test`` against ``gold``."""
    gold_set = {(tuple(a), tuple(e)) for a, e in gold if a or e}
    test_set = {(tuple(a), tuple(e)) for a, e in test if a or e}
    targets: dict[int, set[int]] = defaultdict(set)
    for a, e in gold_set:
        for i in a:
            targets[i].update(e)
    tp = fp = ltp = lfp = 0
    for a, e in test_set:
        if (a, e) in gold_set:
            tp += 1
            ltp += 1
            continue
        fp += 1
        reach = set().union(*(targets[i] for i in a)) if a else set()
        if reach & set(e):
            ltp += 1
        else:
            lfp += 1
    return tp, fp, ltp, lfp


def _ratio(a: int, b: int) -> float:
    return a / (a + b) if a + b else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score_alignments(pairs: Iterable[tuple[Links, Links]]) -> LinkScores:
    """Scores over documents: ``pairs`` of (gold links, test links)."""
    pc = [0, 0, 0, 0]
    rc = [0, 0, 0, 0]
    for gold, test in pairs:
        pc = [x + y for x, y in zip(pc, _counts(gold, test), strict=True)]
        gold_kept = [(a, e) for a, e in gold if a and e]
        test_kept = [(a, e) for a, e in test if a and e]
        rc = [x + y for x, y in zip(rc, _counts(test_kept, gold_kept), strict=True)]
    p, r = _ratio(pc[0], pc[1]), _ratio(rc[0], rc[1])
    lp, lr = _ratio(pc[2], pc[3]), _ratio(rc[2], rc[3])
    return LinkScores(p, r, _f1(p, r), lp, lr, _f1(lp, lr))
