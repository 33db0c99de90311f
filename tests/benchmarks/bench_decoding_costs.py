"""What each decoding option costs per sentence: glossary hints (glossary-wide vs
per-sentence lists), long suppression lists, n-best lists, attention.

Run with one command (a few minutes on 2 CPU cores; under the shared lock on a
shared machine: ``flock /tmp/kz-cpu.lock python ...``)::

    python tests/benchmarks/bench_decoding_costs.py [--model-dir DIR]

The model has the real opus-mt-ar-en shape with random weights. Every decode
is forced to the same length (``--length``, 40 tokens), so every option does
the same decoding work and the difference is the option's own cost. Each
backend loads the model once; the options run in interleaved rounds and the
fastest round is kept. Reported: wall seconds, CPU seconds of the process,
the number of ``translate_batch`` calls (ctranslate2) and the extra
milliseconds per decoding step and batch against the plain run.

* ``plain``: no hints (a ``--no-glossary`` build);
* ``glossary hints (shipped, glossary-wide)``: what a build gives every
  sentence now — its own preferred forms, the whole glossary's forbidden
  variants (one suppression list for every sentence);
* ``per-sentence forbidden lists``: each sentence only its own entries'
  forbidden variants (the design before: CTranslate2's ``suppress_sequences``
  is batch-wide, so a batch is split by forbidden set);
* ``suppression list of N``: the shipped glossary's variants plus random
  sequences up to N (how the cost grows with a glossary's size);
* ``n-best 4``: four hypotheses returned (for the n-best rerank layer);
* ``attention``: cross-attention returned (``--alignment``).
"""

from __future__ import annotations

import argparse
import os
import random
import string
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
sys.path.insert(0, str(ROOT))


def _hint_sets(sentences: list[str], sizes: list[int]) -> dict[str, list[Any]]:
    from kzparallel.glossary import load_glossary
    from kzparallel.translation.base import TermHints

    g = load_glossary(None)
    wide = [g.hints(s) for s in sentences]
    per_sentence = []
    for s in sentences:
        mentions = g.find(s)
        forbid = list(dict.fromkeys(v for m in mentions for v, _ in g[m.term].forbidden_all()))
        per_sentence.append(TermHints(prefer=[m.en for m in mentions], forbid=forbid) or None)
    rnd = random.Random(0)
    sets: dict[str, list[Any]] = {
        "glossary hints (shipped, glossary-wide)": wide,
        "per-sentence forbidden lists": per_sentence,
    }
    for n in sizes:
        extra = [
            " ".join(
                rnd.choice(string.ascii_uppercase)
                + "".join(rnd.choices(string.ascii_lowercase, k=rnd.randint(3, 9)))
                for _ in range(rnd.randint(1, 2))
            )
            for _ in range(max(0, n - len(g.forbidden_variants)))
        ]
        forbid = (*g.forbidden_variants, *extra)
        sets[f"suppression list of {n}"] = [
            TermHints(forbid=forbid, keep=g.accepted_forms) for _ in sentences
        ]
    return sets


