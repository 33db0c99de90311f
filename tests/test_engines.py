"""The engine layer: a name → class registry with lazy imports, engines that use
only the stages, and ``build`` on top."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kzparallel.build import BuildSettings, build
from kzparallel.engines import ENGINES, Engine, engine_class
from kzparallel.errors import KzError

ROOT = Path(__file__).resolve().parent.parent


def _modules_after(statement: str) -> set[str]:
    """The kzparallel (and ray) modules a fresh interpreter has loaded after ``statement``."""
    code = (
        f"import sys, json\n{statement}\n"
        "print(json.dumps(sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('kzparallel', 'ray'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(json.loads(out.stdout))


@pytest.mark.parametrize("name", sorted(ENGINES))
def test_engines_use_only_the_stages(name: str) -> None:
    module = ENGINES[name].partition(":")[0]
    loaded = _modules_after(f"import {module}")
    assert "kzparallel.build" not in loaded
    assert not {m for m in loaded if m.startswith("kzparallel.engines.") and m != module} - {
        "kzparallel.engines.base"
    }


def test_the_local_engine_never_imports_ray() -> None:
    loaded = _modules_after("from kzparallel.engines import engine_class; engine_class('local')")
    assert "kzparallel.engines.local" in loaded
    assert not {m for m in loaded if m == "ray" or m.startswith(("ray.", "kzparallel.engines.ray"))}


def test_registry_names_engine_classes() -> None:
    for name in ENGINES:
        if name == "ray":
            pytest.importorskip("ray")
        cls = engine_class(name)
        assert issubclass(cls, Engine)
        assert cls.name == name


def test_unknown_engine_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(KzError) as info:
        build(["seeds"], tmp_path / "o", BuildSettings(engine="spark"))
    assert str(info.value) == "unknown engine 'spark' (choose local, ray)"
