"""Light Unicode normalisation of kept Arabic text.

Only what does not change the wording: NFC; zero-width and bidi control
characters removed; tatweel (kashida) removed between two letters
(``الـــرئيس``→``الرئيس``) but a single one kept where it joins a prefix to a
digit, Latin word or quote (``الـ7``, ``لـ CSTO``, ``بـ«``, ``هـ``); Persian/Urdu letter forms that
stand for Arabic letters mapped to them (``ی``→``ي``, ``ک``→``ك``, ``ۀ``→``ة``,
``ہ``/``ھ``/``ە``→``ه``, ``ۃ``→``ة``, Persian digits → Arabic-Indic digits);
all whitespace runs → one space, stripped. Hamza forms, alef variants, diacritics,
Arabic punctuation (including the Urdu full stop ``۔``) are kept as written.
"""

from __future__ import annotations

import re
import unicodedata

# zero-width space/non-joiner/joiner, word joiner, BOM, soft hyphen, Arabic letter mark,
# LRM/RLM, bidi embeddings/overrides (LRE..RLO) and isolates (LRI..PDI), invisible operators
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u061c\u200e\u200f" + "".join(
    map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A), *range(0x2061, 0x2065)])
)
TATWEEL = "\u0640"

LETTER_FORMS = {
    "\u06cc": "\u064a",  # ی FARSI YEH -> ي
    "\u06d2": "\u064a",  # ے YEH BARREE (Urdu) -> ي
    "\u06a9": "\u0643",  # ک KEHEH -> ك
    "\u06aa": "\u0643",  # ڪ SWASH KAF -> ك
    "\u06c0": "\u0629",  # ۀ HEH WITH YEH ABOVE -> ة
    "\u06c3": "\u0629",  # ۃ TEH MARBUTA GOAL -> ة
    "\u06c1": "\u0647",  # ہ HEH GOAL -> ه
    "\u06be": "\u0647",  # ھ HEH DOACHASHMEE -> ه
    "\u06d5": "\u0647",  # ە AE -> ه
}
LETTER_FORMS.update({chr(0x06F0 + i): chr(0x0660 + i) for i in range(10)})  # ۰-۹ -> ٠-٩

_TABLE = str.maketrans({**{c: None for c in _INVISIBLE}, **LETTER_FORMS})
_SPACE = re.compile(r"\s+")
_LETTER = "[\u0621-\u063a\u0641-\u0652\u0671-\u06d3]"  # letters and harakat
# decorative kashida between two letters (a diacritic may sit on either side)
_KASHIDA = re.compile(f"(?<={_LETTER})\u0640+(?={_LETTER})")


def normalize_text(text: str) -> str:
    """Normalise one line/paragraph of kept text (see module docstring)."""
    text = unicodedata.normalize("NFC", text).translate(_TABLE)
    text = _KASHIDA.sub("", text)
    text = re.sub("\u0640{2,}", TATWEEL, text)
    return _SPACE.sub(" ", text).strip()


def strip_invisible(text: str) -> str:
    """Only remove zero-width/bidi controls (used before rule matching)."""
    return text.translate(str.maketrans({c: None for c in _INVISIBLE}))
