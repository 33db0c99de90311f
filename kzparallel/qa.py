"""Quality checks on one aligned pair, recorded as short stable flag ids.

Flags (in this fixed order):

* ``empty`` — the English is empty (other checks are skipped);
* ``numbers-missing`` — a number in the Arabic (Arabic-Indic ``٠-٩``, Persian
  ``۰-۹`` or ASCII digits) is not in the English. Numbers are normalised first:
  thousands separators go (``1,000`` = ``1000`` = ``١٬٠٠٠``), zero decimals go
  (``9.00`` = ``9`` = ``9:00``), ``٫`` is a decimal point; in a date such as
  ``6-1-2022`` the month may appear as an English month name ("January");
  small numbers may be written as English words ("two", "thirteen");
* ``length-ratio`` — English/Arabic character-length ratio outside the band
  (see :class:`LengthBand`; pairs whose Arabic is shorter than
  ``LengthBand.min_chars`` are not judged);
* ``arabic-in-english`` — Arabic script left in the English;
* ``repetition`` — a repeated n-gram loop (a word 4+ times in a row, a 2-4 word
  phrase 3+ times in a row, or any 4-gram 3+ times in the sentence);
* ``glossary`` — the glossary enforcement left violations (``Pair.violations``);
* ``wrong-language`` — the Arabic is not Arabic or the English is not English
  (:mod:`kzparallel.langid`; texts under 5 words are not judged);
* ``low-score`` — the model's score is below the corpus threshold
  (:mod:`kzparallel.scores`; set by the build, which sees the whole corpus);
* ``duplicate`` — the Arabic sentence is a repeat of the pair ``duplicate_of``
  (:mod:`kzparallel.dedup`; set by the build).

The length band: a build computes it over the whole corpus from the median and
the median absolute deviation (MAD) of ``log(len(en) / len(ar))``:
``median ± 3.5 · 1.4826 · MAD``, at least ``± log(1.6)`` wide (so a very
uniform corpus does not flag normal variation). With fewer than
:data:`MIN_PAIRS_FOR_BAND` judged pairs the fixed default band
``[0.6, 2.6]`` is used (Arabic script is shorter than English; 1.2-1.4 is
typical for news). :class:`LengthStats` collects the ratios in a fixed
histogram, so memory stays bounded however large the corpus.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from kzparallel.arabic import ARABIC_DIGITS, has_arabic_script, normalise_number, numbers_in
from kzparallel.langid import pair_language_flag
from kzparallel.records import Pair
from kzparallel.scores import binned_quantile

FLAG_ORDER = (
    "empty",
    "numbers-missing",
    "length-ratio",
    "arabic-in-english",
    "repetition",
    "glossary",
    "wrong-language",
    "low-score",
    "duplicate",
)
MIN_PAIRS_FOR_BAND = 50

_DATE = re.compile(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\b")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_NUMBER_WORDS = {
    w: str(i)
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}
_NUMBER_WORDS.update({"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70"})
_NUMBER_WORDS.update({"eighty": "80", "ninety": "90", "hundred": "100", "thousand": "1000"})
_NUMBER_WORDS.update({"first": "1", "second": "2", "third": "3", "dozen": "12"})


def _english_numbers(en: str) -> set[str]:
    found = set(numbers_in(en))
    for m in _WORD.finditer(en.lower()):
        if m.group() in _NUMBER_WORDS:
            found.add(_NUMBER_WORDS[m.group()])
    return found


def missing_numbers(ar: str, en: str) -> list[str]:
    """Numbers of the Arabic not found in the English (normalised, source order)."""
    src = ar.translate(ARABIC_DIGITS)
    have = _english_numbers(en)
    en_lower = en.lower()
    missing: list[str] = []
    # dates: day-month-year; the month may be a month name in English
    for m in _DATE.finditer(src):
        day, month, year = (normalise_number(g) for g in m.groups())
        month_ok = month in have or (1 <= int(month) <= 12 and _MONTHS[int(month) - 1] in en_lower)
        missing += [n for n in (day, year) if n not in have]
        if not month_ok:
            missing.append(month)
    rest = _DATE.sub(" ", src)
    missing += [n for n in numbers_in(rest) if n not in have]
    return list(dict.fromkeys(missing))


def has_repetition(en: str) -> bool:
    """A loop: a word 4+ times in a row, a 2-4-gram 3+ times in a row, or a
    4-gram 3+ times anywhere."""
    words = [w.lower() for w in _WORD.findall(en)]
    n_words = len(words)
    for n in range(1, 5):
        need = 4 if n == 1 else 3
        for i in range(n_words - n * need + 1):
            gram = words[i : i + n]
            if all(words[i + k * n : i + (k + 1) * n] == gram for k in range(1, need)):
                return True
    grams = Counter(tuple(words[i : i + 4]) for i in range(n_words - 3))
    return any(c >= 3 for c in grams.values())


@dataclass(frozen=True)
class LengthBand:
    """Accepted range of ``len(en) / len(ar)`` (characters, stripped)."""

    low: float = 0.6
    high: float = 2.6
    min_chars: int = 8  # shorter Arabic is not judged
    source: str = "default"  # "default" or "corpus"

    def ratio(self, ar: str, en: str) -> float | None:
        a, e = len(ar.strip()), len(en.strip())
        if a < self.min_chars or e == 0:
            return None
        return e / a

    def outside(self, ar: str, en: str) -> bool:
        r = self.ratio(ar, en)
        return r is not None and not (self.low <= r <= self.high)

    def to_dict(self) -> dict[str, object]:
        return {
            "low": round(self.low, 4),
            "high": round(self.high, 4),
            "min_chars": self.min_chars,
            "source": self.source,
        }


DEFAULT_BAND = LengthBand()


class LengthStats:
    """Streaming collection of length ratios in a fixed log-scale histogram.

    Bounded memory (one counter per bin); deterministic band from the bins.
    """

    BIN = 0.01  # width of a bin in log(ratio)
    LIMIT = 5.0  # log ratios are clipped to [-LIMIT, LIMIT]

    def __init__(self, k: float = 3.5, min_half_width: float = math.log(1.6)) -> None:
        self.bins: Counter[int] = Counter()
        self.count = 0
        self.k = k
        self.min_half_width = min_half_width

    def add(self, ar: str, en: str) -> float | None:
        r = DEFAULT_BAND.ratio(ar, en)
        if r is None:
            return None
        x = max(-self.LIMIT, min(self.LIMIT, math.log(r)))
        self.bins[round(x / self.BIN)] += 1
        self.count += 1
        return r

    def update(self, pairs: Iterable[tuple[str, str]]) -> None:
        for ar, en in pairs:
            self.add(ar, en)

    def _quantile(self, counts: dict[int, int] | Counter[int], q: float) -> float:
        return binned_quantile(counts, q, self.BIN)

    def median_log_ratio(self) -> float:
        return self._quantile(self.bins, 0.5)

    def band(self) -> LengthBand:
        """The corpus band, or :data:`DEFAULT_BAND` below MIN_PAIRS_FOR_BAND."""
        if self.count < MIN_PAIRS_FOR_BAND:
            return DEFAULT_BAND
        med = self.median_log_ratio()
        dev: Counter[int] = Counter()
        for b, c in self.bins.items():
            dev[round(abs(b * self.BIN - med) / self.BIN)] += c
        mad = self._quantile(dev, 0.5)
        half = max(self.k * 1.4826 * mad, self.min_half_width)
        return LengthBand(low=math.exp(med - half), high=math.exp(med + half), source="corpus")

    def histogram(self) -> list[tuple[float, int]]:
        """(ratio, count) per non-empty bin, ascending: for the report's plot."""
        return [(math.exp(b * self.BIN), self.bins[b]) for b in sorted(self.bins)]


