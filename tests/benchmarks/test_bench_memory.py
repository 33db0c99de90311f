"""The streaming benchmark (``-m benchmark``; skipped by default) and a fast
check of its synthetic corpus (runs with the normal suite).

Peak memory is reported, not asserted: the figures go into the README.
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
    bench = _bench()
    seed = (SEEDS / "002_0f918022c33d9c19.txt").read_text(encoding="utf-8")
    copy = bench.perturb(seed, 12)
    assert copy == bench.perturb(seed, 12)  # deterministic
    assert copy != bench.perturb(seed, 17)
    # the same paragraphs (shuffled), every Arabic line carries the copy number ١٢
    paras = [p for p in seed.split("\n\n") if p.strip()]
    new_paras = [p for p in copy.split("\n\n") if p.strip()]
    assert len(new_paras) == len(paras)
    arabic = [line for line in copy.splitlines() if bench.ARABIC.search(line)]
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
