"""The translation backends, each described by one registry entry.

An entry (:class:`BackendInfo`) says everything the rest of the package knows
about a backend: where its :class:`~kzparallel.translation.base.Translator`
lives (``"module:Class"``, imported only when used), what it needs installed
and the ``pip install`` that fixes a missing piece, the rule of its label (the
``backend:`` field of the signature, known before the model is loaded), its
quantization rule and whether it converts the model once into a cache
directory. ``available_backends``, ``auto``, the ``DependencyError`` line, the
labels, the quantization defaults and the CLI's ``--backend`` choices and help
are all read from :data:`BACKENDS`, so a new backend is one module plus one
entry::

    BACKENDS["reverse"] = BackendInfo("my_package.reverse:ReverseTranslator")

Nothing here imports torch or ctranslate2: a label rule that must ask the
machine (is there a GPU?) imports its library when it runs, after
:meth:`BackendInfo.missing` found it installed.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass

from kzparallel.errors import DependencyError, ModelError

# (device, quantization, dtype) -> the backend label, e.g. "ctranslate2-int8"
LabelRule = Callable[[str, str | None, str | None], str]

# what a backend without quantization accepts as --quantization (and ignores)
NO_QUANTIZATION = (None, "none", "fp32", "float32")


@dataclass(frozen=True)
class Quantization:
    """A backend's quantization rule: the compute type it uses when none is
    given, on the CPU and on a GPU."""

    cpu: str
    cuda: str

    def default(self, device: str) -> str:
        return self.cuda if device.startswith("cuda") else self.cpu


@dataclass(frozen=True)
class BackendInfo:
    """One backend. ``path``: its Translator class, ``"module:Class"``;
    ``requires``: the modules it imports (checked without importing them);
    ``install``: what to ``pip install`` when one is missing; ``label``: the
    label rule (default: the backend's name); ``quantization``: its rule, or
    None when it takes none (the class then gets no ``quantization``
    argument); ``converter``: ``"module:function"`` converting a model once
    (``convert(model_ref, quantization, cache_dir)``), None when the model is
    used as it is — a session converts into its ``--cache-dir``."""

    path: str
    requires: tuple[str, ...] = ()
    install: str = ""
    label: LabelRule | None = None
    quantization: Quantization | None = None
    converter: str | None = None

    def missing(self) -> list[str]:
        """The required modules that are not installed (nothing imported)."""
        return [m for m in self.requires if not importable(m)]

    def dependency_error(self, name: str) -> DependencyError:
        """The one line naming what backend ``name`` needs and the ``pip install``."""
        if len(self.requires) == 1:
            what = f"the '{self.requires[0]}' package"
        else:
            what = " and ".join(f"'{m}'" for m in self.requires)
        return DependencyError(f"the {name} backend needs {what}: pip install {self.install}")

    def label_for(self, name: str, device: str, quantization: str | None, dtype: str | None) -> str:
        return name if self.label is None else self.label(device, quantization, dtype)


def importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def device_suffix(device: str) -> str:
    """``""`` on the CPU, ``"-cuda"`` on a GPU (part of the backend label)."""
    return "-cuda" if device.startswith("cuda") else ""


CT2_QUANTIZATION = Quantization(cpu="int8", cuda="int8_float16")


def ctranslate2_device(device: str) -> str:
    """The device CTranslate2 runs on: ``auto`` is ``cuda`` when CTranslate2
    sees a GPU, else ``cpu``; anything but cpu, cuda or cuda:N is refused."""
    if device == "auto":
        import ctranslate2

        try:
            gpus = ctranslate2.get_cuda_device_count()
        except Exception:  # pragma: no cover - broken CUDA setups
            gpus = 0
        return "cuda" if gpus > 0 else "cpu"
    if device not in ("cpu", "cuda") and not device.startswith("cuda:"):
        raise ModelError(f"unknown device '{device}' (choose auto, cpu or cuda)")
    return device


def _ctranslate2_label(device: str, quantization: str | None, dtype: str | None) -> str:
    """``ctranslate2-<compute type>``, ``-cuda`` on a GPU: the same model
    computes other numbers on a GPU, so a GPU build never shares a signature or
    a cache entry with a CPU build."""
    dev = ctranslate2_device(device)
    return f"ctranslate2-{quantization or CT2_QUANTIZATION.default(dev)}" + device_suffix(dev)


def _transformers_label(device: str, quantization: str | None, dtype: str | None) -> str:
    """``transformers-<dtype>`` (fp32 on the CPU, fp16 on a GPU), ``-cuda`` on a GPU."""
    if device == "auto":
        import torch

        device = "cuda" if torch.cuda.is_available() else "cpu"
    on_gpu = device.startswith("cuda")
    return f"transformers-{dtype or ('fp16' if on_gpu else 'fp32')}" + device_suffix(device)


BACKENDS: dict[str, BackendInfo] = {
    "transformers": BackendInfo(
        "kzparallel.translation.transformers:TransformersTranslator",
        requires=("torch", "transformers"),
        install="torch==2.13.0 transformers",
        label=_transformers_label,
    ),
    "ctranslate2": BackendInfo(
        "kzparallel.translation.ctranslate2:CTranslate2Translator",
        requires=("ctranslate2",),
        install="'kzparallel[ctranslate2]'",
        label=_ctranslate2_label,
        quantization=CT2_QUANTIZATION,
        converter="kzparallel.translation.ctranslate2:convert_model",
    ),
}

# what `--backend auto` picks: the first of these that is installed
AUTO = ("ctranslate2", "transformers")


def backend_choices() -> list[str]:
    """What ``--backend`` accepts: ``auto`` and every registered name."""
    return ["auto", *BACKENDS]


def backend_help() -> str:
    """The ``--backend`` help (the choices are listed beside it, from :func:`backend_choices`)."""
    return f"Translation backend (auto: the first installed of {', '.join(AUTO)})."


def quantization_help() -> str:
    """The ``--quantization`` help: each quantizing backend's default types."""
    rules = [
        f"{name} compute type (default {info.quantization.cpu} on CPU, "
        f"{info.quantization.cuda} on CUDA)"
        for name, info in BACKENDS.items()
        if info.quantization is not None
    ]
    return "; ".join(rules) + "."
