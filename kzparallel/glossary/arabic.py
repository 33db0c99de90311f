"""Arabic normalisation for matching, with a map back to the original offsets.

Matching happens on a normalised copy of the text; spans are reported in the
original. :func:`normalize` returns the normalised string and, for every
character in it, the offset of the original character it came from.

Rules (each one is tested):

* diacritics (harakat, tanwin, shadda, sukun, superscript alef, Quranic marks)
  and tatweel are dropped; so are zero-width and bidi control characters;
* alef forms أ إ آ ٱ → ا; alef maqsura ى → ي; ta marbuta ة → ه;
* hamza seats ؤ → و, ئ → ي (a bare ء is kept);
* Persian/Urdu letters: ی ې ے → ي, ک ڪ گ → ك, ہ ۀ ھ ە → ه, پ → ب, چ → ج,
  ژ → ز, ڤ → ف, ڨ → ق, ٹ → ت, ڈ → د, ڑ → ر, ں → ن;
* Arabic presentation forms (ligatures) are decomposed with NFKC;
* Arabic-Indic and Persian digits → ASCII digits; ASCII letters → lower case.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

_DROP_MARKS: frozenset[int] = frozenset(
    [
        *range(0x0610, 0x061B),
        *range(0x064B, 0x0660),
        0x0670,
        *range(0x06D6, 0x06DD),
        *range(0x06DF, 0x06E5),
        0x06E7,
        0x06E8,
        *range(0x06EA, 0x06EE),
        0x0640,
    ]
)
_DROP_CONTROLS: frozenset[int] = frozenset(
    [*range(0x200B, 0x2010), 0x061C, *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF]
)

_MAP: dict[str, str] = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ٲ": "ا",
    "ٳ": "ا",
    "ى": "ي",
    "ة": "ه",
    "ؤ": "و",
    "ئ": "ي",
    "ی": "ي",
    "ې": "ي",
    "ے": "ي",
    "ۍ": "ي",
    "ک": "ك",
    "ڪ": "ك",
    "گ": "ك",
    "ہ": "ه",
    "ۀ": "ه",
    "ھ": "ه",
    "ە": "ه",
    "پ": "ب",
    "چ": "ج",
    "ژ": "ز",
    "ڤ": "ف",
    "ڨ": "ق",
    "ٹ": "ت",
    "ڈ": "د",
    "ڑ": "ر",
    "ں": "ن",
}
for _i in range(10):
    _MAP[chr(0x0660 + _i)] = str(_i)
    _MAP[chr(0x06F0 + _i)] = str(_i)


def _is_presentation_form(ch: str) -> bool:
    cp = ord(ch)
    return 0xFB50 <= cp <= 0xFDFF or 0xFE70 <= cp <= 0xFEFF


def _fold(ch: str) -> str:
    """The normalised form of one character ("" when it is dropped)."""
    cp = ord(ch)
    if cp in _DROP_MARKS or cp in _DROP_CONTROLS:
        return ""
    if ch in _MAP:
        return _MAP[ch]
    if "A" <= ch <= "Z":
        return ch.lower()
    if _is_presentation_form(ch):
        decomposed = unicodedata.normalize("NFKC", ch)
        if decomposed == ch:  # no compatibility mapping (e.g. U+FD3E, U+FBB2): kept as is
            return ch
        return "".join(_fold(c) for c in decomposed)
    return ch


@dataclass(frozen=True)
class Normalized:
    """A normalised string and where each of its characters came from.

    ``offsets[i]`` is the offset in ``original`` of the character that
    produced ``text[i]``; ``offsets[len(text)] == len(original)``.
    """

    original: str
    text: str
    offsets: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalised span ``[start, end)`` back to the original text.

        Diacritics and tatweel written right after the last character belong
        to the span (they are part of the word as written).
        """
        if start >= end:
            pos = self.offsets[start]
            return pos, pos
        o_start = self.offsets[start]
        o_end = self.offsets[end - 1] + 1
        while o_end < len(self.original) and ord(self.original[o_end]) in _DROP_MARKS:
            o_end += 1
        return o_start, o_end


def normalize(text: str) -> Normalized:
    """Normalise ``text`` for matching, keeping the offset map."""
    out: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        folded = _fold(ch)
        out.append(folded)
        offsets.extend([i] * len(folded))
    offsets.append(len(text))
    return Normalized(text, "".join(out), tuple(offsets))


def normalize_text(text: str) -> str:
    """Just the normalised string (glossary variants, lookups)."""
    return "".join(_fold(ch) for ch in text)


def has_arabic(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" or _is_presentation_form(ch) for ch in text)
