"""Which of the overlapping matches in a text are the mentions.

The matcher (:mod:`.matching`) finds every place where a glossary variant (or
a spelling variant of it, :mod:`.spelling`) stands in the text; several of
them may cover the same words (نور سلطان the city inside نور سلطان نزارباييف
the person; روسيا inside روسيا اليوم the channel). The rule, in this order:

1. **Words around it.** A match is dropped when the word after it is one of
   its entry's (or form's) ``not_before`` words as written (مجلس الشيوخ
   الأمريكي; والأمريكي begins another item), or the word before it one of
   its ``not_after`` words, a conjunction و or ف on it aside (ونادي أستانا). A match
   of an ``org`` entry that starts with a document's noun (معاهدة, اتفاقية,
   ميثاق, اتفاق) followed by a word of concluding (المبرمة, الموقعة) or a
   year (عام 1992, 1992) names the treaty, not the organisation
   (معاهدة الأمن الجماعي المبرمة في عام 1992 is not the CSTO): an entry of
   another type may still have it.
2. **One spelling, one entry.** A spelling variant whose words are also
   matched, exactly or as a variant, by another entry is neither entry's
   (the glossary does not say which one it is), and a variant never stands
   where the same words are an exact spelling (البريطانية is the adjective
   بريطاني with its ة, not a variant of بريطانيا).
3. **Longest match** over all entries: the match that covers more of the
   text's letters (clitics and suffixes aside) wins, so a person's full name
   beats the city in it, a channel's name (روسيا اليوم) the country in it,
   an organisation's name (منتدى أستانا الدولي, وكالة الفضاء الروسية) the
   place in it.
4. On equal length, the exact spelling before a variant, and a variant of
   one spelling with fewer differences before one of another; then the **entry
   type** the word before asks for — a title (الرئيس, وزير) a person, a
   place noun (مدينة, العاصمة) a place, a medium's noun (قناة, صحيفة,
   وكالة) an organisation or acronym; then fewer clitic letters, text
   order, entry id.

Matches never overlap: each is taken in that order unless a word of it is
taken already.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Protocol, TypeVar

from kzparallel.arabic import normalize_text
from kzparallel.glossary.entries import Entry, Form


class Candidate(Protocol):
    """What the ordering reads of one match (word indices inclusive)."""

    @property
    def first(self) -> int: ...
    @property
    def last(self) -> int: ...
    @property
    def weight(self) -> int: ...  # letters of the text the name itself covers
    @property
    def affix(self) -> int: ...  # letters of clitics and suffixes
    @property
    def why(self) -> tuple[str, ...]: ...  # empty: the exact spelling
    @property
    def entry(self) -> Entry: ...
    @property
    def form(self) -> Form: ...


C = TypeVar("C", bound=Candidate)


def _words(text: str) -> frozenset[str]:
    return frozenset(normalize_text(w) for w in text.split())


DOCUMENT_NOUNS = _words("معاهدة معاهدات اتفاقية اتفاقيات اتفاق ميثاق")
CONCLUDED = _words(
    "المبرمة المبرم الموقعة الموقع الموقعتين المبرمتين لعام عام سنة لسنة العام المعقودة"
)
PERSON_CUES = _words(
    "الرئيس رئيس الرئيسة رئيسة الزعيم زعيم وزير الوزير وزيرة الوزيرة السيد السيدة "
    "نائب المستشار السفير الأمين الملك الأمير الشيخ الجنرال"
)
PLACE_CUES = _words("مدينة المدينة العاصمة عاصمة منطقة إقليم ولاية مقاطعة بلدة قرية جمهورية دولة")
MEDIA_CUES = _words("قناة صحيفة وكالة موقع شبكة إذاعة تلفزيون مجلة")
CUE_TYPES: tuple[tuple[frozenset[str], tuple[str, ...]], ...] = (
    (PERSON_CUES, ("person",)),
    (PLACE_CUES, ("place",)),
    (MEDIA_CUES, ("org", "acronym")),
)


def _bare(word: str) -> tuple[str, ...]:
    """``word`` and, when it starts with the conjunction و or ف, the rest."""
    if len(word) > 3 and word[0] in "وف":
        return (word, word[1:])
    return (word,)


def _one_of(word: str | None, words: frozenset[str], *, bare: bool = True) -> bool:
    """``word`` is one of ``words`` (``bare``: also without a conjunction in front)."""
    if word is None:
        return False
    return any(w in words for w in _bare(word)) if bare else word in words


def _context(entry: Entry, form: Form) -> tuple[frozenset[str], frozenset[str]]:
    before = _words(" ".join((*entry.not_before, *form.not_before)))
    after = _words(" ".join((*entry.not_after, *form.not_after)))
    return before, after


def _names_a_document(c: Candidate, words: Sequence[str]) -> bool:
    if c.entry.type != "org" or not _one_of(_document_head(words[c.first]), DOCUMENT_NOUNS):
        return False
    nxt = words[c.last + 1] if c.last + 1 < len(words) else None
    return nxt is not None and (nxt.isdigit() or _one_of(nxt, CONCLUDED))


def _document_head(word: str) -> str:
    """The word without a preposition ل or ب in front (لمعاهدة → معاهدة)."""
    if word in DOCUMENT_NOUNS:
        return word
    for p in ("وب", "ول", "فب", "فل", "ب", "ل"):
        if word.startswith(p) and word[len(p) :] in DOCUMENT_NOUNS:
            return word[len(p) :]
    return word


def allowed(c: Candidate, words: Sequence[str]) -> bool:
    """Rule 1: the words around the match do not rule it out."""
    e, f = c.entry, c.form
    if not (e.not_before or e.not_after or f.not_before or f.not_after):
        return not _names_a_document(c, words)
    not_before, not_after = _context(e, f)
    nxt = words[c.last + 1] if c.last + 1 < len(words) else None
    prev = words[c.first - 1] if c.first > 0 else None
    if not_before and _one_of(nxt, not_before, bare=False):  # والأمريكي: another item
        return False
    if not_after and _one_of(prev, not_after):
        return False
    return not _names_a_document(c, words)


def unambiguous(cands: Sequence[C]) -> list[C]:
    """Rule 2: a variant drops out where another entry, or an exact spelling,
    matches the same words."""
    entries: dict[tuple[int, int], set[str]] = defaultdict(set)
    exact: set[tuple[int, int]] = set()
    for c in cands:
        entries[(c.first, c.last)].add(c.entry.id)
        if not c.why:
            exact.add((c.first, c.last))
    return [
        c
        for c in cands
        if not c.why or (len(entries[(c.first, c.last)]) == 1 and (c.first, c.last) not in exact)
    ]


def cue_rank(c: Candidate, words: Sequence[str]) -> int:
    """0 when the word before the match asks for the entry's type, else 1."""
    prev = words[c.first - 1] if c.first > 0 else None
    for cues, types in CUE_TYPES:
        if _one_of(prev, cues):
            return 0 if c.entry.type in types else 1
    return 1


def choose(cands: Sequence[C], words: Sequence[str]) -> list[C]:
    """The mentions among ``cands`` (matches in a text of normalised ``words``),
    in text order (see the module docstring)."""
    kept = unambiguous([c for c in cands if allowed(c, words)])
    kept.sort(
        key=lambda c: (
            -c.weight,
            bool(c.why),
            sum(len(w.split(", ")) for w in c.why),  # the closest of an entry's spellings
            cue_rank(c, words),
            c.affix,
            c.first,
            c.entry.id,
        )
    )
    taken: set[int] = set()
    chosen: list[C] = []
    for c in kept:
        span = set(range(c.first, c.last + 1))
        if span & taken:
            continue
        taken |= span
        chosen.append(c)
    chosen.sort(key=lambda c: c.first)
    return chosen
