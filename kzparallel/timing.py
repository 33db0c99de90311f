"""Where a build's time goes: seconds per stage, for streamed stages.

The build is a chain of generators (read → translate → enforce → QA →
write), so a stage's work happens whenever the next stage asks it for an
item. :class:`StageTimer` keeps *exclusive* time per stage name: entering a
stage pauses the stage that was running and leaving it resumes that one, so
when the writer pulls a pair through enforcement, translation and reading,
each second is counted once, for the stage that spent it::

    timer = StageTimer()
    with timer.active():
        segments = timer.iterate("read", read_segments())
        pairs = timer.iterate("translate", translate(segments))
        with timer.stage("write"):
            write(pairs)
    timer.seconds  # {"write": ..., "translate": ..., "read": ...}

Code deep in a stage (a function that serves several engines) marks its
parts with the module-level :func:`stage`, :func:`iterate` and :func:`timed`,
which time into the active timer and do nothing when none is active (a Ray
worker, a library caller).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")

# the stages of a build, in pipeline order, with what each one counts
BUILD_STAGES = {
    "prepare": "resolve the model, load the glossary, check the output directory",
    "read": "read, clean and segment the articles",
    "load": "load the translation model (on the first cache miss)",
    "translate": "translate: batches, decoding, translation cache",
    "enforce": "glossary: term matching, decoder hints, enforcement",
    "qa": "per-pair QA flags",
    "align": "build --english: pair the documents, align the sentences",
    "write": "pairs.jsonl, en/, dataset/, report.html, manifest.json",
}

_ACTIVE: ContextVar[StageTimer | None] = ContextVar("kzparallel_stage_timer", default=None)


class StageTimer:
    """Exclusive wall-clock seconds per stage name (in order of first use)."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self.clock = clock
        self.seconds: dict[str, float] = {}
        self._stack: list[str] = []
        self._since = 0.0

    def _switch(self) -> float:
        """Book the time since the last switch to the running stage."""
        now = self.clock()
        if self._stack:
            name = self._stack[-1]
            self.seconds[name] = self.seconds.get(name, 0.0) + now - self._since
        self._since = now
        return now

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Count the time inside the block for ``name`` (nested stages excluded)."""
        self._switch()
        self.seconds.setdefault(name, 0.0)
        self._stack.append(name)
        try:
            yield
        finally:
            self._switch()
            self._stack.pop()

    def iterate(self, name: str, items: Iterable[T]) -> Iterator[T]:
        """``items``, with the time spent producing each one counted for ``name``."""
        it = iter(items)
        while True:
            with self.stage(name):
                try:
                    item = next(it)
                except StopIteration:
                    return
            yield item

    @contextmanager
    def active(self) -> Iterator[StageTimer]:
        """Make this the timer that :func:`stage` reports to, inside the block."""
        token = _ACTIVE.set(self)
        try:
            yield self
        finally:
            _ACTIVE.reset(token)

    def elapsed(self) -> dict[str, float]:
        """Seconds per stage so far, the stages still running included."""
        out = dict(self.seconds)
        if self._stack:
            name = self._stack[-1]
            out[name] = out.get(name, 0.0) + self.clock() - self._since
        return out

    def timings(self, order: Iterable[str] = ()) -> dict[str, float]:
        """:meth:`elapsed` with the stages of ``order`` first (those used), then
        the others, and ``total``: what manifest.json and the report show."""
        now = self.elapsed()
        names = [n for n in order if n in now] + [n for n in now if n not in order]
        out = {n: now[n] for n in names}
        out["total"] = sum(out.values())
        return out


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Time the block as ``name`` in the active :class:`StageTimer` (if any)."""
    timer = _ACTIVE.get()
    if timer is None:
        yield
        return
    with timer.stage(name):
        yield


def iterate(name: str, items: Iterable[T]) -> Iterator[T]:
    """``items``, with the time spent producing each one counted for ``name``
    in the timer active when it is asked for (:meth:`StageTimer.iterate`)."""
    it = iter(items)
    while True:
        with stage(name):
            try:
                item = next(it)
            except StopIteration:
                return
        yield item


def timed(name: str, fn: Callable[[], T]) -> Callable[[], T]:
    """``fn`` (no arguments), timed as ``name`` in the active timer when called."""

    def run() -> T:
        with stage(name):
            return fn()

    return run
