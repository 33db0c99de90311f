"""Many-small-files benchmark: ``kzparallel build`` of 500 to 5,000 one-paragraph files.

Run with one command (a few minutes on 2 CPU cores)::

    python tests/benchmarks/bench_many_files.py [--sizes 500,2000,5000]

Each file is one paragraph: a body paragraph of a seed article of two or more
sentences, perturbed with the file's number (new numbers, two words swapped,
the number inserted: :mod:`kzparallel.testing.perturbed`), so neither the
translation cache nor deduplication folds the files. Each size is one
``kzparallel build DIR --out OUT`` in its own process with the tiny random
model (transformers, greedy, 4 new tokens), the shipped glossary and a fresh
cache. It prints, per size, the wall time, **seconds per document** (flat when
the build is linear in the number of files), each stage's seconds from the
manifest (``timings_s``) and the parts of the write stage
(``write_timings_s``: corpus decisions, pairs.jsonl, shards, card, consistency,
report), and the write stage's share of the build.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
SIZES = (500, 2_000, 5_000)
SETTINGS = ("--backend", "transformers", "--beam", "1", "--max-new-tokens", "4")


def paragraphs() -> list[str]:
    """The seeds' body paragraphs of two or more sentences (one line each)."""
    from kzparallel.testing.perturbed import SENTENCE_END

    found = []
    for path in sorted(SEEDS.glob("*.txt")):
        for para in path.read_text(encoding="utf-8").split("\n\n"):
            line = " ".join(para.split())
            if len(SENTENCE_END.split(line)) >= 2 and len(line) > 120:
                found.append(line)
    return found


def make_files(folder: Path, n: int) -> None:
    from kzparallel.testing.perturbed import ARABIC_INDIC, SENTENCE_END, _perturb_sentence

    folder.mkdir(parents=True)
    paras = paragraphs()
    for k in range(n):
        rng = random.Random(k)
        number = "".join(ARABIC_INDIC[int(c)] for c in str(k))
        line = paras[k % len(paras)]
        text = " ".join(_perturb_sentence(s, rng, number) for s in SENTENCE_END.split(line))
        (folder / f"{k:06d}.txt").write_text(text + "\n", encoding="utf-8")


def run(n: int, model: Path, work: Path) -> dict[str, Any]:
    inputs, out = work / f"in-{n}", work / f"out-{n}"
    make_files(inputs, n)
    cmd = [sys.executable, "-m", "kzparallel", "build", str(inputs), "--out", str(out),
           "--model", str(model), "--cache-dir", str(work / f"cache-{n}"), *SETTINGS]  # fmt: skip
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ})
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"build of {n} files failed:\n{proc.stderr}")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    stages = manifest["timings_s"]
    total = stages.get("total") or sum(stages.values())
    return {
        "files": n,
        "documents": manifest["counts"]["documents"],
        "pairs": manifest["counts"]["pairs"],
        "wall_s": round(wall, 1),
        "s_per_doc": round(wall / n, 4),
        "stages_s": stages,
        "write_parts_s": manifest["write_timings_s"],
        "write_share": round(stages.get("write", 0.0) / total, 3) if total else 0.0,
    }


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default=",".join(str(s) for s in SIZES))
    args = ap.parse_args(argv)
    from kzparallel.demo import build_marian_model

    rows = []
    with tempfile.TemporaryDirectory(prefix="kz-many-files-") as tmp:
        work = Path(tmp)
        model = build_marian_model(work / "tiny", seeds_dir=SEEDS)
        print(f"# python {platform.python_version()}, load {os.getloadavg()}", file=sys.stderr)
        for n in (int(s) for s in args.sizes.split(",")):
            row = run(n, model, work)
            rows.append(row)
            print(json.dumps(row), flush=True)
    return rows


if __name__ == "__main__":
    main()
