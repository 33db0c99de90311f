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
    """``entries``: ``(rows, sequence, bias)`` or ``(rows, sequence, bias,
    until)`` — add ``bias`` (``-inf``: forbid) to the last token of ``sequence``
    in each of ``rows`` where the rest of the sequence was just generated; with
    ``until`` (a token sequence, e.g. the whole preferred term), no longer in a
    row whose generated tokens already hold ``until`` (a term written once is
    not pulled in again: *Beijing Beijing Beijing*). A ``(row, sequence)`` pair
    given twice counts once (like the dict of ``sequence_bias``); different
    sequences ending in the same token add up."""

    def __init__(
        self,
        entries: Iterable[
            tuple[Sequence[int], Sequence[int], float]
            | tuple[Sequence[int], Sequence[int], float, Sequence[int] | None]
        ],
        device: torch.device | str = "cpu",
    ) -> None:
        # prefix length -> (rows, prefixes, last tokens, biases, index of `until` or -1)
        groups: dict[
            int, tuple[list[int], list[tuple[int, ...]], list[int], list[float], list[int]]
        ] = {}
        seen: set[tuple[int, tuple[int, ...]]] = set()
        untils: dict[tuple[int, ...], int] = {}
        for rows, sequence, bias, *rest in entries:
            seq = tuple(sequence)
            if not seq:
                continue
            until = tuple(rest[0]) if rest and rest[0] else None
            u = -1 if until is None else untils.setdefault(until, len(untils))
            for row in rows:
                if (row, seq) in seen:
                    continue
                seen.add((row, seq))
                g = groups.setdefault(len(seq) - 1, ([], [], [], [], []))
                g[0].append(row)
                g[1].append(seq[:-1])
                g[2].append(seq[-1])
                g[3].append(bias)
                g[4].append(u)
        self.untils = [torch.tensor(u, dtype=torch.long, device=device) for u in untils]
        self.groups = [
            (
                n,
                torch.tensor(rows, dtype=torch.long, device=device),
                torch.tensor(prefixes, dtype=torch.long, device=device).reshape(len(rows), n),
                torch.tensor(last, dtype=torch.long, device=device),
                torch.tensor(biases, dtype=torch.float, device=device),
                torch.tensor(us, dtype=torch.long, device=device) if max(us) >= 0 else None,
            )
            for n, (rows, prefixes, last, biases, us) in sorted(groups.items())
        ]

    def __bool__(self) -> bool:
        return bool(self.groups)

    def _written(self, input_ids: torch.LongTensor) -> torch.Tensor | None:
        """(rows x untils): whether each row's tokens hold each ``until``."""
        if not self.untils:
            return None
        cols = []
        for u in self.untils:
            if len(u) > input_ids.shape[1]:
                cols.append(torch.zeros(input_ids.shape[0], dtype=torch.bool, device=u.device))
            else:
                windows = input_ids.unfold(1, len(u), 1)  # rows x positions x len(u)
                cols.append((windows == u).all(dim=2).any(dim=1))
        return torch.stack(cols, dim=1)

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        written = self._written(input_ids)
        for n, rows, prefixes, last, biases, us in self.groups:
            if n > input_ids.shape[1]:  # the prefix is longer than what was generated
                continue
            hit = (input_ids[rows, -n:] == prefixes).all(dim=1) if n else None
            if us is not None and written is not None:
                live = (us < 0) | ~written[rows, us.clamp(min=0)]
                hit = live if hit is None else hit & live
            if hit is None:
                r, t, b = rows, last, biases
            else:
                r, t, b = rows[hit], last[hit], biases[hit]
            if r.numel():
                scores.index_put_((r, t), b.to(scores.dtype), accumulate=True)
        return scores
