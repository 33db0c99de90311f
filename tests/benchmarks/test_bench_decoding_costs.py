"""Runs the decoding-costs benchmark under pytest (``-m benchmark``; skipped by default).

Speed is reported, not asserted: the figures go into tests/benchmarks/README.md.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytestmark = pytest.mark.benchmark


def test_decoding_costs_benchmark() -> None:
    path = Path(__file__).with_name("bench_decoding_costs.py")
    spec = importlib.util.spec_from_file_location("bench_decoding_costs", path)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    rows = bench.main([])
    by = {(r["backend"], r["option"]): r for r in rows}
    plain = by[("ctranslate2-int8", "plain")]
    # glossary-wide hints keep CTranslate2's batches whole; per-sentence lists split them
    assert (
        by[("ctranslate2-int8", "glossary hints (shipped, glossary-wide)")]["calls"]
        == (plain["calls"])
    )
    assert by[("ctranslate2-int8", "per-sentence forbidden lists")]["calls"] > plain["calls"]
    assert {r["option"] for r in rows if r["backend"] == "transformers-fp32"} == {
        r["option"] for r in rows if r["backend"] == "ctranslate2-int8"
    }
