"""Systematic Arabic spelling variants of transliterated names.

Arabic news writes one foreign name in several ways: توكاييف, توكايف, توقاييف;
نزارباييف, نازارباييف, نظربائيف; أستانا, أستانة; ألماتي, ألماتا; جناوزين,
جنازوين. The matcher (:mod:`.matching`) accepts these without listing each
one, by comparing a word of the text with a word of a glossary variant, both
normalised (:mod:`kzparallel.arabic`: alef, hamza and madda forms, ى/ي, ة/ه,
گ/ك, ڤ/ف are already one letter there). The changes, each counted once:

* a doubled letter counts as one and is no change (توكاييف = توكايف,
  السوفييتي = السوفيتي);
* a long vowel ا و ي or a bare hamza ء added or left out between two
  consonants (نازارباييف = نزارباييف), at most one, or one moved to the next
  gap (جنازوين = جناوزين); one vowel is never put for another (توكايف is not
  تيكويف);
* a letter for another of the same sound (:data:`SOUNDS`): ك ق (k, q), ق غ ج
  and ك غ (g: Persian گ is ك once normalised), ز ظ ذ ض (z), س ص ث (s), ت ط
  (t) — توقاييف, نظربائيف; ج never stands for ك (تجاويف, مأجورون are words);
* the ending: a place's name may end in ا or ة (أستانا, أستانة) but for
  -يا/-ية (روسية, بريطانية are also adjectives), and one ending in ي may end
  in ا (ألماتي, ألماتا) — never the other way, which is the nisba (سوريا,
  سوري). A person's ending never varies (نزارباييف is not نزارباييفا, a
  woman's surname; زيلينسكي is not زيلينسكا).

A word of fewer than :data:`LONG` letters takes one change, a longer one two.
An adjective (``adjective``/``people`` forms: بريطاني, أمريكي, إماراتي) only
takes the doubled letter: a nisba word with its vowels changed is too often
another word (امرأتي for إماراتي, بريتني for بريطاني).

Only where this cannot turn a common Arabic word into a name
(:func:`word_level`): the word must belong to a ``person`` or ``place``
entry (a foreign name transliterated; an organisation's name is made of
Arabic words, which these changes turn into other words), have at least
:data:`MIN_LETTERS` letters and :data:`MIN_CONSONANTS` consonants, and
the text's word as many letters at least. A word that starts with the
article ال (الجزائر, العراق, الوسطى: Arabic words, where العرق or الجزر are
other words) keeps its letters: it only takes a place's ending (ألماتي,
ألماتا) and the doubled-letter rule. No frequency list of Arabic words is a
dependency (the ``wordfreq`` package would be one), so the rule is decided by
length and by the kind of name; it was checked against wordfreq's 200,000
most frequent Arabic words (see glossary/README.md). Variants that could be
two entries' names are neither (:mod:`.precedence`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from itertools import combinations

VOWELS = frozenset("اويء")


def _pairs(letters: str) -> list[str]:
    return ["".join(p) for p in combinations(letters, 2)]


SOUNDS: frozenset[frozenset[str]] = frozenset(
    frozenset(p) for p in ("كق", "قغ", "غج", "جق", "كغ", *_pairs("زظذض"), *_pairs("سصث"), "تط")
)
# one index key per sound family (ج and ك share one: the pair check keeps them apart)
CLASSES: dict[str, str] = {
    **dict.fromkeys("جغقك", "ك"),
    **dict.fromkeys("زظذض", "ز"),
    **dict.fromkeys("سصث", "س"),
    **dict.fromkeys("تط", "ت"),
}
MIN_LETTERS = 6
MIN_CONSONANTS = 3
LONG = 8  # letters (doubled ones once) from which a word takes two changes
TRANSLITERATED = ("person", "place")
_RUNS = re.compile(r"(.)\1+")


class Level(Enum):
    """What variation a word of a glossary variant accepts."""

    EXACT = "exact"  # as written (normalised)
    ENDING = "ending"  # doubled letters and a place's ending only
    FULL = "full"  # every rule of the module docstring


def collapse(word: str) -> str:
    """``word`` with every run of one letter written once (توكاييف → توكايف)."""
    return _RUNS.sub(r"\1", word)


@dataclass(frozen=True)
class Shape:
    """A normalised word cut into consonants and the vowels after each."""

    consonants: tuple[str, ...]  # as written; the first letter always counts
    gaps: tuple[str, ...]  # the vowel letters after each consonant (the last: the ending)

    @property
    def skeleton(self) -> str:
        """The consonants by sound class: words that may be variants share it."""
        return "".join(CLASSES.get(c, c) for c in self.consonants)


@lru_cache(maxsize=65536)
def shape(word: str) -> Shape:
    """The :class:`Shape` of a normalised word (doubled letters collapsed; a
    final ه is a vowel, ta marbuta)."""
    w = collapse(word)
    consonants: list[str] = []
    gaps: list[str] = []
    for i, ch in enumerate(w):
        vowel = ch in VOWELS or (ch == "ه" and i == len(w) - 1)
        if i == 0 or not vowel:
            consonants.append(ch)
            gaps.append("")
        else:
            gaps[-1] += ch
    return Shape(tuple(consonants), tuple(gaps))


def word_level(entry_type: str, word: str) -> Level:
    """How far ``word`` (normalised, a word of an entry's Arabic variant) may vary."""
    if entry_type not in TRANSLITERATED or len(word) < MIN_LETTERS:
        return Level.EXACT
    if len(shape(word).consonants) < MIN_CONSONANTS:
        return Level.EXACT
    return Level.ENDING if word.startswith("ال") else Level.FULL


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def _ending(form: str, text: str, entry_type: str) -> str | None:
    """How the text's ending differs from the form's (None: it may not)."""
    if form == text:
        return ""
    if entry_type != "place":
        return None
    f, t = form.replace("ه", "ا"), text.replace("ه", "ا")
    if f == t and not f.endswith("يا"):  # -يا/-ية: سوريا the place, سورية also the adjective
        return f"{text[-1:]} for {form[-1:]} at the end"
    if f.endswith("ي") and t == f[:-1] + "ا":
        return f"{text[-1:]} for ي at the end"
    return None


def _vowel_changes(text: Shape, form: Shape) -> tuple[int, int] | None:
    """(vowels added or left out, vowels moved to the next gap) between the two
    words' consonants; None when a vowel is put for another."""
    diffs: list[tuple[int, str]] = []  # (+1 the text has more, -1 fewer; the letters)
    for x, y in zip(text.gaps[:-1], form.gaps[:-1], strict=True):
        if x == y:
            diffs.append((0, ""))
        elif _subsequence(y, x):
            diffs.append((1, _extra(y, x)))
        elif _subsequence(x, y):
            diffs.append((-1, _extra(x, y)))
        else:
            return None
    indels = moves = 0
    i = 0
    while i < len(diffs):
        sign, extra = diffs[i]
        if sign and i + 1 < len(diffs):
            nsign, nextra = diffs[i + 1]
            if nsign == -sign and len(extra) == 1 and extra == nextra:
                moves += 1
                i += 2
                continue
        indels += len(extra)
        i += 1
    return indels, moves


def _extra(short: str, long: str) -> str:
    """The letters of ``long`` that the subsequence ``short`` leaves out."""
    out, it = [], iter(short)
    want = next(it, None)
    for ch in long:
        if ch == want:
            want = next(it, None)
        else:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=65536)
