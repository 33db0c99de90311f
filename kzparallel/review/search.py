"""Full-text search over the pairs: what is indexed and how a search is read.

The pairs index keeps an FTS5 table (``unicode61`` tokenizer) with two
columns per pair, both written here as space-separated, already folded words:

* ``arx`` — the Arabic: folded as the glossary folds it for matching
  (:func:`kzparallel.arabic.normalize_text`: diacritics and tatweel
  dropped, أ إ آ → ا, ى → ي, ة → ه, ؤ → و, ئ → ي, Arabic-Indic digits → ASCII,
  Latin → lower case); each word is indexed as written **and** without the
  clitics that attach to its front — a conjunction و/ف, a preposition ب/ك/ل
  and the article ال (لل for ل + ال) — when at least three letters are left;
* ``en`` — the English, lower-cased, accents dropped (é → e).

A search is a list of words, all of which must occur in the pair (any
order). A word with Arabic letters is looked up in the Arabic, any other word
(a Latin name, a number) in both languages. Words of three or more letters
also match longer words that start with them (``كازاخستان`` finds
``الكازاخستانية``, ``Tokayev`` finds ``Tokayev's``). So ``كازاخستان`` finds
``وكازاخستان``, ``بكازاخستان``, ``لكازاخستان`` and ``الكازاخستانية``; a search
written with a clitic (``الرئيس``) finds that form and the forms with more
clitics in front (``والرئيس``, ``للرئيس``), not the bare ``رئيس``.

The query is built from the words only (each one quoted), so no FTS5 syntax
typed into the search box is ever interpreted.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from kzparallel.arabic import normalize_text

MIN_STEM = 3  # letters a word must keep when its clitics are taken off
MIN_PREFIX_SEARCH = 3  # shorter search words match whole words only
_WORD = re.compile(r"[^\W_]+")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_FOLD_RANGES = (
    range(0x0600, 0x0700),
    range(0x0041, 0x005B),
    range(0x200B, 0x2010),
    range(0x202A, 0x202F),
    range(0x2066, 0x206A),
    range(0xFB50, 0xFE00),
    range(0xFE70, 0xFF00),
)


_ARABIC_FOLD = {
    cp: normalize_text(chr(cp))
    for r in _FOLD_RANGES
    for cp in r
    if normalize_text(chr(cp)) != chr(cp)
}
_CONJ = ("", "و", "ف")
_PREP = ("", "ب", "ك", "ل")
# (prefix, what the article elision hides): ل + ال is written لل
_PREFIXES: tuple[tuple[str, str], ...] = tuple(
    sorted(
        {(c + p + a, "") for c in _CONJ for p in _PREP for a in ("", "ال") if c + p + a}
        - {(c + "لال", "") for c in _CONJ}
        | {(c + "لل", "ال") for c in _CONJ},
        key=lambda x: (len(x[0]), x[0]),
    )
)


def fold_arabic(text: str) -> str:
    """``text`` folded for matching (see the module docstring)."""
    return text.translate(_ARABIC_FOLD)


def fold_latin(text: str) -> str:
    """Lower case without accents (``Kazakhstán`` → ``kazakhstan``)."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words(text: str) -> list[str]:
    return _WORD.findall(text)


@lru_cache(maxsize=1 << 17)
def arabic_forms(word: str) -> tuple[str, ...]:
    """``word`` and the words under its front clitics (at least :data:`MIN_STEM` letters)."""
    forms = [word]
    for prefix, hidden in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= MIN_STEM:
            rest = word[len(prefix) :]
            forms.append(rest)
            if hidden:
                forms.append(hidden + rest)
    return tuple(dict.fromkeys(forms))


def index_columns(ar: str, en: str) -> tuple[str, str]:
    """The ``arx`` and ``en`` column texts of a pair."""
    arx = " ".join(f for w in words(fold_latin(fold_arabic(ar))) for f in arabic_forms(w))
    return arx, " ".join(words(fold_latin(en)))


def search_words(query: str) -> list[str]:
    """The words of a search, folded like the index."""
    return list(dict.fromkeys(words(fold_latin(fold_arabic(query)))))


def _quoted(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def fts_query(query: str, expand: Callable[[str], list[str] | None] | None = None) -> str | None:
    """The FTS5 MATCH expression of a search (``None``: nothing to search for).

    ``expand(word)`` lists the indexed words that start with ``word`` (None: too
    many); the search then names them (``"w1" OR "w2"``), which FTS5 reads a
    page at a time, where a prefix query (``"w"*``) reads every match first.
    """
    terms: list[str] = []
    for w in search_words(query):
        if len(w) < MIN_PREFIX_SEARCH:
            match = _quoted(w)  # a whole word
        else:
            words = expand(w) if expand is not None else None
            if words is None:  # no vocabulary at hand, or too many words: a prefix query
                match = _quoted(w) + "*"
            elif words:
                match = "(" + " OR ".join(_quoted(x) for x in words) + ")"
            else:
                match = _quoted(w)  # no indexed word starts with it: finds nothing
        columns = "arx" if _ARABIC.search(w) else "{arx en}"
        terms.append(f"{columns} : {match}")
    return " AND ".join(terms) or None


def fts_row(record: dict[str, Any]) -> tuple[str, str]:
    return index_columns(str(record.get("ar") or ""), str(record.get("en") or ""))
