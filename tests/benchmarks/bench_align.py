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

**Partly parallel.** The gold set of :mod:`kzparallel.testing.partial_bitext`:
12 articles whose English leaves out quotations, attribution chains and
background paragraphs, condenses and merges sentences and adds translator's
notes (0.45–0.7 English characters per Arabic character); the same methods,
Gale–Church with each document's own length ratio (``galechurch-doc``), and
``anchors``/``full`` as they were before the length model and the link costs were
fitted to each document (``-fixed``).
``--no-demo`` runs the random model only and skips the scale part (no trained
model is made or loaded).

**Link confidence.** ``--calibrate`` fits the calibration of the links' raw
scores (:mod:`kzparallel.alignment.confidence`) on both gold sets with the
random model (no usable MT), writes it to ``kzparallel/alignment/calibration.json``
with the commit it was fitted on, and prints the reliability table of a fit on
half of the articles checked on the other half (about 30 s; nothing else runs).

**Scale.** Articles of 50 to 1,000 sentences made of the held-out sentences
(shuffled, a tenth of the English left out, a twentieth merged with the next);
the seconds and peak Python memory (tracemalloc) of ``align_sentences`` alone,
the machine translation (the trained model's, from the cache) given.
"""

from __future__ import annotations

import argparse
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
PARTIAL_METHODS = (
    "galechurch", "galechurch-doc", "length", "anchors-fixed", "anchors", "mt", "full-fixed", "full",
)  # fmt: skip
SIZES = (50, 100, 200, 500, 1000)


def _translated(model: str, docs: list[Any], cache_dir: Path) -> tuple[dict[str, Any], Any]:
    from kzparallel.session import translation_session
    from kzparallel.stages import BuildSettings
    from kzparallel.testing.bitext import translate_gold

    with translation_session(BuildSettings(model=model, cache_dir=str(cache_dir))) as session:
        return translate_gold(docs, session), session.ctx


def gold_sets() -> dict[str, list[Any]]:
    """The gold sets by name: ``gold`` (seeds and generated articles, three
    levels) and ``partial`` (the partly parallel set), both of the demo corpus's
    held-out sentences (regenerated: no model is needed)."""
    from kzparallel.demo.corpus import generate_corpus
    from kzparallel.demo.trained_model import DemoRecipe
    from kzparallel.testing.bitext import gold_documents
    from kzparallel.testing.partial_bitext import partial_documents

    heldout = generate_corpus(DemoRecipe().corpus).heldout
    return {
        "gold": gold_documents(ROOT / "seeds", heldout, generated=6),
        "partial": partial_documents(heldout),
    }


def accuracy(models: dict[str, str], cache_dir: Path) -> list[dict[str, Any]]:
    from kzparallel.alignment.scoring import score_alignments
    from kzparallel.testing.partial_bitext import run_methods

    sets = gold_sets()
    rows = []
    for label, model in models.items():
        translated, ctx = _translated(model, [d for docs in sets.values() for d in docs], cache_dir)
        for name, docs in sets.items():
            for method in METHODS if name == "gold" else PARTIAL_METHODS:
                s = score_alignments(run_methods(docs, translated, ctx.glossary, method))
                rows.append({"set": name, "model": label, "method": method, **vars(s)})
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
    out = []
    for name in dict.fromkeys(r["set"] for r in acc):
        out += [
            f"gold set: {name}",
            "",
            "| method | model | strict P | strict R | strict F1 | lax F1 |",
            "|---|---|---|---|---|---|",
        ]
        for r in acc:
            if r["set"] == name:
                out.append(
                    f"| {r['method']} | {r['model']} | {r['precision']:.3f} | {r['recall']:.3f} "
                    f"| **{r['f1']:.3f}** | {r['lax_f1']:.3f} |"
                )
        out.append("")
    if not sc:
        return "\n".join(out)
    out += ["| Arabic sentences | English sentences | seconds | ms per sentence | peak MiB |",
            "|---|---|---|---|---|"]  # fmt: skip
    for r in sc:
        out.append(
            f"| {r['sentences']} | {r['english']} | {r['seconds']:.2f} "
            f"| {1000 * r['seconds'] / r['sentences']:.1f} | {r['peak_mib']:.1f} |"
        )
    return "\n".join(out)


def calibration_articles(tiny: Path, cache_dir: Path) -> list[list[tuple[str, float, bool]]]:
    """(kind, raw score, right) of the links of each Arabic article of both gold
    sets, aligned with the random model ``tiny``'s MT (which gets no weight)."""
    from kzparallel.testing.partial_bitext import calibration_samples

    docs = [d for docs in gold_sets().values() for d in docs]
    translated, ctx = _translated(str(tiny), docs, cache_dir)
    return calibration_samples(docs, translated, ctx.glossary)


def format_reliability(bins: list[Any]) -> str:
    out = ["| confidence | links | predicted | observed |", "|---|---|---|---|"]
    for b in bins:
        out.append(
            f"| {b.low:.2f}–{b.high:.2f} | {b.count} | {b.predicted:.3f} | {b.observed:.3f} |"
        )
    return "\n".join(out)


def calibrate(tiny: Path, cache_dir: Path) -> str:
    """Fit and write the package's calibration; the held-out reliability tables."""
    import json
    import subprocess

    from kzparallel.alignment.confidence import CALIBRATION_FILE, fit_calibration, reliability
    from kzparallel.testing.partial_bitext import halves

    articles = calibration_articles(tiny, cache_dir)
    every = [s for a in articles for s in a]
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True, text=True, check=False,
    ).stdout.strip()  # fmt: skip
    data = (
        f"{len(every)} links of the gold sets (testing.bitext gold_documents, "
        "testing.partial_bitext partial_documents), random-weight model (no MT weight)"
    )
    shipped = fit_calibration(every, fitted_on=commit, data=data)
    CALIBRATION_FILE.write_text(json.dumps(shipped.to_dict(), indent=1) + "\n", encoding="utf-8")
    first, second = halves(articles)
    out = []
    for name, fit, check in (("even", first, second), ("odd", second, first)):
        bins = reliability(check, fit_calibration(fit))
        out += [f"fitted on the {name} articles ({len(fit)} links), checked on the others "
                f"({len(check)} links):", "", format_reliability(bins), ""]  # fmt: skip
    out += ["the shipped table, on all of them:", "",
            format_reliability(reliability(every, shipped))]  # fmt: skip
    return "\n".join(out)


def main(argv: list[str] | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_translate import machine  # type: ignore[import-not-found]

    from kzparallel.demo import build_marian_model

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--no-demo", action="store_true", help="the random model only, no scale part")
    ap.add_argument("--calibrate", action="store_true", help="fit the links' calibration only")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kz-align-bench-") as tmp:
        tiny = build_marian_model(Path(tmp) / "random", seeds_dir=ROOT / "seeds")
        if args.calibrate:
            print(calibrate(tiny, Path(tmp) / "cache"))
            return [], []
        models = {"random": str(tiny)} | ({} if args.no_demo else {"trained": "demo"})
        acc = accuracy(models, Path(tmp) / "cache")
        sc = [] if args.no_demo else scale(Path(tmp) / "cache")
    print(f"machine: {machine()}")
    print(format_tables(acc, sc))
    return acc, sc


if __name__ == "__main__":
    main(sys.argv[1:])
