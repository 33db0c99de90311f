"""The Hugging Face dataset folder: ``dataset/data/<split>-00000-of-00001.parquet``.

The main column is ``translation`` with the
``datasets.Translation(languages=["ar", "en"])`` feature (what the transformers
translation examples read); the other fields sit beside it. Parquet files are
written by ``datasets`` (``datasets.arrow_writer.ParquetWriter`` fed from the
pairs file, one row group of 2,000 rows at a time), so memory stays bounded.

Splits are by document (no document is in two splits), decided per
near-duplicate cluster by :mod:`kzparallel.splits` and handed over as a
:class:`SplitPlan`. Pairs marked as repeats (``duplicate_of``) are left out
unless the plan keeps duplicates.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kzparallel.errors import KzError
from kzparallel.records import Pair

SPLITS = ("train", "validation", "test")
DATA_DIR = "data"
ROW_GROUP_ROWS = 2_000  # rows per parquet row group (about a MB of pairs)


def features() -> Any:
    """The ``datasets.Features`` of the corpus."""
    import datasets

    string = datasets.Value("string")
    return datasets.Features(
        {
            "id": string,
            "translation": datasets.Translation(languages=["ar", "en"]),
            "doc_id": string,
            "para": datasets.Value("int32"),
            "sent": datasets.Value("int32"),
            "is_title": datasets.Value("bool"),
            "en_mt": string,
            "score": datasets.Value("float64"),
            "model": string,
            "revision": string,
            "backend": string,
            "terms": string,  # JSON list of the glossary mentions and their verdicts
            "glossary_violations": datasets.List(string),
            "qa_flags": datasets.List(string),
            "review_status": string,
            "signature": string,
            "cluster": string,
            "duplicate_of": string,
            "origin": string,  # "aligned" (human English) or "mt"
            "date": string,  # the article's ISO day, None when it has none
        }
    )


def dataset_row(pair: Pair) -> dict[str, Any]:
    return {
        "id": pair.id,
        "translation": {"ar": pair.ar, "en": pair.en},
        "doc_id": pair.doc_id,
        "para": pair.para,
        "sent": pair.sent,
        "is_title": pair.is_title,
        "en_mt": pair.en_mt,
        "score": None if pair.score is None else round(float(pair.score), 4),
        "model": pair.model,
        "revision": pair.revision,
        "backend": pair.backend,
        "terms": json.dumps(pair.terms, ensure_ascii=False, sort_keys=True),
        "glossary_violations": list(pair.violations),
        "qa_flags": list(pair.qa),
        "review_status": pair.review_status,
        "signature": pair.signature,
        "cluster": pair.cluster,
        "duplicate_of": pair.duplicate_of,
        "origin": pair.origin or "mt",
        "date": pair.date,
    }


def parse_ratios(text: str | Sequence[float]) -> tuple[float, float, float]:
    """``"0.8,0.1,0.1"`` → (0.8, 0.1, 0.1); they must be >= 0 and sum to 1."""
    try:
        vals = [float(x) for x in (text.split(",") if isinstance(text, str) else text)]
    except ValueError:
        raise KzError(f"--split-by-doc: not numbers: {text!r}") from None
    if len(vals) != 3 or any(v < 0 for v in vals) or not math.isclose(sum(vals), 1.0):
        raise KzError(
            f"--split-by-doc: give three ratios >= 0 for train,validation,test that sum to 1 (got {text!r})"
        )
    return vals[0], vals[1], vals[2]


@dataclass
class SplitPlan:
    """Which split each document goes to, and whether repeated sentences stay."""

    assignment: dict[str, str]
    note: str = ""
    keep_duplicates: bool = False

    def split_of(self, doc_id: str) -> str:
        return self.assignment[doc_id]

    def docs_in(self, split: str) -> list[str]:
        return [d for d, s in self.assignment.items() if s == split]


def split_file(split: str, index: int = 0, count: int = 1) -> str:
    """The Hub's name for file ``index`` of the ``count`` files of ``split``."""
    return f"{DATA_DIR}/{split}-{index:05d}-of-{count:05d}.parquet"


@dataclass
class DatasetSummary:
    """What was written: rows and documents per split, the split note."""

    rows: dict[str, int] = field(default_factory=dict)
    docs: dict[str, int] = field(default_factory=dict)
    note: str = ""
    num_bytes: dict[str, int] = field(default_factory=dict)  # Arrow size of each split
    file_bytes: dict[str, int] = field(default_factory=dict)  # parquet file sizes
    files: dict[str, list[str]] = field(default_factory=dict)  # the split's files (data/...)

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def to_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "docs": self.docs, "note": self.note}


