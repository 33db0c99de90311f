"""Staged pairs: what an engine hands to the output stage.

An engine translates documents and appends each document's pairs (JSON lines,
the length flag not yet applied) to a *part* file in the build's staging
folder; it returns one :class:`StagedDoc` per document (where its lines are, a
few facts about it — never the text).
Many workers can write parts at once, each its own file; the driver sees only
the index.

The output stage then orders the documents by a rule that depends only on
their content (:func:`order_documents`: by ``doc_id``), so the outputs are the
same whatever order the inputs were given in and whichever worker staged which
document.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from kzparallel.errors import InputError
from kzparallel.pairs_file import pair_line
from kzparallel.records import Document, Pair

STAGING_DIR = ".staging"


@dataclass
class StagedDoc:
    """One document of a build: its facts and where its staged pairs are."""

    doc_id: str
    source: str
    title: str | None
    paragraphs: int  # blocks: title + body paragraphs
    segments: int
    part: str = ""  # path of the part file holding its pairs
    offset: int = 0  # byte range of its lines in that file
    nbytes: int = 0
    pairs: int = 0
    date: str | None = None  # the document's ISO day, when known
    date_source: str = ""  # where the date came from (kzparallel.dating): jsonl, html, ...
    # build --english: what the sentence alignment measured (kzparallel.alignment.build)
    alignment: dict[str, Any] | None = None

    @classmethod
    def of(cls, doc: Document, segments: int) -> StagedDoc:
        """The facts of a prepared document with ``segments`` sentences."""
        source = str(doc.meta.get("date_source", "")) if doc.date else ""
        return cls(
            doc.doc_id,
            doc.source,
            doc.title,
            len(doc.blocks()),
            segments,
            date=doc.date,
            date_source=source,
        )

    def info(self) -> dict[str, Any]:
        """What the manifest and the dataset card list about the document
        (``date``: null for a document without one, which took the undated
        forms of the dated glossary entries)."""
        out: dict[str, Any] = {
            "doc_id": self.doc_id,
            "source": self.source,
            "title": self.title,
            "paragraphs": self.paragraphs,
            "segments": self.segments,
            "date": self.date,
            "date_source": self.date_source,
        }
        if self.alignment is not None:
            out["alignment"] = self.alignment
        return out

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Staged:
    """Everything an engine staged: the documents (any order) and the
    translation cache counts."""

    docs: list[StagedDoc] = field(default_factory=list)
    cache_hits: int = 0
    cache_misses: int = 0
    bitext: dict[str, Any] | None = None  # build --english: kzparallel.alignment.build

    def merge(self, other: Staged) -> None:
        self.docs.extend(other.docs)
        self.cache_hits += other.cache_hits
        self.cache_misses += other.cache_misses


class PartWriter:
    """Appends whole documents' pairs to one part file.

    ``start(doc)``, then ``add(pair)`` for each of its pairs, then ``end()``
    returns the document's :class:`StagedDoc`. The file is opened on the first
    document; ``close()`` flushes it.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._fh: IO[bytes] | None = None
        self._doc: StagedDoc | None = None
        self._pos = 0

    def start(self, doc: StagedDoc) -> None:
        if self._fh is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = self.path.open("wb")
        doc.part, doc.offset, doc.nbytes, doc.pairs = str(self.path), self._pos, 0, 0
        self._doc = doc

    def add(self, pair: Pair) -> None:
        assert self._fh is not None and self._doc is not None
        data = pair_line(pair).encode("utf-8")
        self._fh.write(data)
        self._pos += len(data)
        self._doc.nbytes += len(data)
        self._doc.pairs += 1

    def end(self) -> StagedDoc:
        assert self._doc is not None
        doc, self._doc = self._doc, None
        return doc

    def close(self) -> None:
        fh, self._fh = self._fh, None
        if fh is not None:
            try:
                fh.flush()
                os.fsync(fh.fileno())
            finally:
                fh.close()

    def __enter__(self) -> PartWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def stage_documents(
    docs: Iterable[StagedDoc], pairs: Iterable[Pair], writer: PartWriter
) -> Iterator[StagedDoc]:
    """Write ``pairs`` (in document order, ``doc.segments`` pairs per document:
    one per segment) to ``writer``; yield each document when its pairs are in.

    ``docs`` may be produced lazily while ``pairs`` is consumed (a document
    is known before its first pair).
    """
    doc_iter = iter(docs)
    current: StagedDoc | None = None
    for pair in pairs:
        while current is None:
            current = next(doc_iter)
            writer.start(current)
            if current.segments == 0:
                yield writer.end()
                current = None
        writer.add(pair)
        if current.pairs == current.segments:
            yield writer.end()
            current = None
    for doc in doc_iter:  # documents without a segment
        writer.start(doc)
        yield writer.end()


def order_documents(
    docs: Iterable[StagedDoc], on_error: Callable[[InputError], None]
) -> list[StagedDoc]:
    """The documents with pairs, sorted by ``doc_id``: an order that depends only
    on the inputs' content, not on the order they were given in or staged.

    Two documents with the same ``doc_id`` (two files with the same name in
    different folders, a JSONL ``id`` used twice) cannot both be written
    (``en/<doc_id>.txt``): the one whose source sorts first is kept and the
    other is reported to ``on_error``.
    """
    by_id: dict[str, list[StagedDoc]] = {}
    for doc in docs:
        if doc.pairs:
            by_id.setdefault(doc.doc_id, []).append(doc)
    out: list[StagedDoc] = []
    for doc_id in sorted(by_id):
        same = sorted(by_id[doc_id], key=lambda d: (d.source, d.part, d.offset))
        out.append(same[0])
        for other in same[1:]:
            if other.source == same[0].source:
                reason = "given twice (built once)"
            else:
                reason = f"doc_id '{doc_id}' is also the id of {same[0].source} (kept)"
            on_error(InputError(other.source, reason))
    return out


def staged_pairs(docs: Iterable[StagedDoc]) -> Iterator[Pair]:
    """The pairs of ``docs``, in that order, read back from their part files."""
    import json

    for doc in docs:
        for line in read_staged(doc).decode("utf-8").splitlines():
            if line.strip():
                yield Pair.from_dict(json.loads(line))


def read_staged(doc: StagedDoc) -> bytes:
    """The staged lines of ``doc``."""
    with open(doc.part, "rb") as fh:
        fh.seek(doc.offset)
        data = fh.read(doc.nbytes)
    if len(data) != doc.nbytes:
        raise OSError(f"{doc.part}: staged pairs of {doc.doc_id} are incomplete")
    return data


def index_pairs_file(path: str | Path) -> Iterator[StagedDoc]:
    """The documents of a pairs file (``pairs.jsonl``, documents contiguous) as
    :class:`StagedDoc` ranges of it, so the output shards can re-read them."""
    import json

    doc: StagedDoc | None = None
    pos = 0
    with open(path, "rb") as fh:
        for line in fh:
            if line.strip():
                doc_id = str(json.loads(line)["doc_id"])
                if doc is None or doc.doc_id != doc_id:
                    if doc is not None:
                        yield doc
                    doc = StagedDoc(doc_id, "", None, 0, 0, str(path), pos, 0, 0)
                doc.nbytes += len(line)
                doc.pairs += 1
                doc.segments += 1
            elif doc is not None:
                doc.nbytes += len(line)
            pos += len(line)
    if doc is not None:
        yield doc
