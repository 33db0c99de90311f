"""Translation: Arabic segments → English, through transformers or CTranslate2.

Entry points::

    from kzparallel.translation import load_translator, prepare_translator, resolve_model

    spec = prepare_translator("Helsinki-NLP/opus-mt-ar-en", backend="auto")
    spec.label        # "ctranslate2-int8" — known without loading the model
    spec.model_ref    # ModelRef(model_id, revision, path)
    translator = spec.load()   # loads (and converts, once) the model

Backends are registered by name in :data:`BACKENDS`, one
:class:`~kzparallel.translation.registry.BackendInfo` each (``"module:Class"``,
requirements, label and quantization rules), and imported only when used, so
``import kzparallel.translation`` stays light and the ctranslate2 path never
imports torch.
"""

from __future__ import annotations

import importlib
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
from kzparallel.translation.registry import (
    AUTO,
    BACKENDS,
    NO_QUANTIZATION,
    BackendInfo,
    Quantization,
    device_suffix,
)

__all__ = [
    "BACKENDS",
    "DEFAULT_MODEL",
    "BackendInfo",
    "DecodingConfig",
    "Hypothesis",
    "ModelRef",
    "Quantization",
    "TermHints",
    "Translation",
    "Translator",
    "TranslatorSpec",
    "available_backends",
    "backend_class",
    "device_suffix",
    "load_translator",
    "prepare_translator",
    "resolve_backend",
    "resolve_model",
]


def available_backends() -> list[str]:
    """Registered backends whose requirements are installed (nothing imported)."""
    return [name for name, info in BACKENDS.items() if not info.missing()]


def resolve_backend(backend: str = "auto") -> str:
    """``auto`` → the first installed backend of :data:`~kzparallel.translation.registry.AUTO`
    (``ctranslate2``, else ``transformers``); any other name must be registered."""
    if backend == "auto":
        avail = available_backends()
        for name in AUTO:
            if name in avail:
                return name
        raise DependencyError(
            f"no translation backend is installed: pip install {BACKENDS[AUTO[0]].install}"
        )
    if backend not in BACKENDS:
        raise ModelError(f"unknown backend '{backend}' (choose auto, {', '.join(BACKENDS)})")
    return backend


def _installed(name: str) -> BackendInfo:
    """The entry of backend ``name``; a DependencyError when it is not installed."""
    info = BACKENDS[name]
    if info.missing():
        raise info.dependency_error(name)
    return info


def backend_class(name: str) -> type[Translator]:
    """Import and return the translator class registered as ``name``."""
    name = resolve_backend(name)
    module, _, cls = _installed(name).path.partition(":")
    return getattr(importlib.import_module(module), cls)  # type: ignore[no-any-return]


def _label(backend: str, device: str, quantization: str | None, dtype: str | None) -> str:
    """The backend label of a setup, computed without loading the model, by the
    entry's label rule: it names the precision and, off the CPU, the device
    (``-cuda``), so a GPU build never shares a signature or a cache entry with a
    CPU build."""
    return _installed(backend).label_for(backend, device, quantization, dtype)


def _quantizing() -> str:
    return ", ".join(n for n, i in BACKENDS.items() if i.quantization is not None)


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
            if BACKENDS[self.backend].quantization is not None:
                kw["quantization"] = self.quantization
            elif self.quantization not in NO_QUANTIZATION:
                raise ModelError(f"quantization is only supported by the {_quantizing()} backend")
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