def run_backend(
    backend: str, model: str, sentences: list[str], length: int, rounds: int, sizes: list[int]
) -> list[dict[str, Any]]:
    from kzparallel.translation import DecodingConfig, load_translator
    from kzparallel.translation.batching import make_batches

    tr = load_translator(model, backend=backend, device="cpu")
    calls = [0]
    if backend == "ctranslate2":
        real = tr.translator  # type: ignore[attr-defined]

        class Counting:
            def translate_batch(self, *a: Any, **kw: Any) -> Any:
                calls[0] += 1
                return real.translate_batch(*a, **kw)

        tr.translator = Counting()  # type: ignore[attr-defined]
    lengths = [tr.count_tokens(s) for s in sentences]
    batches = make_batches(list(range(len(sentences))), lengths, 4096)
    base = DecodingConfig(beam=4, fixed_length=length)
    hint_sets = _hint_sets(sentences, sizes)
    options: list[tuple[str, Any, Any]] = [("plain", base, None)]
    options += [(name, base, hints) for name, hints in hint_sets.items()]
    options += [("n-best 4", DecodingConfig(beam=4, nbest=4, fixed_length=length), None)]
    # attention last: the transformers backend switches to eager attention for it
    attention = ("attention", DecodingConfig(beam=4, fixed_length=length, return_alignment=True))

    def run(config: Any, hints: list[Any] | None) -> dict[str, Any]:
        calls[0] = 0
        w, c = time.perf_counter(), time.process_time()
        for b in batches:
            items = [sentences[i] for i in b.items]
            tr.translate(items, config, [hints[i] for i in b.items] if hints else None)
        return {
            "seconds": time.perf_counter() - w,
            "cpu_seconds": time.process_time() - c,
            "calls": calls[0],
        }

    best: dict[str, dict[str, Any]] = {}
    for _ in range(rounds):
        for name, config, hints in options:
            r = run(config, hints)
            if name not in best or r["seconds"] < best[name]["seconds"]:
                best[name] = r
            print(f"  {backend} {name}: {r['seconds']:.2f} s", file=sys.stderr)
    for _ in range(rounds):
        r = run(attention[1], None)
        if "attention" not in best or r["seconds"] < best["attention"]["seconds"]:
            best["attention"] = r
    plain = best["plain"]
    steps = length * len(batches)
    rows = []
    for name, r in best.items():
        rows.append(
            {
                "backend": tr.backend_label,
                "option": name,
                **r,
                "batches": len(batches),
                "vs_plain": r["seconds"] / plain["seconds"],
                "ms_per_step": (r["seconds"] - plain["seconds"]) / steps * 1000,
            }
        )
    return rows


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model-dir", type=Path, help="reuse/build the opus-mt-shape model here")
    ap.add_argument("--length", type=int, default=40, help="tokens per decode (fixed)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--sizes", default="1000,5000", help="suppression list sizes to time")
    ap.add_argument("--backend", action="append", choices=("ctranslate2", "transformers"))
    args = ap.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",") if x]
    from kzparallel.translation.bench import seed_sentences

    sentences = seed_sentences(SEEDS)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="kzbench-") as tmp:
        model_dir = args.model_dir or Path(tmp) / "opus-mt-shape"
        if not (model_dir / "model.safetensors").exists():
            from kzparallel.demo import build_marian_model

            build_marian_model(model_dir, seeds_dir=SEEDS, opus_mt_shape=True)
        os.environ.setdefault("KZPARALLEL_CACHE_DIR", str(Path(tmp) / "cache"))
        load = os.getloadavg()[0]
        for backend in args.backend or ["ctranslate2", "transformers"]:
            rows += run_backend(backend, str(model_dir), sentences, args.length, args.rounds, sizes)
    print(format_report(rows, len(sentences), args.length, args.rounds, load))
    return rows


def format_report(rows: list[dict[str, Any]], n: int, length: int, rounds: int, load: float) -> str:
    show: Callable[[dict[str, Any]], str] = lambda r: (  # noqa: E731
        f"| {r['backend']} | {r['option']} | {r['seconds']:.2f} | {r['cpu_seconds']:.2f} | "
        f"{r['calls'] or ''} | {r['vs_plain']:.2f}x | {r['ms_per_step']:+.1f} |"
    )
    return "\n".join(
        [
            f"{n} seed sentences, beam 4, every decode forced to {length} tokens; fastest of "
            f"{rounds} interleaved rounds; 1-min load average {load:.1f} at the start.",
            "",
            "| backend | option | seconds | CPU s | translate_batch calls | vs plain | "
            "ms per step and batch |",
            "|---|---|---:|---:|---:|---:|---:|",
            *map(show, rows),
        ]
    )


if __name__ == "__main__":
    main()
