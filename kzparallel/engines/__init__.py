"""Build engines: the layer between the stages and ``build``.

Engines are registered by name in :data:`ENGINES` as ``"module:Class"`` and
imported only when chosen, so ``--engine local`` never imports Ray. Adding an
engine is one module with an :class:`~kzparallel.engines.base.Engine` subclass
and one line here; the stages, the other engines and ``build`` stay as they are.
"""

from __future__ import annotations

import importlib

from kzparallel.engines.base import Engine, EngineRun
from kzparallel.errors import KzError

ENGINES: dict[str, str] = {
    "local": "kzparallel.engines.local:LocalEngine",
    "ray": "kzparallel.engines.ray:RayEngine",
}

__all__ = ["ENGINES", "Engine", "EngineRun", "engine_class"]


def engine_class(name: str) -> type[Engine]:
    """Import and return the engine class registered as ``name``."""
    if name not in ENGINES:
        raise KzError(f"unknown engine '{name}' (choose {', '.join(ENGINES)})")
    module, _, cls = ENGINES[name].partition(":")
    return getattr(importlib.import_module(module), cls)  # type: ignore[no-any-return]
