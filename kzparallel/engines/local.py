"""``--engine local`` (the default): the stages as one chain of generators.

::

    prepared_documents → document_segments → session.translate (cache, batches, pairs)
      → stage_documents (one part file) ; output shards written one after the other

Bounded memory: documents stream through one at a time; the translation
pipeline holds one window of segments; the staged pairs are on disk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import ClassVar

from kzparallel.engines.base import Engine
from kzparallel.errors import InputError, KzError
from kzparallel.records import Segment
from kzparallel.session import SessionPlan
from kzparallel.stages import BuildSettings, document_segments, prepared_documents
from kzparallel.staging import PartWriter, Staged, StagedDoc, stage_documents
from kzparallel.timing import iterate

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

    def stage(
        self,
        inputs: Iterable[str | Path],
        plan: SessionPlan,
        staging: Path,
        on_error: Callable[[InputError], None],
        on_warning: Callable[[str], None] | None,
    ) -> Staged:
        settings = self.settings
        docs: list[StagedDoc] = []

        def segments() -> Iterator[Segment]:
            for doc in prepared_documents(inputs, on_error, on_warning, settings.max_file_size):
                segs = document_segments(doc)
                docs.append(StagedDoc.of(doc, len(segs)))
                yield from segs

        staged = Staged()
        with plan.with_workers(self.num_workers).open() as session:
            try:
                pairs = session.translate(iterate("read", segments()), progress=settings.progress)
                with PartWriter(staging / "part-000000.jsonl") as writer:
                    staged.docs = list(stage_documents(_lazy(docs), pairs, writer))
            finally:
                staged.cache_hits, staged.cache_misses = session.hits, session.misses
        return staged


def _lazy(items: list[StagedDoc]) -> Iterator[StagedDoc]:
    """The items of a list that grows while it is read (documents are added as
    their segments are read, before their first pair comes out)."""
    i = 0
    while i < len(items):
        yield items[i]
        i += 1
