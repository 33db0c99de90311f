"""Build benchmark: the job users run (``kzparallel build``, glossary on) beside bare
translation, for both backends, with the time per stage.

Run with one command (several minutes on 2 CPU cores; run it under the shared
lock on a shared machine: ``flock /tmp/kz-cpu.lock python ...``)::

    python tests/benchmarks/bench_build.py                 # or
    python -m pytest -m benchmark tests/benchmarks/test_bench_build.py -s
    python tests/benchmarks/bench_build.py --compare /path/to/other/checkout

It builds a model of the real opus-mt-ar-en shape with random weights
(``kzparallel.demo.build_marian_model(opus_mt_shape=True)``), converts it
to CTranslate2 once, and then runs, each in its own process and in
interleaved rounds (the fastest round is kept):

* ``translate``: bare translation of the seed sentences (``translate_segments``,
  no cache), the model loaded before the clock starts;
* ``build, no glossary``: ``kzparallel build seeds/ --no-glossary --no-cache``;
* ``build, glossary``: ``kzparallel build seeds/ --no-cache`` (the default: the
  shipped glossary, its default layers: rerank and repair);
* ``build, glossary --glossary-layers all``: and the decoder hints on (what a
  user who turns them on pays);

for ``ctranslate2`` and ``transformers``, beam 4, ``--max-new-tokens 40``. The
seconds per stage are the builds' own (``manifest.json`` ``timings_s``).
``--compare DIR`` also runs both ctranslate2 builds with the kzparallel of
another checkout (e.g. ``git archive`` of an older commit) and says whether
its ``--no-glossary`` ``pairs.jsonl`` is byte-identical to this one's.

Targets (issue 16): the glossary costs at most 1.15x the build without it with
either backend; the ctranslate2 default build is at least 3x faster than the
transformers one. Speed is reported, never asserted.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
sys.path.insert(0, str(ROOT))

from kzparallel.build_bench import BuildRun, run_build, stage_names  # noqa: E402

BACKENDS = ("ctranslate2", "transformers")


def _machine() -> str:
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_translate import machine  # type: ignore[import-not-found]

    return str(machine())


def _translate_row(model: str, backend: str, max_new: int, beam: int) -> dict[str, Any]:
    from kzparallel.translation.base import DecodingConfig
    from kzparallel.translation.bench import run_subprocess, seed_sentences

    r = run_subprocess(
        model, backend, seed_sentences(SEEDS), DecodingConfig(beam=beam, max_new_tokens=max_new)
    )
    if r.error:
        raise RuntimeError(f"translate {backend}: {r.error}")
    return {
        "name": f"{r.label}, translate",
        "backend": backend,
        "kind": "translate",
        "seconds": r.process_seconds,
        "cpu_seconds": None,
        "stages": {"load": r.load_seconds, "translate": r.seconds},
        "pairs": r.sentences,
        "pairs_sha256": "",
    }


def _build_row(run: BuildRun, kind: str = "build") -> dict[str, Any]:
    if run.error:
        raise RuntimeError(f"{run.name}: {run.error}")
    return {
        "name": run.name + ("" if kind == "build" else " (compared checkout)"),
        "backend": run.backend,
        "kind": kind,
        "glossary": run.glossary,
        "layers": run.layers,
        "seconds": run.seconds,
        "cpu_seconds": run.cpu_seconds,
        # another version's timings_s may name other stages: not shown
        "stages": run.stages if kind == "build" else {},
        "pairs": run.pairs,
        "pairs_sha256": hashlib.sha256(run.pairs_file).hexdigest(),
    }


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model-dir", type=Path, help="reuse/build the opus-mt-shape model here")
    ap.add_argument("--max-new-tokens", type=int, default=40)
    ap.add_argument("--beam", type=int, default=4)
    ap.add_argument("--repeat", type=int, default=2, help="interleaved rounds; fastest kept")
    ap.add_argument("--compare", type=Path, help="another checkout's root: its builds too")
    ap.add_argument("--backend", action="append", choices=BACKENDS, help="default: both")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)
    backends = args.backend or list(BACKENDS)

    with tempfile.TemporaryDirectory(prefix="kzbench-") as tmp:
        work = Path(tmp)
        model_dir = args.model_dir or work / "opus-mt-shape"
        if not (model_dir / "model.safetensors").exists():
            from kzparallel.demo import build_marian_model

            build_marian_model(model_dir, seeds_dir=SEEDS, opus_mt_shape=True)
        os.environ["KZPARALLEL_CACHE_DIR"] = str(work / "cache")  # conversions only
        if "ctranslate2" in backends:
            from kzparallel.translation import resolve_model
            from kzparallel.translation.ctranslate2 import convert_model

            convert_model(resolve_model(str(model_dir)), "int8")
        model = str(model_dir)
        beam, max_new = args.beam, args.max_new_tokens

        def build_job(
            backend: str, glossary: bool, compare: Path | None = None, layers: str | None = None
        ) -> Any:
            return lambda: _build_row(
                run_build(
                    model,
                    backend,
                    [SEEDS],
                    glossary=glossary,
                    beam=beam,
                    max_new_tokens=max_new,
                    pythonpath=None if compare is None else str(compare),
                    keep_pairs=True,
                    layers=layers,
                ),
                "build" if compare is None else "compared",
            )

        jobs: list[Any] = []
        for b in backends:
            jobs.append(lambda b=b: _translate_row(model, b, max_new, beam))
            jobs += [build_job(b, False), build_job(b, True), build_job(b, True, layers="all")]
        if args.compare is not None and "ctranslate2" in backends:
            jobs += [build_job("ctranslate2", False, args.compare)]
            jobs += [build_job("ctranslate2", True, args.compare)]
        best: list[dict[str, Any] | None] = [None] * len(jobs)
        loads = [os.getloadavg()[0]]
        for _ in range(args.repeat):
            for i, job in enumerate(jobs):
                row = job()
                if best[i] is None or row["seconds"] < best[i]["seconds"]:  # type: ignore[index]
                    best[i] = row
                load = os.getloadavg()[0]
                print(f"  {row['name']}: {row['seconds']:.2f} s (load {load:.1f})", file=sys.stderr)
        loads.append(os.getloadavg()[0])

    rows = [r for r in best if r is not None]
    host = _machine() + f"; 1-min load average {loads[0]:.1f} before, {loads[1]:.1f} after"
    print(format_report(rows, host, args))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return rows


def format_report(rows: list[dict[str, Any]], host: str, args: Any) -> str:
    stages = stage_names([BuildRun("", True, stages=r["stages"]) for r in rows])
    head = ["configuration", "pairs", "process s", "CPU s", *(f"{s} s" for s in stages)]
    lines = [
        f"Machine: {host}.",
        f"Input: the seed articles, beam {args.beam}, --max-new-tokens {args.max_new_tokens}, "
        f"--no-cache; fastest of {args.repeat} interleaved rounds, each in its own process.",
        "",
        "| " + " | ".join(head) + " |",
        "|---|" + "---:|" * (len(head) - 1),
    ]
    for r in rows:
        cpu = "" if r["cpu_seconds"] is None else f"{r['cpu_seconds']:.2f}"
        cells = [f"{r['stages'][s]:.2f}" if s in r["stages"] else "" for s in stages]
        lines.append(
            f"| {r['name']} | {r['pairs']} | {r['seconds']:.2f} | {cpu} | "
            + " | ".join(cells)
            + " |"
        )
    by = {(r["backend"], r["kind"], r.get("glossary")): r for r in rows if not r.get("layers")}
    every = {r["backend"]: r for r in rows if r["kind"] == "build" and r.get("layers") == "all"}
    lines.append("")
    for b in ("ctranslate2", "transformers"):
        plain, gl = by.get((b, "build", False)), by.get((b, "build", True))
        if plain and gl:
            lines.append(
                f"- {b}: the glossary build takes {gl['seconds'] / plain['seconds']:.2f}x the "
                f"time of the build without it (target: at most 1.15x); CPU "
                f"{gl['cpu_seconds'] / plain['cpu_seconds']:.2f}x."
            )
        if plain and b in every:
            lines.append(
                f"- {b}: with the decoder hints on (--glossary-layers all): "
                f"{every[b]['seconds'] / plain['seconds']:.2f}x the build without the glossary."
            )
    ct, tf = by.get(("ctranslate2", "build", True)), by.get(("transformers", "build", True))
    if ct and tf:
        lines.append(
            f"- default builds (glossary on): ctranslate2 is {tf['seconds'] / ct['seconds']:.2f}x "
            f"faster than transformers (target: at least 3x); CPU "
            f"{tf['cpu_seconds'] / ct['cpu_seconds']:.2f}x."
        )
    ctr, tfr = (
        by.get(("ctranslate2", "translate", None)),
        by.get(("transformers", "translate", None)),
    )
    if ctr and tfr:
        lines.append(
            f"- bare translation (whole processes): ctranslate2 "
            f"{tfr['seconds'] / ctr['seconds']:.2f}x faster than transformers."
        )
    old_g, new_g = by.get(("ctranslate2", "compared", True)), ct
    if old_g and new_g:
        lines.append(
            f"- ctranslate2 glossary build, {args.compare} vs this checkout: "
            f"{old_g['seconds']:.2f} s vs {new_g['seconds']:.2f} s "
            f"({old_g['seconds'] / new_g['seconds']:.2f}x faster now)."
        )
    old_p = by.get(("ctranslate2", "compared", False))
    new_p = by.get(("ctranslate2", "build", False))
    if old_p and new_p:
        identical = old_p["pairs_sha256"] == new_p["pairs_sha256"]
        lines.append(
            f"- --no-glossary pairs.jsonl byte-identical to {args.compare}'s: "
            f"{'yes' if identical else 'NO'}."
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
