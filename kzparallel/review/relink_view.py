"""The review app's part for aligned documents: the link structure on the document
page and ``POST /relink/{doc_id}`` (:mod:`kzparallel.review.relink`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kzparallel.alignment.links import AlignedDoc, read_links
from kzparallel.review.relink import allowed, current_links, kind, relink_change, state_id
from kzparallel.review.store import ReviewStore

LABELS = {
    "merge": "merge with next",
    "split": "split",
    "ar-prev": "Arabic ↑",
    "ar-next": "Arabic ↓",
    "en-prev": "English ↑",
    "en-next": "English ↓",
    "unalign": "unalign",
}


@dataclass
class LinkRow:
    k: int
    kind: str
    ar: list[tuple[int, str]]  # (sentence index, text)
    en: list[tuple[int, str]]
    operations: list[tuple[str, str]]  # (operation, button label) it allows
    # where "split" may cut: (value of ar_at / en_at, label); empty without split
    split_ar: list[tuple[int, str]] = field(default_factory=list)
    split_en: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class LinksView:
    doc_id: str
    version: int  # of the document's link structure (stale-edit protection)
    rows: list[LinkRow]
    relinked: bool  # the reviewer has changed the aligner's links
    last: str | None  # who changed them last, and when


def split_points(sentences: list[int]) -> list[tuple[int, str]]:
    """Where a split may cut one side of a link: after none of its sentences
    (``0``), or after each one (the number of sentences the first link keeps)."""
    return [(0, "none"), *((n, f"sentence {i}") for n, i in enumerate(sentences, start=1))]


def aligned_doc(out_dir: Path, doc_id: str) -> AlignedDoc | None:
    return read_links(out_dir).get(doc_id)


def links_view(out_dir: Path, store: ReviewStore, doc_id: str) -> LinksView | None:
    """The link structure of ``doc_id`` (None: not an aligned document)."""
    doc = aligned_doc(out_dir, doc_id)
    if doc is None:
        return None
    st = store.states([state_id(doc_id)]).get(state_id(doc_id))
    links = current_links(doc, st)
    rows = []
    for k, (a, e) in enumerate(links):
        ops = allowed(links, k)
        rows.append(
            LinkRow(
                k,
                kind((a, e)),
                [(i, doc.ar[i].ar) for i in a],
                [(j, doc.en[j]) for j in e],
                [(op, LABELS[op]) for op in ops],
                split_points(a) if "split" in ops else [],
                split_points(e) if "split" in ops else [],
            )
        )
    last = f"{st.last.who} at {st.last.at}" if st and st.last else None
    return LinksView(
        doc_id,
        st.version if st else 0,
        rows,
        bool(st and st.links is not None),
        last,
    )


def record_relink(
    out_dir: Path, store: ReviewStore, doc_id: str, form: dict[str, str], who: str
) -> None:
    """Record the form's re-linking; KzError (StaleDecision) or ValueError when refused."""
    doc = aligned_doc(out_dir, doc_id)
    if doc is None:
        raise ValueError(f"{doc_id!r} is not an aligned document of this build")
    try:
        version = int(form.get("version", ""))
    except ValueError:
        raise ValueError("the form has no link-structure version") from None
    st = store.states([state_id(doc_id)]).get(state_id(doc_id))
    store.record([relink_change(doc, st, version, form.get("op", ""), form)], who)
