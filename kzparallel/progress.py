"""Progress bars on stderr for the long phases of a build, only on a terminal.

``kzparallel build`` (``--progress``, the default) shows one bar per phase:
``translating`` (segments: :mod:`kzparallel.translation.pipeline`), then, as the
outputs are written, ``corpus decisions``, ``pairs.jsonl``, ``en/ and dataset/``
(pairs), ``consistency`` (pairs, one pass after another) and ``report.html``.
A write phase's bar goes away when the phase is done; when stderr is not a
terminal (a log file, a pipe, the tests) nothing is drawn at all.

The shard writers tick :data:`SHARD_TICK` for each pair they write: set for
the shards written in this process (``--engine local``); a Ray worker does not
see it, and its shards count when they come back.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

# called with the number of pairs a shard writer has just written (None: nobody shows it)
SHARD_TICK: ContextVar[Callable[[int], None] | None] = ContextVar("kz_shard_tick", default=None)


def on_terminal(enabled: bool) -> bool:
    return enabled and sys.stderr.isatty()


@contextlib.contextmanager
def phase_bar(desc: str, total: int | None, enabled: bool, unit: str = "pair") -> Iterator[Any]:
    """A tqdm bar for one phase (``None`` when :func:`on_terminal` is false)."""
    if not on_terminal(enabled):
        yield None
        return
    from tqdm import tqdm

    with tqdm(
        total=total, desc=desc, unit=unit, file=sys.stderr, dynamic_ncols=True, leave=False
    ) as bar:
        yield bar


def counted(items: Iterable[T], bar: Any) -> Iterator[T]:
    """``items``, ticking ``bar`` (if any) after each."""
    if bar is None:
        yield from items
        return
    for item in items:
        yield item
        bar.update(1)


def passes(records: Callable[[], Iterable[T]], bar: Any, desc: str) -> Callable[[], Iterator[T]]:
    """``records`` (a function returning a fresh iterator) for a phase that reads
    them several times: the bar starts again for each pass, named ``desc, pass k``."""
    done = 0

    def again() -> Iterator[T]:
        nonlocal done
        done += 1
        if bar is not None:
            bar.reset()
            bar.set_description(f"{desc}, pass {done}")
        return counted(records(), bar)

    return again
