"""The engine interface: how the middle of a build (read → clean → segment →
translate → pair) and the writing of the output shards are run.

An engine uses only the stages (:mod:`kzparallel.stages`, :mod:`kzparallel.staging`);
it does not know about other engines or about ``build``.
:func:`kzparallel.builder.build` prepares the build, asks the engine to stage the
pairs, and hands them to :func:`kzparallel.outputs.write_outputs`, which has
the engine run the shard writers (:meth:`Engine.map`) and finalises.
"""

from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import ClassVar, TypeVar

from kzparallel.errors import InputError
from kzparallel.session import SessionPlan
from kzparallel.stages import BuildSettings
from kzparallel.staging import Staged

J = TypeVar("J")
R = TypeVar("R")


class Engine(ABC):
    """Runs the stages of one build.

    ``__init__`` checks the engine's options (``settings.engine_options``) and
    its dependencies before anything is loaded. Within :meth:`session`,
    :meth:`stage` translates the inputs into part files under ``staging``
    and :meth:`map` runs the output shards. Nothing an engine decides (how many
    workers, which worker got which document, in what order they finished)
    may change the outputs: batches and shards are cut by rules on the
    content alone, and documents are ordered by ``doc_id``.
    """

    name: ClassVar[str]

    def __init__(self, settings: BuildSettings) -> None:
        self.settings = settings

    @contextlib.contextmanager
    def session(self, on_warning: Callable[[str], None] | None = None) -> Iterator[None]:
        """Resources held for the whole build (a Ray connection); none by default."""
        yield

    @abstractmethod
    def stage(
        self,
        inputs: Iterable[str | Path],
        plan: SessionPlan,
        staging: Path,
        on_error: Callable[[InputError], None],
        on_warning: Callable[[str], None] | None,
    ) -> Staged:
        """Read, clean, segment and translate ``inputs`` (with sessions of ``plan``:
        the build's model, backend, glossary and cache); write each document's
        pairs to a part file under ``staging`` and return the index. Per-document
        problems go to ``on_error`` and warnings to ``on_warning``, in input
        order; the document is skipped."""

    def map(self, fn: Callable[[J], R], jobs: Sequence[J]) -> list[R]:
        """``fn`` over ``jobs`` (independent; results in job order)."""
        return [fn(job) for job in jobs]
