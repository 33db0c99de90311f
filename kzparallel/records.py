"""The record types passed between stages.

One record type per stage boundary, passed as iterators, so the same stage
functions run in-process or inside Ray Data ``map``/``map_batches``:

* :class:`Document` — ingest → clean (``paragraphs`` empty before cleaning);
* :class:`Segment`  — segment → translate;
* :class:`Pair`     — translate → glossary → QA → sinks → review.

All records convert to and from plain JSON-able dicts (``to_dict``/``from_dict``);
that is also how they travel through Ray.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, fields
from typing import Any


def _from_dict(cls: type, data: dict[str, Any]) -> Any:
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class Decision:
    """Why cleaning dropped (or changed) a line: shown by ``clean --explain``."""

    line: int  # 1-based line number in the decoded source text
    rule: str  # short rule id, e.g. "navigation", "photo-credit", "duplicate"
    text: str  # the line as it was in the source
    detail: str = ""  # free text: e.g. which earlier paragraph it duplicates

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Document:
    """One article.

    Before cleaning, ``text`` holds the decoded source and ``paragraphs`` is
    empty; ``title`` may already be known (JSONL ``title``, HTML metadata).
    After cleaning, ``title`` is the headline (or ``None``), ``paragraphs`` the
    body paragraphs, and ``decisions`` explains every dropped line.

    Paragraph numbering everywhere (``Segment.para``, ``Pair.para``) follows
    :meth:`blocks`: the title is paragraph 0 when there is one.

    ``date`` is the article's ISO day (``YYYY-MM-DD``) when known, and
    ``meta['date_source']`` says where it came from (``jsonl``, ``html``,
    ``dateline``, ``text``; see :mod:`kzparallel.dating`); it travels to the segments and
    pairs, and chooses the forms of dated glossary entries.
    """

    doc_id: str
    source: str  # file path, or "path:line" for a JSONL record
    text: str = ""
    title: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    url: str | None = None
    date: str | None = None
    encoding: str | None = None
    decisions: list[Decision] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def blocks(self) -> list[str]:
        """Title (if any) followed by the body paragraphs."""
        return ([self.title] if self.title else []) + list(self.paragraphs)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        doc = _from_dict(cls, data)
        doc.decisions = [d if isinstance(d, Decision) else Decision(**d) for d in doc.decisions]
        return doc


@dataclass
class Segment:
    """One sentence of a cleaned paragraph.

    ``start``/``end`` are character offsets into the cleaned paragraph
    (``Document.blocks()[para]``); ``text == paragraph[start:end]``.
    """

    doc_id: str
    para: int
    sent: int
    text: str
    start: int
    end: int
    is_title: bool = False
    date: str | None = None  # the document's ISO day, when known

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Segment:
        return _from_dict(cls, data)


def pair_id(doc_id: str, para: int, sent: int, ar: str) -> str:
    """Stable pair id: hash of document, position and Arabic text."""
    h = hashlib.sha256(f"{doc_id}\x1f{para}\x1f{sent}\x1f{ar}".encode()).hexdigest()
    return h[:16]


@dataclass
class Pair:
    """An aligned Arabic–English sentence pair with its provenance.

    ``en_mt`` is the raw model output; ``en`` the text after glossary
    enforcement (and, once reviewed, the reviewer's edit).
    """

    id: str
    doc_id: str
    para: int
    sent: int
    ar: str
    en: str
    en_mt: str
    is_title: bool = False
    start: int = 0
    end: int = 0
    score: float | None = None
    model: str = ""
    revision: str = ""
    backend: str = ""
    signature: str = ""
    cached: bool = False
    # glossary: one dict per source mention, see kzparallel.glossary
    terms: list[dict[str, Any]] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    # QA flags, e.g. ["numbers-missing", "length-ratio"]
    qa: list[str] = field(default_factory=list)
    review_status: str = "unreviewed"  # unreviewed | accepted | edited | rejected
    # corpus-level marks (kzparallel.corpus): the id of the kept copy when this
    # Arabic sentence is a repeat, and the document's near-duplicate cluster
    duplicate_of: str | None = None
    cluster: str | None = None
    # optional cross-attention alignment: list of [src_token_index, tgt_token_index]
    alignment: list[list[int]] | None = None
    src_tokens: list[str] | None = None
    tgt_tokens: list[str] | None = None
    # the document's ISO day, when known (it chose the dated glossary forms);
    # left out of pairs.jsonl when None, so older readers and files agree
    date: str | None = None
    # bitext (``build --english``, :mod:`kzparallel.alignment.build`): "aligned" when
    # ``en`` is the human English of a link ("mt": the machine translation), the
    # link's kind ("1-1", "2-1", "1-0", ...) and score; left out of pairs.jsonl when
    # None (a build without --english writes none of them)
    origin: str | None = None
    link: str | None = None
    link_score: float | None = None
    # the link's confidence (kzparallel.alignment.confidence: the probability that
    # it is right); left out of pairs.jsonl when None
    link_confidence: float | None = None
    # the sentence indices of the link in each document (``Link.ar_sents``/``en_sents``),
    # so the review can re-link; left out of pairs.jsonl when None
    ar_sents: list[int] | None = None
    en_sents: list[int] | None = None
    # why the pair is kept in pairs.jsonl but left out of the dataset and the exports
    # (``build --english --aligned-only``: "no-english" for an Arabic sentence without
    # English, "document-without-english"); left out of pairs.jsonl when None
    left_out: str | None = None

    @classmethod
    def from_segment(cls, seg: Segment, en: str = "", **kw: Any) -> Pair:
        return cls(
            id=pair_id(seg.doc_id, seg.para, seg.sent, seg.text),
            doc_id=seg.doc_id,
            para=seg.para,
            sent=seg.sent,
            ar=seg.text,
            en=en,
            en_mt=kw.pop("en_mt", en),
            is_title=seg.is_title,
            start=seg.start,
            end=seg.end,
            date=kw.pop("date", seg.date),
            **kw,
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Pair:
        return _from_dict(cls, data)


@dataclass
class Link:
    """One link of a sentence alignment between an Arabic article and its English
    version (:mod:`kzparallel.alignment`).

    ``ar_sents``/``en_sents`` are 0-based sentence indices in document order (the
    order ``segment --format json`` prints the Arabic sentences; the English as
    :func:`kzparallel.alignment.english.segment_english` numbers them); ``ar``/``en``
    the sentences joined by a space ("" on the empty side of a 1-0 or 0-1 link);
    ``kind`` is ``"<len(ar_sents)>-<len(en_sents)>"``; ``score`` in [0, 1], higher is
    surer (for a 1-0 or 0-1 link: how sure it is that the sentence has no counterpart);
    ``confidence`` the score calibrated on the gold sets, the probability that the
    link is right (:mod:`kzparallel.alignment.confidence`; None for a link made by
    hand).
    """

    ar: str
    en: str
    ar_sents: list[int]
    en_sents: list[int]
    kind: str
    score: float
    confidence: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Link:
        return _from_dict(cls, data)
