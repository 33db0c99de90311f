"""The output shards: the part of the output stage that workers run.

The documents of ``pairs.jsonl`` (in its order: ``doc_id``) are cut into
shards of whole documents of at least :data:`SHARD_PAIRS` pairs (the last one
may be smaller) — a rule on the content, so every engine makes the same
shards. :func:`write_shard` reads one shard's lines of ``pairs.jsonl`` and
writes its piece of the other outputs, in the build's work folder::

    en/<doc_id>.txt, .md       its English articles
    data/<split>-<k>.parquet   its rows of each split

and returns counts and report statistics. The driver then only renames
(:func:`assemble_dataset`), writes the card, the report and the manifest.
Shards are independent: an engine may write them in any order, on any worker
that sees the build folder.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kzparallel.progress import SHARD_TICK
from kzparallel.records import Pair
from kzparallel.sinks.articles import article_texts
from kzparallel.sinks.dataset import (
    SPLITS,
    DatasetSummary,
    SplitFiles,
    SplitPlan,
    dataset_row,
    split_file,
)
from kzparallel.sinks.report import ReportStats
from kzparallel.staging import StagedDoc, staged_pairs

SHARD_PAIRS = 50_000  # pairs per shard (about 25 MB of parquet); the last one may be smaller


@dataclass
class ShardJob:
    """One shard to write (plain data: an engine can ship it to a worker)."""

    index: int
    docs: list[StagedDoc]  # byte ranges of pairs.jsonl
    splits: dict[str, str]  # doc_id -> split
    work: str  # the work folder the pieces go to
    review_dir: str | None = None  # apply this build's review decisions to en/ and data/
    review_upto: int | None = None  # ... those up to this log seq (the build's snapshot)
    keep_duplicates: bool = False  # rows of repeated sentences stay in the dataset
    articles: bool = True  # write en/


@dataclass
class ShardResult:
    index: int
    pairs: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    arrow_bytes: dict[str, int] = field(default_factory=dict)
    stats: ReportStats = field(default_factory=ReportStats)


def plan_shards(docs: Iterable[StagedDoc], shard_pairs: int | None = None) -> list[list[StagedDoc]]:
    """Consecutive runs of whole documents, a new one once ``shard_pairs``
    (default :data:`SHARD_PAIRS`) are reached."""
    shard_pairs = shard_pairs or SHARD_PAIRS
    shards: list[list[StagedDoc]] = []
    current: list[StagedDoc] = []
    n = 0
    for doc in docs:
        current.append(doc)
        n += doc.pairs
        if n >= shard_pairs:
            shards.append(current)
            current, n = [], 0
    if current:
        shards.append(current)
    return shards


def data_piece(work: str | Path, split: str, index: int) -> Path:
    return Path(work) / "data" / f"{split}-{index:05d}.parquet"


def write_shard(job: ShardJob) -> ShardResult:
    """Write one shard's pieces into ``job.work`` (see the module doc): the en/
    articles and dataset rows of the reviewed pairs (review decisions applied
    when ``job.review_dir``), the report statistics of the same pairs."""
    result = ShardResult(job.index)
    work = Path(job.work)
    en_dir = work / "en"
    en_dir.mkdir(parents=True, exist_ok=True)
    data = SplitFiles(lambda split: data_piece(work, split, job.index))
    tick = SHARD_TICK.get()  # the build's progress bar, when it is in this process

    def counted() -> Iterator[Pair]:
        for pair in staged_pairs(job.docs):
            result.pairs += 1
            if tick is not None:
                tick(1)
            yield pair

    stream: Iterable[Pair] = counted()
    if job.review_dir is not None:
        from kzparallel.review.decisions import apply_review

        stream = apply_review(Path(job.review_dir), stream, job.review_upto)
    try:
        for doc_id, group in itertools.groupby(stream, key=lambda p: p.doc_id):
            doc_pairs = list(group)
            split = job.splits.get(doc_id)  # a document in no split has no dataset rows
            for pair in doc_pairs:
                result.stats.add(pair)
                if (
                    split is not None
                    and (job.keep_duplicates or not pair.duplicate_of)
                    and not pair.left_out
                ):
                    data.write(split, dataset_row(pair))
            if job.articles:
                txt, md = article_texts(doc_pairs)
                (en_dir / f"{doc_id}.txt").write_text(txt, encoding="utf-8")
                (en_dir / f"{doc_id}.md").write_text(md, encoding="utf-8")
        data.finalize()
    except BaseException:
        data.abort()
        raise
    result.rows, result.arrow_bytes = dict(data.rows), dict(data.arrow_bytes)
    return result


def dataset_file_names(results: list[ShardResult]) -> dict[tuple[str, int], str]:
    """Final names (``data/<split>-NNNNN-of-MMMMM.parquet``) of the shards' pieces:
    per split, the shards that have rows of it, numbered in output order."""
    names: dict[tuple[str, int], str] = {}
    for split in SPLITS:
        having = [r.index for r in sorted(results, key=lambda r: r.index) if r.rows.get(split)]
        for i, index in enumerate(having):
            names[(split, index)] = split_file(split, i, len(having))
    return names


def assemble_dataset(
    work: str | Path, results: list[ShardResult], plan: SplitPlan
) -> DatasetSummary:
    """Move the shards' parquet pieces to their final names under ``work/dataset``
    and sum up what was written (the card is the caller's)."""
    work = Path(work)
    by_index = {r.index: r for r in results}
    summary = DatasetSummary(note=plan.note)
    for (split, index), name in dataset_file_names(results).items():
        r = by_index[index]
        target = work / "dataset" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(data_piece(work, split, index), target)
        summary.rows[split] = summary.rows.get(split, 0) + r.rows[split]
        summary.num_bytes[split] = summary.num_bytes.get(split, 0) + r.arrow_bytes[split]
        summary.file_bytes[split] = summary.file_bytes.get(split, 0) + target.stat().st_size
        summary.files.setdefault(split, []).append(name)
    for split in summary.rows:
        summary.docs[split] = len(plan.docs_in(split))
    (work / "dataset").mkdir(parents=True, exist_ok=True)
    return summary


def merged_stats(results: list[ShardResult]) -> ReportStats:
    """The report statistics of all shards, as one pass in output order would give."""
    stats = ReportStats()
    for r in sorted(results, key=lambda r: r.index):
        stats.merge(r.stats)
    return stats
