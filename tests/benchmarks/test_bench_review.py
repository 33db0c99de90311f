"""The review app benchmark (``-m benchmark``; skipped by default), and fast checks
of its corpus generator and of its concurrent-reviewer test (normal suite).

Times and memory are reported, not asserted: the figures go into tests/benchmarks/README.md.
What is asserted is that no decision was lost or applied twice.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from kzparallel.pairs_file import read_pairs, write_pairs
from kzparallel.records import Pair, pair_id

HERE = Path(__file__).parent


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_review", HERE / "bench_review.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench


@pytest.mark.benchmark
def test_review_benchmark() -> None:
    results = _bench().main([])
    for r in results:
        assert r["load"]["check"]["problems"] == []
        assert r["load"]["check"]["decisions"] > 0
        assert r["load"]["errors"] == []


def _small_build(tmp_path: Path) -> Path:
    out = tmp_path / "seed"
    pairs = []
    for d in ("a", "b"):
        for k in range(3):
            ar = f"جملة {k} عن كازاخستان"
            pairs.append(
                Pair(pair_id(d, k, 0, ar), d, k, 0, ar, f"Sentence {k}.", "mt", qa=["empty"] * k)
            )
    write_pairs(pairs, out / "pairs.jsonl")
    (out / "manifest.json").write_text(json.dumps({"signature": "s"}), encoding="utf-8")
    return out


def test_replicated_pairs_have_unique_ids_and_documents(tmp_path: Path) -> None:
    bench = _bench()
    seed = _small_build(tmp_path)
    assert bench.replicate(seed, tmp_path / "big", 14) == 14
    original = list(read_pairs(seed / "pairs.jsonl"))
    copies = list(read_pairs(tmp_path / "big" / "pairs.jsonl"))
    assert len({p.id for p in copies}) == 14
    assert [p.doc_id for p in copies] == [f"{d}~{k:06d}" for k in range(3) for d in "aaabbb"][:14]
    for i, p in enumerate(copies):
        src = original[i % 6]
        assert p.id == pair_id(p.doc_id, p.para, p.sent, p.ar)
        assert {**p.to_dict(), "id": src.id, "doc_id": src.doc_id} == src.to_dict()


@pytest.mark.slow
def test_concurrent_reviewers_lose_no_decision(tmp_path: Path) -> None:
    """The benchmark's load test, small: 4 reviewers for 4 s on 600 pairs."""
    bench = _bench()
    build = tmp_path / "b"
    bench.replicate(_small_build(tmp_path), build, 600)
    server = bench.Server(build)
    try:
        load = bench.load_test(server, build, reviewers=4, seconds=4, decisions=15, seed=1)
        check = bench.check_decisions(build, load, server.base)
    finally:
        server.stop()
    assert load["errors"] == []
    assert check["problems"] == []
    assert check["decisions"] == len(load["made"]) > 0
