"""``manifest.json``: what a build used and produced.

Versions of kzparallel and its key libraries, model id + revision, backend,
glossary hash, every setting, counts and timings. Timings (and the date) make
this file differ between runs; the byte-identical outputs of a build are
``pairs.jsonl``, ``en/`` and ``dataset/``.
"""

from __future__ import annotations

import json
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

from kzparallel.atomic import atomic_write_text

MANIFEST_FILE = "manifest.json"
KEY_LIBRARIES = (
    "kzparallel",
    "torch",
    "transformers",
    "ctranslate2",
    "sentencepiece",
    "datasets",
    "pyarrow",
    "sacrebleu",
    "trafilatura",
    "charset-normalizer",
    "pysbd",
    "huggingface-hub",
    "ray",
    "datasketch",
    "py3langid",
)


def library_versions() -> dict[str, str | None]:
    """Installed versions of the key libraries (None when not installed)."""
    out: dict[str, str | None] = {"python": platform.python_version()}
    for name in KEY_LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def write_manifest(path: str | Path, data: dict[str, Any]) -> None:
    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def read_manifest(out_dir: str | Path) -> dict[str, Any] | None:
    """The manifest of a previous build in ``out_dir``, or None."""
    p = Path(out_dir) / MANIFEST_FILE
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
