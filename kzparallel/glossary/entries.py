"""Glossary entries: one concept per :class:`Entry`, found in text as :class:`Mention`
(the types every glossary module shares; :class:`.model.Glossary` holds a list of them).

An entry has a preferred English form for its Arabic variants (role
``name``), and optional other forms by role, each with its own Arabic
variants and English form::

    - id: tokayev
      type: person
      ar: [قاسم جومارت توكايف]
      en: Kassym-Jomart Tokayev
      forbidden: [Kassym-Zhomart Tokayev]
      forms:
        surname: {ar: [توكايف, توكاييف], en: Tokayev, forbidden: [Tokaev]}

``also`` lists accepted alternatives (not enforced, not a violation);
``forbidden`` lists known wrong spellings (replaced by the repair layer).
For places, an ``adjective`` (and ``people``) form is also matched from the
place name plus a nisba suffix (كازاخستان → الكازاخستانية).

``periods`` say which English form holds when (a renamed city); an article's
date chooses the period (:meth:`.model.Glossary.on`), the entry's own ``en`` holds
for an article without a date, and the other periods' forms are forbidden
unless listed in ``also``::

    - id: nur-sultan
      en: Nur-Sultan             # an article without a date
      periods:
        - {until: 2019-03-19, en: Astana}
        - {from: 2019-03-20, until: 2022-09-16, en: Nur-Sultan}
        - {from: 2022-09-17, en: Astana}
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

TYPES = ("person", "place", "org", "acronym", "other")
NAME = "name"  # the role of the entry's own Arabic variants


@dataclass(frozen=True)
class Form:
    """One English form of a concept and the Arabic variants that call for it."""

    role: str
    ar: tuple[str, ...]
    en: str
    also: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    line: int = 0
    # not a mention before / after one of these words (see .precedence)
    not_before: tuple[str, ...] = ()
    not_after: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"ar": list(self.ar), "en": self.en}
        if self.also:
            d["also"] = list(self.also)
        if self.forbidden:
            d["forbidden"] = list(self.forbidden)
        _context_dict(d, self.not_before, self.not_after)
        return d


def _context_dict(
    d: dict[str, Any], not_before: tuple[str, ...], not_after: tuple[str, ...]
) -> None:
    if not_before:
        d["not_before"] = list(not_before)
    if not_after:
        d["not_after"] = list(not_after)


@dataclass(frozen=True)
class Period:
    """The English form of an entry from ``start`` to ``end`` (both days included;
    ``None``: open)."""

    start: dt.date | None
    end: dt.date | None
    en: str
    also: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    line: int = 0

    def holds(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {}
        if self.start is not None:
            d["from"] = self.start.isoformat()
        if self.end is not None:
            d["until"] = self.end.isoformat()
        d["en"] = self.en
        if self.also:
            d["also"] = list(self.also)
        if self.forbidden:
            d["forbidden"] = list(self.forbidden)
        return d


def as_day(value: str | dt.date | None) -> dt.date | None:
    """An ISO date (``YYYY-MM-DD``, a longer ISO timestamp is cut to its day) or None."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


@dataclass(frozen=True)
class Entry:
    """One concept: a person, place, organisation, acronym or other term."""

    id: str
    type: str
    ar: tuple[str, ...]
    en: str
    also: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    forms: tuple[Form, ...] = ()
    note: str = ""
    line: int = 0
    periods: tuple[Period, ...] = ()
    # not a mention before / after one of these words, in any form (see .precedence)
    not_before: tuple[str, ...] = ()
    not_after: tuple[str, ...] = ()

    @property
    def name(self) -> Form:
        return Form(NAME, self.ar, self.en, self.also, self.forbidden, self.line)

    def all_forms(self) -> tuple[Form, ...]:
        return (self.name, *self.forms)

    def form(self, role: str) -> Form | None:
        for f in self.all_forms():
            if f.role == role:
                return f
        return None

    def period_at(self, day: dt.date | None) -> Period | None:
        """The period that holds on ``day`` (None: no date, no period, or a gap)."""
        if day is None:
            return None
        return next((p for p in self.periods if p.holds(day)), None)

    def at(self, day: dt.date | None) -> Entry:
        """The entry as it holds on ``day``: the period's form required, its and
        the entry's ``also`` accepted, the other periods' forms forbidden (unless
        accepted). Without a date (or in a gap) the entry's own ``en`` holds."""
        if not self.periods:
            return self
        period = self.period_at(day)
        en = period.en if period is not None else self.en
        also = _unique([*self.also, *(period.also if period else ())], drop=(en,))
        forbidden = [*self.forbidden, *(period.forbidden if period else ())]
        forbidden += [p.en for p in self.periods]
        return replace(
            self,
            en=en,
            also=also,
            forbidden=_unique(forbidden, drop=(en, *also)),
            periods=(),
        )

    def forbidden_all(self) -> list[tuple[str, Form]]:
        """Every forbidden variant with the form it is wrong for."""
        return [(v, f) for f in self.all_forms() for v in f.forbidden]

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.id, "type": self.type, "ar": list(self.ar), "en": self.en}
        if self.also:
            d["also"] = list(self.also)
        if self.forbidden:
            d["forbidden"] = list(self.forbidden)
        if self.forms:
            d["forms"] = {f.role: f.to_dict() for f in self.forms}
        if self.periods:
            d["periods"] = [p.to_dict() for p in self.periods]
        _context_dict(d, self.not_before, self.not_after)
        if self.note:
            d["note"] = self.note
        return d


def _unique(items: list[str], drop: tuple[str, ...] = ()) -> tuple[str, ...]:
    return tuple(x for x in dict.fromkeys(items) if x not in drop)


@dataclass(frozen=True)
class Mention:
    """A glossary term found in Arabic text. ``start``/``end`` index the
    original text; ``surface`` is the text as written (clitics included)."""

    start: int
    end: int
    surface: str
    term: str  # entry id
    role: str  # "name", or the form's role ("surname", "adjective", ...)
    en: str  # the English form this mention requires
    also: tuple[str, ...] = ()
    variant: str = ""  # the glossary's Arabic variant that matched
    # a place named as a noun may come out as its adjective or people (Syria: Syrian)
    derived: tuple[str, ...] = ()
    # "exact", or why the text's spelling is a variant of ``variant`` (see .spelling)
    match: str = "exact"

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "surface": self.surface,
            "term": self.term,
            "role": self.role,
            "en": self.en,
        }
