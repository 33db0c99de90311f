"""``pairs.jsonl``: one aligned pair per line, written and read as a stream.

The line format is deterministic (fixed key order, no run-dependent fields:
``Pair.cached`` is left out, scores are rounded), so the same inputs and
settings give a byte-identical file whether translations came from the model
or from the cache.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from kzparallel.atomic import atomic_open
from kzparallel.errors import InputError
from kzparallel.records import Pair

PAIRS_FILE = "pairs.jsonl"
# fields that depend on how a run went, not on its inputs and settings
RUN_FIELDS = ("cached",)
# fields written only when set (a pairs file without them reads the same)
OPTIONAL_FIELDS = (
    "date",
    "origin",
    "link",
    "link_score",
    "link_confidence",
    "ar_sents",
    "en_sents",
    "left_out",
)
SCORE_DIGITS = 4


def pair_record(pair: Pair) -> dict[str, Any]:
    """The dict written for ``pair`` (run-dependent fields dropped)."""
    d = pair.to_dict()
    for name in RUN_FIELDS:
        d.pop(name, None)
    for name in OPTIONAL_FIELDS:
        if d.get(name) is None:
            d.pop(name, None)
    if d.get("score") is not None:
        d["score"] = round(float(d["score"]), SCORE_DIGITS)
    return d


def pair_line(pair: Pair) -> str:
    return json.dumps(pair_record(pair), ensure_ascii=False, separators=(", ", ": ")) + "\n"


def write_pairs(pairs: Iterable[Pair], path: str | Path) -> int:
    """Write ``pairs`` to ``path`` atomically; return how many were written."""
    n = 0
    with atomic_open(path) as fh:
        for pair in pairs:
            fh.write(pair_line(pair))
            n += 1
    return n


def read_pairs(path: str | Path) -> Iterator[Pair]:
    """Stream the pairs of a pairs file (a build's ``pairs.jsonl``)."""
    p = Path(path)
    if not p.is_file():
        raise InputError(str(p), "no such pairs file (run `kzparallel build` first)")
    with p.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield Pair.from_dict(json.loads(line))
            except (ValueError, TypeError) as exc:
                raise InputError(f"{p}:{n}", f"not a pair record ({exc})") from exc