def order_flags(flags: Iterable[str]) -> list[str]:
    """Unique flags in :data:`FLAG_ORDER` (unknown ids last, sorted)."""
    s = set(flags)
    known = [f for f in FLAG_ORDER if f in s]
    return known + sorted(s - set(FLAG_ORDER))


def content_flags(pair: Pair) -> list[str]:
    """The flags one pair shows on its own (``length-ratio``, ``low-score`` and
    ``duplicate`` need the corpus)."""
    if not pair.en.strip():
        return ["empty"] + (["glossary"] if pair.violations else [])
    flags: list[str] = []
    if missing_numbers(pair.ar, pair.en):
        flags.append("numbers-missing")
    if has_arabic_script(pair.en):
        flags.append("arabic-in-english")
    if has_repetition(pair.en):
        flags.append("repetition")
    if pair.violations:
        flags.append("glossary")
    if pair_language_flag(pair.ar, pair.en):
        flags.append("wrong-language")
    return flags


def qa_flags(pair: Pair, band: LengthBand | None = None) -> list[str]:
    """The QA flags of ``pair`` (``band`` defaults to :data:`DEFAULT_BAND`);
    ``duplicate`` stays while ``pair.duplicate_of`` is set."""
    flags = content_flags(pair)
    if pair.en.strip() and (band or DEFAULT_BAND).outside(pair.ar, pair.en):
        flags.append("length-ratio")
    if pair.duplicate_of:
        flags.append("duplicate")
    return order_flags(flags)


def with_length_flag(pair: Pair, band: LengthBand) -> Pair:
    """``pair`` with ``length-ratio`` added to its flags when outside ``band``."""
    flags = [f for f in pair.qa if f != "length-ratio"]
    if pair.en.strip() and band.outside(pair.ar, pair.en):
        flags.append("length-ratio")
    pair.qa = order_flags(flags)
    return pair
