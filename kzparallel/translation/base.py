"""The small interface every translation backend implements.

Backends live in ``kzparallel.translation.<name>`` and are registered by name,
one entry each, in ``kzparallel.translation.registry.BACKENDS`` (import path,
requirements, label and quantization rules); they are imported lazily so the
ctranslate2 path never imports torch/transformers unless it has to.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

# Intra-op threads of every translator, on every machine and in every engine. A
# sentence is always computed by one thread, so its result cannot depend on how
# many cores the machine has; parallelism comes from more translators
# (Translator.workers, Ray actors), not from more threads per translator.
THREADS_PER_TRANSLATOR = 1


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity mask where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


@dataclass(frozen=True)
class DecodingConfig:
    """Decoding settings. Everything here that changes the output is part of
    the cache key and the provenance signature (see :meth:`output_settings`)."""

    beam: int = 4
    # fixed cap on generated tokens; None = relative cap (see max_new_for)
    max_new_tokens: int | None = None
    # relative cap: max_new = ceil(padded source length * max_len_ratio) + max_len_extra
    # (the backends call max_new_for with the batch's padded length)
    max_len_ratio: float = 2.0
    max_len_extra: int = 10
    length_penalty: float = 1.0
    nbest: int = 1  # number of hypotheses returned (<= beam)
    return_alignment: bool = False  # cross-attention alignment of the best hypothesis
    # a forced fixed length, used only by benchmarks (min = max = this many tokens)
    fixed_length: int | None = None

    def max_new_for(self, n_src_tokens: int) -> int:
        if self.fixed_length is not None:
            return self.fixed_length
        rel = int(-(-n_src_tokens * self.max_len_ratio // 1)) + self.max_len_extra
        if self.max_new_tokens is not None:
            return min(self.max_new_tokens, rel) if self.max_new_tokens > 0 else rel
        return min(rel, 512)

    def output_settings(self) -> dict[str, object]:
        """Settings that change the text produced (cache key, signature).

        ``pad``: the bucket width every sentence is padded to
        (:data:`kzparallel.translation.batching.PAD_STEP`): the numbers depend on it."""
        from kzparallel.translation.batching import PAD_STEP

        return {
            "pad": PAD_STEP,
            "beam": self.beam,
            "maxnew": self.max_new_tokens if self.max_new_tokens is not None else "auto",
            "lenratio": self.max_len_ratio,
            "lenextra": self.max_len_extra,
            "lp": self.length_penalty,
        }


@dataclass
class TermHints:
    """Glossary help for one source sentence, given to the decoder.

    ``prefer``: English strings the output should contain (boosted where the
    backend can: transformers ``sequence_bias``); ``forbid``: English strings
    that must not appear (transformers ``bad_words_ids``, ctranslate2
    ``suppress_sequences``); ``keep``: English forms the decoder must stay
    able to write besides ``prefer`` — a forbidden string whose tokens occur
    in the tokens of a preferred or kept form is not suppressed (see
    :mod:`kzparallel.translation.hints`). Backends tokenize these themselves.
    """

    prefer: list[str] = field(default_factory=list)
    # a glossary build gives every sentence the same (shared) forbid and keep lists
    forbid: Sequence[str] = field(default_factory=list)
    keep: Sequence[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.prefer or self.forbid)


@dataclass
class Hypothesis:
    text: str
    score: float  # average log-probability per token (higher is better)
    tokens: list[str] = field(default_factory=list)


@dataclass
class Translation:
    """The result for one source sentence. ``hypotheses[0]`` is the best."""

    hypotheses: list[Hypothesis]
    src_tokens: list[str] = field(default_factory=list)
    # cross-attention of the best hypothesis: attention[t][s] = weight of source
    # token s when producing target token t (len(tgt tokens) x len(src_tokens))
    attention: list[list[float]] | None = None

    @property
    def text(self) -> str:
        return self.hypotheses[0].text

    @property
    def score(self) -> float:
        return self.hypotheses[0].score


class Translator(ABC):
    """Translate batches of Arabic sentences to English.

    Implementations must be safe to construct once and call many times; they
    keep the model loaded. ``translate`` gets a batch already sized by the
    caller (see ``kzparallel.translation.batching``: the sources of a batch
    are all padded to the same bucket length, ``pad_to``) and returns one
    :class:`Translation` per input, in input order. With ``workers > 1`` it is
    called from that many threads at once.
    """

    name: ClassVar[str]

    model_id: str
    revision: str
    # whether the decoder takes TermHints.prefer as a soft bias (not only
    # TermHints.forbid as a suppression): see kzparallel.translation.hints
    soft_bias: ClassVar[bool] = False
    # batches that may run at once, each from its own thread, on its own
    # single-threaded translator (THREADS_PER_TRANSLATOR); the pipeline sends
    # this many concurrently. Results do not depend on it.
    workers: int = 1

    @abstractmethod
    def translate(
        self,
        texts: list[str],
        config: DecodingConfig,
        hints: list[TermHints | None] | None = None,
        pad_to: int | None = None,
    ) -> list[Translation]:
        """``pad_to``: the length (tokens) every source is padded to; default:
        each source its own :func:`~kzparallel.translation.batching.padded_length`
        (sources of different buckets are decoded in separate calls), so a
        sentence comes out the same alone, in any batch and in the pipeline's
        batches."""

    @abstractmethod
    def count_tokens(self, text: str) -> int:
        """Number of source tokens the model sees for ``text`` (EOS included)."""

    @abstractmethod
    def tokenize_source(self, text: str) -> list[str]: ...

    @property
    @abstractmethod
    def backend_label(self) -> str:
        """e.g. ``transformers-fp32`` or ``ctranslate2-int8``: goes into the signature."""

    @property
    def max_input_tokens(self) -> int:
        return 512

    def describe(self) -> dict[str, Any]:
        return {"backend": self.backend_label, "model": self.model_id, "revision": self.revision}


def bucket_groups(lengths: Sequence[int]) -> dict[int, list[int]]:
    """Indices of ``lengths`` (source tokens) grouped by padded length (bucket)."""
    from kzparallel.translation.batching import padded_length

    groups: dict[int, list[int]] = {}
    for i, n in enumerate(lengths):
        groups.setdefault(padded_length(n), []).append(i)
    return groups


def translate_by_bucket(
    lengths: Sequence[int],
    run: Callable[[list[int], int], list[Translation]],
) -> list[Translation]:
    """Call ``run(indices, pad_to)`` once per bucket of ``lengths`` and put the
    results back in input order."""
    results: list[Translation | None] = [None] * len(lengths)
    for pad, idx in bucket_groups(lengths).items():
        for i, tr in zip(idx, run(idx, pad), strict=True):
            results[i] = tr
    return results  # type: ignore[return-value]
