"""Joining a sentence that a hard line break cut in two (the ``join-continued-line`` rule).

Cleaning keeps each source line as a paragraph. Some pages break lines inside a
sentence: text wrapped at a fixed width, or a lead-in ending in ``:`` / ``:-`` /
``،`` with its sentence on the next line. Such a line is joined to the next one
(with a space; the text itself is not changed) when all of these hold:

* both are kept body lines and the second directly follows the first (no other
  non-empty source line between them, kept or dropped);
* the first line does not end a sentence (no ``. ! ? ؟ … ۔`` at its end, closing
  quotes and brackets aside) and is **cut** for one of the reasons below;
* the second line continues it: it starts with an Arabic letter, a lower-case
  Latin letter, a digit or an opening quote, but not with a bullet or a list
  number (``1.`` ``2-``);
* the second line is not a heading: it ends a sentence, is itself cut, or has
  more than :data:`HEADING_WORDS` words. So ``... حتى الآن:`` above the subheading
  ``روسيا`` stays apart, and a list of short items is never run into the next
  paragraph.

The first line is cut when

* ``clause``: it ends in ``:`` ``:-`` ``،`` ``,`` ``؛`` ``;`` and has at least
  :data:`MIN_CLAUSE_WORDS` words (``وقالت:`` alone may head a list);
* ``function-word``: its last word cannot end a sentence (a preposition,
  conjunction, relative pronoun or auxiliary: ``في``, ``إلى``, ``التي``, ``لا تزال``
  ..., or the first part of a compound name: ``عبد``, ``أبو``, ``بن``) and it has at least :data:`MIN_CLAUSE_WORDS` words;
* ``wrapped``: the article is wrapped at a fixed width and this line is one of
  the wrapped lines: it has at least :data:`MIN_WRAPPED_WORDS` words (long
  enough to be body text), it and the next line are each at most
  :data:`WRAP_WIDTH` characters, and the first is at least :data:`WRAP_FILL` of
  the second (a wrapped line fills the width; a subheading above a short
  paragraph is much shorter than it). The article is wrapped when at least
  :data:`MIN_WRAPPED_LINES` of its lines are such lines, so one subheading of
  seven words above a short paragraph is never run into it;
* ``wrapped list item``: the article is wrapped and the line is a list item
  (``1- ...``) with no final stop: the item goes on in the next line.

Each join is a :class:`~kzparallel.records.Decision` on the continuing line
(``clean --explain`` prints ``# joined N: join-continued-line: ...`` with the
reason), so the join is as visible as a drop.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Protocol

from kzparallel.records import Decision

JOIN_RULE = "join-continued-line"
JOIN_RULES: dict[str, str] = {
    JOIN_RULE: "a line that a hard line break cut inside a sentence, joined to the line "
    "before it (the previous line ends in ':' '،' or a word that cannot end a sentence, "
    "or both are lines of text wrapped at a fixed width)",
}
HEADING_WORDS = 6
MIN_CLAUSE_WORDS = 3
MIN_WRAPPED_WORDS = 7
MIN_WRAPPED_LINES = 3
WRAP_WIDTH = 110  # characters
WRAP_FILL = 0.4

_FINAL = re.compile(r"[.!?؟…۔][\"'”’»›)\]}]*\s*$")
_CLAUSE_END = re.compile(r"(?::\s*-|[:،,؛;])\s*$")
_LIST_START = re.compile(r"^\s*(?:[0-9٠-٩]{1,3}\s*[.)\-–]|[-–—•·▪►*]\s)")
_OPENING = "«“\"'(‹„["


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words that cannot end an Arabic sentence: they always have something after them.
_FUNCTION_WORDS = _wordset(
    "في من إلى الى على عن مع حين حينما عندما بينما حتى أن إن لأن كي لكي لا لم لن قد "
    "بين منذ حول ضد عند لدى نحو خلال عبر دون وفق وفقا مثل ثم أو أم بل لكن التي الذي "
    "الذين اللذين اللتين اللاتي اللواتي تزال يزال زال إلا سوى أي أية "
    "عبد أبو أبي ابن بن بنت آل"  # the first part of a compound name: عبد الفتاح، أبو ظبي
)


class Line(Protocol):
    """What the joiner reads of a cleaned line (:class:`kzparallel.cleaning.SourceLine`)."""

    number: int
    raw: str
    text: str

    @property
    def kept(self) -> bool: ...


def _words(text: str) -> list[str]:
    return text.split()


def _last_word(text: str) -> str:
    """The last word of ``text`` without its diacritics (``أنّ`` -> ``أن``)."""
    words = re.findall(r"[^\W\d_]+", "".join(ch for ch in text if not unicodedata.combining(ch)))
    return words[-1] if words else ""


def _is_function_word(word: str) -> bool:
    if word in _FUNCTION_WORDS:
        return True
    # "وفي", "ومن", "فإن": a conjunction glued to the word
    return len(word) > 2 and word[0] in "وف" and word[1:] in _FUNCTION_WORDS


def _wrapped(line: str, following: str) -> bool:
    """Could ``line`` and ``following`` be two lines of text wrapped at a width?"""
    return (
        len(_words(line)) >= MIN_WRAPPED_WORDS
        and not _FINAL.search(line)
        and len(line) <= WRAP_WIDTH
        and len(following) <= WRAP_WIDTH
        and len(line) >= WRAP_FILL * len(following)
    )


def cut_reason(line: str, following: str, wrapped_text: bool = False) -> str | None:
    """Why ``line`` stops inside a sentence that ``following`` goes on with, or None.
    ``wrapped_text``: the article is wrapped at a width (see the module docstring)."""
    if _FINAL.search(line):
        return None
    n = len(_words(line))
    m = _CLAUSE_END.search(line)
    if m:
        return f"it ends in '{m.group().strip()}'" if n >= MIN_CLAUSE_WORDS else None
    last = _last_word(line)
    if re.search(r"[^\W\d_]\s*$", line) and _is_function_word(last) and n >= MIN_CLAUSE_WORDS:
        return f"it ends in '{last}', a word that cannot end a sentence"
    if wrapped_text and _LIST_START.match(line):
        return "it is a list item with no final stop and the article is wrapped at a width"
    if wrapped_text and _wrapped(line, following):
        return (
            f"it has no final stop and the article is wrapped at a width "
            f"(lines of {len(line)} and {len(following)} characters)"
        )
    return None


def continues(line: str) -> bool:
    """Does ``line`` start like the rest of a sentence (not a list item)?"""
    text = line.lstrip()
    if not text or _LIST_START.match(text):
        return False
    first = text[1] if text[0] in _OPENING and len(text) > 1 else text[0]
    return (
        first.isdigit()
        or ("a" <= first <= "z")
        or ("\u0600" <= first <= "\u06ff" and first.isalpha())
    )


def join_continued_lines(lines: Sequence[Line]) -> tuple[list[str], list[Decision]]:
    """The paragraphs of the kept lines of ``lines`` (all non-empty lines of the body,
    in source order, dropped ones included), with cut sentences joined, and a
    ``join-continued-line`` decision for each line joined to the one before it."""
    pairs = [
        i
        for i in range(len(lines) - 1)
        if lines[i].kept and lines[i + 1].kept and continues(lines[i + 1].text)
    ]
    wrapped = sum(_wrapped(lines[i].text, lines[i + 1].text) for i in pairs) >= MIN_WRAPPED_LINES
    reasons: list[str | None] = [None] * len(lines)
    for i in reversed(pairs):  # from the end: is the next line itself cut?
        a, b = lines[i], lines[i + 1]
        reason = cut_reason(a.text, b.text, wrapped)
        if reason is None:
            continue
        heading = (
            not _FINAL.search(b.text)
            and reasons[i + 1] is None
            and len(_words(b.text)) <= HEADING_WORDS
        )
        if not heading:
            reasons[i] = reason
    paragraphs: list[str] = []
    decisions: list[Decision] = []
    joined = False
    for i, ln in enumerate(lines):
        if not ln.kept:
            continue
        if joined:
            prev = lines[i - 1]
            paragraphs[-1] += " " + ln.text
            decisions.append(
                Decision(
                    ln.number,
                    JOIN_RULE,
                    ln.raw.strip(),
                    f"continues line {prev.number}: {reasons[i - 1]}",
                )
            )
        else:
            paragraphs.append(ln.text)
        joined = reasons[i] is not None
    return paragraphs, decisions


__all__ = [
    "JOIN_RULE",
    "JOIN_RULES",
    "continues",
    "cut_reason",
    "join_continued_lines",
]
