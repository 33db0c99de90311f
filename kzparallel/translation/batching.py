"""Token-budget batching without padding: a batch holds segments of one length.

The input is consumed one window at a time (``window`` items), so memory is
bounded however long the stream is. Inside a window the items are grouped by
their exact token count (shortest first; equal lengths keep their order) and
each group is cut into batches of at most ``batch_tokens // length`` and
``max_batch_size`` items.

Why one length per batch: padding changes the numbers. A padded position still
takes part in the attention sums (masked, but the reductions run over a
different length), so a sentence batched with a longer one can come out with
another score and, where beam search has a near-tie, other words (CTranslate2
int8 on the opus-mt shape: 38 of 86 sentences changed score when batched with
the longest one). Without padding each sentence is computed exactly as it is
alone (measured: 0 differences for both backends, ``tests/test_reproducible.py``),
so a sentence's translation does not depend on the window, the budget or its
batch mates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_WINDOW = 8192  # segments read ahead: the more, the fuller the one-length batches
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
    """Split one window into batches of equal-length items (no padding) within
    ``batch_tokens`` tokens and ``max_batch_size`` items, shortest first.

    An item longer than the budget on its own gets a batch of its own.
    """
    if batch_tokens < 1:
        raise ValueError("batch_tokens must be at least 1")
    by_length: dict[int, list[int]] = {}
    for i in range(len(items)):
        by_length.setdefault(max(1, lengths[i]), []).append(i)
    batches: list[Batch[T]] = []
    for n in sorted(by_length):
        group = by_length[n]
        size = max(1, min(max_batch_size, batch_tokens // n))
        for start in range(0, len(group), size):
            batches.append(_batch(group[start : start + size], items, lengths))
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
