"""Applying the review decisions to a stream of pairs: :func:`apply_review`.

The decision log (:mod:`kzparallel.review.store`) is folded into one
:class:`~kzparallel.review.state.PairState` per build pair (the rules are in
:mod:`kzparallel.review.state`); :func:`apply_review` applies the states to a
stream of build pairs. The pairs file itself is never changed. Decisions about
pair ids that a re-run of the build no longer produces are ignored.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from kzparallel.records import Pair, pair_id
from kzparallel.review.relink import PREFIX as RELINK_PREFIX
from kzparallel.review.state import PairState, fold
from kzparallel.review.store import Change, read_decisions

__all__ = ["PairState", "apply_review", "fold", "merge_changes", "split_change"]


def load_states(out_dir: str | Path, upto: int | None = None) -> dict[str, PairState]:
    return fold(read_decisions(out_dir, upto))


# -- making the reviewed pairs ----------------------------------------------------


def _requalified(pair: Pair) -> Pair:
    from kzparallel.qa import qa_flags

    pair.qa = qa_flags(pair)
    return pair


def merged_ar(first: Pair, second: Pair) -> str:
    return f"{first.ar} {second.ar}"


def merge_pairs(first: Pair, second: Pair, en: str, en_mt: str | None = None) -> Pair:
    """``first`` and the next sentence ``second`` as one pair with English ``en``.

    ``en_mt`` is the model's translation of the joined Arabic when it was
    re-translated; without one, the two machine translations joined.
    """
    ar = merged_ar(first, second)
    shift = len(first.ar) + 1
    terms = list(first.terms) + [
        {**t, "start": t["start"] + shift, "end": t["end"] + shift}
        if isinstance(t.get("start"), int) and isinstance(t.get("end"), int)
        else dict(t)
        for t in second.terms
    ]
    pair = replace(
        first,
        id=pair_id(first.doc_id, first.para, first.sent, ar),
        ar=ar,
        en=en,
        en_mt=en_mt if en_mt else f"{first.en_mt} {second.en_mt}",
        end=second.end,
        score=None,
        cached=False,
        terms=terms,
        violations=list(dict.fromkeys([*first.violations, *second.violations])),
        review_status="edited",
        alignment=None,
        src_tokens=None,
        tgt_tokens=None,
    )
    return _requalified(pair)


def split_spans(ar: str, at: int) -> list[tuple[int, int]]:
    """The two character spans of ``ar`` split at ``at`` (surrounding spaces left out)."""
    if not 0 < at < len(ar):
        raise ValueError(f"split point {at} is not inside the sentence (1..{len(ar) - 1})")
    left = ar[:at].rstrip()
    start2 = at + (len(ar[at:]) - len(ar[at:].lstrip()))
    if not left.strip() or start2 >= len(ar):
        raise ValueError(f"split point {at} leaves an empty part")
    return [(0, len(left)), (start2, len(ar))]


def split_pair(pair: Pair, at: int, parts: list[dict[str, str]]) -> list[Pair]:
    """``pair`` split at character ``at`` of its Arabic into two pairs.

    ``parts`` gives each part's English (``en``) and, when the part was
    re-translated, the model's output (``en_mt``; ``""`` when the reviewer
    typed the English: there is no machine translation of that part).
    """
    out: list[Pair] = []
    for i, (s, e) in enumerate(split_spans(pair.ar, at)):
        ar = pair.ar[s:e]
        part = parts[i] if i < len(parts) else {}
        terms = [
            {**t, "start": t["start"] - s, "end": t["end"] - s}
            for t in pair.terms
            if isinstance(t.get("start"), int) and s <= t["start"] and t.get("end", e + 1) <= e
        ]
        out.append(
            _requalified(
                replace(
                    pair,
                    id=pair_id(pair.doc_id, pair.para, pair.sent, ar),
                    ar=ar,
                    en=part.get("en", ""),
                    en_mt=part.get("en_mt", ""),
                    start=pair.start + s,
                    end=pair.start + e,
                    score=None,
                    cached=False,
                    terms=terms,
                    review_status="edited",
                    alignment=None,
                    src_tokens=None,
                    tgt_tokens=None,
                )
            )
        )
    return out


def reviewed_pair(pair: Pair, st: PairState) -> Pair:
    """``pair`` with an accept/edit applied (not merge, split or reject)."""
    if st.en is not None and st.en != pair.en:
        return _requalified(replace(pair, en=st.en, review_status="edited"))
    status = "accepted" if st.accepted or st.en is not None else "unreviewed"
    return replace(pair, review_status=status)


def _resolve(pair: Pair, st: PairState | None, following: Pair | None) -> list[Pair]:
    if st is None:
        return [pair]
    if st.rejected:
        return []
    if st.split_at is not None:
        try:
            return split_pair(pair, st.split_at, st.parts)
        except ValueError:  # the Arabic changed under the decision: ignore it
            return [reviewed_pair(pair, replace(st, split_at=None))]
    if st.merge_next and following is not None and following.id == st.merge_next:
        return [merge_pairs(pair, following, st.en or "", st.merge_en_mt)]
    if st.merge_next:  # the partner is gone: the pair stands alone
        return [reviewed_pair(pair, replace(st, en=None, merge_next=None))]
    return [reviewed_pair(pair, st)]


def apply_review(out_dir: Path, pairs: Iterable[Pair], upto: int | None = None) -> Iterator[Pair]:
    """Apply the review decisions of build ``out_dir`` to ``pairs`` (streaming).

    Rejected pairs are dropped; edited English replaces ``en`` (``en_mt``
    keeps the model's output); merged pairs come out as one pair and split
    pairs as two (new ids, see :func:`merge_pairs`/:func:`split_pair`);
    an aligned document's re-linking (:mod:`kzparallel.review.relink`) is applied
    first; ``review_status`` is set to ``accepted``, ``edited`` or ``rejected``
    (rejected pairs are not yielded), others stay ``unreviewed``. Without
    ``DIR/review.sqlite`` the pairs pass through unchanged. ``upto``: only the
    decisions up to that log ``seq`` (:func:`~kzparallel.review.store.read_decisions`).
    """
    states = load_states(out_dir, upto)
    if not states:
        yield from pairs
        return
    if any(k.startswith(RELINK_PREFIX) for k in states):
        from kzparallel.review.relink import relinked

        pairs = relinked(Path(out_dir), pairs, states)
    held: Pair | None = None  # a pair waiting for its merge partner
    for pair in pairs:
        if held is not None:
            yield from _resolve(held, states.get(held.id), pair)
            merged = states[held.id].merge_next == pair.id  # rejected merges drop both
            held = None
            if merged:
                continue
        st = states.get(pair.id)
        if st is not None and st.merge_next:
            held = pair
            continue
        yield from _resolve(pair, st, None)
    if held is not None:
        yield from _resolve(held, states.get(held.id), None)


# -- changes for the web app -----------------------------------------------------


def merge_changes(
    first: Pair,
    first_version: int,
    second: Pair,
    second_version: int,
    en: str,
    en_mt: str = "",
) -> list[Change]:
    """The two log rows of "merge ``first`` with the next pair ``second``"."""
    data: dict[str, Any] = {"next": second.id}
    if en_mt:
        data["en_mt"] = en_mt
    return [
        Change(first.id, first_version, "merge", first.en, en, data),
        Change(second.id, second_version, "merge", second.en, None, {"into": first.id}),
    ]


def split_change(pair: Pair, version: int, at: int, parts: list[dict[str, str]]) -> Change:
    split_spans(pair.ar, at)  # validate
    return Change(
        pair.id,
        version,
        "split",
        pair.en,
        "\n".join(p.get("en", "") for p in parts),
        {"at": at, "parts": parts},
    )
