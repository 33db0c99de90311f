"""Provenance signature, in the spirit of sacrebleu's.

Every output (pairs, dataset card, manifest, exports, report) carries a
signature naming what produced it, e.g.::

    model:Helsinki-NLP/opus-mt-ar-en@a1b2c3d|backend:ctranslate2-int8|beam:4|lenextra:10|lenratio:2.0|lp:1.0|maxnew:auto|pad:8|glossary:9f8e7d6c5b4a|kzparallel:0.1.0
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path


def file_hash(path: str | Path, length: int = 12) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:length]


@dataclass(frozen=True)
class Signature:
    model: str
    revision: str
    backend: str  # e.g. "transformers-fp32", "ctranslate2-int8"
    decoding: dict[str, object] = field(default_factory=dict)  # only settings that change output
    glossary: str = "none"  # glossary file hash, or "none"
    version: str = ""

    def __str__(self) -> str:
        from kzparallel.version import __version__

        parts = [f"model:{self.model}@{self.revision[:12] or 'unknown'}", f"backend:{self.backend}"]
        parts += [f"{k}:{v}" for k, v in sorted(self.decoding.items())]
        parts += [f"glossary:{self.glossary}", f"kzparallel:{self.version or __version__}"]
        return "|".join(parts)