def _quiet_datasets() -> contextlib.AbstractContextManager[None]:
    import datasets

    @contextlib.contextmanager
    def cm() -> Iterator[None]:
        was = datasets.is_progress_bar_enabled()
        level = datasets.logging.get_verbosity()
        datasets.disable_progress_bars()
        datasets.logging.set_verbosity(logging.ERROR)
        try:
            yield
        finally:
            if was:
                datasets.enable_progress_bars()
            datasets.logging.set_verbosity(level)

    return cm()


def write_parquet(rows: Iterable[dict[str, Any]], feats: Any, target: Path) -> tuple[int, int]:
    """Stream ``rows`` into one parquet file with ``datasets``' ``ParquetWriter``
    (a row group per :data:`ROW_GROUP_ROWS` rows, the Hub's schema metadata).

    Returns (rows, Arrow bytes); no file is written when there is no row.
    Bounded memory: one row group is held at a time, and there is no
    intermediate Arrow file (``to_parquet`` reads one through a memory map,
    whose pages count as resident memory growing with the split).
    """
    from datasets.arrow_writer import ParquetWriter

    it = iter(rows)
    first = next(it, None)
    if first is None:
        return 0, 0
    writer = ParquetWriter(features=feats, path=str(target), writer_batch_size=ROW_GROUP_ROWS)
    try:
        writer.write(feats.encode_example(first))
        for row in it:
            writer.write(feats.encode_example(row))
        written, nbytes = writer.finalize()
    except BaseException:
        writer.close()
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
        raise
    return int(written), int(nbytes)


class SplitFiles:
    """One parquet file per split, written at once from one stream of rows
    (each through its own ``ParquetWriter``, a row group per
    :data:`ROW_GROUP_ROWS` rows), so a shard of the corpus is read once."""

    def __init__(self, path_of: Callable[[str], Path]) -> None:
        self.path_of = path_of
        self.feats = features()
        self._writers: dict[str, Any] = {}
        self.rows: dict[str, int] = {}
        self.arrow_bytes: dict[str, int] = {}

    def write(self, split: str, row: dict[str, Any]) -> None:
        writer = self._writers.get(split)
        if writer is None:
            from datasets.arrow_writer import ParquetWriter

            target = self.path_of(split)
            target.parent.mkdir(parents=True, exist_ok=True)
            writer = ParquetWriter(
                features=self.feats, path=str(target), writer_batch_size=ROW_GROUP_ROWS
            )
            self._writers[split] = writer
        writer.write(self.feats.encode_example(row))

    def finalize(self) -> None:
        with _quiet_datasets():
            for split, writer in self._writers.items():
                written, nbytes = writer.finalize()
                self.rows[split], self.arrow_bytes[split] = int(written), int(nbytes)
        self._writers.clear()

    def abort(self) -> None:
        for split, writer in self._writers.items():
            writer.close()
            with contextlib.suppress(FileNotFoundError):
                self.path_of(split).unlink()
        self._writers.clear()


def write_dataset_files(
    pairs: Callable[[], Iterable[Pair]],
    out_dir: str | Path,
    plan: SplitPlan,
) -> DatasetSummary:
    """Write ``out_dir/data/<split>-00000-of-00001.parquet`` for every non-empty split.

    ``pairs`` is called once per split and must return a fresh stream
    (e.g. ``lambda: read_pairs(path)``).
    """
    feats = features()
    summary = DatasetSummary(note=plan.note)
    data = Path(out_dir) / DATA_DIR
    data.mkdir(parents=True, exist_ok=True)
    with _quiet_datasets():
        for split in SPLITS:
            docs = set(plan.docs_in(split))
            if not docs:
                continue

            def rows(docs: set[str] = docs) -> Iterator[dict[str, Any]]:
                for pair in pairs():
                    if (
                        pair.doc_id in docs
                        and (plan.keep_duplicates or not pair.duplicate_of)
                        and not pair.left_out
                    ):
                        yield dataset_row(pair)

            target = Path(out_dir) / split_file(split)
            rows_written, arrow_bytes = write_parquet(rows(), feats, target)
            if rows_written == 0:
                continue
            summary.rows[split] = rows_written
            summary.docs[split] = len(docs)
            summary.num_bytes[split] = arrow_bytes
            summary.file_bytes[split] = target.stat().st_size
    return summary
