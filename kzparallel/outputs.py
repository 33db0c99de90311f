"""The output stage: out-dir checks and the sinks that turn staged pairs into files.

:func:`write_outputs` takes what an engine staged (:class:`kzparallel.staging.Staged`:
part files of pairs and their index) and writes::

    here     documents in doc_id order (the previous build's carried documents
             included: kzparallel.incremental); the corpus-level decisions
             (kzparallel.corpus: duplicates, clusters, splits, length band, low
             score) in two streaming passes over them; pairs.jsonl
    shards   (kzparallel.shards.write_shard, run by the engine: here or on workers)
             en/ articles, dataset parquet pieces, report statistics
    here     the dataset card, consistency.json, report.html and manifest.json,
             all still in the work folder beside the outputs
    here     only then, by renames (no space needed): the old manifest.json
             removed, pairs.jsonl, en/, dataset/, consistency.json and
             report.html put in place, manifest.json last

Until the last step the previous build in the out dir is complete, its
manifest in place: a full disk (or any failure) while the new outputs are
written leaves it as it was.

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

from kzparallel.atomic import remove_leftovers, replace_directory
from kzparallel.errors import InputError, KzError
from kzparallel.incremental import PREVIOUS_DIR, drop_previous, find_previous, keep_previous
from kzparallel.manifest import MANIFEST_FILE, library_versions, read_manifest, write_manifest
from kzparallel.pairs_file import PAIRS_FILE
from kzparallel.progress import SHARD_TICK, counted, passes, phase_bar
from kzparallel.review.store import ReviewStore
from kzparallel.shards import (
    ShardJob,
    ShardResult,
    assemble_dataset,
    merged_stats,
    plan_shards,
    write_shard,
)
from kzparallel.stages import BuildContext, BuildSettings
from kzparallel.staging import (
    STAGING_DIR,
    Staged,
    StagedDoc,
    index_pairs_file,
    order_documents,
    staged_pairs,
)
from kzparallel.timing import BUILD_STAGES, StageTimer

WORK_DIR = ".build-work"  # the new outputs until they are all written
REPORT_FILE = "report.html"

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
    read: int = 0  # documents of this build's inputs that were built (skipped ones not)
    corpus: Any = None  # kzparallel.corpus.CorpusSummary
    bitext: dict[str, Any] | None = None  # build --english counts (kzparallel.alignment.build)
    # build --english: each aligned document's {"doc_id", **alignment summary} (the report)
    alignment: list[dict[str, Any]] | None = None

    def summary(self) -> str:
        splits = ", ".join(f"{k} {v}" for k, v in self.splits.items())
        left_out = self.corpus.left_out if self.corpus is not None else 0
        dups = f", {left_out} repeated sentences left out" if left_out else ""
        return (
            f"{self.documents} documents, {self.pairs} pairs ({splits}{dups}), "
            f"{self.flagged} flagged -> {self.out_dir}"
        )

    def version_line(self) -> str:
        """What this build changed, for a build over an earlier one ("" otherwise)."""
        from kzparallel.sinks.corpus_card import version_line

        return version_line(self.corpus) if self.corpus is not None else ""


def check_out_dir(out_dir: str | Path, ctx: BuildContext, force: bool = False) -> Path:
    """Make sure ``out_dir`` can be written and was not built with another model."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise KzError(f"{out}: exists and is not a directory")
    old = read_manifest(out) or read_manifest(out / PREVIOUS_DIR)
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


OUTPUT_NAMES = (  # in the order they are put in place: manifest.json last
    "pairs.jsonl",
    "en",
    "dataset",
    "consistency.json",
    "report.html",
    "manifest.json",
)


def review_snapshot(out: Path) -> int:
    """The newest review decision's seq (decisions saved later wait for the next build)."""
    return ReviewStore(out).last_seq()


def remove_build_leftovers(out: Path) -> None:
    """Temporaries a killed build left in ``out`` (the next build makes them anew)."""
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
    timer: StageTimer | None = None,
    skipped: list[str] | None = None,
    on_warning: Callable[[str], None] | None = None,
) -> BuildResult:
    """Write every output from the staged pairs (see the module doc).

    ``run`` writes the shards (an engine's map; by default one after the
    other, here). A document whose ``doc_id`` another document already has
    is reported to ``on_error`` (:func:`kzparallel.staging.order_documents`).
    Every output is written into the work folder first; only when all of
    them are there is ``manifest.json`` removed, the outputs renamed into
    place and the new manifest renamed in last (:func:`put_in_place`), so an
    out dir with a manifest holds one complete build, and the previous one
    stays complete until the new one is. A write failure (full disk,
    read-only file system) is a one-line :class:`KzError`.

    Time spent here is the ``write`` stage of ``timer`` (a new one when None);
    the engine that staged the pairs timed its stages (read, translate,
    enforce, ...) with the same timer. ``BuildResult.timings`` and
    ``manifest.json`` get the seconds per stage, ``write_timings_s`` the
    parts of the write stage.
    """
    timer = timer if timer is not None else StageTimer()
    with output_errors(out_dir), timer.active(), timer.stage("write"):
        return _write_outputs(
            staged, Path(out_dir), ctx, settings, run, on_error, timer, skipped, on_warning
        )