def variant_reason(text: str, form: str, kind: str, level: Level) -> str | None:
    """Why the text's word ``text`` is a spelling of the glossary's word ``form``
    (both normalised): "" when they are the same word, a short description of
    the differences when they are variants, None when they are not. ``kind``
    is the entry's type, or ``adjective`` for an adjective or people form: a
    ``place`` lets the ending vary, an ``adjective`` only the doubled letters."""
    if text == form:
        return ""
    if level is Level.EXACT or len(text) < MIN_LETTERS:
        return None
    doubled = _RUNS.findall(text) != _RUNS.findall(form)  # a letter doubled in one of them
    if collapse(text) == collapse(form):
        return "doubled letter" if doubled else None
    if kind == "adjective":
        return None
    a, b = shape(text), shape(form)
    if len(a.consonants) != len(b.consonants) or a.skeleton != b.skeleton:
        return None
    if level is Level.ENDING and (a.consonants != b.consonants or a.gaps[:-1] != b.gaps[:-1]):
        return None
    swapped = []
    for x, y in zip(a.consonants, b.consonants, strict=True):
        if x != y:
            if frozenset((x, y)) not in SOUNDS:
                return None
            swapped.append(f"{x} for {y}")
    vowels = _vowel_changes(a, b)
    ending = _ending(b.gaps[-1], a.gaps[-1], kind)
    if vowels is None or ending is None or vowels[0] > 1:
        return None
    indels, moves = vowels
    changes = len(swapped) + indels + moves + bool(ending)
    if changes > (1 if len(collapse(form)) < LONG else 2):
        return None
    why = ["doubled letter"] if doubled else []
    why += swapped
    if indels:
        why.append("a long vowel more or less")
    if moves:
        why.append("a long vowel moved")
    if ending:
        why.append(ending)
    return ", ".join(why)
