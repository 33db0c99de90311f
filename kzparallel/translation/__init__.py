"""Translation: Arabic segments → English, through transformers or CTranslate2.

Entry points::

    from kzparallel.translation import load_translator, prepare_translator, resolve_model

    spec = prepare_translator("Helsinki-NLP/opus-mt-ar-en", backend="auto")
    spec.label        # "ctranslate2-int8" — known without loading the model
    spec.model_ref    # ModelRef(model_id, revision, path)
    translator = spec.load()   # loads (and converts, once) the model

Backends are registered by name in :data:`BACKENDS` as ``"module:Class"`` and
imported only when used, so ``import kzparallel.translation`` stays light and
the ctranslate2 path never imports torch.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kzparallel.errors import DependencyError, ModelError
from kzparallel.translation.base import (
    DecodingConfig,
    Hypothesis,
    TermHints,
    Translation,
    Translator,
)
from kzparallel.translation.model import DEFAULT_MODEL, ModelRef, resolve_model

BACKENDS: dict[str, str] = {
    "transformers": "kzparallel.translation.transformers:TransformersTranslator",
    "ctranslate2": "kzparallel.translation.ctranslate2:CTranslate2Translator",
}

__all__ = [
    "BACKENDS",
    "DEFAULT_MODEL",
    "DecodingConfig",
    "Hypothesis",
    "ModelRef",
    "TermHints",
    "Translation",
    "Translator",
    "TranslatorSpec",
    "available_backends",
    "backend_class",
    "load_translator",
    "prepare_translator",
    "resolve_backend",
    "resolve_model",
]


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def available_backends() -> list[str]:
    """Registered backends whose dependencies are installed (nothing imported)."""
    need = {"transformers": ("torch", "transformers"), "ctranslate2": ("ctranslate2",)}
    return [b for b in BACKENDS if all(_importable(m) for m in need.get(b, ()))]


def resolve_backend(backend: str = "auto") -> str:
    """``auto`` → ``ctranslate2`` when importable, else ``transformers``."""
    if backend == "auto":
        avail = available_backends()
        if "ctranslate2" in avail:
            return "ctranslate2"
        if "transformers" in avail:
            return "transformers"
        raise DependencyError(
            "no translation backend is installed: pip install 'kzparallel[ctranslate2]'"
        )
    if backend not in BACKENDS:
        raise ModelError(f"unknown backend '{backend}' (choose auto, {', '.join(BACKENDS)})")
    return backend


def backend_class(name: str) -> type[Translator]:
    """Import and return the translator class registered as ``name``."""
    module, _, cls = BACKENDS[resolve_backend(name)].partition(":")
    return getattr(importlib.import_module(module), cls)  # type: ignore[no-any-return]


def _label(backend: str, device: str, quantization: str | None, dtype: str | None) -> str:
    """The backend label of a setup, computed without loading the model.

    It names the precision and, off the CPU, the device (``-cuda``): the same
    model computes other numbers on a GPU, so a GPU build never shares a
    signature or a cache entry with a CPU build."""
    if backend == "ctranslate2":
        from kzparallel.translation import ctranslate2 as ct2

        dev = ct2.resolve_device(device)
        label = f"ctranslate2-{quantization or ct2.default_quantization(dev)}"
        return label + device_suffix(dev)
    if backend == "transformers":
        if device == "auto":
            import torch

            device = "cuda" if torch.cuda.is_available() else "cpu"
        on_gpu = device.startswith("cuda")
        return f"transformers-{dtype or ('fp16' if on_gpu else 'fp32')}" + device_suffix(device)
    return backend


def device_suffix(device: str) -> str:
    """``""`` on the CPU, ``"-cuda"`` on a GPU (part of the backend label)."""
    return "-cuda" if device.startswith("cuda") else ""


@dataclass
class TranslatorSpec:
    """A resolved model + backend setup; :meth:`load` builds the translator.

    Pass ``spec.load`` as the ``translator`` factory of
    :func:`kzparallel.translation.pipeline.translate_segments`: a fully
    cached run never calls it.
    """

    backend: str
    model_ref: ModelRef
    device: str = "auto"
    quantization: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    label: str = ""
    _loaded: Translator | None = field(default=None, repr=False)

    def load(self) -> Translator:
        if self._loaded is None:
            cls = backend_class(self.backend)
            kw = dict(self.options)
            if self.backend == "ctranslate2":
                kw["quantization"] = self.quantization
            elif self.quantization not in (None, "none", "fp32", "float32"):
                raise ModelError("quantization is only supported by the ctranslate2 backend")
            self._loaded = cls(self.model_ref, device=self.device, **kw)  # type: ignore[call-arg]
        return self._loaded

    @property
    def loaded(self) -> bool:
        return self._loaded is not None

    def factory(self) -> Callable[[], Translator]:
        return self.load


def prepare_translator(
    model: str = DEFAULT_MODEL,
    backend: str = "auto",
    device: str = "auto",
    quantization: str | None = None,
    **kw: Any,
) -> TranslatorSpec:
    """Resolve the model and backend; load nothing (see :class:`TranslatorSpec`).

    Extra keyword arguments go to the backend class (e.g. ``alignment=True``,
    ``alignment_layer=-1``, ``dtype="bf16"`` for transformers; ``cache_dir`` for
    ctranslate2; ``workers`` for both: batches translated at once, each on one
    thread, default the CPUs available).
    """
    name = resolve_backend(backend)
    ref = resolve_model(model)
    label = _label(name, device, quantization, kw.get("dtype"))
    return TranslatorSpec(name, ref, device, quantization, dict(kw), label)


def load_translator(
    model: str = DEFAULT_MODEL,
    backend: str = "auto",
    device: str = "auto",
    quantization: str | None = None,
    **kw: Any,
) -> Translator:
    """Resolve, load and return a translator (the model is loaded now)."""
    return prepare_translator(model, backend, device, quantization, **kw).load()
