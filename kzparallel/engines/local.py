"""``--engine local`` (the default): the stages as one chain of generators.

::

    prepared_documents → document_segments → translate_pairs (cache, batches, pairs)

Bounded memory: documents stream through one at a time; the translation
pipeline holds one window of segments.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar

from kzparallel.engines.base import Engine, EngineRun
from kzparallel.errors import InputError, KzError
from kzparallel.records import Segment
from kzparallel.stages import (
    BuildContext,
    BuildSettings,
    DocumentLog,
    document_segments,
    prepared_documents,
    translate_pairs,
)

_RAY_FLAGS = {"address": "--ray-address", "gpus_per_worker": "--gpus-per-worker"}


class LocalEngine(Engine):
    """Options: ``num_workers`` — translators running at once in this process,
    each on one thread (default: the CPUs available; the outputs do not depend on it)."""

    name: ClassVar[str] = "local"

    def __init__(self, settings: BuildSettings) -> None:
        super().__init__(settings)
        opts = dict(settings.engine_options)
        unknown = sorted(set(opts) - {"num_workers"})
        if unknown:
            flag = _RAY_FLAGS.get(unknown[0], unknown[0])
            raise KzError(f"{flag} is an option of --engine ray")
        self.num_workers: int | None = opts.get("num_workers")
        if self.num_workers is not None and self.num_workers < 1:
            raise KzError("--num-workers must be at least 1")

    @contextlib.contextmanager
    def run(
        self,
        inputs: Iterable[str | Path],
        ctx: BuildContext,
        spec: Any,
        on_error: Callable[[InputError], None],
        on_warning: Callable[[str], None] | None,
    ) -> Iterator[EngineRun]:
        from kzparallel.translation.cache import TranslationCache

        settings = self.settings
        log = DocumentLog()

        def segments() -> Iterator[Segment]:
            for doc in prepared_documents(inputs, on_error, on_warning):
                segs = document_segments(doc)
                log.add(doc, len(segs))
                yield from segs

        if self.num_workers is not None:
            spec.options["workers"] = self.num_workers
        cache = TranslationCache(settings.cache_dir) if settings.use_cache else None
        try:
            pairs = translate_pairs(
                segments(), ctx, spec, cache, settings.batch_tokens, progress=settings.progress
            )
            stats = (lambda: (cache.hits, cache.misses)) if cache is not None else None
            yield EngineRun(pairs, log, stats)
        finally:
            if cache is not None:
                cache.close()