@contextlib.contextmanager
def output_errors(out_dir: str | Path) -> Iterator[None]:
    """A write failure (full disk, read-only file system) becomes a one-line
    :class:`KzError`; the staging and work folders are removed either way."""
    out = Path(out_dir)
    try:
        yield
    except OSError as exc:
        if exc.errno not in _WRITE_ERRNOS:
            raise
        reason = (exc.strerror or str(exc)).lower()
        kept = "; the previous build in it is complete" if (out / MANIFEST_FILE).is_file() else ""
        raise KzError(
            f"{out_dir}: {reason} while writing the outputs (build incomplete{kept}; run it "
            "again when fixed: the translations are cached)"
        ) from None
    finally:
        for name in (STAGING_DIR, WORK_DIR, PREVIOUS_DIR + ".tmp"):
            shutil.rmtree(out / name, ignore_errors=True)
        if (out / MANIFEST_FILE).is_file():  # a complete build: nothing to keep aside
            drop_previous(out)


_WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG}


def _write_outputs(
    staged: Staged,
    out: Path,
    ctx: BuildContext,
    settings: BuildSettings,
    run: ShardRunner,
    on_error: Callable[[InputError], None] | None,
    timer: StageTimer,
    skipped: list[str] | None,
    on_warning: Callable[[str], None] | None = None,
) -> BuildResult:
    from kzparallel.atomic import atomic_open
    from kzparallel.corpus import corpus_options, history, scan_corpus
    from kzparallel.glossary.consistency import write_consistency
    from kzparallel.review.sampling import read_estimate
    from kzparallel.sinks.card import write_card
    from kzparallel.sinks.dataset import SplitPlan
    from kzparallel.sinks.report import write_report

    skipped = skipped if skipped is not None else []
    timings: dict[str, float] = {}  # the parts of the write stage

    def report(err: InputError) -> None:
        if on_error is not None:
            on_error(err)
        else:
            skipped.append(err.message)

    new = order_documents(staged.docs, report)
    if not new:
        raise KzError(
            "no sentence pair was produced: no document could be read"
            + (f" ({len(skipped)} skipped)" if skipped else "")
        )
    previous = None if settings.fresh else find_previous(out)
    new_ids = {d.doc_id for d in new}
    carried: list[StagedDoc] = []
    keep = set(previous.carried(new_ids)) if previous is not None else set()
    if previous is not None and keep:  # the previous build's documents not given again
        carried = [d for d in index_pairs_file(previous.pairs_path) if d.doc_id in keep]
    docs = sorted(carried + new, key=lambda d: d.doc_id)  # the whole corpus, doc_id order

    t = time.perf_counter()
    total, show = sum(d.pairs for d in docs), settings.progress  # a bar per phase (a terminal)
    # corpus-level decisions: duplicates, clusters, splits, length band, low score
    with phase_bar("corpus decisions", total, show) as bar:
        corpus = scan_corpus(
            previous,
            None,
            [d.doc_id for d in new],
            corpus_options(settings),
            signature=ctx.signature_text,
            alignment=settings.alignment,
            out=out,
            pairs=counted(staged_pairs(docs), bar),
        )
    timings["corpus"] = time.perf_counter() - t

    t = time.perf_counter()
    # every new output goes into the work folder; the out dir is untouched until
    # put_in_place (the carried documents are read from the previous pairs.jsonl)
    work = out / WORK_DIR
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    with atomic_open(work / PAIRS_FILE) as fh, phase_bar(PAIRS_FILE, total, show) as bar:
        fh.writelines(counted(corpus.lines(staged_pairs(docs)), bar))
    timings["pairs"] = time.perf_counter() - t

    t = time.perf_counter()
    band = corpus.band
    assert band is not None
    plan = SplitPlan(
        dict(sorted(corpus.assignment.split.items())),
        keep_duplicates=settings.keep_duplicates,
    )
    review = str(out) if settings.apply_review else None
    upto = review_snapshot(out) if review else None  # every shard applies the same decisions
    final = list(index_pairs_file(work / PAIRS_FILE))
    written = sum(d.pairs for d in final)
    jobs = [
        ShardJob(k, shard, {d.doc_id: plan.split_of(d.doc_id) for d in shard}, str(work), review,
                 upto, keep_duplicates=settings.keep_duplicates)
        for k, shard in enumerate(plan_shards(final))
    ]  # fmt: skip
    with phase_bar("en/ and dataset/", written, show) as bar:
        tick = SHARD_TICK.set(bar.update if bar is not None else None)
        try:
            results = sorted(run(write_shard, jobs), key=lambda r: r.index)
        finally:
            SHARD_TICK.reset(tick)
        if bar is not None:  # shards written by other processes (Ray) count when back
            bar.update(bar.total - bar.n)
    timings["shards"] = time.perf_counter() - t

    t = time.perf_counter()
    stats = merged_stats(results)
    records = corpus.document_records({d.doc_id: d.info() for d in new})
    corpus_summary = corpus.summary([], dict(stats.flag_counts))
    plan.note = corpus_summary.note
    summary = assemble_dataset(work, results, plan)
    corpus_summary.history = history(previous, corpus_summary, summary.total)
    try:  # sampled review: in the report; in the card if applied
        estimate = read_estimate(out, ctx.signature_text)
    except KzError as exc:  # only --apply-review needs the review database
        if settings.apply_review:
            raise
        if on_warning is not None:
            on_warning(f"{exc}; the report has no review estimate")
        estimate = None
    info = card_info(ctx, records, stats, settings, corpus_summary)
    info.bitext = staged.bitext
    write_card(work / "dataset", summary, info, estimate if settings.apply_review else None)
    timings["finalise"] = time.perf_counter() - t
    hits, misses = staged.cache_hits, staged.cache_misses

    result = BuildResult(
        out_dir=out,
        documents=len(records),
        pairs=corpus_summary.pairs,
        splits=dict(summary.rows),
        split_note=summary.note,
        flagged=stats.flagged,
        cache_hits=hits,
        cache_misses=misses,
        signature=ctx.signature_text,
        timings=timer.timings(BUILD_STAGES),  # the report shows them (write: so far)
        skipped=list(skipped),
        read=len(new),
        corpus=corpus_summary,
        bitext=staged.bitext,
        alignment=[{"doc_id": d.doc_id, **d.alignment} for d in new if d.alignment]
        if staged.bitext is not None
        else None,
    )
    t = time.perf_counter()
    with phase_bar("consistency", written, show) as bar:
        renderings = write_consistency(work, ctx.glossary, lambda r: passes(r, bar, "consistency"))
    timings["consistency"] = time.perf_counter() - t
    t = time.perf_counter()
    with phase_bar(REPORT_FILE, 1, show, unit="file") as bar:
        write_report(
            work / REPORT_FILE,
            stats,
            result,
            band,
            corpus.lengths,
            ctx,
            corpus=corpus,
            estimate=estimate,
            consistency=renderings,
        )
        if bar is not None:
            bar.update(1)
    timings["report"] = time.perf_counter() - t
    result.timings = timer.timings(BUILD_STAGES)
    write_manifest(
        work / MANIFEST_FILE,
        {
            "signature": ctx.signature_text,
            "model": {
                "id": ctx.model_ref.model_id,
                "revision": ctx.model_ref.revision,
                "path": str(ctx.model_ref.path),
            },
            "backend": ctx.backend_label,
            "decoding": ctx.config.output_settings(),
            "glossary": {
                "path": settings.glossary,
                "hash": ctx.glossary_hash,
                "layers": list(ctx.layers) if ctx.glossary is not None else [],
            },
            "settings": settings.to_dict(),
            "versions": library_versions(),
            "length_band": band.to_dict(),
            "dataset": {
                "version": corpus_summary.version,
                "digest": corpus.output_digest,
                "history": corpus_summary.history,
            },
            "counts": {
                "documents": result.documents,
                "pairs": result.pairs,
                "flagged": result.flagged,
                "splits": summary.to_dict(),
                "shards": len(results),
                "qa_flags": dict(sorted(stats.flag_counts.items())),
                "corpus": corpus_summary.to_dict(),
                "cache_hits": hits,
                "cache_misses": misses,
                "skipped": result.skipped,
                **({"bitext": staged.bitext} if staged.bitext is not None else {}),
            },
            "documents": records,
            "timings_s": {k: round(v, 3) for k, v in result.timings.items()},
            "write_timings_s": {k: round(v, 3) for k, v in timings.items()},
            "deterministic_outputs": [PAIRS_FILE, "en/", "dataset/"],
        },
    )
    put_in_place(work, out, previous)
    return result


