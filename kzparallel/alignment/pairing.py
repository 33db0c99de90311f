"""Which English article is the version of which Arabic article (document alignment).

:func:`pair_documents` pairs them

1. **by name**: the same JSONL ``id`` or file stem, a language tag at the end of
   the stem ignored (``001.ar`` / ``001.en``, ``story_ar`` / ``story_en``);
2. otherwise **by content**: chrF (β = 1) of the machine translation of the Arabic
   title and opening sentences against the English title and opening sentences;
   two articles whose dates are both known and more than :data:`MAX_DAYS_APART`
   apart score 0. A one-to-one matching that maximises the total score
   (``scipy.optimize.linear_sum_assignment``) keeps the pairs scoring at least
   :data:`THRESHOLD` and :data:`MARGIN` more than any other candidate of either
   article (articles on the same story share names and numbers: an Arabic article
   without its English version still resembles the others); every other document
   is reported unmatched.

The content score is chrF of the openings or, where higher, the agreement of
the anchors of the whole articles: the mean Jaccard overlap of the numbers
written in digits (when both have some) and of the glossary entries named (when
either names one) — what still tells articles apart when the machine translation
says nothing. ``by="content"``
(``build --pair-by content``) skips the names.

**A pair by name that content disagrees with** (:func:`doubts`): another English
article's content scores at least :data:`MARGIN` more and at least
:data:`THRESHOLD` with the Arabic one (the content points elsewhere), or its
content score is below half of :data:`THRESHOLD` while the other pairs of the
corpus reach :data:`THRESHOLD` in the median. The build warns and reports it; it
keeps the pair (the name may be right and the content thin).
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from sacrebleu.metrics import CHRF

OPENING_SENTENCES = 4  # the title and the first three sentences
MAX_DAYS_APART = 2
THRESHOLD = 0.3
MARGIN = 0.1
# a pair by name whose content scores this much is kept without a doubt, whatever
# else fits: another English article that fits better is then a near-copy (a second
# version of the same story), not a sign that the names were swapped
SURE = 0.6
PAIR_BY = ("name", "content")
_LANGUAGE_TAG = re.compile(r"[._-](?:ar|ara|arabic|en|eng|english)$", re.IGNORECASE)


@dataclass(frozen=True)
class Candidate:
    """One article as document alignment sees it: its id, its name (JSONL ``id`` or
    file stem), its ISO date if known, and its opening in English (the English
    article's own; the Arabic article's machine translation)."""

    doc_id: str
    name: str
    opening: str
    date: str | None = None
    numbers: frozenset[str] = frozenset()  # the numbers written in digits, whole article
    names: frozenset[str] = frozenset()  # the glossary entries named, whole article


@dataclass(frozen=True)
class DocumentPair:
    """An Arabic article and its English version; ``how`` is ``name`` or ``content``."""

    arabic: str
    english: str
    how: str
    score: float


@dataclass
class Pairing:
    pairs: list[DocumentPair]
    unmatched_arabic: list[str]
    unmatched_english: list[str]


def opening(sentences: Sequence[str]) -> str:
    """The opening of an article for :class:`Candidate`: its first
    :data:`OPENING_SENTENCES` sentences (the title and three more), joined."""
    return " ".join(sentences[:OPENING_SENTENCES])


def name_key(name: str) -> str:
    """``"001.ar"`` -> ``"001"``: the name without a trailing language tag."""
    return _LANGUAGE_TAG.sub("", name)


def _days_apart(a: str | None, b: str | None) -> int | None:
    try:
        return abs((dt.date.fromisoformat(a[:10]) - dt.date.fromisoformat(b[:10])).days)  # type: ignore[index]
    except (TypeError, ValueError):
        return None


def content_score(arabic: Candidate, english: Candidate) -> float:
    """chrF (β = 1, in [0, 1]) of the two openings, or the anchors' agreement where
    higher: the mean Jaccard overlap of their numbers (when both have some) and of
    their glossary names (when either has some); 0 when the dates are too far apart."""
    apart = _days_apart(arabic.date, english.date)
    if apart is not None and apart > MAX_DAYS_APART:
        return 0.0
    mt = CHRF(beta=1).sentence_score(arabic.opening, [english.opening]).score / 100
    anchors = []
    if arabic.numbers and english.numbers:
        anchors.append(
            len(arabic.numbers & english.numbers) / len(arabic.numbers | english.numbers)
        )
    if arabic.names or english.names:
        anchors.append(len(arabic.names & english.names) / len(arabic.names | english.names))
    return max(mt, sum(anchors) / len(anchors)) if anchors else mt


@dataclass(frozen=True)
class Doubt:
    """A pair by name whose content disagrees (:func:`doubts`)."""

    arabic: str
    english: str
    content: float  # the pair's content score
    better: str | None  # the English article whose content fits the Arabic one better
    better_score: float
    reason: str

    def to_dict(self) -> dict[str, object]:
        return {
            "arabic": self.arabic, "english": self.english, "content": self.content,
            "better": self.better, "better_score": self.better_score, "reason": self.reason,
        }  # fmt: skip


def doubts(
    pairing: Pairing, arabic: Sequence[Candidate], english: Sequence[Candidate]
) -> list[Doubt]:
    """The pairs by name of ``pairing`` whose content disagrees (module doc)."""
    ar = {c.doc_id: c for c in arabic}
    en = {c.doc_id: c for c in english}
    scores = {p.arabic: content_score(ar[p.arabic], en[p.english]) for p in pairing.pairs}
    out = []
    for p in pairing.pairs:
        if p.how != "name":
            continue
        own = scores[p.arabic]
        others = [v for k, v in scores.items() if k != p.arabic]
        rivals = [
            (content_score(ar[p.arabic], e), e.doc_id) for e in english if e.doc_id != p.english
        ]
        best, better = max(rivals, default=(0.0, None))
        if own < SURE and best >= THRESHOLD and best - own >= MARGIN:
            reason = f"the content of {better} fits it better ({best:.2f} against {own:.2f})"
        elif others and own < THRESHOLD / 2 and statistics.median(others) >= THRESHOLD:
            reason = (
                f"content score {own:.2f}, the corpus's other pairs "
                f"{statistics.median(others):.2f} in the median"
            )
            better, best = None, 0.0
        else:
            continue
        out.append(Doubt(p.arabic, p.english, round(own, 4), better, round(best, 4), reason))
    return out


def pair_documents(
    arabic: Sequence[Candidate],
    english: Sequence[Candidate],
    threshold: float = THRESHOLD,
    margin: float = MARGIN,
    by: str = "name",
) -> Pairing:
    """Pair Arabic articles with English ones (see the module docstring); the pairs
    come in the order of ``arabic``. ``by``: ``"name"`` (names, then content) or
    ``"content"`` (content only)."""
    if by not in PAIR_BY:
        raise ValueError(f"unknown pairing {by!r} (one of {', '.join(PAIR_BY)})")
    from scipy.optimize import linear_sum_assignment

    by_name = {}
    for en in english:
        by_name.setdefault(name_key(en.name), en)
    pairs: dict[str, DocumentPair] = {}
    used: set[str] = set()
    for ar in arabic if by == "name" else ():
        en = by_name.get(name_key(ar.name))
        if en is not None and en.doc_id not in used:
            pairs[ar.doc_id] = DocumentPair(ar.doc_id, en.doc_id, "name", 1.0)
            used.add(en.doc_id)
    rest_ar = [a for a in arabic if a.doc_id not in pairs]
    rest_en = [e for e in english if e.doc_id not in used]
    if rest_ar and rest_en:
        scores = [[content_score(a, e) for e in rest_en] for a in rest_ar]
        rows, cols = linear_sum_assignment(scores, maximize=True)
        for r, c in zip(rows, cols, strict=True):
            others = [v for k, v in enumerate(scores[r]) if k != c]
            others += [row[c] for k, row in enumerate(scores) if k != r]
            runner_up = max(others, default=0.0)
            if scores[r][c] >= threshold and scores[r][c] - runner_up >= margin:
                a, e = rest_ar[r], rest_en[c]
                pairs[a.doc_id] = DocumentPair(
                    a.doc_id, e.doc_id, "content", round(scores[r][c], 4)
                )
                used.add(e.doc_id)
    return Pairing(
        [pairs[a.doc_id] for a in arabic if a.doc_id in pairs],
        [a.doc_id for a in arabic if a.doc_id not in pairs],
        [e.doc_id for e in english if e.doc_id not in used],
    )
