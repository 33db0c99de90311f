"""Measure the job users run: ``kzparallel build``, per backend, with and without
the glossary, and where its time goes (``kzparallel bench``, ``tests/benchmarks/``).

Each build runs as its own ``python -m kzparallel build`` process with
``--no-cache`` (every sentence is translated), so start-up, imports and model
loading count as they do for a user; the seconds per stage come from the
build's own ``manifest.json`` (``timings_s``, see :mod:`kzparallel.timing`).
Speed is measured here, never asserted in unit tests.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kzparallel.timing import BUILD_STAGES


@dataclass
class BuildRun:
    """One build process: whole-process wall and CPU seconds, seconds per stage."""

    backend: str
    glossary: bool
    seconds: float = 0.0  # wall clock of the whole process
    cpu_seconds: float = 0.0  # user + system CPU of the process
    stages: dict[str, float] = field(default_factory=dict)  # manifest timings_s
    pairs: int = 0
    label: str = ""  # backend label from the manifest, e.g. ctranslate2-int8
    error: str = ""
    pairs_file: bytes = b""  # pairs.jsonl, when asked to keep it
    layers: str | None = None  # --glossary-layers, when not the default

    @property
    def name(self) -> str:
        what = "glossary" if self.glossary else "no glossary"
        if self.glossary and self.layers is not None:
            what += f" --glossary-layers {self.layers}"
        return f"{self.label or self.backend}, {what}"


def run_build(
    model: str,
    backend: str,
    inputs: Sequence[str | Path],
    *,
    glossary: bool = True,
    beam: int = 4,
    max_new_tokens: int | None = None,
    batch_tokens: int = 4096,
    pythonpath: str | None = None,
    keep_pairs: bool = False,
    layers: str | None = None,
) -> BuildRun:
    """Run one ``kzparallel build`` process (``--no-cache``) into a temporary
    directory. ``pythonpath`` runs another checkout of kzparallel (to compare
    versions in one run); ``keep_pairs`` keeps the ``pairs.jsonl`` bytes;
    ``layers`` is given as ``--glossary-layers`` (default: the build's own)."""
    run = BuildRun(backend, glossary, layers=layers)
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = pythonpath
    with tempfile.TemporaryDirectory(prefix="kzbench-build-") as tmp:
        out = Path(tmp) / "out"
        cmd = [
            sys.executable,
            "-m",
            "kzparallel",
            "build",
            *(str(Path(i).resolve()) for i in inputs),
            "--out",
            str(out),
            "--model",
            str(Path(model).resolve()) if Path(model).exists() else model,
            "--backend",
            backend,
            "--beam",
            str(beam),
            "--batch-tokens",
            str(batch_tokens),
            "--no-cache",
            "--no-progress",
        ]
        if max_new_tokens is not None:
            cmd += ["--max-new-tokens", str(max_new_tokens)]
        if not glossary:
            cmd.append("--no-glossary")
        elif layers is not None:
            cmd += ["--glossary-layers", layers]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run(  # cwd: `python -m` puts it first on sys.path
            cmd, capture_output=True, text=True, encoding="utf-8", env=env, cwd=tmp
        )
        run.seconds = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        run.cpu_seconds = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        manifest = out / "manifest.json"
        if proc.returncode not in (0, 2) or not manifest.is_file():
            run.error = (proc.stderr.strip().splitlines() or ["failed"])[-1]
            return run
        m = json.loads(manifest.read_text(encoding="utf-8"))
        run.stages = {k: float(v) for k, v in m.get("timings_s", {}).items()}
        run.pairs = int(m.get("counts", {}).get("pairs", 0))
        run.label = str(m.get("backend", ""))
        if keep_pairs:
            run.pairs_file = (out / "pairs.jsonl").read_bytes()
    return run


def stage_names(runs: Sequence[BuildRun]) -> list[str]:
    """The build stages the runs report, in pipeline order."""
    seen = {k for r in runs for k in r.stages}
    return [s for s in BUILD_STAGES if s in seen]


def format_build_table(runs: Sequence[BuildRun]) -> str:
    """A plain-text table: one row per build, seconds per stage (``-``: the
    build has no such stage), and each glossary build's whole-process time
    against the same backend's build without it."""
    stages = stage_names(runs)
    head = ["build", "pairs", "process s", "cpu s", *stages, "vs no glossary"]
    plain = {r.backend: r for r in runs if not r.glossary and not r.error}
    rows = [head]
    for r in runs:
        if r.error:
            rows.append([r.name, "error: " + r.error] + [""] * (len(head) - 2))
            continue
        ref = plain.get(r.backend)
        ratio = f"{r.seconds / ref.seconds:.2f}x" if r.glossary and ref and ref.seconds else ""
        rows.append(
            [
                r.name,
                str(r.pairs),
                f"{r.seconds:.2f}",
                f"{r.cpu_seconds:.2f}",
                *(f"{r.stages[s]:.2f}" if s in r.stages else "-" for s in stages),
                ratio,
            ]
        )
    from kzparallel.translation.bench import text_table

    return text_table(rows)
