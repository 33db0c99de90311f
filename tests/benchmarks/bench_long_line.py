"""Long-line benchmark: one line without punctuation, 10 KB to 2 MB, tiny model.

Run with one command (a few minutes on 2 CPU cores)::

    python tests/benchmarks/bench_long_line.py [--sizes 10000,100000,500000,2000000]
        [--glossary]

Each line is words of the seed articles in random order (fixed seed), with no
punctuation at all, so segmentation makes one long sentence of it and
:func:`kzparallel.segmentation.split_long` must cut it into model-sized pieces
(split, never truncated). It goes through what ``kzparallel translate FILE``
does, in one process with the model loaded once:

* ``clean``: reading and cleaning the file as an article (with its dating);
* ``translate``: segmentation, ``split_long``, translation of every piece
  (the random-weight tiny model, greedy, 4 new tokens a piece: the decoder's
  cost is the same per piece, so what grows with the line is the rest),
  glossary enforcement (``--glossary``: the shipped one) and QA.

It prints, per size, the seconds of each part, **microseconds per character**
(flat when the work is linear; wall time, and CPU time of all threads, which a
busy machine disturbs less), the number of pieces, and how many characters
``count_tokens`` read per character of the line while splitting (bounded when
the splitting is linear; it grew with the line before the galloping search).
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
SIZES = (10_000, 100_000, 500_000, 2_000_000)


def long_line(n: int, seed: int = 0) -> str:
    """``n`` characters of seed words in random order, separated by spaces, no punctuation."""
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    words = re.findall(r"[\u0621-\u064A]+", text)  # Arabic letters only: no digits, no marks
    rng = random.Random(seed)
    out: list[str] = []
    size = 0
    while size < n:
        word = rng.choice(words)
        out.append(word)
        size += len(word) + 1
    return " ".join(out)[:n].strip()


def measure(n: int, model: Path, glossary: bool, work: Path) -> dict[str, Any]:
    import kzparallel.segmentation as segmentation
    from kzparallel.api import Translator, joined_english
    from kzparallel.cleaning import clean_document
    from kzparallel.ingest import read_documents
    from kzparallel.segmentation import segment_document

    path = work / f"line-{n}.txt"
    path.write_text(long_line(n) + "\n", encoding="utf-8")
    t0, c0 = time.perf_counter(), time.process_time()
    doc = clean_document(next(read_documents([path])))
    t1, c1 = time.perf_counter(), time.process_time()
    read = {"calls": 0, "chars": 0, "pieces": 0}
    real = segmentation.split_long

    def counted_split(text: str, count: Any, limit: int) -> list[tuple[int, int]]:
        def counting(piece: str) -> int:
            read["calls"] += 1
            read["chars"] += len(piece)
            return int(count(piece))

        spans = real(text, counting, limit)
        read["pieces"] += len(spans)
        return spans

    segmentation.split_long = counted_split  # the pipeline imports it at call time
    try:
        with Translator(
            str(model),
            glossary=None if glossary else False,
            backend="transformers",
            beam=1,
            max_new_tokens=4,
            use_cache=False,
        ) as tr:
            tr.translate(long_line(3000, seed=1))  # warm: the model and every lazy load
            read.update(calls=0, chars=0, pieces=0)
            t2, c2 = time.perf_counter(), time.process_time()
            english = list(joined_english(tr.translate_segments(segment_document(doc))))
            t3, c3 = time.perf_counter(), time.process_time()
    finally:
        segmentation.split_long = real
    chars = len(doc.paragraphs[0]) if doc.paragraphs else 0
    return {
        "chars": n,
        "body_chars": chars,
        "clean_s": round(t1 - t0, 2),
        "translate_s": round(t3 - t2, 2),
        "us_per_char": round((t1 - t0 + t3 - t2) / n * 1e6, 1),
        "cpu_us_per_char": round((c1 - c0 + c3 - c2) / n * 1e6, 1),  # all threads
        "pieces": read["pieces"],
        "count_calls": read["calls"],
        "chars_counted_per_char": round(read["chars"] / n, 1),
        "english_chars": sum(len(e) for _, _, e in english),
    }


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default=",".join(str(s) for s in SIZES))
    ap.add_argument("--glossary", action="store_true", help="enforce the shipped glossary")
    args = ap.parse_args(argv)
    from kzparallel.demo import build_marian_model

    rows = []
    with tempfile.TemporaryDirectory(prefix="kz-long-line-") as tmp:
        work = Path(tmp)
        model = build_marian_model(work / "tiny", seeds_dir=SEEDS)
        print(f"# python {platform.python_version()}, {platform.machine()}", file=sys.stderr)
        for n in (int(s) for s in args.sizes.split(",")):
            row = measure(n, model, args.glossary, work)
            rows.append(row)
            print(json.dumps(row), flush=True)
    return rows


if __name__ == "__main__":
    main()
