"""Glossary data model: a :class:`Glossary` of :class:`~.entries.Entry`
(one concept each, see :mod:`.entries` for the format), matched in Arabic
text as :class:`~.entries.Mention` (:mod:`.matching`), viewed on a day
(:meth:`Glossary.on`) and turned into decoder hints (:meth:`Glossary.hints`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from kzparallel.glossary.entries import NAME, TYPES, Entry, Form, Mention, Period, as_day
from kzparallel.glossary.matching import Matcher
from kzparallel.translation.base import TermHints

# the entry types, importable from here as before
__all__ = ["NAME", "TYPES", "Entry", "Form", "Glossary", "Mention", "Period", "as_day"]


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
    def matcher(self) -> Matcher:
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
