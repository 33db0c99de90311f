"""The pairs of the build under review, indexed by id and document."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kzparallel.records import Pair
from kzparallel.review.decisions import PairState, fold
from kzparallel.review.store import ReviewStore
from kzparallel.sinks.pairs import PAIRS_FILE, read_pairs


@dataclass
class DocSummary:
    doc_id: str
    pairs: int
    flagged: int  # pairs with QA flags or glossary violations
    glossary: int  # pairs with glossary violations
    reviewed: int

    @property
    def share_reviewed(self) -> str:
        return f"{100 * self.reviewed // self.pairs}%" if self.pairs else "-"


class PairIndex:
    """``DIR/pairs.jsonl`` in memory, re-read when the file changes (a re-build)."""

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / PAIRS_FILE
        self.pairs: list[Pair] = []
        self.by_id: dict[str, Pair] = {}
        self.docs: dict[str, list[Pair]] = {}
        self._position: dict[str, int] = {}
        self._stamp: tuple[int, int] | None = None

    def load(self) -> None:
        stat = self.path.stat() if self.path.is_file() else None
        self.pairs = list(read_pairs(self.path))  # raises InputError without the file
        self.by_id = {p.id: p for p in self.pairs}
        self.docs = {}
        for p in self.pairs:
            self.docs.setdefault(p.doc_id, []).append(p)
        self._position = {p.id: i for i, p in enumerate(self.pairs)}
        self._stamp = (stat.st_mtime_ns, stat.st_size) if stat else None

    def refresh(self) -> None:
        try:
            stat = self.path.stat()
        except OSError:
            return
        if (stat.st_mtime_ns, stat.st_size) != self._stamp:
            self.load()

    def following(self, pair: Pair) -> Pair | None:
        """The next pair if it is in the same paragraph of the same document."""
        i = self._position.get(pair.id)
        if i is None or i + 1 >= len(self.pairs):
            return None
        nxt = self.pairs[i + 1]
        return nxt if (nxt.doc_id, nxt.para) == (pair.doc_id, pair.para) else None

    def states(self, store: ReviewStore) -> dict[str, PairState]:
        if not store.path.is_file():
            return {}
        return fold(store.decisions())

    def summaries(self, states: dict[str, PairState]) -> list[DocSummary]:
        out = []
        for doc_id, pairs in self.docs.items():
            out.append(
                DocSummary(
                    doc_id,
                    len(pairs),
                    sum(1 for p in pairs if p.qa or p.violations),
                    sum(1 for p in pairs if p.violations),
                    sum(1 for p in pairs if p.id in states and states[p.id].reviewed),
                )
            )
        return out
