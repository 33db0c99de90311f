"""How parallel an aligned document pair is: the long runs of sentences without a
counterpart (:func:`long_runs`).

A run of :data:`LONG_RUN` or more consecutive Arabic sentences in 1-0 links (or
English sentences in 0-1 links) is a passage one version has and the other does
not — a quotation, an attribution chain, a background paragraph the English left
out, or English of its own — or a stretch the aligner could not match: either way
worth a look, so it is reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from kzparallel.records import Link

LONG_RUN = 3  # consecutive one-sided sentences from which a run is reported


@dataclass(frozen=True)
class Run:
    """``sentences`` consecutive sentences of ``side`` (``"ar"``: 1-0 links, ``"en"``:
    0-1 links) from sentence ``start`` (0-based in that document)."""

    side: str
    start: int
    sentences: int

    def to_dict(self) -> dict[str, int | str]:
        return asdict(self)


def _runs(indices: list[int], side: str, minimum: int) -> list[Run]:
    out: list[Run] = []
    start = prev = None
    for k in [*sorted(indices), None]:
        if k is not None and prev is not None and k == prev + 1:
            prev = k
            continue
        if start is not None and prev is not None and prev - start + 1 >= minimum:
            out.append(Run(side, start, prev - start + 1))
        start = prev = k
    return out


def long_runs(links: Sequence[Link], minimum: int = LONG_RUN) -> list[Run]:
    """The runs of at least ``minimum`` consecutive one-sided sentences, the Arabic
    ones first, each side in document order."""
    arabic = [i for k in links if not k.en_sents for i in k.ar_sents]
    english = [j for k in links if not k.ar_sents for j in k.en_sents]
    return _runs(arabic, "ar", minimum) + _runs(english, "en", minimum)
