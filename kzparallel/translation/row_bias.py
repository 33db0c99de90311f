"""Sequence biases that differ per row of a ``generate`` batch, in one logits processor.

transformers' ``SequenceBiasLogitsProcessor`` (``sequence_bias``) and
``NoBadWordsLogitsProcessor`` (``bad_words_ids``, a bias of ``-inf``) apply one
setting to every row of a ``generate`` call, and each call builds a bias
tensor as large as the scores (rows x vocabulary) and adds it. Glossary hints
differ per sentence (each sentence boosts its own terms), so applying them
with one processor per sentence costs a few full passes over a slice of the
scores per sentence and decoding step. :class:`RowSequenceBias` applies the
same rule to every row at once and touches only the entries it changes: a
sequence's bias is added to the score of its last token, in the rows it is
given for, when the row's tokens end with the sequence's other tokens (always,
for a one-token sequence) — exactly what those processors do
(``tests/test_decoder_hints.py`` compares them on random scores).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import torch
from transformers import LogitsProcessor


class RowSequenceBias(LogitsProcessor):
    """``entries``: ``(rows, sequence, bias)`` — add ``bias`` (``-inf``: forbid)
    to the last token of ``sequence`` in each of ``rows`` where the rest of
    the sequence was just generated. A ``(row, sequence)`` pair given twice
    counts once (like the dict of ``sequence_bias``); different sequences
    ending in the same token add up."""

    def __init__(
        self,
        entries: Iterable[tuple[Sequence[int], Sequence[int], float]],
        device: torch.device | str = "cpu",
    ) -> None:
        # prefix length -> (rows, prefixes, last tokens, biases)
        groups: dict[int, tuple[list[int], list[tuple[int, ...]], list[int], list[float]]] = {}
        seen: set[tuple[int, tuple[int, ...]]] = set()
        for rows, sequence, bias in entries:
            seq = tuple(sequence)
            if not seq:
                continue
            for row in rows:
                if (row, seq) in seen:
                    continue
                seen.add((row, seq))
                g = groups.setdefault(len(seq) - 1, ([], [], [], []))
                g[0].append(row)
                g[1].append(seq[:-1])
                g[2].append(seq[-1])
                g[3].append(bias)
        self.groups = [
            (
                n,
                torch.tensor(rows, dtype=torch.long, device=device),
                torch.tensor(prefixes, dtype=torch.long, device=device).reshape(len(rows), n),
                torch.tensor(last, dtype=torch.long, device=device),
                torch.tensor(biases, dtype=torch.float, device=device),
            )
            for n, (rows, prefixes, last, biases) in sorted(groups.items())
        ]

    def __bool__(self) -> bool:
        return bool(self.groups)

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        for n, rows, prefixes, last, biases in self.groups:
            if n > input_ids.shape[1]:  # the prefix is longer than what was generated
                continue
            if n:
                hit = (input_ids[rows, -n:] == prefixes).all(dim=1)
                r, t, b = rows[hit], last[hit], biases[hit]
            else:
                r, t, b = rows, last, biases
            if r.numel():
                scores.index_put_((r, t), b.to(scores.dtype), accumulate=True)
        return scores
