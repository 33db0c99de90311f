"""Runs the glossary-layer benchmark under pytest (``-m benchmark``; skipped by default).

The independent check: on both topics (the demo model with the shipped glossary,
and a model trained on another topic with its own glossary), each layer does
its share on both backends.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytestmark = pytest.mark.benchmark


def test_glossary_layers_benchmark() -> None:
    path = Path(__file__).with_name("bench_glossary_layers.py")
    spec = importlib.util.spec_from_file_location("bench_glossary_layers", path)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    reports = bench.main([])
    assert set(reports) == {"demo", "sudan"}
    for report in reports.values():
        for backend in ("ctranslate2-int8", "transformers-fp32"):
            raw, hints, rerank, full = (
                report.row(backend, name) for name in ("raw", "hints", "+ rerank", "+ repair")
            )
            assert raw.success < 0.9  # the model's habits break the glossary
            assert hints.success > raw.success
            assert rerank.success >= hints.success
            assert full.success >= 0.99 and full.wrong == 0
            assert full.chrf >= raw.chrf
            assert full.collateral == 0
            default = report.row(backend, "rerank + repair, no hints")
            assert default.default and default.success >= 0.99 and default.wrong == 0
            assert default.found >= full.found and default.chrf >= full.chrf