def put_in_place(work: Path, out: Path, previous: Any) -> None:
    """Move the complete new outputs from ``work`` into ``out``: renames only,
    so a full disk cannot stop it half-way. The previous manifest and pairs
    are kept in ``.previous/`` first (hard links: kzparallel.incremental),
    then the old manifest is removed, the outputs are renamed into place, and
    the new manifest is renamed in last; a kill in between leaves no manifest
    and the next build starts from ``.previous/``."""
    keep_previous(out, previous)
    # from here on the out dir mixes new and old outputs until the new manifest
    (out / MANIFEST_FILE).unlink(missing_ok=True)
    for name in OUTPUT_NAMES:  # manifest.json last
        if (work / name).is_dir():
            replace_directory(work / name, out / name)
        else:
            os.replace(work / name, out / name)
    drop_previous(out)


def card_info(
    ctx: BuildContext,
    documents: list[dict[str, Any]],
    stats: Any,
    settings: BuildSettings,
    corpus: Any = None,
) -> Any:
    """What the dataset card says about this build."""
    from kzparallel.sinks.card import make_card_info

    info = make_card_info(
        model=ctx.model_ref.model_id,
        revision=ctx.model_ref.revision,
        backend=ctx.backend_label,
        signature=ctx.signature_text,
        glossary=ctx.glossary_hash,
        documents=documents,
        stats=stats,
        reviewed=settings.apply_review,
    )
    info.corpus = corpus
    return info
