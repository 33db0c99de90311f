"""Arabic sentence segmentation with character offsets, and splitting of over-long text.

Conventions (see the README section "Segmentation"):

* A sentence ends after a run of terminators ``. ! ? ؟ … ۔`` (``..``/``...``
  included) together with any closing quotes/brackets that follow it, when the
  run is followed by whitespace, the end of the paragraph or a word
  (``هناك.وقال``, ``said.The``). So ``"...ذلك".`` ends after the period,
  ``...ذلك."`` after the quote.
* Never inside a number (``9.00``, ``6-1-2022``, ``17.09.2022``), a URL (also
  with the Arabic ``؟`` in it), an e-mail address, a domain name (``RT.com``),
  a Latin name with a dot (``ASP.NET``, ``report.pdf``), or after an
  initial/abbreviation: a single letter (``د.``, ``أ.``, ``U.S.``, ``ص.ب``) or a
  known short abbreviation (``Mr.``) — but the era mark after a year
  (``عام 1991 م.``) does end a sentence. Never before a lower-case Latin word
  after ``.``/an ellipsis, nor after a list number (``1.``) that starts the
  paragraph or follows a sentence end or a colon.
* Never inside a short parenthesis ``( ... )`` / ``[ ... ]`` that closes in the
  same paragraph (e.g. the dateline ``( أردو بوینت نتورك ۔ / سبوتنيك - 11 ...)``).
* Inside a quotation (:mod:`kzparallel.quotations`) only in a long one with a
  quoted sentence on each side of the stop (:func:`_quotation_allows`); a ``!``
  or ``?`` closing a short quotation does not end the sentence quoting it.
* A one-word piece between two periods (``... بالقيادة. الاضطرابات.``) is not a
  sentence: it stays with the sentence before it.
* A line break and the end of the paragraph are always boundaries.
* The title (a headline) is one sentence.

Segments never contain the whitespace between sentences; ``text ==
paragraph[start:end]`` and joining the segments with single spaces reproduces
the paragraph modulo whitespace.

:func:`split_long` cuts a sentence that is too long for the translation model
into pieces at clause boundaries, conjunctions, words, then characters.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable

from kzparallel.quotations import innermost, quotation_spans
from kzparallel.records import Document, Segment

TERMINATORS = ".!?؟…۔"
CLOSERS = "\"'”’»›)]}"
_OPEN_BRACKETS = {"(": ")", "[": "]"}
MAX_PARENTHESIS = 200  # characters; a longer bracket does not hold sentences together
# A stop inside a quotation ends a sentence only in a long quotation (LONG_QUOTE_WORDS)
# and with a quoted sentence on each side of it: QUOTED_SENTENCE_WORDS words after a
# period, QUOTED_EXCLAMATION_WORDS after "!" "?" "؟" or an ellipsis, which also mark a
# pause inside a slogan or a cry ("كفى! نريد الماء").
LONG_QUOTE_WORDS = 6
QUOTED_SENTENCE_WORDS = 2
QUOTED_EXCLAMATION_WORDS = 3
_OPENERS = "«“‹„\"'([{"


# Latin abbreviations that take a period but rarely end a sentence.
def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


ABBREVIATIONS = _wordset(
    "mr mrs ms dr prof st jr sr inc ltd co corp vs etc no gen col lt sgt gov sen rep "
    "jan feb mar apr jun jul aug sep sept oct nov dec approx dept est fig ph"
)

_ERA_MARKS = frozenset({"م", "ه", "هـ"})  # AD / AH after a year
_TERMINATOR_RUN = re.compile(r"[.!?؟…۔]+[\"'”’»›)\]}]*")
_URL = re.compile(r"(?:https?://|ftp://|www\.)\S+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
# a bare domain name: Latin labels and a lower-case top-level domain ("RT.com", "sputnik.ae")
_TLDS = (
    "com net org info biz gov edu int mil io tv me co news online site ae sa eg qa kw bh om jo "
    "lb sy iq ps ye ma dz tn ly sd ru kz uz kg tj tm ua by cn tr ir uk us fr de it es ch be nl "
    "eu in pk az am ge af"
)
_DOMAIN = re.compile(
    r"(?<![A-Za-z0-9.-])(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+(?:" + "|".join(_TLDS.split()) + r")"
    r"(?![A-Za-z0-9-])(?:/\S*)?"
)
_INITIALS = re.compile(r"(?:[^\W\d_]\.)*[^\W\d_]")  # "د" / "U.S" / "أ.د" before the period
_BRACKET = re.compile(r"[()\[\]\n]")
_LINEBREAK = re.compile(r"[\n\r\u2028\u2029\x0b\x0c\x1c-\x1e\x85]+")


def _protected(text: str) -> list[tuple[int, int]]:
    """Spans inside which no sentence boundary may fall: URLs, e-mails, short brackets."""
    spans = []
    for m in [*_URL.finditer(text), *_DOMAIN.finditer(text)]:
        end = m.end()
        while end > m.start() and text[end - 1] in TERMINATORS + CLOSERS + ",،;؛:":
            end -= 1
        spans.append((m.start(), end))
    stack: list[tuple[int, str]] = []
    for m in _BRACKET.finditer(text):
        i, ch = m.start(), m.group()
        if ch in _OPEN_BRACKETS:
            stack.append((i, _OPEN_BRACKETS[ch]))
        elif stack and ch == stack[-1][1]:
            start, _ = stack.pop()
            if i - start <= MAX_PARENTHESIS:
                spans.append((start, i))
        elif ch == "\n":
            stack.clear()
    return spans


def _inside(spans: list[tuple[int, int]]) -> Callable[[int], bool]:
    """Fast membership test for positions in a set of (possibly nested) spans."""
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    starts = [s for s, _ in merged]

    def test(pos: int) -> bool:
        i = bisect.bisect_right(starts, pos) - 1
        return i >= 0 and merged[i][0] <= pos < merged[i][1]

    return test


def _is_abbreviation(text: str, dot: int) -> bool:
    """Is the period at ``text[dot]`` the end of an initial or abbreviation?"""
    start = dot
    while start > 0 and not text[start - 1].isspace() and text[start - 1] not in "(\"'«“":
        start -= 1
    word = text[start:dot]
    if not word:
        return False
    if word in _ERA_MARKS and re.search(r"\d\s*$", text[:start]):
        return False  # "عام 1991 م." : the era mark after a year ends the sentence
    if _INITIALS.fullmatch(word) and len(word.replace(".", "")) == word.count(".") + 1:
        return True  # every part is one letter: "د", "U.S", "أ.د"
    return word.lower() in ABBREVIATIONS


def _boundaries(text: str) -> list[int]:
    """End offsets of sentences (before the whitespace that follows them)."""
    inside = _inside(_protected(text))
    quotes = quotation_spans(text)
    opening_marks = {o for o, _ in quotes}
    ends = [m.start() for m in _LINEBREAK.finditer(text)]
    for m in _TERMINATOR_RUN.finditer(text):
        end = m.end()
        while end > m.start() + 1 and end - 1 in opening_marks:
            end -= 1  # "هناك."وقال ..." : the mark opens the next sentence's quotation
        tight = end < len(text) and not text[end].isspace()
        if tight and not _word_follows(text, end):
            continue  # "9.00", "watch؟v=", "17.09.2022": no letter after the run
        if inside(m.start()):
            continue
        run = text[m.start() : end]
        stops = run.rstrip(CLOSERS)
        if stops == "." and _is_abbreviation(text, m.start()):
            continue
        if tight and stops == "." and _name_with_a_dot(text, m.start()):
            continue
        if set(stops) <= set(".…") and _lower_latin_follows(text, end):
            continue  # "wait... and see", "etc. and so on": the sentence goes on
        if stops == "." and _is_list_number(text, m.start(), ends):
            continue
        if not _quotation_allows(text, quotes, m.start(), end, ends):
            continue
        ends.append(end)
    return sorted(set(ends))


def _word_follows(text: str, end: int) -> bool:
    """Does a word start at ``text[end]`` (a letter, or an opening mark and a letter)?"""
    if text[end] in _OPENERS and end + 1 < len(text):
        end += 1
    return text[end].isalpha()


def _name_with_a_dot(text: str, dot: int) -> bool:
    """Latin letters on both sides of a period with no space: a name, not two sentences
    (``ASP.NET``, ``file.pdf``, ``e.g``); ``said.The`` is two sentences."""
    before = re.search(r"[A-Za-z0-9]+$", text[:dot])
    after = re.match(r"[A-Za-z]+", text[dot + 1 :])
    if not before or not after:
        return False
    word = after.group()
    return word.islower() or (word.isupper() and before.group().isupper())


def _lower_latin_follows(text: str, end: int) -> bool:
    rest = text[end:].lstrip()
    return bool(rest) and "a" <= rest[0] <= "z"


def _is_list_number(text: str, dot: int, ends: list[int]) -> bool:
    """``1.`` / ``12.`` that starts the paragraph, follows a sentence end or a colon:
    the number of a list item, not a sentence."""
    m = re.search(r"(?:^|(?<=\s))[0-9٠-٩]{1,3}$", text[:dot])
    if not m:
        return False
    before = text[: m.start()].rstrip()
    return not before or before.endswith((":", "：")) or len(before) in _stripped_ends(text, ends)


def _stripped_ends(text: str, ends: list[int]) -> set[int]:
    out = set()
    for e in ends:
        while e > 0 and text[e - 1].isspace():
            e -= 1
        out.add(e)
    return out


def _quotation_allows(
    text: str, quotes: list[tuple[int, int]], start: int, end: int, ends: list[int]
) -> bool:
    """A stop inside a quotation (before its closing mark) ends a sentence only when
    the quotation is long (:data:`LONG_QUOTE_WORDS`) and has a sentence of its own on
    each side of the stop (since the opening mark or the last break inside it):
    :data:`QUOTED_SENTENCE_WORDS` words after a period, :data:`QUOTED_EXCLAMATION_WORDS`
    after the other stops. A ``!`` or ``?`` that the closing mark of a short quotation
    follows (``وهتفوا "ارحل!" ثم تفرقوا``) does not end the sentence that quotes it."""
    stops = text[start:end].rstrip(CLOSERS)
    q = innermost(quotes, start, end)
    if q is None:
        closed = next(((o, c) for o, c in quotes if start <= c < end), None)
        if closed is None or stops in ".۔":
            return True
        # '"ارحل!" هتفوا' : a short cry or question quoted inside the sentence
        o, c = closed
        return _count_words(text[o + 1 : c]) >= LONG_QUOTE_WORDS or any(
            o < e <= start for e in ends
        )
    o, c = q
    since = max([o + 1, *(e for e in ends if o < e <= start)])
    need = QUOTED_SENTENCE_WORDS if stops in ".۔" else QUOTED_EXCLAMATION_WORDS
    return (
        _count_words(text[o + 1 : c]) >= LONG_QUOTE_WORDS
        and _count_words(text[since:start]) >= need
        and _count_words(text[end:c]) >= need
    )


def _count_words(text: str) -> int:
    return sum(1 for w in text.split() if any(ch.isalpha() for ch in w))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text``, whitespace excluded."""
    spans: list[tuple[int, int]] = []
    start = 0
    for end in [*_boundaries(text), len(text)]:
        s, e = start, end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            if spans and _is_fragment(text, spans[-1], (s, e)):
                s = spans.pop()[0]
            spans.append((s, e))
        start = max(start, end)
    return spans


