"""MarianMT through Hugging Face ``transformers`` (PyTorch).

Beam search under ``torch.inference_mode``; CPU in fp32, CUDA in fp16 (or
bf16). When alignment is asked the model runs with eager attention (the only
implementation that returns attention weights) and the cross-attention of the
best hypothesis is averaged over heads and layers (or taken from one layer,
``alignment_layer``, e.g. the guided-alignment layer of opus-mt models).

Glossary hints are applied per sentence by the rule of transformers'
``sequence_bias`` (``SequenceBiasLogitsProcessor``: the pieces of preferred
terms are boosted) and ``bad_words_ids`` (``NoBadWordsLogitsProcessor``:
forbidden variants get -inf). Those processors take one setting per
``generate`` call, so the hints go through :class:`RowSequenceBias`, the same
rule with a setting per row (each sentence's beams). Which variants are
suppressed is decided by :mod:`kzparallel.translation.hints`, the same rule as
the ctranslate2 backend's.
"""

from __future__ import annotations

import math
import threading
from typing import Any, ClassVar

from kzparallel.errors import ModelError
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
from kzparallel.translation.registry import BACKENDS

try:
    import torch
    from transformers import (
        LogitsProcessor,
        LogitsProcessorList,
        MarianMTModel,
        MarianTokenizer,
    )
    from transformers.utils import logging as hf_logging

    from kzparallel.translation.row_bias import RowSequenceBias
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise BACKENDS["transformers"].dependency_error("transformers") from exc

# sentences per generate call, at least (see translate)
MIN_SENTENCES = 2
_DTYPES = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}


class _PerSentenceMaxLength(LogitsProcessor):
    """Force EOS once a sentence has ``cap`` real tokens (the batch-wide
    ``max_new_tokens`` is the largest cap of the batch, plus one for EOS)."""

    def __init__(self, caps: list[int], group: int, start_len: int, eos: int) -> None:
        self.caps = caps
        self.group = group
        self.start_len = start_len
        self.eos = eos

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        generated = input_ids.shape[1] - self.start_len
        for i, cap in enumerate(self.caps):
            if generated >= cap:
                rows = slice(i * self.group, (i + 1) * self.group)
                scores[rows] = -math.inf
                scores[rows, self.eos] = 0.0
        return scores


