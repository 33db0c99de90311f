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

from kzparallel.quotations import MAX_QUOTE, innermost, near, quotation_spans
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
_SPACES = re.compile(r"\s*")
_LIST_NUMBER = re.compile(r"(?:^|(?<=\s))[0-9٠-٩]{1,3}$")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
_LATIN_WORD_BEFORE = re.compile(r"[A-Za-z0-9]+$")
_LONGEST_WORD = 100  # letters looked at before a period (a name with a dot)
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
    if word in _ERA_MARKS and _digit_before(text, start):
        return False  # "عام 1991 م." : the era mark after a year ends the sentence
    if _INITIALS.fullmatch(word) and len(word.replace(".", "")) == word.count(".") + 1:
        return True  # every part is one letter: "د", "U.S", "أ.د"
    return word.lower() in ABBREVIATIONS


def _boundaries(text: str) -> list[int]:
    """End offsets of sentences (before the whitespace that follows them)."""
    inside = _inside(_protected(text))
    quotes = quotation_spans(text)
    opening_marks = {o for o, _ in quotes}
    ends = [m.start() for m in _LINEBREAK.finditer(text)]  # kept sorted
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
        bisect.insort(ends, end)
    return sorted(set(ends))


def _word_follows(text: str, end: int) -> bool:
    """Does a word start at ``text[end]`` (a letter, or an opening mark and a letter)?"""
    if text[end] in _OPENERS and end + 1 < len(text):
        end += 1
    return text[end].isalpha()


def _name_with_a_dot(text: str, dot: int) -> bool:
    """Latin letters on both sides of a period with no space: a name, not two sentences
    (``ASP.NET``, ``file.pdf``, ``e.g``); ``said.The`` is two sentences."""
    before = _LATIN_WORD_BEFORE.search(text, max(0, dot - _LONGEST_WORD), dot)
    after = _LATIN_WORD.match(text, dot + 1)
    if not before or not after:
        return False
    word = after.group()
    return word.islower() or (word.isupper() and before.group().isupper())


def _lower_latin_follows(text: str, end: int) -> bool:
    at = _SPACES.match(text, end).end()
    return at < len(text) and "a" <= text[at] <= "z"


def _is_list_number(text: str, dot: int, ends: list[int]) -> bool:
    """``1.`` / ``12.`` that starts the paragraph, follows a sentence end or a colon:
    the number of a list item, not a sentence."""
    m = _LIST_NUMBER.search(text, max(0, dot - 4), dot)
    if not m:
        return False
    k = m.start()  # back over the white space before the number
    while k > 0 and text[k - 1].isspace():
        k -= 1
    if k == 0 or text[k - 1] in ":：":
        return True
    # a sentence end (``ends`` is sorted) at k or in the white space after it
    i = bisect.bisect_left(ends, k)
    return i < len(ends) and ends[i] <= m.start()


def _digit_before(text: str, start: int) -> bool:
    """A digit, then only white space, before ``start``."""
    k = start
    while k > 0 and text[k - 1].isspace():
        k -= 1
    return k > 0 and text[k - 1].isdigit()


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
        closed = next(
            ((o, c) for o, c in near(quotes, start - MAX_QUOTE, end) if start <= c < end), None
        )
        if closed is None or stops in ".۔":
            return True
        # '"ارحل!" هتفوا' : a short cry or question quoted inside the sentence
        o, c = closed
        return _count_words(text[o + 1 : c]) >= LONG_QUOTE_WORDS or _last_end(ends, o, start) > o
    o, c = q
    since = max(o + 1, _last_end(ends, o, start))
    need = QUOTED_SENTENCE_WORDS if stops in ".۔" else QUOTED_EXCLAMATION_WORDS
    return (
        _count_words(text[o + 1 : c]) >= LONG_QUOTE_WORDS
        and _count_words(text[since:start]) >= need
        and _count_words(text[end:c]) >= need
    )


def _last_end(ends: list[int], after: int, upto: int) -> int:
    """The last of the sorted ``ends`` in ``(after, upto]``, else ``after``."""
    i = bisect.bisect_right(ends, upto)
    return ends[i - 1] if i and ends[i - 1] > after else after


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

    Linear in the length of ``text``: each piece is the longest run of cut
    points that fits, found by doubling then halving the run from the start of
    the piece (galloping search), so ``count_tokens`` reads each character a
    bounded number of times (about 8 for pieces of 300 words), whatever the
    length of the line.
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
    over: bool = False,
) -> list[tuple[int, int]]:
    """The pieces of ``text[lo:hi]`` cut at ``_LEVELS[level]`` or finer
    (``over``: already counted, more than ``limit``)."""
    if hi - lo <= 1 or level >= len(_LEVELS) or (not over and count(text[lo:hi]) <= limit):
        return [(lo, hi)]
    bounds = [lo, *_LEVELS[level](text, lo, hi), hi]
    if len(bounds) == 2:
        return _split(text, lo, hi, count, limit, level + 1, over=True)
    out: list[tuple[int, int]] = []
    last = len(bounds) - 1
    i = 0
    while i < last:
        start = bounds[i]
        # furthest bound j > i with text[start:bounds[j]] within the limit
        fits = lambda j, start=start: count(text[start : bounds[j]]) <= limit  # noqa: E731
        if not fits(i + 1):
            out += _split(text, start, bounds[i + 1], count, limit, level + 1, over=True)
            i += 1
            continue
        good, step = i + 1, 1  # gallop: i+2, i+3, i+5, i+9, ... while it fits
        while good < last and fits(min(good + step, last)):
            good, step = min(good + step, last), step * 2
        bad = min(good + step, last + 1)  # the first that does not fit (last + 1: none)
        while bad - good > 1:  # then halve between the last fit and the first misfit
            mid = (good + bad) // 2
            if fits(mid):
                good = mid
            else:
                bad = mid
        out.append((start, bounds[good]))
        i = good
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
