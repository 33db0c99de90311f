"""Runs the build benchmark under pytest (``-m benchmark``; skipped by default).

Speed is reported, not asserted: the figures go into tests/benchmarks/README.md.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytestmark = pytest.mark.benchmark


def test_build_benchmark() -> None:
    path = Path(__file__).with_name("bench_build.py")
    spec = importlib.util.spec_from_file_location("bench_build", path)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    rows = bench.main([])
    assert [r["name"] for r in rows] == [
        "ctranslate2-int8, translate",
        "ctranslate2-int8, no glossary",
        "ctranslate2-int8, glossary",
        "ctranslate2-int8, glossary --glossary-layers all",
        "transformers-fp32, translate",
        "transformers-fp32, no glossary",
        "transformers-fp32, glossary",
        "transformers-fp32, glossary --glossary-layers all",
    ]
    builds = [r for r in rows if r["kind"] == "build"]
    # every build translated every seed sentence and timed its stages
    assert {r["pairs"] for r in rows} == {rows[0]["pairs"]}
    for r in builds:
        assert {"prepare", "read", "load", "translate", "qa", "write"} <= set(r["stages"])
        assert ("enforce" in r["stages"]) is r["glossary"]
