"""Which English words the decoder's cross-attention aligns with an Arabic term.

The repair layer (:mod:`kzparallel.glossary.enforce`) prefers the look-alike
span that :func:`aligned_span` points at, and with a confident alignment and no
look-alike replaces the aligned name itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from kzparallel.glossary.model import Mention
from kzparallel.translation.base import Translation


def _piece_spans(pieces: Sequence[str], text: str) -> list[tuple[int, int] | None]:
    """Character span of each sentencepiece piece in ``text`` (None if not found)."""
    spans: list[tuple[int, int] | None] = []
    cursor = 0
    for piece in pieces:
        p = piece.replace("▁", "")
        if not p or (p.startswith("<") and p.endswith(">")):
            spans.append(None)
            continue
        at = text.find(p, cursor)
        if at < 0 or at - cursor > 8:
            spans.append(None)
            continue
        spans.append((at, at + len(p)))
        cursor = at + len(p)
    return spans


def _word_span(text: str, s: int, e: int) -> tuple[int, int]:
    while s > 0 and (text[s - 1].isalnum() or text[s - 1] == "-"):
        s -= 1
    while e < len(text) and (text[e].isalnum() or text[e] == "-"):
        e += 1
    return s, e


def aligned_span(
    translation: Translation, ar: str, en: str, m: Mention
) -> tuple[int, int, float] | None:
    """The English span the best hypothesis' cross-attention aligns with
    mention ``m``, and the mean attention mass its tokens put on the mention."""
    att = translation.attention
    tgt = translation.hypotheses[0].tokens if translation.hypotheses else []
    if not att or not tgt or not translation.src_tokens:
        return None
    src_spans = _piece_spans(translation.src_tokens, ar)
    src_idx = {
        i for i, sp in enumerate(src_spans) if sp is not None and sp[0] < m.end and m.start < sp[1]
    }
    if not src_idx:
        return None
    tgt_spans = _piece_spans(tgt, en)
    hits: list[tuple[int, int]] = []
    mass: list[float] = []
    for t in range(min(len(att), len(tgt_spans))):
        row = att[t]
        if not row or tgt_spans[t] is None:
            continue
        best = max(range(len(row)), key=row.__getitem__)
        if best in src_idx:
            hits.append(tgt_spans[t])  # type: ignore[arg-type]
            mass.append(sum(row[i] for i in src_idx if i < len(row)))
    if not hits:
        return None
    s, e = _word_span(en, min(h[0] for h in hits), max(h[1] for h in hits))
    return s, e, sum(mass) / len(mass)
