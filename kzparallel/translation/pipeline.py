"""Translate a stream of segments: cache, split, batch, translate, re-join.

:func:`translate_segments` reads its input one window at a time (bounded
memory), looks every segment up in the cache, and only on the first miss
calls the ``translator`` factory — so a fully cached run never loads the
model. Segments longer than the model's input limit are split with
:func:`kzparallel.segmentation.split_long` (never truncated), the pieces are
translated in token-budget batches of one length bucket, each piece padded
to its bucket (so a piece's translation does not depend on its batch: see
:mod:`kzparallel.translation.batching`), and the English pieces are re-joined
with a space. A translator with ``workers > 1`` gets that many batches at once.
Finished segments are written to the cache after every batch (a crash loses at
most the batches in flight) and yielded in input order.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from kzparallel.records import Segment
from kzparallel.translation import batching
from kzparallel.translation.base import (
    DecodingConfig,
    Hypothesis,
    TermHints,
    Translation,
    Translator,
)
from kzparallel.translation.batching import (
    DEFAULT_MAX_BATCH,
    Batch,
    make_batches,
    windows,
)
from kzparallel.translation.cache import TranslationCache, cache_key
from kzparallel.translation.hints import translate_with_fallback
from kzparallel.translation.model import ModelRef

Result = tuple[Segment, Translation, bool]


def empty_translation(config: DecodingConfig) -> Translation:
    """What an empty (or blank) segment translates to, without the model."""
    return Translation(
        hypotheses=[Hypothesis("", 0.0, [])],
        src_tokens=[],
        attention=[] if config.return_alignment else None,
    )


def join_translations(parts: list[Translation], nbest: int = 1) -> Translation:
    """One translation from the translations of consecutive pieces.

    Hypothesis k joins the k-th hypotheses of the pieces with a space; its
    score is the token-weighted mean. ``src_tokens`` are concatenated and the
    attention is block-diagonal (each piece attends only to its own source).
    """
    if len(parts) == 1:
        return parts[0]
    hyps: list[Hypothesis] = []
    for k in range(min(nbest, *(len(p.hypotheses) for p in parts))):
        chosen = [p.hypotheses[k] for p in parts]
        weights = [max(1, len(h.tokens)) for h in chosen]
        score = sum(h.score * w for h, w in zip(chosen, weights, strict=True)) / sum(weights)
        hyps.append(
            Hypothesis(
                text=" ".join(h.text for h in chosen if h.text),
                score=score,
                tokens=[t for h in chosen for t in h.tokens],
            )
        )
    src = [t for p in parts for t in p.src_tokens]
    attention: list[list[float]] | None = None
    if all(p.attention is not None for p in parts):
        attention = []
        offset = 0
        for p in parts:
            n = len(p.src_tokens)
            for row in p.attention or []:
                attention.append([0.0] * offset + list(row) + [0.0] * (len(src) - offset - n))
            offset += n
    return Translation(hypotheses=hyps, src_tokens=src, attention=attention)


@dataclass
class _Pending:
    """A segment waiting for the translations of its pieces."""

    segment: Segment
    key: str
    hint: TermHints | None
    result: Translation | None = None
    cached: bool = False
    pieces: list[Translation | None] = field(default_factory=list)
    left: int = 0  # pieces not translated yet (a long line has thousands)

    @property
    def done(self) -> bool:
        return self.result is not None


def _progress_bar(enabled: bool) -> Any:
    if not (enabled and sys.stderr.isatty()):
        return None
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is installed with the package
        return None
    return tqdm(unit="seg", desc="translating", file=sys.stderr, dynamic_ncols=True)


def translate_segments(
    segments: Iterable[Segment],
    *,
    translator: Callable[[], Translator],
    model_ref: ModelRef,
    backend_label: str,
    config: DecodingConfig,
    cache: TranslationCache | None,
    batch_tokens: int = 4096,
    hints: Callable[[Segment], TermHints | None] | None = None,
    progress: bool = False,
    window: int | None = None,
    max_segment_tokens: int | None = None,
    max_batch_size: int = DEFAULT_MAX_BATCH,
) -> Iterator[Result]:
    """Yield ``(segment, translation, from_cache)`` for every segment, in input order.

    ``translator`` is a factory called at most once, on the first cache miss.
    ``max_segment_tokens`` (default: the model's input limit) is where long
    segments are split. A batch holds at most ``batch_tokens`` padded source
    tokens and ``max_batch_size`` segments (bounded memory; on CPU larger
    batches are not faster).
    """
    settings = config.output_settings()
    loaded: list[Translator] = []

    def get_translator() -> Translator:
        if not loaded:
            loaded.append(translator())
        return loaded[0]

    bar = _progress_bar(progress)
    try:
        for chunk in windows(segments, window or batching.DEFAULT_WINDOW):
            pending = []
            for seg in chunk:
                hint = hints(seg) if hints is not None else None
                key = cache_key(
                    model_ref.model_id, model_ref.revision, backend_label, settings, seg.text, hint
                )
                pending.append(_Pending(seg, key, hint or None))
            yield from _translate_window(
                pending,
                get_translator,
                config,
                cache,
                (batch_tokens, max_batch_size),
                max_segment_tokens,
                bar,
            )
    finally:
        if bar is not None:
            bar.close()


def _translate_window(
    pending: list[_Pending],
    get_translator: Callable[[], Translator],
    config: DecodingConfig,
    cache: TranslationCache | None,
    budget: tuple[int, int],
    max_segment_tokens: int | None,
    bar: Any,
) -> Iterator[Result]:
    if cache is not None:
        found = cache.get_many(
            [p.key for p in pending], nbest=config.nbest, attention=config.return_alignment
        )
        for p in pending:
            if p.key in found:
                p.result, p.cached = found[p.key], True
    for p in pending:
        if p.result is None and not p.segment.text.strip():
            p.result = empty_translation(config)

    # pieces to translate: (pending index, piece index, text, n tokens); a
    # text repeated in the window (same key) is translated once
    units: list[tuple[int, int, str, int]] = []
    first: dict[str, int] = {}
    copies: dict[int, list[int]] = {}
    for i, p in enumerate(pending):
        if p.result is None:
            j = first.setdefault(p.key, i)
            if j != i:
                copies.setdefault(j, []).append(i)
    if first:
        tr = get_translator()
        limit = max_segment_tokens or tr.max_input_tokens
        for i in first.values():
            texts = _pieces(pending[i].segment.text, tr, limit)
            pending[i].pieces = [None] * len(texts)
            pending[i].left = len(texts)
            units += [(i, k, t, n) for k, (t, n) in enumerate(texts)]

    emitted = 0

    def ready() -> Iterator[Result]:
        nonlocal emitted
        while emitted < len(pending) and pending[emitted].done:
            p = pending[emitted]
            emitted += 1
            if bar is not None:
                bar.update(1)
            yield p.segment, p.result, p.cached  # type: ignore[misc]

    yield from ready()
    if units:
        tr = get_translator()

        def run(batch: Batch[tuple[int, int, str, int]]) -> list[Translation]:
            batch_hints = [pending[u[0]].hint for u in batch.items]
            out = translate_with_fallback(
                tr,
                [u[2] for u in batch.items],
                config,
                batch_hints if any(h is not None for h in batch_hints) else None,
                pad_to=batch.pad_to,
            )
            if len(out) != len(batch.items):
                raise RuntimeError(f"{tr.backend_label} returned {len(out)} results")
            return out

        batches = make_batches(units, [u[3] for u in units], *budget)
        for batch, out in zip(batches, _run_all(run, batches, tr.workers), strict=True):
            finished: list[_Pending] = []
            for (i, k, _, _), t in zip(batch.items, out, strict=True):
                p = pending[i]
                p.pieces[k] = t
                p.left -= 1
                if not p.left:
                    p.result = join_translations(p.pieces, config.nbest)  # type: ignore[arg-type]
                    p.pieces = []
                    finished.append(p)
                    for c in copies.get(i, []):
                        pending[c].result = p.result
            if cache is not None and finished:
                cache.put_many((p.key, p.result) for p in finished if p.result is not None)
            yield from ready()


def _run_all(
    run: Callable[[Batch[Any]], list[Translation]], batches: list[Batch[Any]], workers: int
) -> Iterator[list[Translation]]:
    """``run`` over ``batches``, results in batch order; with ``workers > 1``
    that many batches are in flight at once (the backends release the GIL)."""
    if workers <= 1 or len(batches) <= 1:
        yield from map(run, batches)
        return
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="translate") as pool:
        yield from pool.map(run, batches)


def _pieces(text: str, tr: Translator, limit: int) -> list[tuple[str, int]]:
    """``text`` (or its pieces, when longer than ``limit`` tokens) with token counts."""
    n = tr.count_tokens(text)
    if n <= limit:
        return [(text, n)]
    from kzparallel.segmentation import split_long

    out = []
    for start, end in split_long(text, tr.count_tokens, limit):
        piece = text[start:end].strip()
        if piece:
            out.append((piece, tr.count_tokens(piece)))
    return out or [(text, n)]
