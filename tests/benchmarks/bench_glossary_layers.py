"""What each glossary layer does, on trained models, for both backends.

Run with one command (about a minute on 2 CPU cores once the models are trained;
the first run trains them, a few minutes each; under the shared lock on a shared
machine: ``flock /tmp/kz-cpu.lock python ...``)::

    python tests/benchmarks/bench_glossary_layers.py [--limit N] [--topic demo|sudan|both]

Two models, two topics, two glossaries:

* ``demo`` — the demo model (``--model demo``: the shipped Kazakhstan glossary);
* ``sudan`` — the independent check: a model trained the same way on another
  topic with its own glossary (``tests/data/sudan-glossary.yaml``, names the
  shipped glossary does not have; ``tests/layers_helpers.py``).

For each, on its held-out sentences (never in training; the right English in the
glossary's spellings) and for ctranslate2 and transformers, the rows raw (no
glossary) / decoder hints / + n-best rerank / + repair, with term success,
wrong spellings (forbidden variants and the habits the model was taught),
chrF and BLEU (sacrebleu, signatures printed), collateral characters (repair
edits outside the term spans) and the sentences where the rerank took another
hypothesis (:mod:`kzparallel.layers_eval`). Prints the Markdown
tables that glossary/README.md shows; returns the reports.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def topic(name: str) -> tuple[Any, Any]:
    """(trained model, glossary) of a topic: ``demo`` or ``sudan``."""
    from kzparallel.demo import demo_model
    from kzparallel.glossary import load_glossary

    if name == "demo":  # with the glossary its corpus was made from (a frozen copy)
        model = demo_model()
        return model, load_glossary(model.recipe.corpus.glossary_path())
    from layers_helpers import SUDAN_GLOSSARY, sudan_recipe

    return demo_model(sudan_recipe()), load_glossary(SUDAN_GLOSSARY)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    from kzparallel.layers_eval import heldout_cases, measure_layers

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=None, help="the first N held-out sentences")
    ap.add_argument("--topic", choices=("demo", "sudan", "both"), default="both")
    args = ap.parse_args(argv)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs")
    reports = {}
    for name in ("demo", "sudan") if args.topic == "both" else (args.topic,):
        started = time.perf_counter()
        model, glossary = topic(name)
        cases, habits = heldout_cases(model.corpus, args.limit)
        report = measure_layers(str(model.path), cases, glossary, habits)
        seconds = time.perf_counter() - started
        print(f"\n## {name}: model {model.hash}, glossary {glossary.label}, {seconds:.0f} s")
        print("\n".join(report.lines()))
        reports[name] = report
    return reports


if __name__ == "__main__":
    main()
