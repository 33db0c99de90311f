"""The streaming benchmark (``-m benchmark``; skipped by default) and a fast
check of its synthetic corpus (runs with the normal suite).

Peak memory is reported, not asserted: the figures go into tests/benchmarks/README.md.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

HERE = Path(__file__).parent
SEEDS = HERE.parents[1] / "seeds"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_memory", HERE / "bench_memory.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench


@pytest.mark.benchmark
def test_memory_benchmark() -> None:
    results = _bench().main(["--sizes", "10000,100000"])
    small, large = results
    # the corpora have the sizes asked for, and nearly every segment was translated
    assert 9_000 < small["segments"] < 11_000
    assert 90_000 < large["segments"] < 110_000
    assert large["cache_misses"] > 0.95 * large["segments"]


def test_perturbed_copies_are_new_text_with_the_seed_structure(tmp_path: Path) -> None:
    from kzparallel.testing import ARABIC, perturb_article

    seed = (SEEDS / "002_0f918022c33d9c19.txt").read_text(encoding="utf-8")
    copy = perturb_article(seed, 12)
    assert copy == perturb_article(seed, 12)  # deterministic
    assert copy != perturb_article(seed, 17)
    # the same paragraphs (shuffled), every Arabic line carries the copy number ١٢
    paras = [p for p in seed.split("\n\n") if p.strip()]
    new_paras = [p for p in copy.split("\n\n") if p.strip()]
    assert len(new_paras) == len(paras)
    arabic = [line for line in copy.splitlines() if ARABIC.search(line)]
    assert arabic and all(re.search(r"(^| )١٢( |$)", line) for line in arabic)
    # numbers are changed: "27 دولة" (the EU's member count) is not left as it was
    assert "المؤلف من 27 دولة" in seed and "المؤلف من 27 دولة" not in copy


def test_synthetic_corpus_segments_are_not_deduplicated(tmp_path: Path) -> None:
    bench = _bench()
    files = bench.make_corpus(tmp_path, 10)
    assert [f.name[:6] for f in files] == [f"{k:06d}" for k in range(10)]
    assert [f.name[7:] for f in files[:5]] == [p.name for p in sorted(SEEDS.glob("*.txt"))]
    total, distinct = bench.count_segments(files)
    seed_total, _ = bench.count_segments(sorted(SEEDS.glob("*.txt")))
    # two copies of each seed: more segments than the seeds twice (the inserted
    # numbers split a few sentences), and the cache sees nearly all as new text
    assert total >= 2 * seed_total
    assert distinct >= 0.98 * total


def _png_size(data_uri: str) -> tuple[int, int]:
    import base64
    import struct

    png = base64.b64decode(data_uri.split(",", 1)[1])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_report_document_figure_does_not_grow_with_the_corpus() -> None:
    """The memory fix the benchmark found: one bar per document made a figure
    (and a pixel buffer) as tall as the corpus; past MAX_DOC_BARS documents
    the report shows the distribution of pairs per document instead."""
    from kzparallel.qa import LengthBand, LengthStats
    from kzparallel.sinks.report import MAX_DOC_BARS, DocCounts, ReportStats, plots

    def doc_figure(n_docs: int) -> tuple[int, int]:
        stats = ReportStats(docs={f"d{i}": DocCounts(pairs=20 + i % 7) for i in range(n_docs)})
        return _png_size(plots(stats, LengthStats(), LengthBand())["docs"])

    few, at_limit = doc_figure(3), doc_figure(MAX_DOC_BARS)
    assert few[1] < at_limit[1]  # a bar per document up to the limit
    over, many = doc_figure(MAX_DOC_BARS + 1), doc_figure(4000)
    # beyond it: one histogram of a fixed figure size (the tight bounding box
    # moves by a few pixels with the tick labels)
    assert many[0] * many[1] < 1.1 * over[0] * over[1]
    assert many[1] < at_limit[1]


def test_parquet_is_written_in_fixed_row_groups(tmp_path: Path) -> None:
    """The second fix: parquet streamed by datasets' ParquetWriter, one row group
    at a time (``to_parquet`` of an intermediate Arrow file touched a memory map
    as large as the split)."""
    import datasets
    import pyarrow.parquet as pq

    from kzparallel.records import Pair
    from kzparallel.sinks.dataset import ROW_GROUP_ROWS, dataset_row, features, write_parquet

    n = 2 * ROW_GROUP_ROWS + 7
    pairs = [
        Pair(
            id=f"p{i}",
            doc_id=f"d{i // 10}",
            para=i % 10,
            sent=0,
            ar=f"جملة {i}",
            en=f"s {i}",
            en_mt=f"s {i}",
        )
        for i in range(n)
    ]
    target = tmp_path / "train.parquet"
    rows, nbytes = write_parquet((dataset_row(p) for p in pairs), features(), target)
    meta = pq.ParquetFile(target).metadata
    assert (rows, meta.num_rows, meta.num_row_groups) == (n, n, 3)
    assert [meta.row_group(k).num_rows for k in range(3)] == [ROW_GROUP_ROWS, ROW_GROUP_ROWS, 7]
    assert nbytes == pytest.approx(pq.read_table(target).nbytes, rel=0.01)
    ds = datasets.Dataset.from_parquet(str(target), cache_dir=str(tmp_path / "cache"))
    assert ds.features == features()
    assert ds[n - 1]["translation"] == {"ar": f"جملة {n - 1}", "en": f"s {n - 1}"}
    # no rows: no file
    assert write_parquet(iter(()), features(), tmp_path / "empty.parquet") == (0, 0)
    assert not (tmp_path / "empty.parquet").exists()