class _StepScores:
    """Records, during beam search, the model's own log-probabilities of every
    token that beam search could still pick, so that hypotheses are scored
    without a second forward pass.

    Beam search applies ``log_softmax`` before any logits processor, so the
    ``first`` processor sees the model's log-probabilities (pad and not-yet-
    allowed EOS already masked: never picked); the ``last`` one sees the
    final, processed scores, whose top ``k`` per row hold every token beam
    search can choose from that row (it keeps the best ``2 x beams`` of
    ``beams x vocabulary`` per sentence). It stores those ``k`` token ids and
    their log-probabilities per step: ``rows x k`` numbers, not ``rows x
    vocabulary``.
    """

    def __init__(self, k: int, copy: bool) -> None:
        self.k = k
        self.copy = copy  # later processors modify the scores in place
        self._raw: torch.Tensor | None = None
        self.ids: list[torch.Tensor] = []
        self.logp: list[torch.Tensor] = []

    def first(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        self._raw = scores.clone() if self.copy else scores
        return scores

    def last(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        assert self._raw is not None
        ids = scores.topk(min(self.k, scores.shape[-1]), dim=-1).indices
        self.ids.append(ids)
        self.logp.append(self._raw.gather(-1, ids).float())
        self._raw = None
        return scores

    def sequence_scores(
        self, sequences: torch.Tensor, beam_indices: torch.Tensor, mask: torch.Tensor
    ) -> list[float | None]:
        """Sum of the log-probabilities of each returned sequence's tokens
        under ``mask``; None for a sequence with a token that was not recorded
        (that one is rescored: decided per sequence, so a sentence's score never
        depends on the other sentences of its batch)."""
        steps = sequences.shape[1] - 1
        if len(self.ids) < steps or beam_indices.shape[1] < steps:
            return [None] * sequences.shape[0]
        ids = torch.stack(self.ids[:steps])  # steps x rows x k
        logp = torch.stack(self.logp[:steps])
        rows = beam_indices[:, :steps].clamp(min=0)  # sequences x steps
        t = torch.arange(steps, device=rows.device).expand_as(rows)
        hit = ids[t, rows] == sequences[:, 1:, None]  # sequences x steps x k
        complete = (hit.any(-1) | ~mask).all(dim=1).tolist()
        vals = torch.where(hit, logp[t, rows], torch.zeros_like(logp[t, rows])).sum(-1)
        sums = (vals * mask).sum(dim=1).tolist()
        return [v if ok else None for v, ok in zip(sums, complete, strict=True)]


class _Call(LogitsProcessor):
    def __init__(self, fn: Any) -> None:
        self.fn = fn

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        return self.fn(input_ids, scores)


class TransformersTranslator(Translator):
    name: ClassVar[str] = "transformers"
    soft_bias: ClassVar[bool] = True  # sequence_bias on each sentence's preferred forms

    def __init__(
        self,
        model_ref: ModelRef,
        *,
        device: str = "auto",
        dtype: str | None = None,
        alignment: bool = False,
        alignment_layer: int | None = None,
        prefer_bias: float = 2.0,
        workers: int | None = None,
    ) -> None:
        self.model_id = model_ref.model_id
        self.revision = model_ref.revision
        self.model_ref = model_ref
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        self.device = device
        on_gpu = device.startswith("cuda")
        self.dtype_name = dtype or ("fp16" if on_gpu else "fp32")
        if self.dtype_name not in _DTYPES:
            raise ModelError(f"unknown dtype '{dtype}' (choose from {', '.join(_DTYPES)})")
        if not on_gpu and self.dtype_name != "fp32":
            raise ModelError(f"dtype {self.dtype_name} needs a CUDA device; the CPU runs fp32")
        if not on_gpu:
            # one intra-op thread (process-wide in torch), `workers` batches at once
            # from the pipeline's threads, sharing the model: see Translator.workers
            torch.set_num_threads(THREADS_PER_TRANSLATOR)
        self.workers = max(1, workers or (1 if on_gpu else available_cpus()))
        self._switch = threading.Lock()
        # the tokenizer has state (text_target switches it to the target model):
        # one thread at a time, since translate() runs in `workers` threads at once
        self._tok = threading.RLock()
        self.alignment_layer = alignment_layer
        self.prefer_bias = prefer_bias
        self._attn = "eager" if alignment else "sdpa"
        bars = hf_logging.is_progress_bar_enabled()
        hf_logging.disable_progress_bar()  # no "Loading weights" bar on every run
        try:
            self.tokenizer = MarianTokenizer.from_pretrained(str(model_ref.path))
            self.model = MarianMTModel.from_pretrained(
                str(model_ref.path),
                dtype=_DTYPES[self.dtype_name],
                attn_implementation=self._attn,
            )
        except (OSError, ValueError) as exc:
            raise ModelError(f"cannot load model '{self.model_id}': {exc}") from None
        finally:
            if bars:
                hf_logging.enable_progress_bar()
        self.model.to(device).eval()
        self._pad = self.tokenizer.pad_token_id
        self._eos = self.tokenizer.eos_token_id
        self._unk = self.tokenizer.unk_token_id
        special = {self._eos, self._unk}
        self.suppressions: Suppressions[int] = Suppressions(
            self.target_ids, lambda ids: special.isdisjoint(ids)
        )

    # -- interface ------------------------------------------------------------

    @property
    def backend_label(self) -> str:
        suffix = "-cuda" if self.device.startswith("cuda") else ""  # see translation._label
        return f"transformers-{self.dtype_name}{suffix}"

    @property
    def max_input_tokens(self) -> int:
        return int(getattr(self.model.config, "max_position_embeddings", 512))

    def tokenize_source(self, text: str) -> list[str]:
        with self._tok:
            ids = self.tokenizer(text).input_ids
            return self.tokenizer.convert_ids_to_tokens(ids)

    def count_tokens(self, text: str) -> int:
        with self._tok:
            return len(self.tokenizer(text).input_ids)

    def describe(self) -> dict[str, Any]:
        d = super().describe()
        d.update(device=self.device, dtype=self.dtype_name, attention=self._attn)
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
        if pad_to is None:  # each source padded to its own bucket
            return translate_by_bucket(
                [self.count_tokens(t) for t in texts],
                lambda idx, pad: self.translate(
                    [texts[i] for i in idx],
                    config,
                    [hints[i] for i in idx] if hints else None,
                    pad,
                ),
            )
        pad_to = max(pad_to, padded_length(max(self.count_tokens(t) for t in texts)))
        if len(texts) < MIN_SENTENCES and config.beam > 1:
            # a beam search over one sentence takes another numeric path in torch
            # than over several (scores differ in the last bits: measured, beam 2);
            # the sentence is decoded beside a copy of itself and the copy dropped
            n = len(texts)
            more = (texts * MIN_SENTENCES)[:MIN_SENTENCES]
            more_hints = (hints * MIN_SENTENCES)[:MIN_SENTENCES] if hints else None
            return self._translate(more, config, more_hints, pad_to)[:n]
        return self._translate(texts, config, hints, pad_to)

    def _translate(
        self,
        texts: list[str],
        config: DecodingConfig,
        hints: list[TermHints | None] | None,
        pad_to: int,
    ) -> list[Translation]:
        if config.return_alignment and self._attn != "eager":
            with self._switch:
                if self._attn != "eager":
                    self.model.set_attn_implementation("eager")
                    self._attn = "eager"
        beam = max(1, config.beam)
        nbest = max(1, min(config.nbest, beam))
        with self._tok:
            # every source padded to its bucket, masked (see batching.padded_length)
            enc = self.tokenizer(
                texts, return_tensors="pt", padding="max_length", max_length=pad_to
            ).to(self.device)
        src_lens = enc.attention_mask.sum(dim=1).tolist()
        caps = [config.max_new_for(pad_to)] * len(texts)  # by the padded length (see ctranslate2)
        kwargs: dict[str, Any] = {
            "num_beams": beam,
            "num_return_sequences": nbest,
            "max_new_tokens": max(caps) + 1,  # caps count real tokens; +1 for EOS
            "length_penalty": config.length_penalty,
            # no output_scores: it keeps a (rows x vocabulary) tensor per step;
            # beam hypotheses are scored from _StepScores, greedy ones by _rescore
            "return_dict_in_generate": True,
            "output_attentions": config.return_alignment,
            "bad_words_ids": [[self._pad]],
            # EOS is forced by _PerSentenceMaxLength below, after the scores are
            # recorded (the model config's forced EOS would run before it)
            "forced_eos_token_id": None,
        }
        if config.fixed_length is not None:
            kwargs["min_new_tokens"] = config.fixed_length  # then EOS is forced
        processors = LogitsProcessorList([_PerSentenceMaxLength(caps, beam, 1, self._eos)])
        if hints and any(hints):
            processors.append(self._hint_processor(hints, beam))
        recorder = None
        if beam > 1:  # beam search hands processors log-probabilities: record them
            recorder = _StepScores(k=2 * beam + 2, copy=bool(processors))
            processors.insert(0, _Call(recorder.first))
            processors.append(_Call(recorder.last))
        if processors:
            kwargs["logits_processor"] = processors
        with torch.inference_mode():
            out = self.model.generate(**enc, **kwargs)
            rows = out.sequences.shape[0]
            scores: list[float | None] = [None] * rows
            if recorder is not None and getattr(out, "beam_indices", None) is not None:
                mask = self._token_mask(out.sequences[:, 1:])
                sums = recorder.sequence_scores(out.sequences, out.beam_indices, mask)
                n = mask.sum(dim=1).clamp(min=1).float().pow(config.length_penalty).tolist()
                scores = [None if v is None else v / k for v, k in zip(sums, n, strict=True)]
            missing = [r for r in range(rows) if scores[r] is None]
            if missing:
                rescored = self._rescore(
                    enc, out.sequences, nbest, config.length_penalty, rows=missing
                )
                for r, v in zip(missing, rescored, strict=True):
                    scores[r] = v
        return self._collect(out, scores, enc.input_ids, src_lens, nbest, beam, config)

    # -- helpers --------------------------------------------------------------

    def target_ids(self, text: str) -> list[int]:
        """Target-vocabulary ids of ``text`` (as the decoder would produce it)."""
        with self._tok:  # text_target switches the shared tokenizer to its target model
            return list(self.tokenizer(text_target=text, add_special_tokens=False).input_ids)

    def _hint_processor(self, hints: list[TermHints | None], beam: int) -> RowSequenceBias:
        """The glossary hints of a batch as one logits processor: each sentence's
        suppression list (``bad_words_ids``: a bias of -inf) and its preferred
        terms (``sequence_bias``: +``prefer_bias`` on every prefix of a term's
        pieces, so the decoder is pulled into the term and through it), on that
        sentence's beams."""
        entries: list[tuple[range, tuple[int, ...], float]] = []
        for i, hint in enumerate(hints):
            rows = range(i * beam, (i + 1) * beam)
            for bad in self.suppressions(hint):
                entries.append((rows, bad, -math.inf))
            for term in hint.prefer if hint else ():
                ids = self.suppressions.tokens(term)
                if ids and self._unk not in ids:
                    entries += [(rows, ids[:k], self.prefer_bias) for k in range(1, len(ids) + 1)]
        return RowSequenceBias(entries, self.device)

    def _rescore(
        self,
        enc: Any,
        sequences: torch.Tensor,
        nbest: int,
        length_penalty: float,
        rows: list[int] | None = None,
    ) -> list[float]:
        """Score of each generated row (of ``rows``, default all): sum of the
        model's token log-probabilities (EOS included) divided by
        ``length ** length_penalty``, as beam search ranks them. Computed in row
        chunks so the logits tensor stays small."""
        index = torch.tensor(rows if rows is not None else range(sequences.shape[0]))
        seqs = sequences[index.to(sequences.device)]
        dec_in, targets = seqs[:, :-1], seqs[:, 1:]
        sources = (index // nbest).to(dec_in.device)
        mask = self._token_mask(targets)
        vocab = int(self.model.config.vocab_size)
        chunk = max(1, (1 << 25) // max(1, dec_in.shape[1] * vocab))
        scores: list[float] = []
        for a in range(0, dec_in.shape[0], chunk):
            b = min(a + chunk, dec_in.shape[0])
            src = sources[a:b]
            logits = self.model(
                input_ids=enc.input_ids[src],
                attention_mask=enc.attention_mask[src],
                decoder_input_ids=dec_in[a:b],
            ).logits.float()
            logp = torch.log_softmax(logits, dim=-1).gather(-1, targets[a:b].unsqueeze(-1))
            m = mask[a:b]
            total = (logp.squeeze(-1) * m).sum(dim=1)
            n = m.sum(dim=1).clamp(min=1).float()
            scores += (total / n.pow(length_penalty)).tolist()
        return scores

    def _token_mask(self, targets: torch.Tensor) -> torch.Tensor:
        """The scored tokens of generated rows: up to and including the first
        EOS, never a pad."""
        real = (targets != self._pad).cumsum(dim=1) == torch.arange(
            1, targets.shape[1] + 1, device=targets.device
        )  # tokens before the first pad
        after_eos = (targets == self._eos).cumsum(dim=1) - (targets == self._eos).long()
        return real & (after_eos == 0)

    def _collect(
        self,
        out: Any,
        seq_scores: list[float],
        input_ids: torch.Tensor,
        src_lens: list[int],
        nbest: int,
        beam: int,
        config: DecodingConfig,
    ) -> list[Translation]:
        seqs = out.sequences[:, 1:].tolist()  # drop the decoder start token
        with self._tok:
            return self._translations(
                seqs, out, seq_scores, input_ids, src_lens, nbest, beam, config
            )

    def _translations(
        self,
        seqs: list[list[int]],
        out: Any,
        seq_scores: list[float],
        input_ids: torch.Tensor,
        src_lens: list[int],
        nbest: int,
        beam: int,
        config: DecodingConfig,
    ) -> list[Translation]:
        results: list[Translation] = []
        for b, n_src in enumerate(src_lens):
            src_tokens = self.tokenizer.convert_ids_to_tokens(input_ids[b, :n_src].tolist())
            hyps = []
            for r in range(b * nbest, (b + 1) * nbest):
                ids = seqs[r][: _length(seqs[r], self._eos, self._pad, include_eos=False)]
                hyps.append(
                    Hypothesis(
                        text=self.tokenizer.decode(ids, skip_special_tokens=True),
                        score=float(seq_scores[r]),
                        tokens=self.tokenizer.convert_ids_to_tokens(ids),
                    )
                )
            attention = None
            if config.return_alignment:
                attention = self._attention(out, b * nbest, len(hyps[0].tokens), n_src, beam)
            results.append(Translation(hypotheses=hyps, src_tokens=src_tokens, attention=attention))
        return results

    def _attention(
        self, out: Any, seq_row: int, n_tgt: int, n_src: int, beam: int
    ) -> list[list[float]]:
        """Cross-attention rows of one returned sequence: [n_tgt][n_src]."""
        beam_idx = getattr(out, "beam_indices", None)
        rows: list[list[float]] = []
        for t in range(n_tgt):
            if beam_idx is not None:
                r = int(beam_idx[seq_row, t])
                if r < 0:
                    break
            else:
                r = seq_row
            layers = out.cross_attentions[t]  # tuple over layers: (rows, heads, 1, src)
            if self.alignment_layer is not None:
                att = layers[self.alignment_layer][r, :, -1, :n_src].float().mean(dim=0)
            else:
                att = torch.stack([la[r, :, -1, :n_src].float() for la in layers]).mean(dim=(0, 1))
            rows.append([round(float(x), 6) for x in att.tolist()])
        return rows


def _length(ids: list[int], eos: int, pad: int, *, include_eos: bool) -> int:
    """Number of real tokens in a generated row (up to EOS / padding)."""
    for i, tok in enumerate(ids):
        if tok == eos:
            return i + 1 if include_eos else i
        if tok == pad:
            return i
    return len(ids)
