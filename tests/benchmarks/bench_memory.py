"""Streaming benchmark: peak memory of ``kzparallel build`` at two corpus sizes.

Run with one command (several minutes on 2 CPU cores)::

    python tests/benchmarks/bench_memory.py            # ~10,000 and ~100,000 segments
    python tests/benchmarks/bench_memory.py --sizes 2000,20000   # smaller

It builds the tiny test model (``kzparallel.demo.build_marian_model``),
makes a synthetic corpus per size by repeating and perturbing the seed
articles (numbers changed, two words swapped and the copy number inserted in
every sentence, body paragraphs shuffled: every copy's segments are new texts,
so the translation cache cannot dedupe them), then runs ``kzparallel build``
on each corpus in its own process (local engine, ctranslate2, greedy, short
decodes, the shipped glossary, a fresh cache) and reports the peak resident
memory of that process (``VmHWM`` of ``/proc/self/status``, written by the
process as it exits), its wall time and segments per second.

The local engine streams: peak memory should not grow with the corpus (the
target is peak(large) within ~10% of peak(small)).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
DEFAULT_SIZES = (10_000, 100_000)


def count_segments(paths: list[Path]) -> tuple[int, int]:
    """(segments, distinct segment texts) the build will see for these files."""
    from kzparallel.builder import document_segments, prepared_documents

    total, texts = 0, set()
    for doc in prepared_documents(paths):
        for seg in document_segments(doc):
            total += 1
            texts.add(seg.text)
    return total, len(texts)


def make_corpus(out_dir: Path, copies: int) -> list[Path]:
    """``copies`` perturbed seed articles (copy k is seed ``k % 5``, perturbed with k)."""
    from kzparallel.testing import write_perturbed_corpus

    return write_perturbed_corpus(out_dir, copies, SEEDS)


def seed_texts() -> list[tuple[str, str]]:
    return [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]


# Runs the CLI and, at exit, writes the process's own VmHWM (peak resident set,
# kB). Not getrusage/wait4: on Linux a child's ru_maxrss starts from the RSS of
# the parent it was forked from (this script, a few hundred MB after building
# the model), which would hide the build's own figure below that floor.
PEAK_WRAPPER = """
import atexit, sys
path = sys.argv.pop(1)
def record():
    with open("/proc/self/status") as fh:
        kb = next(line.split()[1] for line in fh if line.startswith("VmHWM:"))
    with open(path, "w") as out:
        out.write(kb)
atexit.register(record)
sys.argv[0] = "kzparallel"
from kzparallel.cli import main
main()
"""


def run_build(corpus: Path, model: Path, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    """``kzparallel build`` in its own process; its peak RSS (VmHWM) at exit."""
    out, cache = work / "out", work / "cache"
    work.mkdir(parents=True, exist_ok=True)
    hwm_file = work / "vmhwm.txt"
    cmd = [
        sys.executable,
        "-c",
        PEAK_WRAPPER,
        str(hwm_file),
        "build",
        str(corpus),
        "--out",
        str(out),
        "--model",
        str(model),
        "--backend",
        args.backend,
        "--beam",
        "1",
        "--max-new-tokens",
        str(args.max_new_tokens),
        "--cache-dir",
        str(cache),
        "--no-progress",
        *(["--no-glossary"] if args.no_glossary else []),
        *(["--engine", args.engine] if args.engine != "local" else []),
        *(["--num-workers", str(args.num_workers)] if args.num_workers else []),
    ]
    # the converted ctranslate2 model lives in the default cache dir: shared by
    # the runs (converted once, by the warm-up run), while --cache-dir is fresh
    env = dict(os.environ, KZPARALLEL_CACHE_DIR=str(args.convert_dir))
    if args.code:  # measure another checkout's `kzparallel build` (e.g. the code before a change)
        env["PYTHONPATH"] = str(Path(args.code).resolve())
    t = time.perf_counter()
    with (work / "stdout.txt").open("wb") as out_fh, (work / "stderr.txt").open("wb") as err_fh:
        proc = subprocess.Popen(cmd, stdout=out_fh, stderr=err_fh, env=env)
        code = proc.wait()
    wall = time.perf_counter() - t
    if code != 0:
        err = (work / "stderr.txt").read_text(encoding="utf-8", errors="replace")
        raise SystemExit(f"build failed ({code}):\n{err[-3000:]}")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    counts = manifest["counts"]
    return {
        "index_kb_per_doc": index_bytes_per_document(out / "pairs.jsonl") / 1024,
        "near_copies": counts["corpus"]["near_copies"],
        "repeated": counts["corpus"]["duplicates"],
        "documents": counts["documents"],
        "segments": counts["pairs"],
        "cache_misses": counts["cache_misses"],
        "wall_s": wall,
        "segments_per_s": counts["pairs"] / wall,
        "peak_rss_mb": int(hwm_file.read_text(encoding="ascii")) / 1024,
        "timings_s": manifest["timings_s"],
    }


def index_bytes_per_document(pairs: Path, limit: int = 2_000) -> float:
    """Memory of the near-duplicate index (MinHash + LSH) per document, measured
    with tracemalloc over the first ``limit`` documents of a build's pairs."""
    import tracemalloc

    from kzparallel.dedup import NearDuplicateIndex, sentence_key
    from kzparallel.pairs_file import read_pairs

    index = NearDuplicateIndex()
    bodies: dict[str, list[str]] = {}
    for pair in read_pairs(pairs):
        if pair.doc_id not in bodies and len(bodies) == limit:
            break
        if not pair.is_title:
            bodies.setdefault(pair.doc_id, []).append(pair.ar)
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    for number, sentences in enumerate(bodies.values()):
        sketch = index.sketcher()
        for ar in sentences:
            sketch.add(sentence_key(ar))
        index.add(number, sketch.signature())
    used = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    return used / max(1, len(bodies))


