"""One pair row of the review pages: the pair, its review state and its merge partner."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kzparallel.records import Pair
from kzparallel.review.decisions import merged_ar, split_spans
from kzparallel.review.render import alignment_view, ar_pieces, en_pieces, split_points
from kzparallel.review.state import PairState


@dataclass
class Row:
    """One pair row of a list page."""

    pair: Pair
    state: PairState
    following: Pair | None  # the next pair of the same paragraph (merge partner)
    following_version: int
    rank: int | None = None  # position in a sample

    @property
    def status(self) -> str:
        return self.state.shown_status

    @property
    def ar(self) -> str:
        if self.state.merge_next and self.following is not None:
            return merged_ar(self.pair, self.following)
        return self.pair.ar

    @property
    def en(self) -> str:
        return self.state.en if self.state.en is not None else self.pair.en

    def ar_pieces(self) -> list[Any]:
        return ar_pieces(self.pair.ar, self.pair.terms) if self.ar == self.pair.ar else []

    def en_pieces(self) -> list[Any]:
        return en_pieces(self.en, self.pair.terms)

    def parts(self) -> list[tuple[str, str]]:
        if self.state.split_at is None:
            return []
        try:
            spans = split_spans(self.pair.ar, self.state.split_at)
        except ValueError:
            return []
        return [
            (self.pair.ar[s:e], p.get("en", ""))
            for (s, e), p in zip(spans, self.state.parts, strict=False)
        ]

    def alignment(self) -> Any:
        if self.state.merge_next or self.state.split_at is not None:
            return None
        return alignment_view(self.pair.alignment, self.pair.src_tokens, self.pair.tgt_tokens)

    def split_points(self) -> list[tuple[int, str]]:
        return split_points(self.pair.ar)

    @property
    def can_restructure(self) -> bool:
        st = self.state
        return not (st.merge_next or st.merged_into or st.split_at is not None)
