"""Building over an existing build: the corpus grows, nothing already there moves.

``kzparallel build NEW_INPUTS... --out DIR`` over a complete build in ``DIR``
keeps every document of that build. The previous build is known from
``DIR/manifest.json`` (its documents, with cluster, split and the dataset
version each was added in) and ``DIR/pairs.jsonl`` (their pairs, which are
carried over as they are: nothing is translated again). A document given
again (same ``doc_id``) is rebuilt from its input and replaces the old one;
it keeps its cluster, split and version.

Carrying pairs over is only honest when they were made the same way, so the
previous build's signature (model, revision, backend, decoding, glossary,
kzparallel version) and ``--alignment`` must match this build's whenever a
document is carried over; otherwise the build stops and says what to do (give
the old inputs again, or ``--fresh`` to start a new corpus without them).

The new outputs are written beside the old ones and renamed into place only
when all of them are written (kzparallel.outputs.put_in_place); while they are
renamed, the previous manifest and its ``pairs.jsonl`` are kept (hard links)
in ``DIR/.previous/``: a build killed then leaves no manifest, and the next
build reads the previous state from there, so no document is lost.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Container, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kzparallel.errors import KzError
from kzparallel.records import Pair
from kzparallel.splits import Recorded

PREVIOUS_DIR = ".previous"
MANIFEST = "manifest.json"
PAIRS = "pairs.jsonl"


@dataclass
class PreviousBuild:
    """A complete earlier build in the output directory."""

    manifest: dict[str, Any]
    pairs_path: Path

    @property
    def version(self) -> int:
        return int((self.manifest.get("dataset") or {}).get("version", 1))

    @property
    def history(self) -> list[dict[str, Any]]:
        return list((self.manifest.get("dataset") or {}).get("history", []))

    @property
    def digest(self) -> str | None:
        return (self.manifest.get("dataset") or {}).get("digest")

    @property
    def documents(self) -> list[dict[str, Any]]:
        return list(self.manifest.get("documents") or [])

    @property
    def signature(self) -> str:
        return str(self.manifest.get("signature", ""))

    @property
    def alignment(self) -> bool:
        return bool((self.manifest.get("settings") or {}).get("alignment", False))

    def recorded(self) -> dict[str, Recorded]:
        """Cluster and split of each document that has them (builds before
        dataset versions recorded neither)."""
        return {
            d["doc_id"]: Recorded(d["cluster"], d["split"])
            for d in self.documents
            if d.get("cluster") and d.get("split")
        }

    def carried(self, given: Container[str]) -> list[str]:
        """The documents of this build that are not among ``given`` (in order)."""
        return [d["doc_id"] for d in self.documents if d["doc_id"] not in given]

    def pairs(self, given: Container[str]) -> Iterator[Pair]:
        """The pairs of the documents carried over (none are read when every
        document is given again)."""
        from kzparallel.pairs_file import read_pairs

        keep = set(self.carried(given))
        if not keep:
            return
        for pair in read_pairs(self.pairs_path):
            if pair.doc_id in keep:
                yield pair


def _load(folder: Path) -> PreviousBuild | None:
    from kzparallel.manifest import read_manifest

    manifest = read_manifest(folder)
    if manifest is None:
        return None
    pairs = folder / PAIRS
    if not pairs.is_file():
        raise KzError(
            f"{folder}: manifest.json lists a build but its pairs.jsonl is missing; restore "
            "it, or use --fresh to start a new corpus in this directory"
        )
    return PreviousBuild(manifest, pairs)


def find_previous(out: str | Path) -> PreviousBuild | None:
    """The last complete build in ``out`` (or None): ``manifest.json`` when there
    is one, else the state a killed build kept in ``.previous/``."""
    out = Path(out)
    if (out / MANIFEST).is_file():
        return _load(out)
    if (out / PREVIOUS_DIR / MANIFEST).is_file():
        return _load(out / PREVIOUS_DIR)
    return None


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def keep_previous(out: str | Path, previous: PreviousBuild | None) -> PreviousBuild | None:
    """Before outputs are replaced: keep the previous manifest and pairs in
    ``.previous/`` and return the previous build as read from there."""
    if previous is None:
        return None
    keep = Path(out) / PREVIOUS_DIR
    if previous.pairs_path.parent == keep:
        return previous  # already kept by a build that was killed
    tmp = Path(out) / (PREVIOUS_DIR + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    _link_or_copy(Path(out) / MANIFEST, tmp / MANIFEST)
    _link_or_copy(previous.pairs_path, tmp / PAIRS)
    shutil.rmtree(keep, ignore_errors=True)
    tmp.rename(keep)
    return PreviousBuild(previous.manifest, keep / PAIRS)


def drop_previous(out: str | Path) -> None:
    """After the new manifest is in place: the kept state is not needed."""
    shutil.rmtree(Path(out) / PREVIOUS_DIR, ignore_errors=True)
    with contextlib.suppress(FileNotFoundError):
        shutil.rmtree(Path(out) / (PREVIOUS_DIR + ".tmp"))


def check_carry(
    previous: PreviousBuild, carried: int, signature: str, alignment: bool, out: str | Path
) -> None:
    """Refuse to carry pairs made with other settings."""
    if not carried:
        return
    if previous.signature != signature or previous.alignment != alignment:
        what = (
            f"signature {previous.signature}"
            if previous.signature != signature
            else f"--alignment {'on' if previous.alignment else 'off'}"
        )
        raise KzError(
            f"{out}: {carried} document(s) of the previous build, not given again, were "
            f"made with other settings ({what}); give their inputs again to rebuild them "
            "with these settings, or use --fresh to start a new corpus without them"
        )
