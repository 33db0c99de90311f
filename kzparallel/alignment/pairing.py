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
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sacrebleu.metrics import CHRF

OPENING_SENTENCES = 4  # the title and the first three sentences
MAX_DAYS_APART = 2
THRESHOLD = 0.3
MARGIN = 0.1
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
    """chrF (β = 1, in [0, 1]) of the two openings; 0 when the dates are too far apart."""
    apart = _days_apart(arabic.date, english.date)
    if apart is not None and apart > MAX_DAYS_APART:
        return 0.0
    return CHRF(beta=1).sentence_score(arabic.opening, [english.opening]).score / 100


def pair_documents(
    arabic: Sequence[Candidate],
    english: Sequence[Candidate],
    threshold: float = THRESHOLD,
    margin: float = MARGIN,
) -> Pairing:
    """Pair Arabic articles with English ones (see the module docstring); the pairs
    come in the order of ``arabic``."""
    from scipy.optimize import linear_sum_assignment

    by_name = {}
    for en in english:
        by_name.setdefault(name_key(en.name), en)
    pairs: dict[str, DocumentPair] = {}
    used: set[str] = set()
    for ar in arabic:
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
