"""``kzparallel build --engine ray`` on a local Ray: the same bytes as the local engine.

One Ray session for the whole test session (``ray_local`` in conftest.py, with
as many CPUs as the machine has).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from conftest import Cli

from kzparallel.builder import BuildSettings, build
from kzparallel.errors import DependencyError, KzError
from kzparallel.translation.base import available_cpus

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
PARQUETS = [f"dataset/data/{s}-00000-of-00001.parquet" for s in ("train", "test")]

pytestmark = [pytest.mark.ray, pytest.mark.slow]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The five seeds plus a JSONL with one good and one malformed line and an empty file."""
    d = tmp_path_factory.mktemp("ray-inputs")
    seed = (SEEDS / "003_a7048d873e8d821e.txt").read_text(encoding="utf-8")
    paras = [p for p in seed.splitlines() if p.strip()]
    good = json.dumps({"id": "jsonl-1", "text": "\n\n".join(paras[2:4])}, ensure_ascii=False)
    (d / "batch.jsonl").write_text(good + "\n{broken\n", encoding="utf-8")
    (d / "empty.txt").write_bytes(b"")
    # kept with a warning: one invalid UTF-8 byte in an Arabic paragraph
    (d / "bytes.txt").write_bytes(paras[5].encode("utf-8") + b" \xff\n")
    return [str(SEEDS), str(d / "batch.jsonl"), str(d / "empty.txt"), str(d / "bytes.txt")]


def _args(model: Path, cache: Path) -> list[str]:
    return [
        "--model", str(model), "--backend", "transformers", "--beam", "1",
        "--max-new-tokens", "16", "--cache-dir", str(cache),
    ]  # fmt: skip


def _outputs(out: Path) -> dict[str, bytes]:
    """pairs.jsonl, en/ and every file of dataset/."""
    files = [out / "pairs.jsonl", *sorted((out / "en").iterdir())]
    files += sorted(p for p in (out / "dataset").rglob("*") if p.is_file())
    return {str(f.relative_to(out)): f.read_bytes() for f in files}


