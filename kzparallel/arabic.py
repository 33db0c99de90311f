"""Arabic text helpers every layer uses: normalisation for matching (with a
map back to the original offsets), the script tests, and numbers in any digit
script.

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

import re
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


# -- script tests ---------------------------------------------------------------
# Two questions, two answers: "is this Arabic text?" needs a letter (a line of
# Arabic-Indic digits or punctuation is not an article); "is Arabic left in this
# English?" counts any character of the Arabic blocks, digits and commas too.
_ARABIC_LETTER = re.compile(
    r"[\u0621-\u064A\u0671-\u06D3\u06FA-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFC]"
)
_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


def has_arabic(text: str) -> bool:
    """Whether ``text`` has an Arabic letter (ingest and cleaning: Arabic text)."""
    return _ARABIC_LETTER.search(text) is not None


def has_arabic_script(text: str) -> bool:
    """Whether ``text`` has any Arabic-script character, digits and punctuation
    included (QA: Arabic left untranslated in the English)."""
    return _ARABIC_SCRIPT.search(text) is not None


# -- numbers ----------------------------------------------------------------------

# Arabic-Indic and Persian digits to ASCII.
ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# a number: digit groups joined by one separator character
_NUMBER = re.compile(r"\d+(?:[.,:٫٬][0-9]+)*")


def normalise_number(token: str) -> str:
    """Canonical form of one number token (digits already ASCII).

    ``1,000`` → ``1000``; ``9.00`` → ``9``; ``9:00`` → ``9``; ``2.50`` → ``2.5``.
    """
    t = token.replace("٬", ",").replace("٫", ".")
    # thousands separators: groups of exactly three digits after ',' (or '.' when
    # there are several of them, as in 1.000.000)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", t):
        t = t.replace(",", "")
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3}){2,}", t):
        t = t.replace(".", "")
    t = t.replace(",", ".").replace(":", ".")
    if "." in t:
        whole, _, frac = t.partition(".")
        frac = frac.rstrip("0")
        t = f"{whole}.{frac}" if frac else whole
        if "." in t[len(whole) + 1 :]:  # several groups (e.g. 1.2.3): keep as is
            return t
    return t.lstrip("0") or "0"


def numbers_in(text: str) -> list[str]:
    """Normalised numbers in ``text`` (any digit script), in text order (QA:
    every number of the Arabic is in the English)."""
    return [normalise_number(m.group()) for m in _NUMBER.finditer(text.translate(ARABIC_DIGITS))]


_WRITTEN_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫", "01234567890123456789.")
_WRITTEN_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def written_numbers(text: str) -> frozenset[str]:
    """The numbers written in digits, as written but for thousands separators:
    ``'1,200'`` -> ``'1200'``, ``'٢٠٢٢'`` -> ``'2022'`` (the alignment's number
    signal; it keeps ``2.50`` and ``007`` as they are, unlike :func:`numbers_in`,
    so that the alignment scores stay what they were)."""
    out = set()
    for m in _WRITTEN_NUMBER.finditer(text.translate(_WRITTEN_DIGITS)):
        value = m.group(0)
        if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", value):
            value = value.replace(",", "")
        out.add(value.rstrip(".,"))
    return frozenset(out)
