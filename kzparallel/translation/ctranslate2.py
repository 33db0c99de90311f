"""MarianMT through CTranslate2 (int8 on CPU, int8_float16/float16 on CUDA).

The Hugging Face model is converted once with
``ctranslate2.converters.TransformersConverter`` into the cache directory
(``<cache>/ctranslate2/<model>-<revision>-<quantization>``), built under a
temporary name and renamed into place, so an interrupted conversion never
leaves a half-written model. The SentencePiece files are copied next to it
and tokenisation uses ``sentencepiece`` directly: once the converted model is
cached, this backend never imports torch or transformers.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from kzparallel.errors import DependencyError, ModelError
from kzparallel.translation.base import (
    THREADS_PER_TRANSLATOR,
    DecodingConfig,
    Hypothesis,
    TermHints,
    Translation,
    Translator,
    available_cpus,
    translate_by_bucket,
)
from kzparallel.translation.batching import padded_length
from kzparallel.translation.hints import Suppressions
from kzparallel.translation.model import ModelRef
from kzparallel.translation.registry import BACKENDS, CT2_QUANTIZATION, ctranslate2_device

try:
    import ctranslate2
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise BACKENDS["ctranslate2"].dependency_error("ctranslate2") from exc

import sentencepiece as spm

EOS = "</s>"
CPU_QUANTIZATIONS = ("int8", "int8_float32", "int16", "float32")
GPU_QUANTIZATIONS = ("int8_float16", "int8_bfloat16", "float16", "bfloat16", "int8", "float32")
_MARKER = "kzparallel.json"


def resolve_device(device: str) -> str:
    return ctranslate2_device(device)


def default_quantization(device: str) -> str:
    return CT2_QUANTIZATION.default(device)


def converted_dir(model_ref: ModelRef, quantization: str, cache_dir: Path | None = None) -> Path:
    """Where the converted model for (model id, revision, quantization) lives."""
    if cache_dir is None:
        from kzparallel.translation.cache import default_cache_dir

        cache_dir = default_cache_dir()
    slug = re.sub(r"[^A-Za-z0-9._-]+", "--", model_ref.model_id.strip("/")).strip("-") or "model"
    return Path(cache_dir) / "ctranslate2" / f"{slug}-{model_ref.revision[:12]}-{quantization}"


def convert_model(
    model_ref: ModelRef,
    quantization: str = "int8",
    cache_dir: Path | None = None,
    *,
    force: bool = False,
) -> Path:
    """Convert the Hugging Face model once; return the converted directory.

    Needs torch + transformers only when the conversion actually runs.
    """
    out = converted_dir(model_ref, quantization, cache_dir)
    if (out / _MARKER).is_file() and (out / "model.bin").is_file() and not force:
        return out
    try:
        from ctranslate2.converters import TransformersConverter
    except ImportError as exc:  # pragma: no cover
        raise DependencyError(
            "converting a model to CTranslate2 needs 'torch' and 'transformers': "
            "pip install torch==2.13.0 transformers"
        ) from exc
    from transformers.utils import logging as hf_logging

    from kzparallel.atomic import atomic_directory

    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # no "Loading weights" bar
    try:
        with atomic_directory(out) as tmp:
            TransformersConverter(str(model_ref.path)).convert(
                str(tmp), quantization=quantization, force=True
            )
            for name in ("source.spm", "target.spm"):
                shutil.copyfile(model_ref.path / name, tmp / name)
            (tmp / _MARKER).write_text(
                json.dumps(
                    {
                        "model": model_ref.model_id,
                        "revision": model_ref.revision,
                        "quantization": quantization,
                        "ctranslate2": ctranslate2.__version__,
                    },
                    indent=1,
                    sort_keys=True,
                ),
                encoding="utf-8",
            )
    except (ValueError, RuntimeError, OSError) as exc:
        raise ModelError(
            f"cannot convert model '{model_ref.model_id}' to CTranslate2: {exc}"
        ) from None
    finally:
        if bars:
            hf_logging.enable_progress_bar()
    return out


class CTranslate2Translator(Translator):
    name: ClassVar[str] = "ctranslate2"

    def __init__(
        self,
        model_ref: ModelRef,
        *,
        device: str = "auto",
        quantization: str | None = None,
        cache_dir: str | Path | None = None,
        workers: int | None = None,
        alignment: bool = False,  # accepted for interface symmetry; attention is always available
    ) -> None:
        self.model_id = model_ref.model_id
        self.revision = model_ref.revision
        self.model_ref = model_ref
        self.device = resolve_device(device)
        on_gpu = self.device.startswith("cuda")
        self.quantization = quantization or default_quantization(self.device)
        allowed = GPU_QUANTIZATIONS if on_gpu else CPU_QUANTIZATIONS
        if self.quantization not in allowed:
            raise ModelError(
                f"quantization '{self.quantization}' is not supported on {self.device} "
                f"(choose from {', '.join(allowed)})"
            )
        self.model_dir = convert_model(
            model_ref, self.quantization, Path(cache_dir) if cache_dir else None
        )
        device_name, _, index = self.device.partition(":")
        # one thread per translator, `workers` translators (replicas sharing the
        # weights) running batches at once: see Translator.workers
        self.workers = max(1, workers or (1 if on_gpu else available_cpus()))
        self.translator = ctranslate2.Translator(
            str(self.model_dir),
            device=device_name,
            device_index=int(index or 0),
            compute_type=self.quantization,
            inter_threads=self.workers,
            intra_threads=THREADS_PER_TRANSLATOR,
        )
        self.sp_source = spm.SentencePieceProcessor(model_file=str(self.model_dir / "source.spm"))
        self.sp_target = spm.SentencePieceProcessor(model_file=str(self.model_dir / "target.spm"))
        self.target_vocabulary = _target_vocabulary(self.model_dir)
        # a variant with a piece outside the vocabulary cannot be generated as such
        # (and translate_batch refuses it): nothing to suppress
        self.suppressions: Suppressions[str] = Suppressions(
            self.target_tokens, self.target_vocabulary.issuperset
        )

    # -- interface ------------------------------------------------------------

    @property
    def backend_label(self) -> str:
        suffix = "-cuda" if self.device.startswith("cuda") else ""  # see translation._label
        return f"ctranslate2-{self.quantization}{suffix}"

    def tokenize_source(self, text: str) -> list[str]:
        return [*self.sp_source.encode(text, out_type=str), EOS]

    def count_tokens(self, text: str) -> int:
        return len(self.sp_source.encode(text)) + 1

    def target_tokens(self, text: str) -> list[str]:
        return list(self.sp_target.encode(text, out_type=str))

    def describe(self) -> dict[str, Any]:
        d = super().describe()
        d.update(device=self.device, converted=str(self.model_dir))
        return d

    def translate(
        self,
        texts: list[str],
        config: DecodingConfig,
        hints: list[TermHints | None] | None = None,
        pad_to: int | None = None,
    ) -> list[Translation]:
        if not texts:
            return []
        sources = [self.tokenize_source(t) for t in texts]
        return self.translate_tokens(sources, config, hints, pad_to)

    def translate_tokens(
        self,
        sources: Sequence[list[str]],
        config: DecodingConfig,
        hints: Sequence[TermHints | None] | None = None,
        pad_to: int | None = None,
    ) -> list[Translation]:
        """Translate already tokenised sources (each ending in ``</s>``), every
        one padded to ``pad_to`` tokens (default: the bucket of the longest).

        ``suppress_sequences`` is batch-wide: sentences whose hints give
        different suppression lists go to separate calls (input order is
        restored). Glossary hints give every sentence the same list
        (:meth:`kzparallel.glossary.Glossary.hints`), so a glossary build
        makes one call per batch, as a build without it does.
        """
        if pad_to is None:  # each source padded to its own bucket
            return translate_by_bucket(
                [len(s) for s in sources],
                lambda idx, pad: self.translate_tokens(
                    [sources[i] for i in idx],
                    config,
                    [hints[i] for i in idx] if hints else None,
                    pad,
                ),
            )
        pad = max(pad_to, padded_length(max(len(s) for s in sources)))
        groups: dict[tuple[tuple[str, ...], ...], list[int]] = {}
        for i in range(len(sources)):
            groups.setdefault(self.suppressions(hints[i] if hints else None), []).append(i)
        if len(groups) == 1:
            return self._run(list(sources), config, next(iter(groups)), pad)
        results: list[Translation | None] = [None] * len(sources)
        for forbid, idx in groups.items():
            for i, tr in zip(
                idx, self._run([sources[i] for i in idx], config, forbid, pad), strict=True
            ):
                results[i] = tr
        return results  # type: ignore[return-value]

    def _filler(self, length: int) -> list[str]:
        """A source of exactly ``length`` tokens whose translation is thrown away:
        CTranslate2 pads a batch to its longest source, so this one makes the
        batch as long as the bucket."""
        piece = self.tokenize_source(".")[0]
        return [piece] * (length - 1) + [EOS]

    def _run(
        self,
        sources: list[list[str]],
        config: DecodingConfig,
        forbid: tuple[tuple[str, ...], ...],
        pad: int,
    ) -> list[Translation]:
        real = len(sources)
        if max(len(s) for s in sources) < pad:
            sources = [*sources, self._filler(pad)]
        return self._decode(sources, config, forbid, pad)[:real]

    def _decode(
        self,
        sources: list[list[str]],
        config: DecodingConfig,
        forbid: tuple[tuple[str, ...], ...],
        pad: int,
    ) -> list[Translation]:
        beam = max(1, config.beam)
        nbest = max(1, min(config.nbest, beam))
        # the length cap follows the padded length, the same for the whole batch:
        # a per-sentence cap would need a per-sentence max_decoding_length, and
        # cutting a longer decode short afterwards is not the same search
        caps = [config.max_new_for(pad)] * len(sources)
        kwargs: dict[str, Any] = {
            "beam_size": beam,
            "num_hypotheses": nbest,
            "length_penalty": config.length_penalty,
            "return_scores": True,
            "return_attention": config.return_alignment,
            "max_input_length": 0,  # never truncate: long segments are split before
            "max_decoding_length": max(caps),
        }
        if config.fixed_length is not None:
            kwargs["min_decoding_length"] = config.fixed_length
        if forbid:
            kwargs["suppress_sequences"] = [list(f) for f in forbid]
        raw = self.translator.translate_batch(list(sources), **kwargs)
        out: list[Translation] = []
        for src, cap, res in zip(sources, caps, raw, strict=True):
            hyps = []
            for k, toks in enumerate(res.hypotheses):
                toks = list(toks[:cap])
                hyps.append(
                    Hypothesis(
                        text=self.sp_target.decode_pieces(toks),
                        score=float(res.scores[k]),
                        tokens=toks,
                    )
                )
            attention = None
            if config.return_alignment and res.attention:
                n_tgt = len(hyps[0].tokens)
                attention = [_normalise(row[: len(src)]) for row in res.attention[0][:n_tgt]]
            out.append(Translation(hypotheses=hyps, src_tokens=list(src), attention=attention))
        return out


def _target_vocabulary(model_dir: Path) -> frozenset[str]:
    """The target tokens of a converted model (``shared_vocabulary.json`` or
    ``target_vocabulary.json``; ``.txt`` in older CTranslate2 versions)."""
    for name in ("target_vocabulary", "shared_vocabulary"):
        if (model_dir / f"{name}.json").is_file():
            return frozenset(json.loads((model_dir / f"{name}.json").read_text("utf-8")))
        if (model_dir / f"{name}.txt").is_file():
            return frozenset((model_dir / f"{name}.txt").read_text("utf-8").splitlines())
    raise ModelError(f"{model_dir}: no vocabulary file in the converted CTranslate2 model")


def _normalise(row: Sequence[float]) -> list[float]:
    """Renormalise an attention row over the real source positions.

    In a padded batch CTranslate2 can spread the first step's attention over
    the padding too; the weights on real tokens are rescaled to sum to 1.
    """
    total = float(sum(row))
    if total <= 0:
        return [round(float(x), 6) for x in row]
    return [round(float(x) / total, 6) for x in row]
