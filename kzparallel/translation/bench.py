"""Measure translation speed and memory per backend (``kzparallel bench``).

Each backend runs in its own Python process (``python -m
kzparallel.translation.bench``) so start-up time, imports and peak resident
memory are that backend's alone. Speed and memory are measured here and in
``tests/benchmarks/``; they are never asserted in unit tests.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from kzparallel.translation.base import DecodingConfig


@dataclass
class BenchResult:
    backend: str
    label: str
    sentences: int
    tokens: int  # generated target tokens
    seconds: float  # translation time (model already loaded)
    load_seconds: float
    process_seconds: float  # whole process, start-up and imports included
    peak_rss_mb: float
    torch_imported: bool
    error: str = ""
    model_loaded: bool = True

    @property
    def sentences_per_s(self) -> float:
        return self.sentences / self.seconds if self.seconds else 0.0

    @property
    def tokens_per_s(self) -> float:
        return self.tokens / self.seconds if self.seconds else 0.0


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MiB.

    On Linux ``VmHWM`` of ``/proc/self/status``: ``ru_maxrss`` of a process
    started by a fork keeps the parent's peak as a floor (it survives exec),
    which would hide a worker's own figure."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def run_in_process(
    model: str,
    backend: str,
    sentences: Sequence[str],
    config: DecodingConfig,
    batch_tokens: int = 4096,
    started: float | None = None,
    cache_dir: str | None = None,
    preload: bool = True,
) -> BenchResult:
    """Translate ``sentences`` with ``backend`` in this process.

    With ``preload`` the model is loaded before the clock starts; without
    it, it is loaded on the first cache miss (never, on a fully cached run).
    With ``cache_dir`` the run reads and writes that cache (writes are timed).
    """
    from kzparallel.records import Segment
    from kzparallel.translation import prepare_translator
    from kzparallel.translation.cache import TranslationCache
    from kzparallel.translation.pipeline import translate_segments

    t0 = time.perf_counter()
    spec = prepare_translator(model, backend=backend, device="cpu")
    if preload:
        spec.load()
    load = time.perf_counter() - t0
    cache = TranslationCache(cache_dir) if cache_dir else None
    segs = [Segment("bench", i, 0, s, 0, len(s)) for i, s in enumerate(sentences)]
    t1 = time.perf_counter()
    tokens = 0
    for _, tr, _ in translate_segments(
        segs,
        translator=spec.load,
        model_ref=spec.model_ref,
        backend_label=spec.label,
        config=config,
        cache=cache,
        batch_tokens=batch_tokens,
    ):
        tokens += len(tr.hypotheses[0].tokens)
    seconds = time.perf_counter() - t1
    if cache is not None:
        cache.close()
    return BenchResult(
        backend=backend,
        label=spec.label,
        sentences=len(segs),
        tokens=tokens,
        seconds=seconds,
        load_seconds=load,
        process_seconds=time.perf_counter() - (started if started is not None else t0),
        peak_rss_mb=peak_rss_mb(),
        torch_imported="torch" in sys.modules,
        model_loaded=spec.loaded,
    )


def run_subprocess(
    model: str,
    backend: str,
    sentences: Sequence[str],
    config: DecodingConfig,
    batch_tokens: int = 4096,
) -> BenchResult:
    """Run :func:`run_in_process` in a fresh interpreter; time the whole process."""
    payload = json.dumps(
        {
            "model": model,
            "backend": backend,
            "sentences": list(sentences),
            "batch_tokens": batch_tokens,
            "config": asdict(config),
        },
        ensure_ascii=False,
    )
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "kzparallel.translation.bench"],
        input=payload,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    wall = time.perf_counter() - t0
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        err = (proc.stderr.strip().splitlines() or ["failed"])[-1]
        return BenchResult(backend, backend, len(sentences), 0, 0.0, 0.0, wall, 0.0, False, err)
    data = json.loads(lines[-1])
    data["process_seconds"] = wall
    return BenchResult(**data)


def format_table(results: Sequence[BenchResult]) -> str:
    head = [
        "backend",
        "sentences",
        "sent/s",
        "tokens/s",
        "load s",
        "process s",
        "peak MiB",
        "torch",
    ]
    rows = [head]
    for r in results:
        if r.error:
            rows.append([r.label, str(r.sentences), "error: " + r.error, "", "", "", "", ""])
            continue
        rows.append(
            [
                r.label,
                str(r.sentences),
                f"{r.sentences_per_s:.2f}",
                f"{r.tokens_per_s:.1f}",
                f"{r.load_seconds:.2f}",
                f"{r.process_seconds:.2f}",
                f"{r.peak_rss_mb:.0f}",
                "yes" if r.torch_imported else "no",
            ]
        )
    return text_table(rows)


def text_table(rows: Sequence[Sequence[str]]) -> str:
    """Rows of cells as aligned plain text: the first column left-aligned, the
    others right-aligned, two spaces between columns."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    )


def default_seeds_dir() -> Path:
    """The five seed articles: ``kzparallel/data/seeds`` in an installed wheel,
    else the repository's top-level ``seeds/``."""
    from importlib import resources

    packaged = Path(str(resources.files("kzparallel"))) / "data" / "seeds"
    if packaged.is_dir() and any(packaged.glob("*.txt")):
        return packaged
    return Path(__file__).resolve().parents[2] / "seeds"


def seed_sentences(seeds_dir: Path) -> list[str]:
    """The Arabic sentences of the articles (cleaned and segmented): ``*.txt``
    directly in ``seeds_dir``, or one file."""
    from kzparallel.cleaning import clean_document
    from kzparallel.ingest import read_documents
    from kzparallel.segmentation import segment_document

    paths = sorted(seeds_dir.glob("*.txt")) if seeds_dir.is_dir() else [seeds_dir]
    out: list[str] = []
    for doc in read_documents(paths):
        out += [s.text for s in segment_document(clean_document(doc))]
    return out


def _main(argv: list[str] | None = None) -> None:
    started = time.perf_counter()
    argparse.ArgumentParser(description="internal: one benchmark run, JSON on stdin").parse_args(
        argv
    )
    job = json.loads(sys.stdin.read())
    result = run_in_process(
        job["model"],
        job["backend"],
        job["sentences"],
        DecodingConfig(**job["config"]),
        job["batch_tokens"],
        started=started,
    )
    print(json.dumps(asdict(result)))


if __name__ == "__main__":
    _main()
