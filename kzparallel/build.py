"""``kzparallel build``: articles in, English articles + parallel corpus out.

The top layer. A build is three layers, each using only the one below::

    kzparallel.stages     prepare · prepared_documents (read → clean) ·
                          document_segments · translate_pairs (translate → make_pair)
    kzparallel.outputs    check_out_dir · write_outputs (pairs.jsonl, en/, dataset/,
                          report.html, manifest.json)
    kzparallel.engines    local (generators in this process) · ray (Ray Data):
                          run the stages, hand back the pairs in document order
    kzparallel.build      build(): prepare, check the out dir, choose the engine,
                          write the outputs from its pairs

The names of the stages are re-exported here (the documented Python API).

Resumable: translations go to the SQLite cache as they are made, so a build
killed at any point re-runs from the cache; every output is written to a
temporary name and renamed into place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from kzparallel.engines import ENGINES, engine_class
from kzparallel.errors import InputError
from kzparallel.outputs import (
    STAGING_FILE,
    BuildResult,
    card_info,
    check_out_dir,
    remove_build_leftovers,
    write_outputs,
)
from kzparallel.stages import (
    BuildContext,
    BuildSettings,
    DocInfo,
    DocumentLog,
    document_segments,
    expand_inputs,
    load_build_glossary,
    make_pair,
    prepare,
    prepared_documents,
    translate_pairs,
)
from kzparallel.timing import StageTimer

__all__ = [
    "ENGINES",
    "STAGING_FILE",
    "BuildContext",
    "BuildResult",
    "BuildSettings",
    "DocInfo",
    "DocumentLog",
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
) -> BuildResult:
    """Build everything from ``inputs`` (files, directories, ``-``) into ``out_dir``.

    Per-document problems go to ``on_error`` (and the document is skipped);
    without it they are collected into ``BuildResult.skipped``. Documents
    kept despite a problem (invalid UTF-8 bytes replaced) go to ``on_warning``.
    """
    settings = settings or BuildSettings()
    engine = engine_class(settings.engine)(settings)  # checks its options and dependencies
    timer = StageTimer()  # seconds per stage (manifest.json, report.html)
    with timer.stage("prepare"):
        ctx, spec = prepare(settings)
        out = check_out_dir(out_dir, ctx, settings.force)
    skipped: list[str] = []

    def report(err: InputError) -> None:
        skipped.append(err.message)
        if on_error is not None:
            on_error(err)

    with timer.active(), engine.run(inputs, ctx, spec, report, on_warning) as run:
        return write_outputs(
            run.pairs,
            out,
            ctx,
            settings,
            documents=run.documents,
            timer=timer,
            skipped=skipped,
            cache_stats=run.cache_stats,
        )
