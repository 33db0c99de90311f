"""Cleaning scraped article text into a title and whole paragraphs.

One non-empty source line is one candidate paragraph. A line is either kept
whole (normalised by :func:`kzparallel.normalization.normalize_text`) or
dropped with a :class:`~kzparallel.records.Decision` naming the rule; nothing is
cut out of the middle of a kept paragraph. The only edit inside a kept line is
on the headline: a trailing ``" | section"`` part and trailing emoji, and a site's
or section's name or a media label before or after it, are removed (recorded as
``title-suffix`` / ``title-prefix``: :mod:`kzparallel.cleaning_headline`).

How the article is found:

1. Lines that are boilerplate by themselves (:func:`cleaning_rules.line_rule`:
   URLs, handles, counters, non-Arabic, credits, markers, UI labels, bullet
   menu items — but a bulleted list between two prose paragraphs is kept) are
   dropped wherever they are, then the furniture told by its shape
   (:data:`cleaning_furniture.LINE_RULES`: promos, widgets, mastheads, bylines,
   datelines); a line repeating an earlier line is a ``duplicate``.
2. The body starts at the first prose line (ends like a sentence and has at
   least 6 words, or has 25+ words). The headline is the first remaining line
   before it with at least 4 words (preferring one the page repeats later; a
   shorter one only when it reads like a clause); everything else before the
   headline is ``navigation``.
3. After the headline: repeated headlines, a comments/related label and the
   list of other headlines after it, and duplicates or ``…``-truncated copies
   of other paragraphs are dropped; then the furniture told by its place
   (:data:`cleaning_furniture.PLACE_RULES`: captions and section labels around
   the body, a list of other headlines after it).

See :data:`kzparallel.cleaning_rules.RULES` for the rule ids.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from kzparallel import cleaning_furniture as F
from kzparallel import cleaning_headline as H
from kzparallel import cleaning_rules as R
from kzparallel.arabic import has_arabic
from kzparallel.dating import with_date
from kzparallel.line_joins import JOIN_RULES, join_continued_lines
from kzparallel.normalization import normalize_text
from kzparallel.records import Decision, Document

MIN_TITLE_WORDS = 4


@dataclass
class SourceLine:
    """One line of an article while it is cleaned (also the English cleaner's)."""

    number: int  # 1-based line in the decoded source
    raw: str
    text: str  # normalised
    rule: str | None = None
    detail: str = ""

    @property
    def kept(self) -> bool:
        return self.rule is None

    def drop(self, rule: str, detail: str = "") -> None:
        self.rule, self.detail = rule, detail


def clean_document(doc: Document) -> Document:
    """Return a copy of ``doc`` with ``title``, ``paragraphs`` and ``decisions`` filled in
    (and ``date`` from the dateline when the metadata gave none: :mod:`kzparallel.dating`).

    Never raises; a document whose every line is boilerplate comes back with no
    title and no paragraphs.
    """
    lines = [
        SourceLine(i, raw, normalize_text(raw))
        for i, raw in enumerate(doc.text.split("\n"), start=1)
        if raw.strip()
    ]
    lines = [ln for ln in lines if ln.text]
    decisions: list[Decision] = []
    meta = dict(doc.meta)

    _drop_by_line_rules(lines, meta)
    F.drop_furniture_lines(lines, meta)
    keep_bullets_inside_the_body(lines)
    drop_repeats(lines)

    title_line: SourceLine | None = None
    title = normalize_text(doc.title) if doc.title else None
    if title is not None and not has_arabic(title):
        title = None  # e.g. an HTML <title> that is only the site name
    if title is None:
        title_line = _find_title(lines)
        if title_line is not None:
            title = title_line.text
            _drop_before(lines, title_line)
    if title:
        title, suffix_decisions = _clean_title(title, title_line, lines)
        decisions += suffix_decisions
        _drop_repeated_headline(lines, title, title_line)
    body = [ln for ln in lines if ln is not title_line]
    drop_after_labels(body)
    _drop_copies(body)
    F.drop_furniture_around_body(body, title or "")
    paragraphs, joins = join_continued_lines(body)  # a sentence cut by a line break

    for ln in lines:
        if ln.rule is not None:
            decisions.append(Decision(ln.number, ln.rule, ln.raw.strip(), ln.detail))
    decisions += joins
    decisions.sort(key=lambda d: d.line)
    cleaned = replace(
        doc,
        title=title or None,
        paragraphs=paragraphs,
        decisions=decisions,
        meta=meta,
    )
    return with_date(cleaned)  # dated by its dateline when the metadata had no date


def _drop_by_line_rules(lines: list[SourceLine], meta: dict[str, object]) -> None:
    for ln in lines:
        found = R.line_rule(ln.text)
        if found is None:
            continue
        ln.drop(*found)
        if found[0] == "source-credit":
            meta.setdefault("source_credit", R.source_credit(ln.text))
        elif found[0] == "byline":
            meta.setdefault("byline", R.byline(ln.text))


def keep_bullets_inside_the_body(lines: Sequence[Any], rules: Any = R) -> None:
    """A bulleted list between two prose paragraphs is part of the article; bullet
    lists before the first or after the last prose paragraph are site menus.
    ``rules``: the language's rule module (its ``is_prose``), as in
    :func:`drop_after_labels`."""
    prose = [i for i, ln in enumerate(lines) if ln.kept and rules.is_prose(ln.text)]
    if len(prose) < 2:
        return
    for ln in lines[prose[0] : prose[-1]]:
        if (ln.rule, ln.detail) == ("navigation", R.BULLET_ITEM):
            ln.rule, ln.detail = None, ""


def drop_repeats(lines: Sequence[Any]) -> None:
    """A line whose text (bullets and symbols ignored) appeared on an earlier line."""
    seen: dict[str, int] = {}
    for ln in lines:
        k = R.key(ln.text)
        if not k:
            continue
        if k in seen and ln.kept:
            ln.drop("duplicate", f"same as line {seen[k]}")
        seen.setdefault(k, ln.number)


def _find_title(lines: list[SourceLine]) -> SourceLine | None:
    start = next((i for i, ln in enumerate(lines) if ln.kept and R.is_prose(ln.text)), len(lines))
    candidates = [ln for ln in lines[:start] if ln.kept]
    if not candidates:
        return None
    counts = Counter(R.headline_key(ln.text) for ln in lines)
    for ln in candidates:  # a headline the page repeats (e.g. above the photo)
        if len(R.words(ln.text)) >= MIN_TITLE_WORDS and counts[R.headline_key(ln.text)] > 1:
            return ln
    for ln in candidates:
        if len(R.words(ln.text)) >= MIN_TITLE_WORDS:
            return ln
    return candidates[-1] if H.may_be_headline(candidates[-1].text) else None


def _drop_before(lines: list[SourceLine], title_line: SourceLine) -> None:
    for ln in lines:
        if ln is title_line:
            return
        if ln.kept:
            ln.drop("navigation", "before the headline")


def _clean_title(
    title: str, title_line: SourceLine | None, lines: list[SourceLine]
) -> tuple[str, list[Decision]]:
    number = title_line.number if title_line else 0
    decisions = []
    head, suffix = R.split_title_suffix(title)
    head, symbols = R.strip_trailing_symbols(head)
    removed = " ".join(x for x in (suffix, symbols) if x)
    if removed:
        decisions.append(Decision(number, "title-suffix", removed, "removed from the headline"))
    head, edits = H.headline_edits(head, [ln for ln in lines if ln is not title_line])
    decisions += [Decision(number, rule, text, why) for rule, text, why in edits]
    return head, decisions


def _drop_repeated_headline(
    lines: list[SourceLine], title: str, title_line: SourceLine | None
) -> None:
    k = R.headline_key(title)
    for ln in lines:
        if ln is title_line:
            continue
        if R.headline_key(ln.text) == k and (ln.kept or ln.rule == "duplicate"):
            ln.drop("repeated-headline", "same as the headline")


def drop_after_labels(body: Sequence[Any], rules: Any = R) -> None:
    """Comment/related labels, and the headline list that follows them.

    ``body``: lines with ``kept``, ``text`` and ``drop(rule, reason)``;
    ``rules``: the language's rule module (``is_comments_label``,
    ``is_related_link``, ``is_related_label``, ``is_prose``) — Arabic by
    default, :mod:`kzparallel.alignment.english_rules` for English.
    """
    in_list: str | None = None
    for ln in body:
        if not ln.kept:
            continue
        if rules.is_comments_label(ln.text):
            ln.drop("comments", "comment-section label")
            in_list = "comments label"
        elif rules.is_related_link(ln.text):
            ln.drop("related-label", "link to another article")
            in_list = None
        elif rules.is_related_label(ln.text):
            ln.drop("related-label", "related-articles label")
            in_list = "related label"
        elif in_list and not rules.is_prose(ln.text):
            ln.drop("related-headlines", f"other headline after the {in_list}")
        else:
            in_list = None


def _drop_copies(body: list[SourceLine]) -> None:
    """Repeated paragraphs and copies cut off with an ellipsis, of earlier or later text."""
    kept = [ln for ln in body if ln.kept]
    for ln in kept:
        m = R.ELLIPSIS.search(ln.text)
        if not m:
            continue
        prefix = _drop_partial_word(ln.text[: m.start()])
        if len(R.words(prefix)) < 3:
            continue
        others = [o for o in kept if o is not ln and o.kept]
        for i, other in enumerate(others):
            if _run_starts_with(others, i, prefix):
                ln.drop("truncated-copy", f"cut-off copy of line {other.number}")
                break


def _run_starts_with(lines: list[SourceLine], i: int, prefix: str) -> bool:
    """Do ``lines[i:]`` joined with spaces start with ``prefix`` and go on beyond it?"""
    k = min(len(prefix), len(lines[i].text))
    if lines[i].text[:k] != prefix[:k]:
        return False
    run = lines[i].text
    for ln in lines[i + 1 :]:
        if len(run) > len(prefix):
            break
        run += " " + ln.text
    return run.startswith(prefix) and len(run) > len(prefix)


def _drop_partial_word(text: str) -> str:
    """Text before the ellipsis, without its last word (it may be cut in the middle)."""
    text = text.rstrip()
    head, _, _last = text.rpartition(" ")
    return head.rstrip() if head else text


def explain_lines(doc: Document) -> list[str]:
    """``# dropped <line>: <rule>: <text> [<detail>]`` for each decision of a cleaned document
    (``# joined`` for a line joined to the one before it: :mod:`kzparallel.line_joins`)."""
    out = []
    for d in doc.decisions:
        detail = f" [{d.detail}]" if d.detail else ""
        verb = "joined" if d.rule in JOIN_RULES else "dropped"
        out.append(f"# {verb} {d.line}: {d.rule}: {d.text}{detail}")
    return out
