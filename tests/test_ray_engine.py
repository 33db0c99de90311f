"""``kzparallel build --engine ray`` on a local Ray: the same bytes as the local engine.

One Ray session for the whole module (start-up is ~10 s). The tests skip only
when ``ray`` is not importable and ``KZPARALLEL_REQUIRE_RAY`` is unset (CI sets it,
so a missing Ray fails there instead of passing silently).
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import Cli

from kzparallel.build import BuildSettings, build
from kzparallel.errors import DependencyError, KzError

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
PARQUETS = [f"dataset/data/{s}-00000-of-00001.parquet" for s in ("train", "test")]

pytestmark = [pytest.mark.ray, pytest.mark.slow]


@pytest.fixture(scope="module")
def ray_local() -> Iterator[object]:
    if importlib.util.find_spec("ray") is None:
        if os.environ.get("KZPARALLEL_REQUIRE_RAY"):
            pytest.fail("ray is not installed but KZPARALLEL_REQUIRE_RAY is set")
        pytest.skip("ray is not installed (pip install 'kzparallel[ray]')")
    import ray

    # 4 logical CPUs on a 2-core machine: the read tasks and two actors fit at once
    ray.init(num_cpus=4, include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR)
    yield ray
    ray.shutdown()


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
    files = [out / "pairs.jsonl", *(out / p for p in PARQUETS), out / "dataset" / "README.md"]
    files += sorted((out / "en").iterdir())
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
    code_r, out_r, err_r = cli(
        "build", *inputs, "--out", str(ray_out), *_args(tiny_model, tmp_path / "c2"),
        "--engine", "ray", "--num-workers", "2",
    )  # fmt: skip
    # the same per-document warnings, in the same order; the good documents are kept
    batch, empty, replaced = inputs[1], inputs[2], inputs[3]
    assert err_r.splitlines() == [
        f"warning: skipped {batch}: line 2: invalid JSON",
        f"warning: skipped {empty}: file is empty",
        f"warning: {replaced}: invalid UTF-8, 1 bytes replaced with U+FFFD",
        "warning: no document is in validation: 7 cluster(s) are too few for ratios 0.8,0.1,0.1"
        " (each cluster's split is drawn from a hash of its id, so a small corpus can leave a"
        " split empty)",
    ]
    assert err_l == err_r
    assert code_l == code_r == 2  # finished, some inputs skipped
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
    for name, data in local_files.items():
        assert ray_files[name] == data, name

    manifest = json.loads((ray_out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["settings"]["engine"] == "ray"
    assert manifest["settings"]["engine_options"] == {"num_workers": 2}
    # a fresh cache: every segment looked up once; a text that two documents share
    # may be a hit when another actor stored it first (timing-dependent)
    counts = manifest["counts"]
    distinct = {json.loads(line)["ar"] for line in (ray_out / "pairs.jsonl").open("rb")}
    assert counts["cache_hits"] + counts["cache_misses"] == n
    assert counts["cache_misses"] >= len(distinct)
    assert [d["doc_id"] for d in manifest["documents"]] == [
        "000_2c12d225e0c03558",
        "001_091792376c92b7db",
        "002_0f918022c33d9c19",
        "003_a7048d873e8d821e",
        "004_4496b14b8fd8a434",
        "jsonl-1",
        "bytes",
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
    assert (result.cache_hits, result.cache_misses) == (n, 0)
    assert result.skipped == [f"{batch}: line 2: invalid JSON", f"{empty}: file is empty"]
    assert _outputs(again) == ray_files


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
