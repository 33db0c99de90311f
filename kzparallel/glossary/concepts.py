"""What ``glossary suggest`` collects per name (:mod:`.suggest`): a
:class:`Concept` (its Arabic keys, renderings with counts, example pairs and
type cues) and the :class:`Example` pairs it was seen in; grouped by
:mod:`.grouping`, written as entries by :mod:`.suggest_entries`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

EXAMPLES = 3  # example pairs kept per rendering


@dataclass(frozen=True)
class Example:
    """One pair a rendering was seen in."""

    pair: str
    doc: str
    ar: str
    en: str


@dataclass
class Concept:
    """A suggested entry (or one of its forms): its Arabic keys (normalised,
    clitics off), renderings with counts, examples and type cues."""

    keys: list[str] = field(default_factory=list)
    surfaces: dict[str, str] = field(default_factory=dict)  # key -> as most often written
    renderings: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[Example]] = field(default_factory=dict)  # per rendering
    documents: list[dict[str, Any]] = field(default_factory=list)  # rendered >1 way in one doc
    cues: Counter[str] = field(default_factory=Counter)
    how: Counter[str] = field(default_factory=Counter)
    forms: dict[str, Concept] = field(default_factory=dict)  # surname, adjective, people
    type: str = "other"
    id: str = ""

    @property
    def en(self) -> str:
        """The most frequent rendering (ties: all-capitals, then alphabetical)."""
        return max(self.renderings.items(), key=lambda kv: (kv[1], kv[0].isupper(), kv[0]))[0]

    @property
    def count(self) -> int:
        return sum(self.renderings.values())

    @property
    def total(self) -> int:
        """Mentions of the concept in any of its forms."""
        return self.count + sum(f.count for f in self.forms.values())

    def absorb(self, other: Concept) -> None:
        self.keys += [k for k in other.keys if k not in self.keys]
        self.surfaces.update(other.surfaces)
        self.renderings.update(other.renderings)
        for en, exs in other.examples.items():
            mine = self.examples.setdefault(en, [])
            mine += [e for e in exs if e not in mine][: max(0, EXAMPLES - len(mine))]
        self.documents += other.documents
        self.cues.update(other.cues)
        self.how.update(other.how)
