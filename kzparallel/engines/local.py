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
from kzparallel.errors import InputError
from kzparallel.records import Segment
from kzparallel.stages import (
    BuildContext,
    DocumentLog,
    document_segments,
    prepared_documents,
    translate_pairs,
)
from kzparallel.timing import iterate


class LocalEngine(Engine):
    name: ClassVar[str] = "local"

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

        cache = TranslationCache(settings.cache_dir) if settings.use_cache else None
        try:
            pairs = translate_pairs(
                iterate("read", segments()),
                ctx,
                spec,
                cache,
                settings.batch_tokens,
                progress=settings.progress,
            )
            stats = (lambda: (cache.hits, cache.misses)) if cache is not None else None
            yield EngineRun(pairs, log, stats)
        finally:
            if cache is not None:
                cache.close()