def test_ray_build_is_byte_identical_with_the_local_build(
    ray_local: object,
    tiny_model: Path,
    inputs: list[str],
    tmp_path: Path,
    cli: Cli,
) -> None:
    local, ray_out = tmp_path / "local", tmp_path / "ray"
    code_l, out_l, err_l = cli(
        "build", *inputs, "--out", str(local), *_args(tiny_model, tmp_path / "c1")
    )
    cpus = available_cpus()  # as many actors as the machine has cores
    code_r, out_r, err_r = cli(
        "build", *inputs, "--out", str(ray_out), *_args(tiny_model, tmp_path / "c2"),
        "--engine", "ray", "--num-workers", str(cpus),
    )  # fmt: skip
    # the engine says how it fitted the actors beside the read tasks, then the same
    # per-document warnings as the local build, in the same order
    fitted, err_r = err_r.split("\n", 1)
    assert fitted == fitted_line(cpus, cpus)
    batch, empty, replaced = inputs[1], inputs[2], inputs[3]
    assert err_r.splitlines() == [
        f"warning: skipped {batch}: line 2: invalid JSON",
        f"warning: skipped {empty}: file is empty",
        f"warning: {replaced}: invalid UTF-8, 1 bytes replaced with U+FFFD",
        "warning: no document is in validation: 7 cluster(s) are too few for ratios 0.8,0.1,0.1"
        " (each cluster's split is drawn from a hash of its id, so a small corpus can leave a"
        " split empty)",
        "warning: 2 of 9 inputs skipped",
    ]
    assert err_l == err_r
    assert code_l == code_r == 3  # finished, some inputs skipped
    n = len((ray_out / "pairs.jsonl").read_bytes().splitlines())
    assert out_r == out_l.replace(str(local), str(ray_out))
    assert out_r.startswith(f"7 documents, {n} pairs (")

    # jsonl-1 repeats two paragraphs of 003: repeated sentences are marked (and left
    # out of the dataset) identically by both engines
    pairs = [json.loads(line) for line in (ray_out / "pairs.jsonl").open("rb")]
    assert any(p["doc_id"] == "jsonl-1" and p["duplicate_of"] for p in pairs)
    ray_files, local_files = _outputs(ray_out), _outputs(local)
    assert sorted(ray_files) == sorted(local_files)
    assert len([f for f in ray_files if f.startswith("en/")]) == 14  # .txt and .md
    assert [f for f in sorted(ray_files) if f.endswith(".parquet")] == sorted(PARQUETS)
    for name, data in local_files.items():
        assert ray_files[name] == data, name

    manifest = json.loads((ray_out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["settings"]["engine"] == "ray"
    assert manifest["settings"]["engine_options"] == {"num_workers": cpus}
    # a fresh cache: every distinct text of a batch looked up once (a text that two
    # batches share may be a hit when another actor stored it first: timing-dependent)
    counts = manifest["counts"]
    distinct = {json.loads(line)["ar"] for line in (ray_out / "pairs.jsonl").open("rb")}
    assert len(distinct) <= counts["cache_hits"] + counts["cache_misses"] <= n
    assert counts["cache_misses"] >= len(distinct)
    assert [d["doc_id"] for d in manifest["documents"]] == [
        "000_2c12d225e0c03558",
        "001_091792376c92b7db",
        "002_0f918022c33d9c19",
        "003_a7048d873e8d821e",
        "004_4496b14b8fd8a434",
        "bytes",
        "jsonl-1",
    ]

    # a second Ray build on the same cache: every segment from the cache, same bytes
    again = tmp_path / "again"
    result = build(
        inputs,
        again,
        BuildSettings(
            model=str(tiny_model), backend="transformers", beam=1, max_new_tokens=16,
            cache_dir=str(tmp_path / "c2"), engine="ray",
        ),
    )  # fmt: skip
    assert result.cache_misses == 0
    assert len(distinct) <= result.cache_hits <= n
    assert result.skipped == [f"{batch}: line 2: invalid JSON", f"{empty}: file is empty"]
    assert _outputs(again) == ray_files


def fitted_line(workers: int, cpus: int) -> str:
    """What the engine says when ``workers`` actors and the read tasks must share
    ``cpus`` CPUs: min(workers, cpus) actors asking for (cpus - 0.5) / actors CPU each."""
    n = min(workers, cpus)
    head = (
        f"--num-workers {workers} but the Ray cluster has {cpus} CPU(s) available: "
        f"{n} translation actor(s)"
        if workers > cpus
        else f"{n} translation actor(s) on {cpus} CPU(s)"
    )
    share = round((cpus - 0.5) / n, 3)
    return (
        f"warning: ray: {head}, each asking for {share:g} CPU and each read task for 0.5 CPU, "
        "so that reading runs beside them"
    )


def test_more_workers_than_cpus_fit_and_give_the_same_bytes(
    ray_local: object, tiny_model: Path, tmp_path: Path, cli: Cli
) -> None:
    cpus = available_cpus()
    seed = str(SEEDS / "003_a7048d873e8d821e.txt")
    code, out, err = cli(
        "build", seed, "--out", str(tmp_path / "ray"), *_args(tiny_model, tmp_path / "c1"),
        "--engine", "ray", "--num-workers", str(cpus + 1),
    )  # fmt: skip
    assert code == 0
    assert err.splitlines()[0] == fitted_line(cpus + 1, cpus)
    assert out.startswith("1 documents, ")
    cli("build", seed, "--out", str(tmp_path / "local"), *_args(tiny_model, tmp_path / "c2"))
    assert _outputs(tmp_path / "ray") == _outputs(tmp_path / "local")


def test_ray_build_of_nothing_readable_is_one_error(
    ray_local: object, tiny_model: Path, tmp_path: Path, cli: Cli
) -> None:
    missing = tmp_path / "nope.txt"
    code, out, err = cli(
        "build", str(missing), "--out", str(tmp_path / "o"),
        *_args(tiny_model, tmp_path / "c"), "--engine", "ray",
    )  # fmt: skip
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"warning: skipped {missing}: no such file or directory",
        "error: no sentence pair was produced: no document could be read (1 skipped)",
    ]
    assert not (tmp_path / "o" / "pairs.jsonl").exists()


def test_missing_ray_is_a_one_line_error(
    monkeypatch: pytest.MonkeyPatch, tiny_model: Path, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` raises ImportError
    settings = BuildSettings(model=str(tiny_model), backend="transformers", engine="ray")
    with pytest.raises(DependencyError) as info:
        build([SEEDS], tmp_path / "o", settings)
    assert str(info.value) == (
        "--engine ray needs the 'ray' package: pip install 'kzparallel[ray]'"
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"adress": "x"}, "unknown ray engine option(s): adress"),
        ({"num_workers": 0}, "--num-workers must be at least 1"),
        ({"gpus_per_worker": -1}, "--gpus-per-worker must be >= 0"),
    ],
)
def test_bad_engine_options(tmp_path: Path, options: dict[str, object], message: str) -> None:
    settings = BuildSettings(engine="ray", engine_options=options)
    with pytest.raises(KzError) as info:
        build([SEEDS], tmp_path / "o", settings)
    assert str(info.value) == message
