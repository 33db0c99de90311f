"""Corpus-level decisions, made once every pair is known: the write phase's core.

:class:`CorpusPass` reads the corpus twice as a stream (the pairs carried
over from a previous build, then the new ones):

1. :meth:`CorpusPass.scan` collects what needs the whole corpus, in bounded
   memory per pair: the length-ratio histogram, the score histogram, a digest
   of every Arabic sentence (:class:`kzparallel.dedup.SentenceIndex`) and one
   MinHash per document (:class:`kzparallel.dedup.NearDuplicateIndex`);
2. :meth:`CorpusPass.resolve` settles the length band, the ``low-score``
   threshold, the near-duplicate clusters and splits
   (:func:`kzparallel.splits.assign`) and which copy of each repeated sentence
   is kept;
3. :meth:`CorpusPass.finalise` yields every pair with its corpus-level marks:
   QA flags ``length-ratio``, ``low-score`` and ``duplicate``,
   ``duplicate_of`` and ``cluster``.

Everything happens on the driver from the ordered pair stream, so the Ray
engine and the local engine give the same bytes.

**Which copy of a repeated sentence is kept.** The copy in the document that
comes first by (dataset version it was added in, split: test, then
validation, then train, ``doc_id``), at its first position there. So a
sentence is kept once in the whole dataset, an existing kept copy never
changes when documents are added, a sentence shared by a held-out split and
train stays in the held-out split, and input order does not matter.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from kzparallel.dedup import (
    NEAR_DUPLICATE_THRESHOLD,
    Duplicates,
    NearDuplicateIndex,
    SentenceIndex,
    sentence_key,
)
from kzparallel.qa import LengthBand, LengthStats, order_flags, with_length_flag
from kzparallel.records import Pair
from kzparallel.scores import ScoreStats, ScoreThreshold
from kzparallel.splits import SPLIT_PRIORITY, Assignment, Recorded, assign, split_note

CORPUS_FLAGS = ("length-ratio", "low-score", "duplicate")


def stripped(pair: Pair) -> Pair:
    """``pair`` without its corpus-level marks (as the translate stage made it)."""
    if not (pair.duplicate_of or pair.cluster or any(f in CORPUS_FLAGS for f in pair.qa)):
        return pair
    return replace(
        pair, qa=[f for f in pair.qa if f not in CORPUS_FLAGS], duplicate_of=None, cluster=None
    )


@dataclass
class CorpusOptions:
    """The settings of the corpus-level decisions (from ``BuildSettings``)."""

    ratios: tuple[float, float, float] = (0.8, 0.1, 0.1)
    seed: int = 0
    near_duplicate_threshold: float = NEAR_DUPLICATE_THRESHOLD
    min_score: str | float = "auto"
    keep_duplicates: bool = False


def corpus_options(settings: Any) -> CorpusOptions:
    """The corpus options of a ``kzparallel.builder.BuildSettings``."""
    from kzparallel.scores import parse_min_score

    return CorpusOptions(
        ratios=tuple(settings.split_by_doc),  # type: ignore[arg-type]
        seed=settings.seed,
        near_duplicate_threshold=settings.near_duplicate_threshold,
        min_score=parse_min_score(settings.min_score),
        keep_duplicates=settings.keep_duplicates,
    )


@dataclass
class DocFacts:
    """What the scan learns about one document."""

    number: int
    pairs: int = 0
    digest: Any = None  # hashlib object over the document's pair lines


@dataclass
class CorpusSummary:
    """What the card, the report and the manifest say about the corpus."""

    version: int
    documents: int
    added: list[str]
    updated: list[str]
    carried: int
    pairs: int
    duplicates: int  # pairs marked duplicate
    distinct_sentences: int
    left_out: int  # duplicate pairs not in the dataset
    keep_duplicates: bool
    clusters: int
    near_copy_clusters: int  # clusters of two or more documents
    near_copies: int  # documents in such clusters
    links: int
    bridges: list[dict[str, list[str]]]
    threshold: ScoreThreshold
    near_duplicate_threshold: float
    ratios: tuple[float, float, float]
    seed: int
    note: str
    low_score: int = 0
    wrong_language: int = 0
    history: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "added": len(self.added),
            "updated": len(self.updated),
            "carried": self.carried,
            "duplicates": self.duplicates,
            "distinct_sentences": self.distinct_sentences,
            "duplicates_left_out": self.left_out,
            "clusters": self.clusters,
            "near_copy_clusters": self.near_copy_clusters,
            "near_copies": self.near_copies,
            "near_duplicate_links": self.links,
            "bridges": self.bridges,
            "low_score_threshold": self.threshold.to_dict(),
            "low_score": self.low_score,
            "wrong_language": self.wrong_language,
        }

    @classmethod
    def from_manifest(cls, manifest: dict[str, Any]) -> CorpusSummary | None:
        """The summary a build recorded in its ``manifest.json`` (None before
        dataset versions were recorded)."""
        counts = (manifest.get("counts") or {}).get("corpus")
        dataset = manifest.get("dataset") or {}
        if not counts or "version" not in dataset:
            return None
        settings = manifest.get("settings") or {}
        docs = manifest.get("documents") or []
        version = int(dataset["version"])
        threshold = counts.get("low_score_threshold") or {}
        return cls(
            version=version,
            documents=len(docs),
            added=[d["doc_id"] for d in docs if d.get("added_in") == version],
            updated=[d["doc_id"] for d in docs if d.get("updated_in") == version],
            carried=int(counts.get("carried", 0)),
            pairs=int((manifest.get("counts") or {}).get("pairs", 0)),
            duplicates=int(counts.get("duplicates", 0)),
            distinct_sentences=int(counts.get("distinct_sentences", 0)),
            left_out=int(counts.get("duplicates_left_out", 0)),
            keep_duplicates=bool(settings.get("keep_duplicates", False)),
            clusters=int(counts.get("clusters", 0)),
            near_copy_clusters=int(counts.get("near_copy_clusters", 0)),
            near_copies=int(counts.get("near_copies", 0)),
            links=int(counts.get("near_duplicate_links", 0)),
            bridges=list(counts.get("bridges", [])),
            threshold=ScoreThreshold(threshold.get("value"), threshold.get("source", "off")),
            near_duplicate_threshold=float(
                settings.get("near_duplicate_threshold", NEAR_DUPLICATE_THRESHOLD)
            ),
            ratios=tuple(settings.get("split_by_doc", (0.8, 0.1, 0.1))),  # type: ignore[arg-type]
            seed=int(settings.get("seed", 0)),
            note=((manifest.get("counts") or {}).get("splits") or {}).get("note", ""),
            low_score=int(counts.get("low_score", 0)),
            wrong_language=int(counts.get("wrong_language", 0)),
            history=list(dataset.get("history", [])),
        )


class CorpusPass:
    """The two streaming passes of the write phase (module doc)."""

    def __init__(
        self,
        options: CorpusOptions,
        *,
        recorded: dict[str, Recorded] | None = None,
        previous_docs: dict[str, dict[str, Any]] | None = None,
        new_docs: Iterable[str] = (),
        version: int = 1,
        digest: str | None = None,
    ) -> None:
        self.options = options
        self.recorded = dict(recorded or {})
        self.previous_docs = dict(previous_docs or {})
        self.new_docs = set(new_docs)
        self.previous_version = version
        self.previous_digest = digest
        self.output_digest: str | None = None
        self.lengths = LengthStats()
        self.scores = ScoreStats()
        self.sentences = SentenceIndex()
        self.near = NearDuplicateIndex(options.near_duplicate_threshold)
        self.docs: dict[str, DocFacts] = {}
        self.order: list[str] = []  # documents in stream order
        self.band: LengthBand | None = None
        self.threshold: ScoreThreshold | None = None
        self.assignment = Assignment()
        self.duplicates: Duplicates | None = None
        self.links = 0
        self.added_in: dict[str, int] = {}
        self.updated: list[str] = []

    # -- pass 1 -------------------------------------------------------------------

    def scan(self, pairs: Iterable[Pair]) -> None:
        from kzparallel.pairs_file import pair_line

        current: str | None = None
        sketch = self.near.sketcher()
        for pair in pairs:
            pair = stripped(pair)
            if pair.doc_id != current:
                if current is not None:
                    self.near.add(self.docs[current].number, sketch.signature())
                current = pair.doc_id
                sketch = self.near.sketcher()
                if current not in self.docs:
                    self.docs[current] = DocFacts(len(self.docs), digest=hashlib.sha256())
                    self.order.append(current)
            facts = self.docs[current]
            key = sentence_key(pair.ar)
            self.sentences.add(key, pair.id, facts.number, facts.pairs)
            facts.pairs += 1
            facts.digest.update(pair_line(pair).encode())
            self.lengths.add(pair.ar, pair.en)
            self.scores.add(pair.score)
            if not pair.is_title:
                sketch.add(key)
        if current is not None:
            self.near.add(self.docs[current].number, sketch.signature())

    # -- between the passes -----------------------------------------------------------

    @property
    def version(self) -> int:
        """This build's dataset version: the previous one + 1 when documents were
        added or updated or the pairs file or the dataset selection changed
        (after :meth:`lines`), else the previous one; 1 for a first build."""
        if not self.previous_docs and self.previous_digest is None:
            return 1
        if self.updated or any(d not in self.previous_docs for d in self.docs):
            return self.previous_version + 1
        if self.output_digest is not None and self.output_digest != self.previous_digest:
            return self.previous_version + 1
        return self.previous_version

    def resolve(self) -> None:
        self.band = self.lengths.band()
        self.threshold = self.scores.threshold(self.options.min_score)
        names = {facts.number: doc for doc, facts in self.docs.items()}
        edges = self.near.edges()
        self.near.close()
        self.links = len(edges)
        self.assignment = assign(
            self.docs,
            [(names[a], names[b]) for a, b, _ in edges],
            self.recorded,
            self.options.ratios,
            self.options.seed,
        )
        for doc, facts in self.docs.items():
            old = self.previous_docs.get(doc)
            facts.digest = facts.digest.hexdigest()[:16]
            if old is not None and doc in self.new_docs and old.get("digest") != facts.digest:
                self.updated.append(doc)
        new_version = self.previous_version + 1 if self.previous_docs else 1
        for doc in self.docs:
            old = self.previous_docs.get(doc)
            self.added_in[doc] = int(old.get("added_in", 1)) if old else new_version
        ranked = sorted(
            self.docs,
            key=lambda d: (self.added_in[d], SPLIT_PRIORITY[self.assignment.split[d]], d),
        )
        rank = {d: i for i, d in enumerate(ranked)}
        self.duplicates = self.sentences.resolve(rank[d] for d in self.order)

    # -- pass 2 -------------------------------------------------------------------

    def finalise(self, pairs: Iterable[Pair]) -> Iterator[Pair]:
        """``pairs`` (the same stream as :meth:`scan`) with their corpus-level marks."""
        assert self.band is not None and self.threshold is not None and self.duplicates
        for i, pair in enumerate(pairs):
            pair = with_length_flag(stripped(pair), self.band)
            flags = list(pair.qa)
            if self.threshold.low(pair.score):
                flags.append("low-score")
            kept = self.duplicates.duplicate_of(i)
            if kept is not None:
                flags.append("duplicate")
            pair.qa = order_flags(flags)
            pair.duplicate_of = kept
            pair.cluster = self.assignment.cluster[pair.doc_id]
            yield pair

    def lines(self, pairs: Iterable[Pair]) -> Iterator[str]:
        """The ``pairs.jsonl`` lines of :meth:`finalise`; their digest (with the
        dataset's duplicate setting) tells whether this is a new version."""
        from kzparallel.pairs_file import pair_line

        h = hashlib.sha256(f"keep-duplicates:{self.options.keep_duplicates}\n".encode())
        for pair in self.finalise(pairs):
            line = pair_line(pair)
            h.update(line.encode())
            yield line
        self.output_digest = h.hexdigest()[:16]

    # -- results ------------------------------------------------------------------

    def document_records(self, infos: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
        """One manifest entry per document (stream order): the facts the engine
        logged (``infos``) plus digest, version, cluster and split."""
        version = self.version
        out: list[dict[str, Any]] = []
        for doc in self.order:
            rec = dict(infos.get(doc) or self.previous_docs.get(doc) or {"doc_id": doc})
            for key in ("digest", "added_in", "updated_in", "cluster", "split"):
                rec.pop(key, None)
            rec["doc_id"] = doc
            rec["digest"] = self.docs[doc].digest
            rec["added_in"] = self.added_in[doc]
            old = self.previous_docs.get(doc) or {}
            updated_in = version if doc in self.updated else old.get("updated_in")
            if updated_in:
                rec["updated_in"] = updated_in
            rec["cluster"] = self.assignment.cluster[doc]
            rec["split"] = self.assignment.split[doc]
            out.append(rec)
        return out

    def summary(self, history: list[dict[str, Any]], flag_counts: dict[str, int]) -> CorpusSummary:
        assert self.duplicates is not None and self.threshold is not None
        clusters = self.assignment.clusters
        multi = [docs for docs in clusters.values() if len(docs) > 1]
        dups = self.duplicates.removed
        return CorpusSummary(
            version=self.version,
            documents=len(self.docs),
            added=[d for d in self.order if d not in self.previous_docs],
            updated=list(self.updated),
            carried=sum(1 for d in self.docs if d in self.previous_docs and d not in self.new_docs),
            pairs=len(self.sentences),
            duplicates=dups,
            distinct_sentences=self.duplicates.sentences,
            left_out=0 if self.options.keep_duplicates else dups,
            keep_duplicates=self.options.keep_duplicates,
            clusters=len(clusters),
            near_copy_clusters=len(multi),
            near_copies=sum(len(d) for d in multi),
            links=self.links,
            bridges=self.assignment.bridges,
            threshold=self.threshold,
            near_duplicate_threshold=self.options.near_duplicate_threshold,
            ratios=self.options.ratios,
            seed=self.options.seed,
            note=split_note(self.assignment, self.options.ratios),
            low_score=flag_counts.get("low-score", 0),
            wrong_language=flag_counts.get("wrong-language", 0),
            history=history,
        )


# -- the hook into the build's write phase ----------------------------------------


def corpus_stream(previous: Any, staging: Any, new_docs: Iterable[str]) -> Iterator[Pair]:
    """Every pair of the corpus in order: the previous build's documents that
    were not given again (:class:`kzparallel.incremental.PreviousBuild`), then
    the staged new pairs."""
    from kzparallel.pairs_file import read_pairs

    if previous is not None:
        yield from previous.pairs(set(new_docs))
    yield from read_pairs(staging)


def scan_corpus(
    previous: Any,
    staging: Any,
    new_docs: list[str],
    options: CorpusOptions,
    *,
    signature: str,
    alignment: bool,
    out: Any,
    pairs: Iterable[Pair] | None = None,
) -> CorpusPass:
    """Pass 1 and the decisions between the passes (refuses to carry pairs made
    with other settings: :func:`kzparallel.incremental.check_carry`).

    ``pairs``: the whole corpus in output order when the caller has it (the
    build: carried and new documents by ``doc_id``); else
    :func:`corpus_stream` of ``previous`` and ``staging``."""
    from kzparallel.incremental import check_carry

    new = set(new_docs)
    if previous is None:
        cp = CorpusPass(options, new_docs=new)
    else:
        prev_docs = {d["doc_id"]: d for d in previous.documents}
        check_carry(previous, len(previous.carried(new)), signature, alignment, out)
        cp = CorpusPass(
            options,
            recorded=previous.recorded(),
            previous_docs=prev_docs,
            new_docs=new,
            version=previous.version,
            digest=previous.digest,
        )
    cp.scan(pairs if pairs is not None else corpus_stream(previous, staging, new))
    cp.resolve()
    return cp


def history(previous: Any, summary: CorpusSummary, rows: int) -> list[dict[str, Any]]:
    """The dataset's versions, this one last (``manifest.json`` ``dataset.history``)."""
    past = list(previous.history) if previous is not None else []
    if past and past[-1].get("version") == summary.version:
        return past
    entry = {
        "version": summary.version,
        "added": len(summary.added),
        "updated": len(summary.updated),
        "documents": summary.documents,
        "pairs": summary.pairs,
        "dataset_rows": rows,
    }
    return [*past, entry]