def _is_fragment(text: str, prev: tuple[int, int], cur: tuple[int, int]) -> bool:
    """A one-word "sentence" after a period on the same line, e.g. the stray period in
    "... بالقيادة. الاضطرابات.": it belongs to the sentence before it."""
    piece = text[cur[0] : cur[1]]
    between = text[prev[1] : cur[0]]
    return (
        len(piece.split()) == 1
        and piece.endswith(".")
        and text[prev[1] - 1] == "."
        and "\n" not in between
        and any(ch.isalpha() for ch in piece)
    )


def segment_text(
    text: str, doc_id: str = "-", para: int = 0, *, is_title: bool = False
) -> list[Segment]:
    """Split one paragraph into sentence :class:`Segment` records (offsets into ``text``).

    With ``is_title`` the stripped text is one segment (a headline is one sentence).
    """
    if is_title:
        stripped = text.strip()
        if not stripped:
            return []
        start = text.index(stripped)
        spans = [(start, start + len(stripped))]
    else:
        spans = sentence_spans(text)
    return [
        Segment(doc_id, para, i, text[s:e], s, e, is_title=is_title)
        for i, (s, e) in enumerate(spans)
    ]


def segment_document(doc: Document) -> list[Segment]:
    """Segments of a (cleaned) document; paragraph numbers follow ``doc.blocks()``."""
    out: list[Segment] = []
    for para, block in enumerate(doc.blocks()):
        out += segment_text(block, doc.doc_id, para, is_title=bool(doc.title) and para == 0)
    if doc.date:
        for seg in out:
            seg.date = doc.date
    return out


