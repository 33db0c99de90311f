"""The engine layer: a name → class registry with lazy imports, engines that use
only the stages, and ``build`` on top."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kzparallel.builder import BuildSettings, build
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
    assert "kzparallel.builder" not in loaded
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


def test_ray_options_on_the_local_engine_are_one_line(tmp_path: Path) -> None:
    settings = BuildSettings(engine="local", engine_options={"address": "ray://x:10001"})
    with pytest.raises(KzError) as info:
        build(["seeds"], tmp_path / "o", settings)
    assert str(info.value) == "--ray-address is an option of --engine ray"


# workers, GPUs per worker, CPUs and GPUs available -> actors, CPUs per actor and per
# task, the line the build prints
POOLS = [
    (1, 0, 2, 0, (1, 1.0, 1.0, "")),
    (4, 0, 16, 0, (4, 1.0, 1.0, "")),
    (2, 0, 2, 0, (2, 0.75, 0.5, "ray: 2 translation actor(s) on 2 CPU(s), each asking for "
     "0.75 CPU and each read task for 0.5 CPU, so that reading runs beside them")),
    (3, 0, 2, 0, (2, 0.75, 0.5, "ray: --num-workers 3 but the Ray cluster has 2 CPU(s) "
     "available: 2 translation actor(s), each asking for 0.75 CPU and each read task for "
     "0.5 CPU, so that reading runs beside them")),
    (1, 0, 1, 0, (1, 0.5, 0.5, "ray: 1 translation actor(s) on 1 CPU(s), each asking for "
     "0.5 CPU and each read task for 0.5 CPU, so that reading runs beside them")),
    (4, 1, 16, 2, (2, 1.0, 1.0, "ray: --num-workers 4 but the Ray cluster has 2 GPU(s) "
     "available, 1 per actor: 2 translation actor(s)")),
]  # fmt: skip


@pytest.mark.parametrize(("workers", "gpw", "cpus", "gpus", "expected"), POOLS)
def test_ray_pool_fits_the_cluster(
    workers: int, gpw: float, cpus: float, gpus: float, expected: tuple[int, float, float, str]
) -> None:
    from kzparallel.engines.ray import RayOptions, size_pool

    size = size_pool(RayOptions(num_workers=workers, gpus_per_worker=gpw), cpus, gpus)
    assert (size.actors, size.actor_cpus, size.task_cpus, size.note) == expected


@pytest.mark.parametrize(
    ("gpw", "cpus", "gpus", "message"),
    [
        (1, 8, 0, "--gpus-per-worker 1: the Ray cluster has 0 GPU(s) available, "
         "not enough for one translation actor"),
        (0, 0.5, 0, "the Ray cluster has 0.5 CPU(s) available, not enough for one "
         "translation actor"),
    ],
)  # fmt: skip
def test_ray_pool_that_cannot_fit_is_one_line(
    gpw: float, cpus: float, gpus: float, message: str
) -> None:
    from kzparallel.engines.ray import RayOptions, size_pool

    with pytest.raises(KzError) as info:
        size_pool(RayOptions(num_workers=2, gpus_per_worker=gpw), cpus, gpus)
    assert str(info.value) == message


def test_shards_are_whole_documents_of_at_least_n_pairs() -> None:
    from kzparallel.shards import plan_shards
    from kzparallel.staging import StagedDoc

    docs = [StagedDoc(f"d{i}", "", None, 1, n, pairs=n) for i, n in enumerate([3, 4, 1, 6, 2])]
    assert [[d.doc_id for d in s] for s in plan_shards(docs, 5)] == [
        ["d0", "d1"],
        ["d2", "d3"],
        ["d4"],
    ]
    assert [[d.doc_id for d in s] for s in plan_shards(docs, 100)] == [[f"d{i}" for i in range(5)]]
