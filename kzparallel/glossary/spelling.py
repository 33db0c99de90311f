"""Systematic Arabic spelling variants of transliterated names.

Arabic news writes one foreign name in several ways: توكاييف, توكايف, توقاييف;
نزارباييف, نازارباييف, نظربائيف; أستانا, أستانة; ألماتي, ألماتا; جناوزين,
جنازوين. The matcher (:mod:`.matching`) accepts these without listing each
one, by comparing a word of the text with a word of a glossary variant, both
normalised (:mod:`kzparallel.arabic`: alef, hamza and madda forms, ى/ي, ة/ه,
گ/ك, ڤ/ف are already one letter there):

* a doubled letter counts as one (توكاييف = توكايف, السوفييتي = السوفيتي);
* the long vowels ا و ي and a bare hamza ء may be added or left out between
  two consonants (نازارباييف = نزارباييف, جنازوين = جناوزين), but one vowel
  is never put for another (توكايف is not تيكويف): between each two
  consonants one word's vowels are the other's with some left out;
* letters that transliterate one sound stand for each other: ج غ ق ك (g and
  k, توقاييف), ز ظ ذ ض (z, نظربائيف), س ص ث (s), ت ط (t);
* the end of the word stays as written, for a person (نزارباييف is not
  نزارباييفا, a woman's surname; زيلينسكي is not زيلينسكا); a place may end
  in ا or ة alike (أستانا, أستانة) but for -يا/-ية (روسية, بريطانية are
  also adjectives), and one whose name ends in ي may end in ا (ألماتي,
  ألماتا) — never the other way, which is the nisba (سوريا, سوري); an
  adjective's ending never varies (أمريكي is not أمريكا).

At most :data:`MAX_VOWELS` vowels added or left out and :data:`MAX_LETTERS`
letters exchanged in one word.

Only where this cannot turn a common Arabic word into a name
(:func:`word_level`): the word must belong to a ``person`` or ``place``
entry (a foreign name transliterated; an organisation's name is made of
Arabic words, which these changes turn into other words), have at least
:data:`MIN_LETTERS` letters and :data:`MIN_CONSONANTS` consonants, and
the text's word as many letters at least. A word that starts with the
article ال (الجزائر, العراق, الوسطى: Arabic words, where العرق or الجزر are
other words) keeps its letters: it only takes a place's ending (ألماتي,
ألماتا) and the doubled-letter rule. No frequency list of Arabic words is
installed (the ``wordfreq`` package is not a dependency), so the rule is
decided by length and by the kind of name. Variants that could be two
entries' names are neither (:class:`~kzparallel.glossary.precedence`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

VOWELS = frozenset("اويء")
CLASSES: dict[str, str] = {
    **dict.fromkeys("جغقك", "ك"),  # g, k, q
    **dict.fromkeys("زظذض", "ز"),  # z
    **dict.fromkeys("سصث", "س"),  # s
    **dict.fromkeys("تط", "ت"),  # t
}
MIN_LETTERS = 6
MIN_CONSONANTS = 3
MAX_VOWELS = 2
MAX_LETTERS = 2
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


def variant_reason(text: str, form: str, entry_type: str, level: Level) -> str | None:
    """Why the text's word ``text`` is a spelling of the glossary's word ``form``
    (both normalised): "" when they are the same word, a short description of
    the differences when they are variants, None when they are not.
    ``entry_type`` decides the ending: ``place`` (a place's name) lets it
    vary, anything else (``person``, ``adjective``) not."""
    if text == form:
        return ""
    if level is Level.EXACT or len(text) < MIN_LETTERS:
        return None
    a, b = shape(text), shape(form)
    if len(a.consonants) != len(b.consonants) or a.skeleton != b.skeleton:
        return None
    why: list[str] = []
    if _RUNS.findall(text) != _RUNS.findall(form):  # a letter doubled in one of them
        if collapse(text) == collapse(form):
            return "doubled letter"
        why.append("doubled letter")
    if level is Level.ENDING and (a.consonants != b.consonants or a.gaps[:-1] != b.gaps[:-1]):
        return None
    swapped = [f"{x} for {y}" for x, y in zip(a.consonants, b.consonants, strict=True) if x != y]
    if len(swapped) > MAX_LETTERS:
        return None
    vowels = 0
    for x, y in zip(a.gaps[:-1], b.gaps[:-1], strict=True):
        if x == y:
            continue
        if not (_subsequence(x, y) or _subsequence(y, x)):
            return None  # one vowel put for another
        vowels += abs(len(x) - len(y))
    if vowels > MAX_VOWELS:
        return None
    ending = _ending(b.gaps[-1], a.gaps[-1], entry_type)
    if ending is None:
        return None
    why += swapped
    if vowels:
        why.append(f"{vowels} long vowel{'s' if vowels > 1 else ''} more or less")
    if ending:
        why.append(ending)
    return ", ".join(why) or "doubled letter"
