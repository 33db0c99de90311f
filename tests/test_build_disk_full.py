"""A full disk during a build over a complete build: the previous build stays
complete, its manifest in place, until the new one is complete.

The good build of the seeds is made once; each case copies it, then builds
over it with another split seed (other splits, another manifest) while one
write of the output stage fails with ``ENOSPC``, or on a small tmpfs that
really fills up. Every file of the out dir must be byte for byte as before,
nothing hidden left behind, and the error one line.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import pytest

import kzparallel.atomic
import kzparallel.incremental
import kzparallel.outputs
from kzparallel.cli import main
from kzparallel.shards import ShardJob, ShardResult

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
FAST = ("--backend", "transformers", "--beam", "1", "--max-new-tokens", "8",
        "--no-glossary", "--split-by-doc", "0.6,0.2,0.2")  # fmt: skip
FULL = os.strerror(errno.ENOSPC).lower()


def build_args(model: Path, out: Path, cache: Path, seed: str) -> list[str]:
    return ["build", str(SEEDS), "--out", str(out), "--model", str(model),
            "--cache-dir", str(cache), *FAST, "--seed", seed]  # fmt: skip


@pytest.fixture(scope="module")
def good(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A complete build (split seed 3); ``../cache`` holds its translations."""
    root = tmp_path_factory.mktemp("good")
    try:
        main(build_args(tiny_model, root / "out", root / "cache", "3"))
    except SystemExit as exc:
        assert not exc.code, exc.code
    assert (root / "out" / "manifest.json").is_file()
    return root / "out"


def files(out: Path) -> dict[str, bytes]:
    """Every file under ``out``, hidden ones included."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()
    }


def full_disk() -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def fail_writing(name: str) -> Callable[[pytest.MonkeyPatch], None]:
    """``atomic_open`` of a file called ``name`` writes it, then the disk is full."""
    real = kzparallel.atomic.atomic_open

    @contextlib.contextmanager
    def atomic_open(path: str | os.PathLike[str], *args: Any, **kwargs: Any) -> Iterator[IO]:
        with real(path, *args, **kwargs) as fh:
            yield fh
            if Path(path).name == name:
                raise full_disk()

    def patch(monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(kzparallel.atomic, "atomic_open", atomic_open)

    return patch


def fail_shard(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shard writer writes its en/ articles and parquet pieces, then the disk is full."""
    real = kzparallel.outputs.write_shard

    def write_shard(job: ShardJob) -> ShardResult:
        real(job)
        raise full_disk()

    monkeypatch.setattr(kzparallel.outputs, "write_shard", write_shard)


def fail_keeping(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keeping the previous manifest and pairs in .previous/ (hard link or copy)."""

    def link_or_copy(src: Path, dst: Path) -> None:
        raise full_disk()

    monkeypatch.setattr(kzparallel.incremental, "_link_or_copy", link_or_copy)


# where the disk fills up, in the order the output stage writes
PHASES: dict[str, Callable[[pytest.MonkeyPatch], None]] = {
    "pairs.jsonl": fail_writing("pairs.jsonl"),
    "shards": fail_shard,
    "dataset card": fail_writing("README.md"),
    "consistency.json": fail_writing("consistency.json"),
    "report.html": fail_writing("report.html"),
    "manifest.json": fail_writing("manifest.json"),
    ".previous": fail_keeping,
}


def error_line(out: Path) -> str:
    return (
        f"error: {out}: {FULL} while writing the outputs (build incomplete; the previous "
        "build in it is complete; run it again when fixed: the translations are cached)\n"
    )


@pytest.mark.parametrize("phase", list(PHASES))
def test_full_disk_leaves_the_previous_build_complete(
    phase: str,
    good: Path,
    tiny_model: Path,
    tmp_path: Path,
    cli: Callable[..., tuple[int, str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    shutil.copytree(good, out)
    shutil.copytree(good.parent / "cache", cache)
    before = files(out)
    PHASES[phase](monkeypatch)
    code, stdout, stderr = cli(*build_args(tiny_model, out, cache, "7"))
    assert (code, stdout, stderr) == (1, "", error_line(out))
    assert files(out) == before  # manifest, pairs.jsonl, en/, dataset/, report: all as they were
    monkeypatch.undo()
    # the disk has room again: the build goes through (another split seed: other outputs)
    code, _, stderr = cli(*build_args(tiny_model, out, cache, "7"))
    assert code == 0, stderr
    after = files(out)
    assert after["manifest.json"] != before["manifest.json"]
    assert not [name for name in after if name.startswith(".")]


@pytest.fixture()
def small_tmpfs(tmp_path: Path) -> Iterator[Callable[[int], Path]]:
    mounted: list[Path] = []

    def mount(size: int) -> Path:
        d = tmp_path / f"tmpfs-{size}"
        d.mkdir()
        proc = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(d)],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here ({proc.stderr.strip() or proc.returncode})")
        mounted.append(d)
        return d

    yield mount
    for d in mounted:
        subprocess.run(["umount", str(d)], check=False)


def disk_usage(root: Path) -> int:
    """Bytes ``root`` takes on a tmpfs (whole pages per file)."""
    page = 4096
    return sum(-(-p.stat().st_size // page) * page for p in root.rglob("*") if p.is_file())


# free room beside the good build, as a share of its size: the seeds' build (about
# 310 KB) then fills the disk while staging, writing pairs.jsonl, the shards' parquet
# files, report.html
@pytest.mark.parametrize("room", [0.05, 0.4, 0.8, 1.2])
def test_a_really_full_disk_leaves_the_previous_build_complete(
    room: float,
    good: Path,
    tiny_model: Path,
    tmp_path: Path,
    cli: Callable[..., tuple[int, str, str]],
    small_tmpfs: Callable[[int], Path],
) -> None:
    cache = tmp_path / "cache"
    shutil.copytree(good.parent / "cache", cache)
    dirs = sum(1 for p in good.rglob("*") if p.is_dir()) + 1
    used = disk_usage(good)
    out = small_tmpfs(used + dirs * 4096 + int(used * room) // 4096 * 4096) / "out"
    shutil.copytree(good, out)
    before = files(out)
    code, stdout, stderr = cli(*build_args(tiny_model, out, cache, "7"))
    assert (code, stdout, stderr) == (1, "", error_line(out))
    assert files(out) == before
