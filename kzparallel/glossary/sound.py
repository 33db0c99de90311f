"""Does an Arabic word sound like an English spelling? Consonant skeletons.

Transliterations of one name differ in their vowels (Arabic writes few) and
in how a consonant is spelt (*Zhaparov*/*Japarov*, ق as *k* or *q*). Both
sides are reduced to consonants in sound classes — b/p, t/d (ط ض د), s/z/sh/ch
(ث ذ ز س ص ظ ش), j (ج), k/g/q/kh/gh (خ غ ق ك), f/v (ف); m, n, l, r; the
Arabic vowel letters ا و ي, ه ح ع ء and English vowels, *h* and *w* dropped,
*ng* before a consonant read as *n* — and aligned with an edit distance in
which t/s (ض for *z*: ميرضيائيف, *Mirziyoyev*), k/j, s/j and b/f cost half.
:func:`kzparallel.glossary.namespans.sound_similarity` applies it over a
word's proclitic splits. (:mod:`.variants` compares two *English* spellings
more finely; across scripts only the consonants can be compared.)
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_AR_SOUND = {
    **dict.fromkeys("بپ", "b"),
    **dict.fromkeys("تطدض", "t"),
    **dict.fromkeys("ثذزسصظش", "s"),
    **dict.fromkeys("جچ", "j"),
    **dict.fromkeys("خغقكگ", "k"),
    **dict.fromkeys("فڤ", "f"),
    "ل": "l",
    "م": "m",
    "ن": "n",
    "ر": "r",
}
_EN_MULTI = (
    ("sch", "s"), ("tch", "s"), ("dzh", "j"), ("zh", "j"), ("kh", "k"), ("gh", "k"),
    ("sh", "s"), ("ch", "s"), ("ph", "f"), ("th", "t"), ("dh", "t"), ("ts", "s"),
    ("tz", "s"), ("ck", "k"), ("dj", "j"),
)  # fmt: skip
_EN_ONE = {
    **dict.fromkeys("kqg", "k"),
    **dict.fromkeys("sz", "s"),
    **dict.fromkeys("td", "t"),
    **dict.fromkeys("fv", "f"),
    **dict.fromkeys("bp", "b"),
    "j": "j",
    "l": "l",
    "m": "m",
    "n": "n",
    "r": "r",
}
_SOFT_PAIRS = frozenset({frozenset("ts"), frozenset("kj"), frozenset("sj"), frozenset("bf")})


def collapse(units: list[str]) -> str:
    return "".join(u for i, u in enumerate(units) if i == 0 or units[i - 1] != u)


@lru_cache(maxsize=65536)
def arabic_skeleton(norm: str) -> str:
    """The consonants of a normalised Arabic word as sound classes (vowel letters,
    ه ح ع ء dropped)."""
    return collapse([_AR_SOUND[c] for c in norm if c in _AR_SOUND])


@lru_cache(maxsize=65536)
def english_skeleton(word: str) -> str:
    """The consonants of an English spelling as the same sound classes."""
    plain = unicodedata.normalize("NFKD", word.lower())
    plain = "".join(c for c in plain if "a" <= c <= "z").replace("x", "ks")
    units: list[str] = []
    i = 0
    while i < len(plain):
        for multi, unit in _EN_MULTI:
            if plain.startswith(multi, i):
                units.append(unit)
                i += len(multi)
                break
        else:
            c = plain[i]
            after = plain[i + 1 : i + 2]
            if c == "w" or (c == "g" and plain[i - 1 : i] == "n" and after not in "aeiouyh"):
                pass  # w is و, a vowel letter in Arabic; ng before a consonant: n (Washington)
            elif c == "c":
                units.append("s" if plain[i + 1 : i + 2] in ("e", "i", "y") else "k")
            elif c in _EN_ONE:
                units.append(_EN_ONE[c])
            i += 1
    return collapse(units)


@lru_cache(maxsize=65536)
def skeleton_similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    prev = [float(j) for j in range(len(b) + 1)]
    for i in range(1, len(a) + 1):
        cur = [float(i)] + [0.0] * len(b)
        for j in range(1, len(b) + 1):
            pair = frozenset((a[i - 1], b[j - 1]))
            sub = 0.0 if len(pair) == 1 else (0.5 if pair in _SOFT_PAIRS else 1.0)
            cur[j] = min(prev[j - 1] + sub, prev[j] + 1, cur[j - 1] + 1)
        prev = cur
    return max(0.0, 1.0 - prev[-1] / max(len(a), len(b)))
