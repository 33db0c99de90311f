"""A build's sentence links: ``DIR/links.jsonl`` and the pairs made from links.

``build --english`` (:func:`kzparallel.alignment.build.align_staged`) writes one
:class:`AlignedDoc` per aligned document — the Arabic sentences'
machine-translated pairs, the English sentences, the aligner's links — and makes
one pair per link with :func:`link_pairs`; the review re-links a document
(:mod:`kzparallel.review.relink`) from the same file with the same function.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kzparallel.atomic import atomic_write_text
from kzparallel.errors import KzError
from kzparallel.glossary.enforce import enforce_pair
from kzparallel.glossary.model import Glossary
from kzparallel.qa import content_flags
from kzparallel.records import Link, Pair, pair_id

LINKS_FILE = "links.jsonl"

Links = list[tuple[list[int], list[int]]]


@dataclass
class AlignedDoc:
    """One line of ``DIR/links.jsonl``."""

    doc_id: str
    ar: list[Pair]  # the machine-translated pair of each Arabic sentence
    en: list[str]  # the English sentences
    links: Links  # the aligner's
    aligned_only: bool
    ids: list[str]  # the ids of the pairs the build made for the document
    # what the alignment measured (kzparallel.alignment.align.Alignment.summary);
    # {} in a file written before it was recorded
    alignment: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "aligned_only": self.aligned_only,
            "ids": self.ids,
            "alignment": self.alignment,
            "links": [[a, e] for a, e in self.links],
            "en": self.en,
            "ar": [p.to_dict() for p in self.ar],
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> AlignedDoc:
        return cls(
            doc_id=str(raw["doc_id"]),
            ar=[Pair.from_dict(p) for p in raw["ar"]],
            en=[str(s) for s in raw["en"]],
            links=[(list(a), list(e)) for a, e in raw["links"]],
            aligned_only=bool(raw["aligned_only"]),
            ids=[str(i) for i in raw["ids"]],
            alignment=dict(raw.get("alignment") or {}),
        )


def write_links(path: Path, docs: Iterable[AlignedDoc]) -> None:
    """``DIR/links.jsonl``: one line per aligned document."""
    lines = [json.dumps(d.to_dict(), ensure_ascii=False) + "\n" for d in docs]
    atomic_write_text(path, "".join(lines))


def read_links(out_dir: str | Path) -> dict[str, AlignedDoc]:
    """The aligned documents of a build (``{}`` without ``DIR/links.jsonl``)."""
    path = Path(out_dir) / LINKS_FILE
    if not path.is_file():
        return {}
    docs: dict[str, AlignedDoc] = {}
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            try:
                doc = AlignedDoc.from_dict(json.loads(line))
            except (ValueError, KeyError, TypeError) as exc:
                raise KzError(f"{path}:{n}: not a links record ({exc})") from None
            docs[doc.doc_id] = doc
    return docs


def link_pairs(
    pairs: list[Pair],
    links: list[Link],
    glossary: Glossary | None = None,
    aligned_only: bool = False,
    partial: bool = False,
) -> list[Pair]:
    """One pair per link from a document's machine-translated pairs
    (:mod:`kzparallel.alignment.build`'s doc: 1-0 links keep their pairs, 0-1 links
    have none). With ``aligned_only``, a ``partial`` document (its parallelism score
    below :data:`~kzparallel.alignment.parallelism.PARTIAL_BELOW`) has every pair
    marked ``left_out`` ``"partial-document"``."""
    out = _link_pairs(pairs, links, glossary, aligned_only)
    if aligned_only and partial:
        return [replace(p, left_out="partial-document") for p in out]
    return out


def _link_pairs(
    pairs: list[Pair], links: list[Link], glossary: Glossary | None, aligned_only: bool
) -> list[Pair]:
    out: list[Pair] = []
    for link in links:
        if not link.ar_sents:
            continue  # 0-1: English without Arabic (counted, not a pair)
        linked = [pairs[i] for i in link.ar_sents]
        if not link.en_sents:
            out += [
                replace(p, origin="mt", link=link.kind, link_score=link.score,
                        link_confidence=link.confidence, ar_sents=[i], en_sents=[],
                        left_out="no-english" if aligned_only else None)
                for i, p in zip(link.ar_sents, linked, strict=True)
            ]  # fmt: skip
            continue
        out.append(aligned_pair(linked, link, glossary))
    return out


def aligned_pair(linked: list[Pair], link: Link, glossary: Glossary | None = None) -> Pair:
    """The pair of a link with Arabic and English sentences
    (:mod:`kzparallel.alignment.build`'s doc)."""
    first, last = linked[0], linked[-1]
    ar = " ".join(p.ar for p in linked)
    terms: list[dict[str, Any]] = []
    violations: list[str] = []
    if glossary is not None:
        checked = enforce_pair(ar, link.en, glossary, repair=False, date=first.date)
        terms, violations = list(checked.terms), list(checked.violations)
    scores = [p.score for p in linked if p.score is not None]
    pair = replace(
        first,
        id=pair_id(first.doc_id, first.para, first.sent, ar),
        ar=ar,
        en=link.en,
        en_mt=" ".join(p.en_mt for p in linked),
        end=last.end if last.para == first.para else first.end,
        score=sum(scores) / len(scores) if scores else None,
        terms=terms,
        violations=violations,
        qa=[],
        alignment=None,
        src_tokens=None,
        tgt_tokens=None,
        origin="aligned",
        link=link.kind,
        link_score=link.score,
        link_confidence=link.confidence,
        ar_sents=list(link.ar_sents),
        en_sents=list(link.en_sents),
    )
    pair.qa = content_flags(pair)
    return pair
