"""``kzparallel build``: articles in, English articles + parallel corpus out.

The top layer. A build is three layers, each using only the ones below::

    kzparallel.stages     prepare · prepared_documents (read → clean) ·
                          document_segments · translate_pairs (translate → make_pair)
    kzparallel.session    plan_session: the settings as a translation session
                          (model, backend, glossary, cache) the engines open
    kzparallel.staging    part files of staged pairs + their index; order_documents
    kzparallel.shards     write_shard: one shard's pieces of pairs.jsonl, en/, dataset/
    kzparallel.outputs    check_out_dir · write_outputs (shards, then join, rename,
                          card, report.html, manifest.json)
    kzparallel.engines    local (generators in this process) · ray (Ray Data):
                          stage the pairs, run the shard writers
    kzparallel.builder    build(): lock the out dir (kzparallel.build_lock), prepare,
                          check the out dir, choose the engine,
                          have it stage the pairs, write the outputs

The names of the stages are re-exported here (the documented Python API).

Resumable: translations go to the SQLite cache as they are made, so a build
killed at any point re-runs from the cache; every output is written to a
temporary name and renamed into place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from kzparallel.build_lock import build_lock
from kzparallel.engines import ENGINES, Engine, engine_class
from kzparallel.errors import InputError
from kzparallel.outputs import (
    BuildResult,
    card_info,
    check_out_dir,
    output_errors,
    remove_build_leftovers,
    write_outputs,
)
from kzparallel.session import plan_session
from kzparallel.stages import (
    BuildContext,
    BuildSettings,
    document_segments,
    expand_inputs,
    load_build_glossary,
    make_pair,
    prepare,
    prepared_documents,
    translate_pairs,
)
from kzparallel.staging import STAGING_DIR, PartWriter, Staged, StagedDoc, stage_documents
from kzparallel.timing import StageTimer

__all__ = [
    "ENGINES",
    "STAGING_DIR",
    "BuildContext",
    "BuildResult",
    "BuildSettings",
    "PartWriter",
    "Staged",
    "StagedDoc",
    "build",
    "card_info",
    "check_out_dir",
    "document_segments",
    "expand_inputs",
    "load_build_glossary",
    "make_pair",
    "prepare",
    "prepared_documents",
    "remove_build_leftovers",
    "stage_documents",
    "translate_pairs",
    "write_outputs",
]


def build(
    inputs: Iterable[str | Path],
    out_dir: str | Path,
    settings: BuildSettings | None = None,
    *,
    on_error: Callable[[InputError], None] | None = None,
    on_warning: Callable[[str], None] | None = None,
    english: Iterable[str | Path] | None = None,
    aligned_only: bool = False,
    pair_by: str = "name",
) -> BuildResult:
    """Build everything from ``inputs`` (files, directories, ``-``) into ``out_dir``.

    Per-document problems go to ``on_error`` (and the document is skipped);
    without it they are collected into ``BuildResult.skipped``. Documents
    kept despite a problem (invalid UTF-8 bytes replaced) go to ``on_warning``.

    ``english``: files or directories of English versions of the Arabic articles;
    their sentences are aligned with the Arabic ones and become pairs with
    ``origin`` ``"aligned"`` (:mod:`kzparallel.alignment.build`); ``pair_by``
    ``"content"`` pairs the documents by content only (names ignored). A bad English
    file goes to ``on_error`` like a bad Arabic one; an English article that pairs
    with no Arabic one to ``on_warning``.
    """
    settings = settings or BuildSettings()
    engine = engine_class(settings.engine)(settings)  # checks its options and dependencies
    with build_lock(out_dir, on_warning):  # one build per folder, refused at once
        return _build(
            inputs, out_dir, settings, engine, on_error, on_warning, english, aligned_only,
            pair_by,
        )  # fmt: skip


def _build(
    inputs: Iterable[str | Path],
    out_dir: str | Path,
    settings: BuildSettings,
    engine: Engine,
    on_error: Callable[[InputError], None] | None,
    on_warning: Callable[[str], None] | None,
    english: Iterable[str | Path] | None,
    aligned_only: bool,
    pair_by: str = "name",
) -> BuildResult:
    timer = StageTimer()  # seconds per stage (manifest.json, report.html)
    with timer.stage("prepare"):
        # the engines keep a converted CTranslate2 model in the default cache directory
        plan = plan_session(settings, convert_in_cache_dir=False, on_warning=on_warning)
        ctx = plan.ctx
        out = check_out_dir(out_dir, ctx, settings.force)
    skipped: list[str] = []

    def report(err: InputError) -> None:
        skipped.append(err.message)
        if on_error is not None:
            on_error(err)

    with output_errors(out), engine.session(on_warning):
        with timer.active(), timer.stage("translate"):  # the engine's own stages apart
            staged = engine.stage(inputs, plan, out / STAGING_DIR, report, on_warning)
        if english is not None:
            from kzparallel.alignment.build import align_staged

            with timer.active(), timer.stage("align"):
                align_staged(
                    staged, english, out / STAGING_DIR, ctx.glossary, report, on_warning,
                    aligned_only=aligned_only, pair_by=pair_by,
                )  # fmt: skip
        return write_outputs(
            staged,
            out,
            ctx,
            settings,
            run=engine.map,
            on_error=report,
            timer=timer,
            skipped=skipped,
            on_warning=on_warning,
        )
