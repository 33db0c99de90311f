"""Token-budget batching: sort by length inside a window, restore input order.

The input is consumed one window at a time (``window`` items), so memory is
bounded however long the stream is. Inside a window the items are sorted by
token count (stable, so equal lengths keep their order) and cut into batches
whose padded size ``len(batch) * longest`` stays within ``batch_tokens``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_WINDOW = 512
DEFAULT_MAX_BATCH = 32  # segments per batch (beam x this many rows)


@dataclass
class Batch(Generic[T]):
    """Items of one batch with their positions in the window they came from."""

    indices: list[int]
    items: list[T]
    lengths: list[int]

    @property
    def padded_tokens(self) -> int:
        return len(self.items) * max(self.lengths, default=0)


def windows(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive chunks of ``size`` items (the last one may be shorter)."""
    if size < 1:
        raise ValueError("window size must be at least 1")
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def make_batches(
    items: Sequence[T],
    lengths: Sequence[int],
    batch_tokens: int,
    max_batch_size: int = DEFAULT_MAX_BATCH,
) -> list[Batch[T]]:
    """Split one window into batches within ``batch_tokens`` padded tokens.

    An item longer than the budget on its own gets a batch of its own.
    """
    if batch_tokens < 1:
        raise ValueError("batch_tokens must be at least 1")
    order = sorted(range(len(items)), key=lambda i: lengths[i])
    batches: list[Batch[T]] = []
    current: list[int] = []
    longest = 0
    for i in order:
        n = max(1, lengths[i])
        new_longest = max(longest, n)
        if current and (
            (len(current) + 1) * new_longest > batch_tokens or len(current) >= max_batch_size
        ):
            batches.append(_batch(current, items, lengths))
            current, new_longest = [], n
        current.append(i)
        longest = new_longest
    if current:
        batches.append(_batch(current, items, lengths))
    return batches


def _batch(idx: list[int], items: Sequence[T], lengths: Sequence[int]) -> Batch[T]:
    return Batch(
        indices=list(idx), items=[items[i] for i in idx], lengths=[lengths[i] for i in idx]
    )


def run_batched(
    items: Iterable[T],
    length: Callable[[T], int],
    run: Callable[[list[T]], list[R]],
    batch_tokens: int,
    window: int = DEFAULT_WINDOW,
    max_batch_size: int = DEFAULT_MAX_BATCH,
) -> Iterator[R]:
    """Apply ``run`` to token-budget batches; yield its results in input order."""
    for chunk in windows(items, window):
        lengths = [length(x) for x in chunk]
        out: list[R | None] = [None] * len(chunk)
        for batch in make_batches(chunk, lengths, batch_tokens, max_batch_size):
            results = run(batch.items)
            if len(results) != len(batch.items):
                raise RuntimeError("translator returned a different number of results")
            for i, r in zip(batch.indices, results, strict=True):
                out[i] = r
        for r in out:
            yield r  # type: ignore[misc]