# --------------------------------------------------------------------------- split_long

_CLAUSE = re.compile(r"[،؛:,;]+[\"'”’»)\]]*\s*")
_CONJUNCTIONS = _wordset(
    "ثم بينما حيث لكن لكنّ لكنه لكنها غير إلا كما فيما بعدما عندما حين حينما لأن إذ "
    "أو أم بل حتى رغم إذا"
)
# Words starting with و/ف that are not a conjunction + word.
_NOT_CONJUNCTION = _wordset(
    "في فقط فوق وزير وزيرة وزارة وزراء وسط وكالة وكالات وفد وضع وقت وقف وطني "
    "وطنية ولاية ولايات واشنطن فرنسا فلسطين فنزويلا فيتنام فنلندا فريق فترة فرص فرصة"
)


def _clause_cuts(text: str, lo: int, hi: int) -> list[int]:
    return [m.end() for m in _CLAUSE.finditer(text, lo, hi) if lo < m.end() < hi]


def _conjunction_cuts(text: str, lo: int, hi: int) -> list[int]:
    cuts = []
    for m in re.finditer(r"(?<=\s)\S+", text[lo:hi]):
        word = m.group().strip("\"'«»“”()")
        if word in _CONJUNCTIONS or (
            len(word) >= 3 and word[0] in "وف" and word not in _NOT_CONJUNCTION
        ):
            cuts.append(lo + m.start())
    return [c for c in cuts if lo < c < hi]


