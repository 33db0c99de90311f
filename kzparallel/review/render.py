"""What the review page shows of a pair: glossary highlights and alignment words.

Everything here returns plain text pieces; the templates escape them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

PALETTE = 8  # number of term colours in review.css (t0 .. t7)
_SPECIAL = {"</s>", "<pad>", "<unk>", "<s>"}


@dataclass(frozen=True)
class Piece:
    """A run of text; ``colour`` is the term colour (None: plain text)."""

    text: str
    colour: int | None = None
    title: str = ""


def term_colours(terms: Sequence[dict[str, Any]]) -> dict[str, int]:
    """One colour per glossary entry of the pair (same entry, same colour)."""
    colours: dict[str, int] = {}
    for t in terms:
        key = str(t.get("term") or t.get("en") or "")
        if key and key not in colours:
            colours[key] = len(colours) % PALETTE
    return colours


def _key(t: dict[str, Any]) -> str:
    return str(t.get("term") or t.get("en") or "")


def _pieces(text: str, spans: list[tuple[int, int, int, str]]) -> list[Piece]:
    out: list[Piece] = []
    pos = 0
    for start, end, colour, title in sorted(spans):
        if start < pos or end <= start or end > len(text):
            continue  # overlapping or out of range: left plain
        if start > pos:
            out.append(Piece(text[pos:start]))
        out.append(Piece(text[start:end], colour, title))
        pos = end
    if pos < len(text):
        out.append(Piece(text[pos:]))
    return out


def ar_pieces(ar: str, terms: Sequence[dict[str, Any]]) -> list[Piece]:
    """The Arabic with each glossary mention (``start``/``end``) marked."""
    colours = term_colours(terms)
    spans = [
        (t["start"], t["end"], colours[_key(t)], str(t.get("en") or ""))
        for t in terms
        if isinstance(t.get("start"), int) and isinstance(t.get("end"), int) and _key(t)
    ]
    return _pieces(ar, spans)


def en_pieces(en: str, terms: Sequence[dict[str, Any]]) -> list[Piece]:
    """The English with each term's English form (``en``) marked where it occurs."""
    colours = term_colours(terms)
    spans: list[tuple[int, int, int, str]] = []
    forms = sorted({str(t.get("en") or "") for t in terms if t.get("en")}, key=len, reverse=True)
    taken: list[tuple[int, int]] = []
    for form in forms:
        colour = next(colours[_key(t)] for t in terms if t.get("en") == form and _key(t))
        pattern = re.compile(r"(?<!\w)" + re.escape(form) + r"(?!\w)", re.IGNORECASE)
        for m in pattern.finditer(en):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            spans.append((m.start(), m.end(), colour, form))
    return _pieces(en, spans)


def token_words(tokens: Sequence[str]) -> tuple[list[str], list[int]]:
    """Sentencepiece tokens grouped into words: (words, word index of each token; -1 = none)."""
    words: list[str] = []
    index: list[int] = []
    pending = False  # a bare "▁" was seen: the next piece starts a word
    for tok in tokens:
        if tok in _SPECIAL:
            index.append(-1)
            continue
        text = tok.lstrip("▁")
        if not text:
            pending = True
            index.append(len(words))
            continue
        if tok.startswith("▁") or pending or not words:
            words.append(text)
        else:
            words[-1] += text
        pending = False
        index.append(len(words) - 1)
    index = [i if i < len(words) else -1 for i in index]
    return words, index


@dataclass
class AlignmentView:
    """Word-level view of a pair's cross-attention alignment."""

    src: list[tuple[str, list[int]]] = field(default_factory=list)  # word, aligned tgt words
    tgt: list[str] = field(default_factory=list)


def alignment_view(
    alignment: Sequence[Sequence[int]] | None,
    src_tokens: Sequence[str] | None,
    tgt_tokens: Sequence[str] | None,
) -> AlignmentView | None:
    """Source words with the target words aligned to them, or None without an alignment."""
    if not alignment or not src_tokens or not tgt_tokens:
        return None
    src_words, src_index = token_words(src_tokens)
    tgt_words, tgt_index = token_words(tgt_tokens)
    links: list[set[int]] = [set() for _ in src_words]
    for link in alignment:
        if len(link) != 2:
            continue
        s, t = int(link[0]), int(link[1])
        if 0 <= s < len(src_index) and 0 <= t < len(tgt_index):
            sw, tw = src_index[s], tgt_index[t]
            if sw >= 0 and tw >= 0:
                links[sw].add(tw)
    return AlignmentView(
        [(w, sorted(links[i])) for i, w in enumerate(src_words) if w], list(tgt_words)
    )


def split_points(ar: str) -> list[tuple[int, str]]:
    """Where a sentence can be split (after each space run), with a label for each."""
    points: list[tuple[int, str]] = []
    for m in re.finditer(r"\s+", ar):
        at = m.end()
        if at >= len(ar) or m.start() == 0:
            continue
        before = ar[: m.start()].split()[-2:]
        after = ar[at:].split()[:2]
        points.append((at, f"{' '.join(before)} | {' '.join(after)}"))
    return points
