"""The engine interface: how the middle of a build (read → clean → segment →
translate → pair) is run.

An engine uses only the stages (:mod:`kzparallel.stages`); it does not write
outputs and does not know about other engines. :func:`kzparallel.build.build`
prepares the build, asks the engine for the pairs and hands them to
:func:`kzparallel.outputs.write_outputs`.
"""

from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from kzparallel.errors import InputError
from kzparallel.records import Pair
from kzparallel.stages import BuildContext, BuildSettings, DocumentLog


@dataclass
class EngineRun:
    """What an engine hands back while it runs.

    ``pairs`` is a stream in document order (the outputs are written from it
    as it is consumed); ``documents`` and the cache counts are complete once
    it is exhausted.
    """

    pairs: Iterable[Pair]
    documents: DocumentLog = field(default_factory=DocumentLog)
    cache_stats: Callable[[], tuple[int, int]] | None = None


class Engine(ABC):
    """Runs the stages of one build.

    ``__init__`` checks the engine's options (``settings.engine_options``) and
    its dependencies, before anything is loaded; :meth:`run` is a context
    manager around the stream of pairs (it keeps the engine's resources — a
    cache connection, a Ray session — open while the pairs are consumed).
    """

    name: ClassVar[str]

    def __init__(self, settings: BuildSettings) -> None:
        self.settings = settings

    @abstractmethod
    def run(
        self,
        inputs: Iterable[str | Path],
        ctx: BuildContext,
        spec: Any,
        on_error: Callable[[InputError], None],
        on_warning: Callable[[str], None] | None,
    ) -> contextlib.AbstractContextManager[EngineRun]:
        """The pairs of ``inputs``. Per-document problems go to ``on_error`` and
        warnings to ``on_warning``, in input order; the document is skipped."""
