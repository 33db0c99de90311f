"""The output stage: out-dir checks and the sinks that turn pairs into files.

:func:`write_outputs` takes the pairs of a build in document order (from any
engine), stages them, makes the corpus-level decisions over the whole corpus
(the pairs of a previous build in the out dir included: :mod:`kzparallel.corpus`,
:mod:`kzparallel.incremental`) and writes ``pairs.jsonl``, ``en/`` articles,
``dataset/`` (parquet + card), ``report.html`` and, last, ``manifest.json``. :func:`check_out_dir` runs before any engine
starts.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kzparallel.errors import KzError
from kzparallel.records import Pair
from kzparallel.sinks.articles import write_articles
from kzparallel.sinks.pairs import PAIRS_FILE, pair_line, read_pairs
from kzparallel.stages import BuildContext, BuildSettings, DocumentLog
from kzparallel.timing import BUILD_STAGES, StageTimer

STAGING_FILE = ".pairs.staging.jsonl"


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
    corpus: Any = None  # kzparallel.corpus.CorpusSummary

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
    from kzparallel.sinks.manifest import read_manifest

    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise KzError(f"{out}: exists and is not a directory")
    from kzparallel.incremental import PREVIOUS_DIR

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


OUTPUT_NAMES = ("pairs.jsonl", "en", "dataset", "report.html", "manifest.json")


def remove_build_leftovers(out: Path) -> None:
    """Temporaries a killed build left in ``out`` (the next build makes them anew)."""
    from kzparallel.atomic import remove_leftovers

    for name in OUTPUT_NAMES:
        remove_leftovers(out / name)
    (out / STAGING_FILE).unlink(missing_ok=True)


def _reviewed(out: Path, pairs: Iterable[Pair], apply: bool) -> Iterable[Pair]:
    if not apply:
        return pairs
    from kzparallel.review.decisions import apply_review

    return apply_review(out, pairs)


def write_outputs(
    pairs: Iterable[Pair],
    out_dir: str | Path,
    ctx: BuildContext,
    settings: BuildSettings,
    *,
    documents: DocumentLog | None = None,
    timer: StageTimer | None = None,
    skipped: list[str] | None = None,
    cache_stats: Callable[[], tuple[int, int]] | None = None,
) -> BuildResult:
    """Write every output from a stream of pairs in document order.

    Pairs are staged to a temporary file (bounded memory) while the length
    ratios are collected; then ``pairs.jsonl`` is written with the corpus
    length band applied, and the articles, dataset, report and manifest are
    made from it. ``manifest.json`` is removed before the first output is
    replaced and written last, so an out dir with a manifest holds one
    complete build. A write failure (full disk, read-only file system) is a
    one-line :class:`KzError`.

    Time spent here is the ``write`` stage of ``timer`` (a new one when None);
    an engine that times its own stages (read, translate, enforce, ...) with
    the same timer has them counted apart, the rest of the time spent
    producing ``pairs`` counts as ``translate``. ``BuildResult.timings`` and
    ``manifest.json`` get the seconds per stage.
    """
    timer = timer if timer is not None else StageTimer()
    try:
        kw = {"documents": documents, "timer": timer, "skipped": skipped}
        with timer.active(), timer.stage("write"):
            return _write_outputs(pairs, out_dir, ctx, settings, cache_stats=cache_stats, **kw)
    except OSError as exc:
        if exc.errno not in _WRITE_ERRNOS:
            raise
        reason = (exc.strerror or str(exc)).lower()
        raise KzError(
            f"{out_dir}: {reason} while writing the outputs (build incomplete; run it "
            "again when fixed: the translations are cached)"
        ) from None


_WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG}


def _write_outputs(
    pairs: Iterable[Pair],
    out_dir: str | Path,
    ctx: BuildContext,
    settings: BuildSettings,
    *,
    documents: DocumentLog | None,
    timer: StageTimer,
    skipped: list[str] | None,
    cache_stats: Callable[[], tuple[int, int]] | None,
) -> BuildResult:
    from kzparallel.atomic import atomic_directory, atomic_open, atomic_write_text
    from kzparallel.corpus import corpus_options, corpus_stream, history, scan_corpus
    from kzparallel.incremental import drop_previous, find_previous, keep_previous
    from kzparallel.review.sampling import read_estimate
    from kzparallel.sinks.card import render_card
    from kzparallel.sinks.dataset import SplitPlan, write_dataset_files
    from kzparallel.sinks.manifest import MANIFEST_FILE, library_versions, write_manifest
    from kzparallel.sinks.report import collect_stats, write_report

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}  # the parts of the write stage
    docs = documents if documents is not None else DocumentLog()
    previous = None if settings.fresh else find_previous(out)
    staging = out / STAGING_FILE
    doc_order: list[str] = []
    n = 0
    try:
        with staging.open("w", encoding="utf-8", newline="\n") as fh:
            for pair in timer.iterate("translate", pairs):
                fh.write(pair_line(pair))
                if not doc_order or doc_order[-1] != pair.doc_id:
                    doc_order.append(pair.doc_id)
                n += 1

        if n == 0:
            raise KzError(
                "no sentence pair was produced: no document could be read"
                + (f" ({len(skipped)} skipped)" if skipped else "")
            )
        t = time.perf_counter()
        # corpus-level decisions: duplicates, clusters, splits, length band, low score
        corpus = scan_corpus(
            previous,
            staging,
            doc_order,
            corpus_options(settings),
            signature=ctx.signature_text,
            alignment=settings.alignment,
            out=out,
        )
        timings["corpus"] = time.perf_counter() - t
        t = time.perf_counter()
        previous = keep_previous(out, previous)  # until the new manifest is written
        # from here on the out dir mixes new and old outputs until the new manifest
        (out / MANIFEST_FILE).unlink(missing_ok=True)
        with atomic_open(out / PAIRS_FILE) as fh:
            fh.writelines(corpus.lines(corpus_stream(previous, staging, doc_order)))
        timings["pairs"] = time.perf_counter() - t
    finally:
        with contextlib.suppress(FileNotFoundError):
            staging.unlink()
    band = corpus.band
    assert band is not None

    def reviewed() -> Iterable[Pair]:
        return _reviewed(out, read_pairs(out / PAIRS_FILE), settings.apply_review)

    t = time.perf_counter()
    write_articles(reviewed(), out / "en")
    timings["articles"] = time.perf_counter() - t

    t = time.perf_counter()
    report_stats = collect_stats(reviewed(), band)
    timings["stats"] = time.perf_counter() - t

    t = time.perf_counter()
    records = corpus.document_records({d["doc_id"]: d for d in docs.to_list()})
    corpus_summary = corpus.summary([], dict(report_stats.flag_counts))
    plan = SplitPlan(
        dict(sorted(corpus.assignment.split.items())),
        corpus_summary.note,
        keep_duplicates=settings.keep_duplicates,
    )
    estimate = read_estimate(out, ctx.signature_text)  # sampled review: report; card if applied
    with atomic_directory(out / "dataset") as tmp:
        summary = write_dataset_files(reviewed, tmp, plan)
        corpus_summary.history = history(previous, corpus_summary, summary.total)
        info = card_info(ctx, records, report_stats, settings, corpus_summary)
        card = render_card(summary, info, estimate if settings.apply_review else None)
        atomic_write_text(tmp / "README.md", card)
    timings["dataset"] = time.perf_counter() - t
    hits, misses = cache_stats() if cache_stats else (0, 0)

    result = BuildResult(
        out_dir=out,
        documents=len(records),
        pairs=corpus_summary.pairs,
        splits=dict(summary.rows),
        split_note=summary.note,
        flagged=report_stats.flagged,
        cache_hits=hits,
        cache_misses=misses,
        signature=ctx.signature_text,
        timings=timer.timings(BUILD_STAGES),  # the report shows them (write: so far)
        skipped=list(skipped or []),
        corpus=corpus_summary,
    )
    t = time.perf_counter()
    write_report(
        out / "report.html",
        report_stats,
        result,
        band,
        corpus.lengths,
        ctx,
        corpus=corpus,
        estimate=estimate,
    )
    timings["report"] = time.perf_counter() - t
    result.timings = timer.timings(BUILD_STAGES)
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
                "qa_flags": dict(sorted(report_stats.flag_counts.items())),
                "corpus": corpus_summary.to_dict(),
                "cache_hits": hits,
                "cache_misses": misses,
                "skipped": result.skipped,
            },
            "documents": records,
            "timings_s": {k: round(v, 3) for k, v in result.timings.items()},
            "write_timings_s": {k: round(v, 3) for k, v in timings.items()},
            "deterministic_outputs": [PAIRS_FILE, "en/", "dataset/"],
        },
    )
    drop_previous(out)
    return result


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
