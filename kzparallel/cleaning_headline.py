"""A site's or section's name on the headline, for :mod:`kzparallel.cleaning`.

``SITE - headline``, ``headline | SECTION``, ``SECTION – headline``, ``فيديو.. headline``:
the name is taken off and the headline kept (an edit, not a drop: the decisions are
``title-prefix`` and ``title-suffix``, :data:`kzparallel.cleaning_rules.EDIT_RULES`).
A name after a dash is taken off only when the page shows it is furniture, because a
dash before a speaker's name is part of many headlines (``... – فولودين``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from kzparallel import cleaning_rules as R
from kzparallel import cleaning_shapes as S


class PageLine(Protocol):
    """A line while the page is cleaned (:class:`kzparallel.cleaning.SourceLine`)."""

    number: int
    text: str
    rule: str | None
    detail: str

    @property
    def kept(self) -> bool: ...

    def drop(self, rule: str, detail: str = "") -> None: ...


def may_be_headline(text: str) -> bool:
    """A short line (under four words) is taken for the headline only when it reads
    like a clause ('روسيا ترسل قوات'); 'منظمة الصحة العالمية' is a caption."""
    return S.has_clause_shape(text)


_UPDATE = re.compile(r"^(تحديث\s*\d+\s*[-–—:]\s*)(?=\S)")
_LABEL_PREFIX = re.compile(r"^((\S+(?:\s+\S+){0,2})\s*(?:\.\.+|…|:|\s[-–—|｜])\s*)(?=\S)")
# the name's words hold no separator of their own
_NAME_PREFIX = re.compile(r"^(([^\s|｜–—-]+(?:\s+[^\s|｜–—-]+){0,3})\s+[-–—|｜]\s+)(?=\S)")
_NAME_SUFFIX = re.compile(r"(\s+[-–—]\s+([^\s|｜–—-]+(?:\s+[^\s|｜–—-]+){0,3}))$")


def _all_labels(text: str) -> bool:
    tokens = S.folded_words(text)
    return bool(tokens) and all(t in S.SECTION_WORDS or t in S.MEDIA_WORDS for t in tokens)


def _on_the_page(name: str, head: str, page: Sequence[PageLine]) -> str | None:
    """Why ``name`` is a site's or section's name: the page has the headline without
    it, or the name on one of its furniture lines. None when neither."""
    k_head, k_name = R.key(head), R.key(name)
    if any(R.key(R.split_title_suffix(ln.text)[0]) == k_head for ln in page):
        return "the page prints the headline without it"
    for ln in page:
        if ln.kept or ln.rule in ("duplicate", "repeated-headline") or k_head in R.key(ln.text):
            continue
        if f" {k_name} " in f" {R.key(ln.text)} ":
            return "the name is on the page's furniture lines"
    return None


def _no_evidence_prefix(prefix: str, rest: str) -> bool:
    """A name of at most three words before a spaced dash ('المدينة اليوم - ...'):
    no digits, no clause shape, and a headline of 5+ words after it that does not
    itself start with a one-word 'X:' (as 'روسيا - الصين: ...' does)."""
    first_part = rest.split(":")[0] if ":" in rest else rest
    if re.search(r"\s[-–—|｜]\s", first_part):
        return False  # 'A - B - C: ...' is a list of names, not a site's name and a headline
    return (
        len(S.words(prefix)) <= 3
        and not S.has_digit(prefix)
        and S.is_name(prefix)
        and len(S.words(rest)) >= 5
        and len(S.words(first_part)) >= 2
    )


def headline_edits(title: str, page: Sequence[PageLine]) -> tuple[str, list[tuple[str, str, str]]]:
    """The headline without a site's or section's name before or after it, and the
    edits as ``(rule, removed text, reason)``.

    * ``title-prefix``: an update marker (``تحديث 1-``); a media or section label
      before ``..``, ``:``, a dash or ``|`` (``فيديو.. ``, ``عاجل: ``, ``أخبار سياسة - ``);
      a name of at most four words before a spaced dash or ``|`` when the page shows
      it is furniture (:func:`_on_the_page`), or of at most three words without that
      evidence when it has no clause shape (:func:`_no_evidence_prefix`);
    * ``title-suffix``: a name after a spaced dash, only with evidence from the page
      or when it is a section label (a speaker after a dash — ``... – فولودين`` — is
      part of the headline).
    """
    edits: list[tuple[str, str, str]] = []
    m = _UPDATE.match(title)
    if m:
        edits.append(("title-prefix", m.group(1).strip(), "update marker"))
        title = title[m.end() :]
    m = _LABEL_PREFIX.match(title)
    if m and _all_labels(m.group(2)) and len(S.words(title[m.end() :])) >= 3:
        edits.append(("title-prefix", m.group(1).strip(), "media or section label"))
        title = title[m.end() :]
    m = _NAME_PREFIX.match(title)
    if m and len(S.words(title[m.end() :])) >= 4:
        rest = title[m.end() :]
        why = _on_the_page(m.group(2), rest, page)
        if why is None and _no_evidence_prefix(m.group(2), rest):
            why = "a name before a dash"
        if why:
            edits.append(("title-prefix", m.group(1).strip(), f"site or section name: {why}"))
            title = rest
    m = _NAME_SUFFIX.search(title)
    if m and len(S.words(title[: m.start()])) >= 4:
        head = title[: m.start()]
        why = "section label" if _all_labels(m.group(2)) else _on_the_page(m.group(2), head, page)
        if why:
            edits.append(("title-suffix", m.group(1).strip(), f"site or section name: {why}"))
            title = head
    return title, edits
