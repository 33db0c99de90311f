"""Runs the translation benchmark under pytest (``-m benchmark``; skipped by default).

Speed and memory are reported, not asserted: the figures go into tests/benchmarks/README.md.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytestmark = pytest.mark.benchmark


def test_translation_benchmark() -> None:
    path = Path(__file__).with_name("bench_translate.py")
    spec = importlib.util.spec_from_file_location("bench_translate", path)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    results = bench.main([])
    names = [r["name"] for r in results]
    assert names[:4] == ["hf-baseline", "kz-transformers", "kz-ctranslate2", "raw-ctranslate2"]
    by = {r["name"]: r for r in results}
    # every configuration did the same work: the same number of tokens per sentence
    per_sentence = {r["tokens"] / r["sentences"] for r in results if r["name"] != "hf-baseline"}
    assert len(per_sentence) == 1
    # the cached re-run never loaded the model and the ctranslate2 runs never imported torch
    assert by["kz-ctranslate2-cached"]["model_loaded"] is False
    assert not by["kz-ctranslate2"]["torch_imported"]