def _space_cuts(text: str, lo: int, hi: int) -> list[int]:
    return [lo + m.start() for m in re.finditer(r"(?<=\s)\S", text[lo:hi]) if m.start() > 0]


def _char_cuts(text: str, lo: int, hi: int) -> list[int]:
    # never between a letter and its combining marks (Arabic diacritics)
    return [i for i in range(lo + 1, hi) if not unicodedata.combining(text[i])]


_LEVELS: list[Callable[[str, int, int], list[int]]] = [
    _clause_cuts,
    _conjunction_cuts,
    _space_cuts,
    _char_cuts,
]


def split_long(text: str, count_tokens: Callable[[str], int], limit: int) -> list[tuple[int, int]]:
    """Cut ``text`` into contiguous spans of at most ``limit`` tokens each.

    The spans cover ``text`` exactly (``"".join(text[s:e] ...) == text``; the
    whitespace between two pieces stays at the end of the first). Cuts are made
    at clause punctuation (``، ؛ : , ;``) first, then before conjunctions
    (``و``/``ف``-words such as ``وقال``, ``ثم``, ``بينما``, ``حيث``), then
    between words, then between characters; each piece's ``count_tokens`` is
    ``<= limit`` unless a single character is already longer.
    """
    if not text:
        return []
    if limit < 1:
        raise ValueError("limit must be >= 1")
    return _split(text, 0, len(text), count_tokens, limit, 0)


def _split(
    text: str,
    lo: int,
    hi: int,
    count: Callable[[str], int],
    limit: int,
    level: int,
) -> list[tuple[int, int]]:
    if hi - lo <= 1 or count(text[lo:hi]) <= limit or level >= len(_LEVELS):
        return [(lo, hi)]
    bounds = [lo, *_LEVELS[level](text, lo, hi), hi]
    if len(bounds) == 2:
        return _split(text, lo, hi, count, limit, level + 1)
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(bounds) - 1:
        start = bounds[i]
        # furthest bound j > i with text[start:bounds[j]] within the limit (binary search)
        fits = lambda j, start=start: count(text[start : bounds[j]]) <= limit  # noqa: E731
        if not fits(i + 1):
            out += _split(text, start, bounds[i + 1], count, limit, level + 1)
            i += 1
            continue
        a, b = i + 1, len(bounds) - 1
        while a < b:
            mid = (a + b + 1) // 2
            if fits(mid):
                a = mid
            else:
                b = mid - 1
        out.append((start, bounds[a]))
        i = a
    return out


def covering(spans: list[tuple[int, int]], n: int) -> bool:
    """True when ``spans`` are contiguous and cover ``range(n)`` exactly."""
    pos = 0
    for s, e in spans:
        if s != pos or e <= s:
            return False
        pos = e
    return pos == n


__all__ = [
    "covering",
    "segment_document",
    "segment_text",
    "sentence_spans",
    "split_long",
]
