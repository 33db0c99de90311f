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
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
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

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"ar": list(self.ar), "en": self.en}
        if self.also:
            d["also"] = list(self.also)
        if self.forbidden:
            d["forbidden"] = list(self.forbidden)
        return d


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
        if self.note:
            d["note"] = self.note
        return d


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

    def __post_init__(self) -> None:
        self._by_id = {e.id: e for e in self.entries}

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

    def find(self, text: str) -> list[Mention]:
        """Glossary mentions in Arabic ``text``: longest match first, no overlaps,
        in text order, spans in the original text."""
        return self.matcher.find(text)

    def hints(self, text: str) -> TermHints:
        """Decoder hints for one source sentence: the required English forms of
        the mentions found (``prefer``), every forbidden variant of the glossary
        (``forbid``: a wrong spelling in any sentence) and every accepted form of
        the glossary (``keep``: the decoder must stay able to write them).

        ``forbid`` and ``keep`` are the same for every sentence, so a batch of
        sentences shares one suppression list (CTranslate2's is batch-wide) and
        a sentence's English does not depend on which sentences share its batch.
        """
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
