"""Glossary data model: one concept per :class:`Entry`, matched as :class:`Mention`.

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
date chooses the period (:meth:`Glossary.on`), the entry's own ``en`` holds
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
import hashlib
import json
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from kzparallel.translation.base import TermHints

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


def _context_dict(d: dict[str, Any], not_before: tuple[str, ...], not_after: tuple[str, ...]) -> None:
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


@dataclass
class Glossary:
    """A set of entries with Arabic-aware lookup (see :mod:`.matching`)."""

    entries: list[Entry]
    version: str = ""
    name: str = ""
    path: str | None = None
    _by_id: dict[str, Entry] = field(default_factory=dict, init=False, repr=False)
    _views: dict[tuple[int, ...], Glossary] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        self._by_id = {e.id: e for e in self.entries}

    @cached_property
    def dated(self) -> tuple[Entry, ...]:
        """The entries with periods."""
        return tuple(e for e in self.entries if e.periods)

    def on(self, day: str | dt.date | None) -> Glossary:
        """The glossary as it holds on ``day`` (an ISO date, or None: no date),
        every dated entry resolved with :meth:`Entry.at`. Without dated entries
        this is the glossary itself; views are shared by all days that resolve
        to the same periods."""
        if not self.dated:
            return self
        when = as_day(day)
        key = tuple(
            -1 if (p := e.period_at(when)) is None else e.periods.index(p) for e in self.dated
        )
        view = self._views.get(key)
        if view is None:
            view = Glossary([e.at(when) for e in self.entries], self.version, self.name, self.path)
            view.__dict__["hash"] = self.hash  # the same glossary, seen on one day
            self._views[key] = view
        return view

    def __len__(self) -> int:
        return len(self.entries)

    def __getitem__(self, entry_id: str) -> Entry:
        return self._by_id[entry_id]

    def get(self, entry_id: str) -> Entry | None:
        return self._by_id.get(entry_id)

    @cached_property
    def matcher(self) -> Any:
        from kzparallel.glossary.matching import Matcher

        return Matcher(self.entries)

    def find(self, text: str, date: str | dt.date | None = None) -> list[Mention]:
        """Glossary mentions in Arabic ``text``: longest match first, no overlaps,
        in text order, spans in the original text; each requires the English
        that holds on ``date`` (see :meth:`on`)."""
        if self.dated:
            return self.on(date).find(text)
        return self.matcher.find(text)

    def hints(self, text: str, date: str | dt.date | None = None) -> TermHints:
        """Decoder hints for one source sentence: the required English forms of
        the mentions found (``prefer``), every forbidden variant of the glossary
        (``forbid``: a wrong spelling in any sentence) and every accepted form of
        the glossary (``keep``: the decoder must stay able to write them), as
        they hold on ``date``.

        ``forbid`` and ``keep`` are the same for every sentence of a day (of
        every day that resolves to the same periods), so a batch of sentences
        shares one suppression list (CTranslate2's is batch-wide) and a
        sentence's English does not depend on which sentences share its batch.
        """
        if self.dated:
            return self.on(date).hints(text)
        prefer: list[str] = []
        for m in self.find(text):
            if m.en not in prefer:
                prefer.append(m.en)
        return TermHints(prefer=prefer, forbid=self.forbidden_variants, keep=self.accepted_forms)

    @cached_property
    def forbidden_variants(self) -> tuple[str, ...]:
        """Every forbidden English variant of every entry, in glossary order."""
        return tuple(dict.fromkeys(v for e in self.entries for v, _form in e.forbidden_all()))

    @cached_property
    def accepted_forms(self) -> tuple[str, ...]:
        """Every accepted English form (``en`` and ``also``) of every entry."""
        return tuple(
            dict.fromkeys(x for e in self.entries for f in e.all_forms() for x in (f.en, *f.also))
        )

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {}
        if self.name:
            d["name"] = self.name
        if self.version:
            d["version"] = self.version
        d["entries"] = [e.to_dict() for e in self.entries]
        return d

    @cached_property
    def hash(self) -> str:
        """12 hex digits of SHA-256 over the canonical content (formatting and
        comments in the file do not change it)."""
        canon = json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(canon.encode("utf-8")).hexdigest()[:12]

    @property
    def label(self) -> str:
        return Path(self.path).name if self.path else (self.name or "glossary")
