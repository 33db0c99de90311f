"""Runs the alignment benchmark under pytest (``-m benchmark``; skipped by default).

The figures go into tests/benchmarks/README.md; the accuracy target itself (strict F1 >= 0.95 with
the trained model) is asserted in the normal suite
(``tests/test_alignment_model.py::test_strict_f1_on_the_gold_sets``).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytestmark = pytest.mark.benchmark


def test_alignment_benchmark() -> None:
    path = Path(__file__).with_name("bench_align.py")
    spec = importlib.util.spec_from_file_location("bench_align", path)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    accuracy, scale = bench.main([])
    assert [(r["model"], r["set"], r["method"]) for r in accuracy] == [
        (model, name, method)
        for model in ("random", "trained")
        for name, methods in (("gold", bench.METHODS), ("partial", bench.PARTIAL_METHODS))
        for method in methods
    ]
    assert [r["sentences"] for r in scale] == list(bench.SIZES)
