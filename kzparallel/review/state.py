"""Review decisions and what they make of a pair: :class:`Decision`, :class:`PairState`.

The log in ``DIR/review.sqlite`` (:mod:`kzparallel.review.store`) is folded,
oldest first, into one :class:`PairState` per build pair:

* ``accept`` marks the pair accepted (and un-rejects it);
* ``reject`` drops it from exports and the dataset;
* ``edit`` replaces the English (``data["part"]`` picks a part of a split pair);
* ``merge`` on pair A with ``data["next"] = B`` joins B (the next sentence of the
  same paragraph) onto A; B gets a ``merge`` with ``data["into"] = A``;
* ``split`` with ``data["at"]`` (a character offset in the Arabic) and
  ``data["parts"]`` (``[{"en": ..., "en_mt": ...}, ...]``) makes two pairs;
* ``note`` adds a note and changes nothing else;
* ``relink`` (about ``links:<doc_id>``, an aligned document's link structure:
  :mod:`kzparallel.review.relink`) sets the document's links to ``data["links"]``.

The store keeps each pair's current state (``pair_state``, as
:func:`state_json`) in the transaction that logs its decision, so the web app
reads a pair's state without folding the log.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Decision:
    """One row of the decision log."""

    seq: int
    pair_id: str
    version: int
    who: str
    at: str
    action: str
    before: str | None
    after: str | None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Change:
    """A decision to record: about ``pair_id``, based on ``base_version``."""

    pair_id: str
    base_version: int
    action: str
    before: str | None = None
    after: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class PairState:
    """What the decisions so far say about one build pair."""

    version: int = 0
    accepted: bool = False
    rejected: bool = False
    en: str | None = None  # the reviewer's English (edit, merge)
    merge_next: str | None = None  # id of the next pair joined onto this one
    merge_en_mt: str | None = None
    merged_into: str | None = None  # this pair was joined onto that one
    split_at: int | None = None
    parts: list[dict[str, str]] = field(default_factory=list)  # split: en, en_mt
    notes: list[Decision] = field(default_factory=list)
    last: Decision | None = None
    # relink (a document's ``links:<doc_id>`` state): [[ar_sents, en_sents], ...]
    links: list[list[list[int]]] | None = None

    @property
    def status(self) -> str:
        """``review_status`` of the pair (or pairs) this state produces."""
        if self.rejected:
            return "rejected"
        if (
            self.en is not None
            or self.merge_next
            or self.split_at is not None
            or self.links is not None
        ):
            return "edited"
        return "accepted" if self.accepted else "unreviewed"

    @property
    def shown_status(self) -> str:
        """The status the review app shows and filters on (``merged``: joined onto another)."""
        return "merged" if self.merged_into else self.status

    @property
    def reviewed(self) -> bool:
        return self.status != "unreviewed" or self.merged_into is not None


def apply_decision(st: PairState, d: Decision) -> None:
    """Fold one decision (the pair's next one) into ``st``."""
    st.version = max(st.version, d.version)
    st.last = d
    if d.action == "accept":
        st.accepted, st.rejected = True, False
    elif d.action == "reject":
        st.rejected = True
    elif d.action == "edit":
        part = d.data.get("part")
        if isinstance(part, int) and 0 <= part < len(st.parts):
            st.parts[part] = {**st.parts[part], "en": d.after or ""}
        else:
            st.en = d.after or ""
        st.rejected = False
    elif d.action == "merge":
        if d.data.get("into"):
            st.merged_into = str(d.data["into"])
        else:
            st.merge_next = str(d.data.get("next") or "") or None
            st.en = d.after or ""
            st.merge_en_mt = str(d.data.get("en_mt", ""))
    elif d.action == "split":
        st.split_at = int(d.data["at"])
        st.parts = [
            {"en": str(p.get("en", "")), "en_mt": str(p.get("en_mt", ""))}
            for p in d.data.get("parts", [])
        ]
    elif d.action == "note":
        st.notes.append(d)
    elif d.action == "relink":
        st.links = [[list(a), list(e)] for a, e in d.data.get("links", [])]


def fold(decisions: Iterable[Decision]) -> dict[str, PairState]:
    """Per-pair state from the decision log (oldest decision first)."""
    states: dict[str, PairState] = {}
    for d in decisions:
        apply_decision(states.setdefault(d.pair_id, PairState()), d)
    return states


def _decision_dict(d: Decision) -> dict[str, Any]:
    return {
        "seq": d.seq,
        "version": d.version,
        "who": d.who,
        "at": d.at,
        "action": d.action,
        "before": d.before,
        "after": d.after,
        "data": d.data,
    }


def _decision(pair_id: str, raw: dict[str, Any]) -> Decision:
    return Decision(
        int(raw["seq"]),
        pair_id,
        int(raw["version"]),
        str(raw["who"]),
        str(raw["at"]),
        str(raw["action"]),
        raw.get("before"),
        raw.get("after"),
        dict(raw.get("data") or {}),
    )


def state_json(st: PairState) -> str:
    """``st`` as the JSON kept in ``pair_state.state``."""
    return json.dumps(
        {
            "version": st.version,
            "accepted": st.accepted,
            "rejected": st.rejected,
            "en": st.en,
            "merge_next": st.merge_next,
            "merge_en_mt": st.merge_en_mt,
            "merged_into": st.merged_into,
            "split_at": st.split_at,
            "parts": st.parts,
            "notes": [_decision_dict(n) for n in st.notes],
            "last": _decision_dict(st.last) if st.last else None,
            "links": st.links,
        },
        ensure_ascii=False,
        sort_keys=True,
    )


def state_from_json(pair_id: str, text: str) -> PairState:
    raw = json.loads(text)
    return PairState(
        version=int(raw["version"]),
        accepted=bool(raw["accepted"]),
        rejected=bool(raw["rejected"]),
        en=raw["en"],
        merge_next=raw["merge_next"],
        merge_en_mt=raw["merge_en_mt"],
        merged_into=raw["merged_into"],
        split_at=raw["split_at"],
        parts=list(raw["parts"]),
        notes=[_decision(pair_id, n) for n in raw["notes"]],
        last=_decision(pair_id, raw["last"]) if raw["last"] else None,
        links=raw.get("links"),
    )
