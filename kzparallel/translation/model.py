"""Find a model and pin its revision, without loading any weights.

``--model`` is either a local directory (a Hugging Face MarianMT directory, as
written by ``save_pretrained`` or ``hf download --local-dir``),
a Hub id such as ``Helsinki-NLP/opus-mt-ar-en``, or ``demo``: the small model
:mod:`kzparallel.demo.trained_model` trains on generated sentences and the
seeds' reference translations (trained on first use, then cached; id
``kzparallel-demo``, revision = its recipe hash; ``./demo`` is a directory).
Such names of models the package makes itself are registered in
:data:`NAMED_MODELS` as ``"module:function"`` and imported only when named,
as the backends are (the demo model's code generates its corpus with the
glossary, cleaning and segmentation, layers above this one). The revision recorded for
provenance is the Hub commit hash, or for a local directory a short hash of
its files. File hashes are cached by (path, size, mtime) so large weights are
not re-read on every run. A local directory's model id is its name
(:func:`local_model_id`), never the path it was loaded from: one model copied
to two machines, or two folders, gives the same signature and the same bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kzparallel.errors import ModelError

DEFAULT_MODEL = "Helsinki-NLP/opus-mt-ar-en"
DEMO_MODEL = "demo"  # the --model name of the demo model
DEMO_MODEL_ID = "kzparallel-demo"  # its model id in signatures, manifests and cards
DEMO_NOTICE = (
    "Made with the kzparallel demo model: trained on generated sentences and the seeds' "
    "reference translations; its English for the seeds is memorised and says nothing "
    "about real translation quality."
)
# --model names of the models the package makes itself: "module:function"
# returning the model's ModelRef (made on first use), imported when named
NAMED_MODELS: dict[str, str] = {DEMO_MODEL: "kzparallel.demo.trained_model:demo_model_ref"}
# Files a MarianMT directory needs (weights: one of the two).
REQUIRED_FILES = ("config.json", "source.spm", "target.spm", "vocab.json")
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
# Files that make up the model for the revision hash (others are ignored).
_HASHED_SUFFIXES = (".json", ".spm", ".safetensors", ".bin", ".model", ".txt")
_HUB_PATTERNS = [
    "config.json",
    "generation_config.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "vocab.json",
    "source.spm",
    "target.spm",
    "model.safetensors",
    "pytorch_model.bin",
]


@dataclass(frozen=True)
class ModelRef:
    """A model pinned to a revision: ``path`` is a local directory."""

    model_id: str
    revision: str
    path: Path

    def short(self) -> str:
        return f"{self.model_id}@{self.revision[:12]}"


def download_hint(model: str, target: str = "DIR") -> str:
    hub_id = model if _looks_like_hub_id(model) else DEFAULT_MODEL
    return (
        f"download it with `hf download {hub_id} --local-dir {target}` (older "
        f"huggingface_hub: `huggingface-cli download`) and pass --model {target}"
    )


def _looks_like_hub_id(model: str) -> bool:
    parts = model.split("/")
    return (
        len(parts) == 2
        and all(parts)
        and not model.startswith((".", "~"))
        and not os.path.isabs(model)
        and "\\" not in model
    )


def _is_local(model: str) -> bool:
    return Path(model).expanduser().exists() or not _looks_like_hub_id(model)


def check_model_dir(path: Path, name: str) -> None:
    """Raise :class:`ModelError` unless ``path`` holds a MarianMT model."""
    if not path.is_dir():
        raise ModelError(f"model '{name}' is not a directory")
    missing = [f for f in REQUIRED_FILES if not (path / f).is_file()]
    if not any((path / f).is_file() for f in WEIGHT_FILES):
        missing.append(" or ".join(WEIGHT_FILES))
    if missing:
        raise ModelError(
            f"model directory '{name}' is not a MarianMT model: missing {', '.join(missing)}"
        )


def local_model_id(path: Path) -> str:
    """The id of a local model directory in signatures, pairs and cards: the
    directory's name (``models/opus-mt-ar-en`` → ``opus-mt-ar-en``); the
    revision, a hash of its files, is what tells two models apart."""
    return path.resolve().name or "local"


def is_demo_model(model_id: str) -> bool:
    """Whether outputs with this model id were made with the demo model."""
    return model_id == DEMO_MODEL_ID


def resolve_model(model: str) -> ModelRef:
    """Resolve ``model`` (local directory, Hub id or ``demo``) to a :class:`ModelRef`.

    Never loads weights (``demo`` is trained on first use). Raises
    :class:`ModelError` (one line, with the ``hf download`` hint) when the
    model cannot be found.
    """
    if model in NAMED_MODELS:
        return _resolve_named(model)
    if _is_local(model):
        path = Path(model).expanduser()
        if not path.exists():
            raise ModelError(
                f"model directory '{model}' does not exist: {download_hint(DEFAULT_MODEL, model)}"
            )
        check_model_dir(path, model)
        return ModelRef(
            model_id=local_model_id(path), revision=local_revision(path), path=path.resolve()
        )
    return _resolve_hub(model)


def _resolve_named(model: str) -> ModelRef:
    """The model a name of :data:`NAMED_MODELS` stands for (its module imported now)."""
    module, _, function = NAMED_MODELS[model].partition(":")
    resolve: Callable[[], ModelRef] = getattr(importlib.import_module(module), function)
    return resolve()


def _resolve_hub(model: str) -> ModelRef:
    try:
        from huggingface_hub import snapshot_download
    except ImportError:  # pragma: no cover - huggingface_hub is a dependency
        raise ModelError(
            f"model '{model}' is not a local directory and huggingface_hub is not installed: "
            f"{download_hint(model)}"
        ) from None
    offline_msg = f"model '{model}' is not available offline: {download_hint(model)}"
    # 1) already downloaded: no network at all.
    try:
        local = snapshot_download(model, allow_patterns=_HUB_PATTERNS, local_files_only=True)
    except Exception:
        local = None
    if local is None:
        offline = os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on")
        if offline:
            raise ModelError(offline_msg)
        # 2) first use: download the files a MarianMT model needs.
        try:
            local = snapshot_download(model, allow_patterns=_HUB_PATTERNS)
        except Exception as exc:
            name = type(exc).__name__
            if "RepositoryNotFound" in name or "RevisionNotFound" in name:
                raise ModelError(f"model '{model}' was not found on the Hugging Face Hub") from None
            raise ModelError(offline_msg) from None
    path = Path(local)
    check_model_dir(path, model)
    # snapshot directories are named after the commit hash
    revision = path.name if len(path.name) == 40 else local_revision(path)
    return ModelRef(model_id=model, revision=revision, path=path)


# -- local revision -----------------------------------------------------------


def _hash_cache_file() -> Path:
    from kzparallel.translation.cache import default_cache_dir

    return default_cache_dir() / "file-hashes.json"


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def local_revision(path: Path, length: int = 12) -> str:
    """Short hash over the names and contents of the model files in ``path``.

    Per-file hashes are remembered by (absolute path, size, mtime) in the
    user cache directory; a change to any file changes the revision.
    """
    cache_file = _hash_cache_file()
    try:
        known: dict[str, str] = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    changed = False
    total = hashlib.sha256()
    files = sorted(p for p in path.iterdir() if p.is_file() and p.name.endswith(_HASHED_SUFFIXES))
    for f in files:
        st = f.stat()
        key = f"{f.resolve()}|{st.st_size}|{st.st_mtime_ns}"
        digest = known.get(key)
        if digest is None:
            digest = _file_sha256(f)
            # forget earlier versions of this file
            stale = f"{f.resolve()}|"
            for old in [k for k in known if k.startswith(stale)]:
                del known[old]
            known[key] = digest
            changed = True
        total.update(f"{f.name}\0{digest}\n".encode())
    if changed:
        with contextlib.suppress(OSError):
            from kzparallel.atomic import atomic_write_text

            atomic_write_text(cache_file, json.dumps(known, indent=0, sort_keys=True))
    return total.hexdigest()[:length]