def machine() -> str:
    cpu = "unknown CPU"
    with open("/proc/cpuinfo", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import ctranslate2
    import torch

    return (
        f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB; Python {platform.python_version()}, "
        f"torch {torch.__version__}, ctranslate2 {ctranslate2.__version__}"
    )


def table(results: list[dict[str, Any]]) -> str:
    rows = [
        ("documents", "{documents:,}"),
        ("segments", "{segments:,}"),
        ("translated (cache misses)", "{cache_misses:,}"),
        ("wall time", "{wall_s:.1f} s"),
        ("segments/s", "{segments_per_s:.0f}"),
        ("peak RSS", "{peak_rss_mb:.0f} MB"),
        ("near-copies (documents in clusters of 2+)", "{near_copies:,}"),
        ("repeated sentences", "{repeated:,}"),
        ("near-duplicate index per document", "{index_kb_per_doc:.1f} KB"),
    ]
    names = [f"{r['segments']:,} segments" for r in results]
    lines = ["| | " + " | ".join(names) + " |", "|---|" + "---:|" * len(results)]
    for label, fmt in rows:
        lines.append(f"| {label} | " + " | ".join(fmt.format(**r) for r in results) + " |")
    stages = sorted({k for r in results for k in r["timings_s"] if k != "total"})
    for stage in stages:
        lines.append(
            f"| {stage} stage | "
            + " | ".join(f"{r['timings_s'].get(stage, 0):.1f} s" for r in results)
            + " |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)))
    ap.add_argument("--backend", default="ctranslate2")
    ap.add_argument("--max-new-tokens", type=int, default=4)
    ap.add_argument("--no-glossary", action="store_true", help="build without the glossary")
    ap.add_argument("--work", help="working directory (default: a temporary one)")
    ap.add_argument("--engine", default="local", help="local | ray (a local Ray, all CPUs)")
    ap.add_argument("--num-workers", type=int, help="translators (local) or actors (ray)")
    ap.add_argument("--code", help="a kzparallel checkout whose build to measure (default: this)")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    with tempfile.TemporaryDirectory(prefix="kz-bench-mem-") as tmp:
        work = Path(args.work or tmp)
        from kzparallel.demo import build_marian_model

        model = build_marian_model(work / "model", seeds_dir=SEEDS)
        # segments per article: the build's own count on one copy of each seed
        n_seeds = len(seed_texts())
        total, distinct = count_segments(make_corpus(work / "probe", n_seeds))
        per_doc = total / n_seeds
        print(f"{n_seeds} perturbed seeds: {total} segments ({distinct} distinct)")
        args.convert_dir = work / "converted"
        # warm-up (not reported): converts the model to ctranslate2 once
        run_build(work / "probe", model, work / "build-warm-up", args)
        results = []
        for size in sizes:
            corpus = work / f"corpus-{size}"
            files = make_corpus(corpus, max(1, round(size / per_doc)))
            if size <= 20_000:  # the distinctness check reads the whole corpus
                total, distinct = count_segments(files)
                print(f"corpus {size}: {len(files)} files, {total} segments, {distinct} distinct")
            r = run_build(corpus, model, work / f"build-{size}", args)
            r["size"] = size
            print(json.dumps(r), flush=True)
            results.append(r)

    print()
    print(machine())
    print(
        f"kzparallel build --engine {args.engine} --backend {args.backend} --beam 1 "
        f"--max-new-tokens {args.max_new_tokens}"
        + (f" --num-workers {args.num_workers}" if args.num_workers else "")
        + (f" [code: {args.code}]" if args.code else "")
        + (" --no-glossary" if args.no_glossary else " (shipped glossary)")
        + ", fresh cache, tiny model"
    )
    print()
    print(table(results))
    if len(results) >= 2:
        ratio = results[-1]["peak_rss_mb"] / results[0]["peak_rss_mb"]
        print(
            f"\npeak RSS ratio {results[-1]['segments']:,} / {results[0]['segments']:,}: {ratio:.3f}"
        )
    return results


if __name__ == "__main__":
    main()
