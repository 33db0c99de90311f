"""Token-budget batching in length buckets: every sentence is padded to its bucket.

The input is consumed one window at a time (``window`` items), so memory is
bounded however long the stream is. Inside a window the items are grouped by
:func:`padded_length` — their token count rounded up to a multiple of
:data:`PAD_STEP` (shortest bucket first; the items of a bucket keep their
order) — and each bucket is cut into batches of at most
``batch_tokens // padded_length`` and ``max_batch_size`` items. The translator
pads every sentence of the batch to exactly that length
(``Translator.translate(..., pad_to=...)``).

Why: padding changes the numbers. A padded position still takes part in the
attention sums (masked, but the kernels run over another length), so a
sentence batched with a longer one can come out with another score and, where
beam search has a near-tie, other words (CTranslate2 int8 on the opus-mt shape:
38 of 86 sentences changed score when batched with the longest one; see
CTranslate2 issue #693). Padded to a length that depends on the sentence alone,
it is computed the same way in every batch (measured: 0 differences for both
backends, ``tests/test_reproducible.py``), so its translation does not depend
on the window, the budget or its batch mates. The bucket width is in the
signature and the cache key (``DecodingConfig.output_settings``: ``pad``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_WINDOW = 8192  # segments read ahead: the more, the fuller the buckets' batches
DEFAULT_MAX_BATCH = 32  # segments per batch (beam x this many rows)
PAD_STEP = 8  # bucket width in tokens: each sentence is padded to a multiple of it


def padded_length(n_tokens: int, step: int = PAD_STEP) -> int:
    """``n_tokens`` rounded up to a multiple of ``step`` (at least ``step``)."""
    return max(1, -(-max(1, n_tokens) // step)) * step


@dataclass
class Batch(Generic[T]):
    """Items of one batch with their positions in the window they came from."""

    indices: list[int]
    items: list[T]
    lengths: list[int]

    @property
    def pad_to(self) -> int:
        """The length every item of the batch is padded to (its bucket)."""
        return padded_length(max(self.lengths, default=1))

    @property
    def padded_tokens(self) -> int:
        return len(self.items) * self.pad_to


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
    """Split one window into batches of items of one bucket
    (:func:`padded_length`) within ``batch_tokens`` padded tokens and
    ``max_batch_size`` items, shortest bucket first.

    An item longer than the budget on its own gets a batch of its own.
    """
    if batch_tokens < 1:
        raise ValueError("batch_tokens must be at least 1")
    buckets: dict[int, list[int]] = {}
    for i in range(len(items)):
        buckets.setdefault(padded_length(lengths[i]), []).append(i)
    batches: list[Batch[T]] = []
    for n in sorted(buckets):
        group = buckets[n]
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
