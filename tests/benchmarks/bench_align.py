"""Sentence-alignment benchmark: link precision/recall/F1 on the gold sets, and the
aligner's time and memory against document length.

Run with one command (about a minute on 2 CPU cores; run it under the shared lock
on a shared machine: ``flock /tmp/kz-cpu.lock python ...``)::

    python tests/benchmarks/bench_align.py        # or
    python -m pytest -m benchmark tests/benchmarks/test_bench_align.py -s

**Accuracy.** The gold sets of :mod:`kzparallel.testing.bitext`: the five seeds
with the English of ``seeds/references/`` and six generated articles of the demo
corpus's held-out sentences, each as written (level 0: English furniture only)
and perturbed (levels 1 and 2: merged and split sentences, sentences and a
paragraph left out or added). Strict and lax precision/recall/F1 as Vecalign's
scorer counts them (:mod:`kzparallel.alignment.scoring`), for Gale–Church (the
``galechurch`` package), this aligner with length only, length + numbers +
glossary names (``anchors``), MT similarity only (``mt``) and everything
(``full``); with the random test model and the trained one (``--model demo``),
both through the build's translation stages (shipped glossary, ``auto`` backend).

**Scale.** Articles of 50 to 1,000 sentences made of the held-out sentences
(shuffled, a tenth of the English left out, a twentieth merged with the next);
the seconds and peak Python memory (tracemalloc) of ``align_sentences`` alone,
the machine translation (the trained model's, from the cache) given.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

METHODS = ("galechurch", "length", "anchors", "mt", "full")
SIZES = (50, 100, 200, 500, 1000)


def _translated(model: str, docs: list[Any], cache_dir: Path) -> tuple[dict[str, Any], Any]:
    from kzparallel.session import translation_session
    from kzparallel.stages import BuildSettings
    from kzparallel.testing.bitext import translate_gold

    with translation_session(BuildSettings(model=model, cache_dir=str(cache_dir))) as session:
        return translate_gold(docs, session), session.ctx


def accuracy(models: dict[str, str], cache_dir: Path) -> list[dict[str, Any]]:
    from kzparallel.alignment.scoring import score_alignments
    from kzparallel.demo import demo_model
    from kzparallel.testing.bitext import gold_documents, run_aligner

    docs = gold_documents(ROOT / "seeds", demo_model().corpus.heldout, generated=6)
    rows = []
    for label, model in models.items():
        translated, ctx = _translated(model, docs, cache_dir)
        for method in METHODS:
            s = score_alignments(run_aligner(docs, translated, ctx.glossary, method))
            rows.append({"model": label, "method": method, **vars(s)})
    return rows


def _long_document(examples: list[Any], size: int, rng: random.Random) -> tuple[Any, ...]:
    chosen = [examples[k % len(examples)] for k in range(size)]
    rng.shuffle(chosen)
    arabic = [e.ar for e in chosen]
    english: list[str] = []
    k = 0
    while k < size:
        r = rng.random()
        if r < 0.1:
            k += 1
            continue
        if r < 0.15 and k + 1 < size:
            english.append(chosen[k].en.rstrip(".") + "; " + chosen[k + 1].en)
            k += 2
            continue
        english.append(chosen[k].en)
        k += 1
    return arabic, english


def scale(cache_dir: Path) -> list[dict[str, Any]]:
    from kzparallel.alignment.align import align_sentences
    from kzparallel.demo import demo_model
    from kzparallel.records import Segment
    from kzparallel.session import translation_session
    from kzparallel.stages import BuildSettings

    examples = list(demo_model().corpus.heldout)
    segs = [Segment("x", i, 0, e.ar, 0, len(e.ar)) for i, e in enumerate(examples)]
    with translation_session(BuildSettings(model="demo", cache_dir=str(cache_dir))) as session:
        mt = {pair.ar: pair.en for pair in session.translate(segs)}
    ctx = session.ctx
    rows = []
    for size in SIZES:
        arabic, english = _long_document(examples, size, random.Random(size))
        tracemalloc.start()
        start = time.perf_counter()
        links = align_sentences(arabic, english, mt=[mt[a] for a in arabic], glossary=ctx.glossary)
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        rows.append(
            {"sentences": size, "english": len(english), "links": len(links), "seconds": seconds,
             "peak_mib": peak / 2**20}
        )  # fmt: skip
    return rows


def format_tables(acc: list[dict[str, Any]], sc: list[dict[str, Any]]) -> str:
    out = [
        "| method | model | strict P | strict R | strict F1 | lax F1 |",
        "|---|---|---|---|---|---|",
    ]
    for r in acc:
        out.append(
            f"| {r['method']} | {r['model']} | {r['precision']:.3f} | {r['recall']:.3f} "
            f"| **{r['f1']:.3f}** | {r['lax_f1']:.3f} |"
        )
    out += ["", "| Arabic sentences | English sentences | seconds | ms per sentence | peak MiB |",
            "|---|---|---|---|---|"]  # fmt: skip
    for r in sc:
        out.append(
            f"| {r['sentences']} | {r['english']} | {r['seconds']:.2f} "
            f"| {1000 * r['seconds'] / r['sentences']:.1f} | {r['peak_mib']:.1f} |"
        )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_translate import machine  # type: ignore[import-not-found]

    from kzparallel.demo import build_marian_model

    with tempfile.TemporaryDirectory(prefix="kz-align-bench-") as tmp:
        tiny = build_marian_model(Path(tmp) / "random", seeds_dir=ROOT / "seeds")
        models = {"random": str(tiny), "trained": "demo"}
        acc = accuracy(models, Path(tmp) / "cache")
        sc = scale(Path(tmp) / "cache")
    print(f"machine: {machine()}")
    print(format_tables(acc, sc))
    return acc, sc


if __name__ == "__main__":
    main(sys.argv[1:])
