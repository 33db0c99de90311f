"""The output stage: out-dir checks and the sinks that turn staged pairs into files.

:func:`write_outputs` takes what an engine staged (:class:`kzparallel.staging.Staged`)
and writes, in an order that depends only on the content (documents by
``doc_id``)::

    shards   (kzparallel.shards.write_shard, run by the engine: here or on workers)
             pieces of pairs.jsonl (length band applied), en/, dataset parquet
    here     pairs.jsonl = the pieces joined; en/ and dataset/ (+ card) renamed into
             place; report.html; manifest.json last

:func:`check_out_dir` runs before any engine starts.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kzparallel.errors import InputError, KzError
from kzparallel.shards import (
    ShardJob,
    ShardResult,
    assemble_dataset,
    merged_stats,
    pairs_piece,
    plan_shards,
    write_shard,
)
from kzparallel.sinks.pairs import PAIRS_FILE
from kzparallel.stages import BuildContext, BuildSettings
from kzparallel.staging import STAGING_DIR, Staged, StagedDoc, order_documents

WORK_DIR = ".build-work"  # the shards' pieces of the outputs

# runs write_shard over the jobs and returns the results in job order (an engine's map)
ShardRunner = Callable[[Callable[[ShardJob], ShardResult], list[ShardJob]], list[ShardResult]]


def run_here(fn: Callable[[ShardJob], ShardResult], jobs: list[ShardJob]) -> list[ShardResult]:
    return [fn(job) for job in jobs]


@dataclass
class BuildResult:
    out_dir: Path
    documents: int
    pairs: int
    splits: dict[str, int]
    split_note: str
    flagged: int
    cache_hits: int
    cache_misses: int
    signature: str
    timings: dict[str, float]
    skipped: list[str] = field(default_factory=list)  # "source: reason"

    def summary(self) -> str:
        splits = ", ".join(f"{k} {v}" for k, v in self.splits.items())
        return (
            f"{self.documents} documents, {self.pairs} pairs ({splits}), "
            f"{self.flagged} flagged -> {self.out_dir}"
        )


def check_out_dir(out_dir: str | Path, ctx: BuildContext, force: bool = False) -> Path:
    """Make sure ``out_dir`` can be written and was not built with another model."""
    from kzparallel.sinks.manifest import read_manifest

    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise KzError(f"{out}: exists and is not a directory")
    old = read_manifest(out)
    if old and not force:
        model = old.get("model") or {}
        was = (model.get("id"), model.get("revision"))
        now = (ctx.model_ref.model_id, ctx.model_ref.revision)
        if was != now:
            raise KzError(
                f"{out}: was built with model {was[0]}@{str(was[1])[:12]}, not "
                f"{now[0]}@{now[1][:12]}; use --force to overwrite it or choose another --out"
            )
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise KzError(f"{out}: cannot write the output directory ({exc.strerror})") from None
    remove_build_leftovers(out)
    return out


OUTPUT_NAMES = ("pairs.jsonl", "en", "dataset", "report.html", "manifest.json")


def remove_build_leftovers(out: Path) -> None:
    """Temporaries a killed build left in ``out`` (the next build makes them anew)."""
    from kzparallel.atomic import remove_leftovers

    for name in OUTPUT_NAMES:
        remove_leftovers(out / name)
    for name in (STAGING_DIR, WORK_DIR):
        shutil.rmtree(out / name, ignore_errors=True)


def write_outputs(
    staged: Staged,
    out_dir: str | Path,
    ctx: BuildContext,
    settings: BuildSettings,
    *,
    run: ShardRunner = run_here,
    on_error: Callable[[InputError], None] | None = None,
    timings: dict[str, float] | None = None,
    skipped: list[str] | None = None,
) -> BuildResult:
    """Write every output from the staged pairs (see the module doc).

    ``run`` writes the shards (an engine's map; by default one after the
    other, here). A document whose ``doc_id`` another document already has
    is reported to ``on_error`` (:func:`kzparallel.staging.order_documents`).
    ``manifest.json`` is removed before the first output is replaced and
    written last, so an out dir with a manifest holds one complete build. A
    write failure (full disk, read-only file system) is a one-line
    :class:`KzError`.
    """
    with output_errors(out_dir):
        return _write_outputs(
            staged, Path(out_dir), ctx, settings, run, on_error, dict(timings or {}), skipped
        )


@contextlib.contextmanager
def output_errors(out_dir: str | Path) -> Iterator[None]:
    """A write failure (full disk, read-only file system) becomes a one-line
    :class:`KzError`; the staging and work folders are removed either way."""
    try:
        yield
    except OSError as exc:
        if exc.errno not in _WRITE_ERRNOS:
            raise
        reason = (exc.strerror or str(exc)).lower()
        raise KzError(
            f"{out_dir}: {reason} while writing the outputs (build incomplete; run it "
            "again when fixed: the translations are cached)"
        ) from None
    finally:
        for name in (STAGING_DIR, WORK_DIR):
            shutil.rmtree(Path(out_dir) / name, ignore_errors=True)


_WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG}


def _write_outputs(
    staged: Staged,
    out: Path,
    ctx: BuildContext,
    settings: BuildSettings,
    run: ShardRunner,
    on_error: Callable[[InputError], None] | None,
    timings: dict[str, float],
    skipped: list[str] | None,
) -> BuildResult:
    from kzparallel.atomic import atomic_open, atomic_write_text, replace_directory
    from kzparallel.sinks.card import render_card
    from kzparallel.sinks.dataset import parse_ratios, plan_splits
    from kzparallel.sinks.manifest import MANIFEST_FILE, library_versions, write_manifest
    from kzparallel.sinks.report import write_report

    skipped = skipped if skipped is not None else []

    def report(err: InputError) -> None:
        if on_error is not None:
            on_error(err)
        else:
            skipped.append(err.message)

    docs = order_documents(staged.docs, report)
    if not docs:
        raise KzError(
            "no sentence pair was produced: no document could be read"
            + (f" ({len(skipped)} skipped)" if skipped else "")
        )
    band = staged.lengths.band()
    plan = plan_splits([d.doc_id for d in docs], parse_ratios(settings.split_by_doc), settings.seed)
    work = out / WORK_DIR
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    review = str(out) if settings.apply_review else None
    jobs = [
        ShardJob(
            k, shard, {d.doc_id: plan.split_of(d.doc_id) for d in shard}, str(work), band, review
        )
        for k, shard in enumerate(plan_shards(docs))
    ]
    t = time.perf_counter()
    results = sorted(run(write_shard, jobs), key=lambda r: r.index)
    timings["write"] = time.perf_counter() - t

    t = time.perf_counter()
    stats = merged_stats(results)
    summary = assemble_dataset(work, results, plan)
    n = sum(r.pairs for r in results)
    atomic_write_text(
        work / "dataset" / "README.md", render_card(summary, card_info(ctx, docs, stats, settings))
    )
    # from here on the out dir mixes new and old outputs until the new manifest
    (out / MANIFEST_FILE).unlink(missing_ok=True)
    with atomic_open(out / PAIRS_FILE, "wb") as fh:
        for r in results:
            with pairs_piece(work, r.index).open("rb") as piece:
                shutil.copyfileobj(piece, fh, 1 << 20)
    replace_directory(work / "en", out / "en")
    replace_directory(work / "dataset", out / "dataset")
    timings["finalise"] = time.perf_counter() - t
    hits, misses = staged.cache_hits, staged.cache_misses

    result = BuildResult(
        out_dir=out,
        documents=len(docs),
        pairs=n,
        splits=dict(summary.rows),
        split_note=summary.note,
        flagged=stats.flagged,
        cache_hits=hits,
        cache_misses=misses,
        signature=ctx.signature_text,
        timings=timings,
        skipped=list(skipped),
    )
    t = time.perf_counter()
    write_report(out / "report.html", stats, result, band, staged.lengths, ctx)
    timings["report"] = time.perf_counter() - t
    timings["total"] = sum(v for k, v in timings.items() if k != "total")
    write_manifest(
        out / MANIFEST_FILE,
        {
            "signature": ctx.signature_text,
            "model": {
                "id": ctx.model_ref.model_id,
                "revision": ctx.model_ref.revision,
                "path": str(ctx.model_ref.path),
            },
            "backend": ctx.backend_label,
            "decoding": ctx.config.output_settings(),
            "glossary": {"path": settings.glossary, "hash": ctx.glossary_hash},
            "settings": settings.to_dict(),
            "versions": library_versions(),
            "length_band": band.to_dict(),
            "counts": {
                "documents": result.documents,
                "pairs": n,
                "flagged": result.flagged,
                "splits": summary.to_dict(),
                "shards": len(results),
                "qa_flags": dict(sorted(stats.flag_counts.items())),
                "cache_hits": hits,
                "cache_misses": misses,
                "skipped": result.skipped,
            },
            "documents": [d.info() for d in docs],
            "timings_s": {k: round(v, 3) for k, v in timings.items()},
            "deterministic_outputs": [PAIRS_FILE, "en/", "dataset/"],
        },
    )
    return result


def card_info(ctx: BuildContext, docs: list[StagedDoc], stats: Any, settings: BuildSettings) -> Any:
    """What the dataset card says about this build."""
    from kzparallel.sinks.card import make_card_info

    return make_card_info(
        model=ctx.model_ref.model_id,
        revision=ctx.model_ref.revision,
        backend=ctx.backend_label,
        signature=ctx.signature_text,
        glossary=ctx.glossary_hash,
        documents=[d.info() for d in docs],
        stats=stats,
        reviewed=settings.apply_review,
    )
