"""Page furniture told by its shape and its place on the page: captions, section
labels, promos, share and comment widgets, mastheads, bylines, datelines, and a
site's or section's name on the headline. Used by :mod:`kzparallel.cleaning`.

Each rule is one :class:`Rule`: ``name`` (the decision's rule id), ``reason`` (the
decision's detail: ``clean --explain`` prints both), ``where`` (the part of the page
it looks at) and ``test``. The rules run in the order of their table, and the first
that matches drops the line; a line an earlier rule dropped is not looked at again.

* :data:`LINE_RULES` run right after :func:`kzparallel.cleaning_rules.line_rule`,
  before the headline is found, so that none of them is taken for the headline.
* :data:`PLACE_RULES` run once the headline and the body are known.
* :func:`kzparallel.cleaning_headline.headline_edits` takes a site's or section's
  name off the headline (an edit, not a drop: ``title-prefix`` / ``title-suffix``).

Where on the page (``where``):

``anywhere``
    every line;
``before body``
    lines before the first prose paragraph (the headline among them);
``lead``
    lines between the headline and the first prose paragraph;
``just before body``
    the last kept line of the lead;
``tail``
    lines after the last line that ends like a sentence (none when that line ends
    with ``:``: the article's own list follows it);
``outside body``
    ``lead`` or ``tail``.

**Body text is never dropped.** No rule drops a line that
:func:`kzparallel.cleaning_shapes.is_sentence` calls article text (12+ words ending
in a full stop, or 25+ words), whatever its first words. The rules by shape alone
(captions just before the body or after a credit, labels, bylines, datelines) drop
no line that has a clause shape (:func:`~kzparallel.cleaning_shapes.has_clause_shape`:
a verb or a word only a clause has) or a final stop (a label of at most three words
just before the body aside: ``قاسم توكاييف.``). A shorter line with a verb goes only
on evidence from the page (the caption printed again before the body, or next to a
copy of it with the photo credit) or when it is a widget's or a promo's wording.

**Datelines.** A dateline on a line of its own (``القاهرة - واس``, ``موسكو (د ب أ)``,
``رويترز (نيويورك)``; before the body also ``واشنطن - <site or reporter>``) is
dropped (``dateline``). A dateline that starts the lead sentence
(``موسكو (رويترز) - قال ...``) is part of that sentence and stays in it: nothing is
cut out of a kept line.

**Bylines.** ``كتب: فلان`` / ``كتب - فلان`` / ``بقلم فلان`` / ``إعداد: ...`` and a name
line with ``مراسل`` are dropped anywhere; ``كتب فلان`` without a separator only
before the body (in the body it is a sentence: ``كتب الرئيس على تويتر``). The name
is kept in ``Document.meta["byline"]``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kzparallel import cleaning_rules as R
from kzparallel import cleaning_shapes as S
from kzparallel.cleaning_headline import PageLine, headline_edits


@dataclass(frozen=True)
class Spot:
    """One kept line where it stands on the page."""

    text: str
    zones: frozenset[str]
    before: PageLine | None  # the line above it (kept or dropped)
    after: PageLine | None  # the line below it
    title: str  # the headline ("" when none is known yet)
    repeated: bool  # the page has this line more than once


@dataclass(frozen=True)
class Rule:
    name: str  # the decision's rule id (``clean --explain``)
    reason: str  # the decision's detail
    where: str  # anywhere | before body | lead | tail | outside body
    test: Callable[[Spot], bool]


# a speaker's words ('الخبراء: الأزمة مستمرة') or a quotation: a subtitle, not a caption
_QUOTED = re.compile(r":\s*\S|[\"«»“”]")
# "1- ...", "أ) ...": an item of the article's own numbered list
_LIST_ITEM = re.compile(r"^(?:\d+|[a-zA-Z]|[أ-ي])\s*[-.)–]\s")


def _words(spot: Spot) -> int:
    return len(S.words(spot.text))


def _dropped_as(line: PageLine | None, *rules: str) -> bool:
    return line is not None and line.rule in rules


def _masthead_name(spot: Spot) -> bool:
    """The name under a masthead title ('رئيس التحرير' / 'عبد الله فلان')."""
    return (
        _dropped_as(spot.before, "masthead")
        and _words(spot) <= 3
        and not S.TERMINAL.search(spot.text)
        and not S.has_clause_shape(spot.text)
    )


_BREADCRUMB = re.compile(r"^(?:الرئيسية|الرئيسيه|الصفحة الرئيسية|Home)\s*[»›>/|]\s*\S")


def _date_and_byline(spot: Spot) -> bool:
    """'السبت 06-09-2014 17:41 | كتب: فلان |': pipe-separated date/time and byline."""
    parts = [p.strip() for p in spot.text.split("|") if p.strip()]
    return (
        len(parts) >= 2
        and any(S.byline_name(p) for p in parts)
        and all(S.byline_name(p) or R.is_timestamp(p) or S.is_bare_date(p) for p in parts)
    )


def _dateline_with_name(spot: Spot) -> bool:
    return (
        _words(spot) <= 4
        and S.DATELINE_WITH_NAME.match(spot.text) is not None
        and not S.has_clause_shape(spot.text)
    )


LINE_RULES: tuple[Rule, ...] = (
    Rule(
        "masthead",
        "the site's masthead (editor or board title)",
        "anywhere",
        lambda s: S.is_masthead(s.text),
    ),
    Rule("masthead", "the name under the site's masthead", "anywhere", _masthead_name),
    # (a comments label itself is cleaning_rules' "comments": the list after it goes too)
    Rule(
        "comments",
        "comment box text",
        "anywhere",
        lambda s: S.is_comment_widget(s.text) and not R.is_comments_label(s.text),
    ),
    Rule(
        "promo",
        "follow-us / subscribe / download-the-app promotion",
        "anywhere",
        lambda s: S.is_channel_promo(s.text),
    ),
    Rule("promo", "newsletter prompt", "anywhere", lambda s: S.is_newsletter_prompt(s.text)),
    Rule(
        "share",
        "share, copy-link, print, font-size, rating or search widget",
        "anywhere",
        lambda s: S.is_page_tool(s.text),
    ),
    Rule(
        "navigation",
        "breadcrumb ('الرئيسية » ...')",
        "anywhere",
        lambda s: _BREADCRUMB.match(s.text) is not None and not S.TERMINAL.search(s.text),
    ),
    Rule(
        "photo-credit",
        "caption ending in its photographer's or agency's credit",
        "anywhere",
        lambda s: S.has_credit_tail(s.text),
    ),
    # a "timestamp" (kzparallel.dating reads the date from it); the name goes to meta
    Rule("timestamp", "date and author line", "anywhere", _date_and_byline),
    Rule(
        "timestamp",
        "date line ('published on ...') with the site's or agency's name",
        "anywhere",
        lambda s: S.is_published_line(s.text),
    ),
    Rule(
        "timestamp", "date and time among labels", "anywhere", lambda s: S.is_date_and_time(s.text)
    ),
    Rule("byline", "author line", "anywhere", lambda s: S.byline_name(s.text) is not None),
    Rule(
        "byline", "correspondent's name line", "anywhere", lambda s: S.is_correspondent_line(s.text)
    ),
    Rule(
        "dateline",
        "dateline on a line of its own (place and agency)",
        "anywhere",
        lambda s: S.DATELINE.match(S.fold(s.text)) is not None,
    ),
    Rule(
        "dateline",
        "dateline on a line of its own (place and date)",
        "anywhere",
        lambda s: S.is_dated_dateline(s.text),
    ),
    Rule(
        "source-credit",
        "a news agency's name on a line of its own",
        "anywhere",
        lambda s: S.AGENCY_LINE.match(S.fold(s.text)) is not None,
    ),
    Rule(
        "section-label",
        "'exclusive to <site>' label",
        "anywhere",
        lambda s: S.is_exclusive_label(s.text),
    ),
    Rule(
        "dateline",
        "dateline on a line of its own (place and the site's or reporter's name)",
        "before body",
        _dateline_with_name,
    ),
    Rule(
        "byline",
        "author line ('كتب فلان')",
        "before body",
        lambda s: _words(s) <= 4 and S.byline_name(s.text, bare=True) is not None,
    ),
)


def _is_headline_again(spot: Spot) -> bool:
    """The headline with a site or section name on it."""
    if not spot.title or _words(spot) < 2:
        return False
    head, _ = headline_edits(R.split_title_suffix(spot.text)[0], [])
    return R.key(head) == R.key(spot.title)


def _headline_with_caption(spot: Spot) -> bool:
    """The headline with a caption glued after it (an image's text scraped with it)."""
    if not spot.title:
        return False
    title, text = R.key(spot.title), R.key(headline_edits(spot.text, [])[0])
    extra = len(text.split()) - len(title.split())
    return text.startswith(title + " ") and 0 < extra <= 6 and not S.TERMINAL.search(spot.text)


def _caption_of_credit(spot: Spot) -> bool:
    """The caption again, next to a copy of it with the photo credit on
    ('caption' / 'caption Copyright AP')."""
    k = R.key(spot.text)
    return not S.TERMINAL.search(spot.text) and any(
        _dropped_as(other, "photo-credit") and R.key(other.text).startswith(k + " ")
        for other in (spot.before, spot.after)
        if other is not None
    )


def _caption_shape(spot: Spot) -> bool:
    """A short label: at most 12 words, no clause shape, no quotation or 'X: ...', no
    final stop (at most three words may end with one)."""
    n = _words(spot)
    stop = S.TERMINAL.search(spot.text) is not None
    return (
        0 < n <= 12
        and not _LIST_ITEM.match(spot.text)
        and not _QUOTED.search(spot.text)
        and not S.has_clause_shape(spot.text)
        and (not stop or (n <= 3 and S.FULL_STOP.search(spot.text) is not None))
    )


def _after_credit(spot: Spot) -> bool:
    return _dropped_as(spot.before, "photo-credit", "source-credit") and _caption_shape(spot)


def _short_label(spot: Spot) -> bool:
    return (
        _words(spot) <= 2
        and not _LIST_ITEM.match(spot.text)
        and not S.TERMINAL.search(spot.text)
        and not S.has_digit(spot.text)
        and not S.has_clause_shape(spot.text)
    )


PLACE_RULES: tuple[Rule, ...] = (
    Rule(
        "repeated-headline",
        "the headline with a site or section name",
        "anywhere",
        _is_headline_again,
    ),
    Rule(
        "repeated-headline", "the headline with a caption after it", "lead", _headline_with_caption
    ),
    Rule(
        "caption",
        "caption text next to its copy with the photo credit",
        "anywhere",
        _caption_of_credit,
    ),
    Rule(
        "caption",
        "caption the page repeats between the headline and the body",
        "lead",
        lambda s: s.repeated and not S.FULL_STOP.search(s.text),
    ),
    Rule(
        "section-label",
        "news section label outside the body",
        "outside body",
        lambda s: S.is_section_label(s.text),
    ),
    Rule("caption", "short label after a photo or source credit", "outside body", _after_credit),
    Rule(
        "caption",
        "short label just before the body (no verb, no stop)",
        "just before body",
        _caption_shape,
    ),
    Rule("section-label", "one- or two-word label after the body", "tail", _short_label),
)


def _apply(
    lines: Sequence[PageLine],
    zones: list[frozenset[str]],
    rules: Sequence[Rule],
    title: str,
    first: int | None = None,
) -> None:
    """The first rule of ``rules`` that matches drops the line. ``first``: the first
    prose line's index; the kept line with only dropped lines between it and that
    line is "just before body" (decided when its turn comes, top to bottom)."""
    counts: dict[str, int] = {}
    for ln in lines:
        counts[R.key(ln.text)] = counts.get(R.key(ln.text), 0) + 1
    for i, ln in enumerate(lines):
        if not ln.kept or S.is_sentence(ln.text):
            continue
        extra = {"anywhere"}
        if first is not None and i < first and not any(o.kept for o in lines[i + 1 : first]):
            extra.add("just before body")
        spot = Spot(
            ln.text,
            zones[i] | extra,
            lines[i - 1] if i else None,
            lines[i + 1] if i + 1 < len(lines) else None,
            title,
            counts[R.key(ln.text)] > 1,
        )
        for rule in rules:
            if rule.where in spot.zones and rule.test(spot):
                ln.drop(rule.name, rule.reason)
                break


def drop_furniture_lines(lines: Sequence[PageLine], meta: dict[str, object]) -> None:
    """:data:`LINE_RULES` on every kept line; bylines and agency credits go to ``meta``."""
    first = next((i for i, ln in enumerate(lines) if ln.kept and R.is_prose(ln.text)), len(lines))
    zones = [frozenset({"before body"}) if i < first else frozenset() for i in range(len(lines))]
    _apply(lines, zones, LINE_RULES, "")
    for ln in lines:
        if ln.detail == "date and author line":
            name = next(filter(None, (S.byline_name(p.strip()) for p in ln.text.split("|"))), None)
            if name:
                meta.setdefault("byline", name)
        elif ln.rule == "byline" and ln.detail != "":
            name = S.byline_name(ln.text) or S.byline_name(ln.text, bare=True)
            if name:
                meta.setdefault("byline", name)
        elif ln.rule == "source-credit" and ln.detail != "":
            meta.setdefault("source_credit", ln.text.strip("()[]«» .:"))


def _body_bounds(lines: Sequence[PageLine]) -> tuple[int, int] | None:
    kept = [i for i, ln in enumerate(lines) if ln.kept]
    prose = [i for i in kept if R.is_prose(lines[i].text)]
    if not prose:
        return None
    ends = [
        i
        for i in kept
        if R.is_prose(lines[i].text)
        or S.ends_like_a_sentence(lines[i].text)
        or lines[i].text.rstrip().endswith(":")  # announces more of the article
    ]
    return prose[0], ends[-1]


def drop_furniture_around_body(body: Sequence[PageLine], title: str) -> None:
    """:data:`PLACE_RULES`, then a list of other headlines after the body.

    ``body``: the page's lines without the headline's own line, in page order
    (dropped ones too: a rule may look at its neighbours); ``title``: the headline.
    """
    bounds = _body_bounds(body)
    if bounds is None:
        return
    first, last = bounds
    # after a line ending with ':' comes the article's own list, not the page's tail
    tail_from = len(body) if body[last].text.rstrip().endswith(":") else last + 1
    zones = []
    for i in range(len(body)):
        z = {"lead", "outside body", "before body"} if i < first else set()
        if i >= tail_from:
            z |= {"tail", "outside body"}
        zones.append(frozenset(z))
    drop_headline_list_after_body(body[tail_from:])
    _apply(body, zones, PLACE_RULES, title, first)


def _headline_shaped(text: str) -> bool:
    """3 to 20 words, not a sentence, not a numbered list item, not opening with
    'and' + a verb, not going on in the next line."""
    n = len(S.words(text))
    return (
        3 <= n <= 20
        and not _LIST_ITEM.match(text)
        and not S.starts_with_and_verb(text)
        and not S.ends_like_a_sentence(text)
        and not text.rstrip().endswith(":")
        and not S.continues(text)
        and not S.has_inner_stop(text)
    )


def drop_headline_list_after_body(tail: Sequence[PageLine]) -> None:
    """Two or more headline-shaped lines in a row after the body (questions too) are a
    list of other articles without a label: ``related-headlines``."""
    run: list[PageLine] = []
    for ln in [*tail, None]:
        if ln is not None and not ln.kept:
            continue
        if ln is not None and _headline_shaped(ln.text) and not S.is_sentence(ln.text):
            run.append(ln)
            continue
        if len(run) >= 2:
            for r in run:
                r.drop("related-headlines", "list of other headlines after the body")
        run = []
