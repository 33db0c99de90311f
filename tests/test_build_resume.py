"""Kill a real ``kzparallel build`` process (SIGKILL) and resume it.

The build runs as a subprocess; the test polls the translation cache or the
out dir until the build is at the chosen point, kills it there, checks that
nothing in the out dir looks like a complete build, runs the same build again
and compares ``pairs.jsonl``, ``en/`` and ``dataset/`` byte for byte with an
uninterrupted build made with a fresh cache.
"""

from __future__ import annotations

import filecmp
import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kzparallel.translation.cache import DB_NAME

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
# small batches: the cache grows batch by batch (about ten batches for the seeds);
# split seed 3 puts the five seeds in all three splits at 0.6,0.2,0.2
SETTINGS = ("--backend", "transformers", "--beam", "1", "--max-new-tokens", "8",
            "--batch-tokens", "256", "--no-glossary", "--split-by-doc", "0.6,0.2,0.2",
            "--seed", "3")  # fmt: skip
DETERMINISTIC = ("pairs.jsonl", "en", "dataset")
TIMEOUT_S = 120.0


def build_cmd(model: Path, out: Path, cache: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "kzparallel", "build", str(SEEDS), "--out", str(out),
            "--model", str(model), "--cache-dir", str(cache), *SETTINGS, *extra]  # fmt: skip


def run_build(model: Path, out: Path, cache: Path, *extra: str) -> dict[str, Any]:
    """An uninterrupted build; returns its manifest."""
    proc = subprocess.run(build_cmd(model, out, cache, *extra), capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def cached_rows(cache: Path) -> int:
    db = cache / DB_NAME
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2) as conn:
            return int(conn.execute("SELECT count(*) FROM translations").fetchone()[0])
    except sqlite3.Error:  # not created yet, or locked for a moment
        return 0


def hidden(out: Path, prefix: str) -> bool:
    return out.is_dir() and any(p.name.startswith(prefix) for p in out.iterdir())


# kill points: condition on (out, cache)
KILL_POINTS: dict[str, Callable[[Path, Path], bool]] = {
    # the first batches are in the cache, most of the corpus is not translated yet
    "translating": lambda out, cache: cached_rows(cache) >= 3,
    # pairs.jsonl is written into the work folder, the output shards (en/, the
    # parquet files) are being written there too: nothing of them in place yet
    "writing-shards": lambda out, cache: (
        (out / ".build-work" / "en").is_dir() and not (out / ".build-work" / "dataset").exists()
    ),
}
# the write phase is reached in seconds with every translation cached
WARM = {"writing-shards"}


def kill_when(cmd: list[str], out: Path, cache: Path, point: str) -> None:
    """Start the build, SIGKILL it as soon as ``point`` is reached."""
    condition = KILL_POINTS[point]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + TIMEOUT_S
    try:
        while not condition(out, cache):
            if proc.poll() is not None:
                _, err = proc.communicate()
                pytest.fail(
                    f"the build ended (exit {proc.returncode}) before the kill point "
                    f"'{point}' was seen: make the test build slower\n{err.decode()}"
                )
            if time.monotonic() > deadline:
                pytest.fail(f"kill point '{point}' not reached in {TIMEOUT_S:.0f} s")
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the build finished before it could be killed"


def snapshot(out: Path) -> dict[str, bytes]:
    """Every visible file under ``out`` (hidden temporaries left by a kill excluded)."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(out).parts)
    }


def assert_same_outputs(a: Path, b: Path) -> None:
    for name in DETERMINISTIC:
        if (a / name).is_file():
            assert filecmp.cmp(a / name, b / name, shallow=False), name
        else:
            left, right = snapshot(a / name), snapshot(b / name)
            assert sorted(left) == sorted(right), name
            for rel in left:
                assert left[rel] == right[rel], f"{name}/{rel}"


@pytest.fixture(scope="module")
def reference(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The uninterrupted build (fresh cache; ``../cache`` is its cache afterwards)."""
    root = tmp_path_factory.mktemp("reference")
    manifest = run_build(tiny_model, root / "out", root / "cache")
    assert manifest["counts"]["cache_hits"] == 0
    assert manifest["counts"]["pairs"] > 50  # enough batches to kill in between
    assert list(manifest["counts"]["splits"]["rows"]) == ["train", "validation", "test"]
    return root / "out"


def start_cache(point: str, reference: Path, cache: Path) -> None:
    """Write-phase kill points start from the reference's cache (else the
    translation would take most of the test's time)."""
    if point in WARM:
        shutil.copytree(reference.parent / "cache", cache)


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_killed_build_resumes_byte_identical(
    point: str, tiny_model: Path, reference: Path, tmp_path: Path
) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    start_cache(point, reference, cache)
    kill_when(build_cmd(tiny_model, out, cache), out, cache, point)

    # nothing that looks like a finished build
    assert not (out / "manifest.json").exists()
    assert not (out / "report.html").exists()
    assert not (out / "en").exists()
    assert not (out / "dataset").exists()
    assert not (out / "pairs.jsonl").exists()  # put in place only with the other outputs
    rows = cached_rows(cache)
    assert rows > 0  # what was translated before the kill survived it

    manifest = run_build(tiny_model, out, cache)
    counts = manifest["counts"]
    assert counts["cache_hits"] >= rows - 1 > 0  # (a repeated sentence is one row)
    assert counts["cache_hits"] + counts["cache_misses"] == counts["pairs"]
    if point != "translating":
        assert counts["cache_misses"] == 0
    assert_same_outputs(reference, out)
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]  # temporaries gone


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_kill_over_a_complete_build(
    point: str, tiny_model: Path, reference: Path, tmp_path: Path
) -> None:
    """A build killed over an out dir that holds a complete build, while
    translating or while the output shards are written: the old build is all
    intact, its manifest in place (the new outputs are put in place only once
    they are all written)."""
    out, cache = tmp_path / "out", tmp_path / "cache"
    start_cache(point, reference, cache)
    shutil.copytree(reference, out)
    before = snapshot(out)
    # another split seed: another dataset/ and manifest
    kill_when(build_cmd(tiny_model, out, cache, "--seed", "7"), out, cache, point)
    assert snapshot(out) == before
    if point == "translating":
        return  # resuming after such a kill: test_killed_build_resumes_byte_identical
    manifest = run_build(tiny_model, out, cache)  # the original settings again
    assert manifest["counts"]["cache_hits"] > 0
    assert_same_outputs(reference, out)
