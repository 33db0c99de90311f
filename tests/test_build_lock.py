"""One build per output folder (``kzparallel.build_lock``).

A real second ``kzparallel build`` into a folder another build is writing is
refused at once with one line naming the folder, the other build's PID and
start time; a lock left by a killed build is taken over with a warning; an
export is refused while a build writes, and a build while an export reads.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kzparallel.build_lock import LOCK_FILE, Holder, build_lock, read_lock
from kzparallel.errors import KzError

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOOD = SEEDS / "004_4496b14b8fd8a434.txt"
FAST = ("--backend", "transformers", "--max-new-tokens", "8", "--beam", "1", "--no-glossary")

Run = Callable[..., tuple[int, str, str]]

HOLD = """
import sys, time
from kzparallel.build_lock import build_lock, read_lock
lock = build_lock(sys.argv[1]) if sys.argv[2] == "build" else read_lock(sys.argv[1])
with lock:
    print("locked", flush=True)
    time.sleep(600)
"""


def build_args(out: Path, model: Path, cache: Path, *inputs: Path) -> list[str]:
    return ["build", *(str(p) for p in inputs or (GOOD,)), "--out", str(out),
            "--model", str(model), "--cache-dir", str(cache), *FAST]  # fmt: skip


@pytest.fixture()
def holder(tmp_path: Path) -> Iterator[Callable[[Path, str], subprocess.Popen[str]]]:
    """Start a process that holds a folder's lock (``build`` or ``read``) until killed."""
    procs: list[subprocess.Popen[str]] = []

    def start(out: Path, how: str) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [sys.executable, "-c", HOLD, str(out), how],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        procs.append(proc)
        assert proc.stdout is not None
        assert proc.stdout.readline() == "locked\n", proc.stderr.read() if proc.stderr else ""
        return proc

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def lock_holder(out: Path) -> Holder:
    holder = Holder.parse((out / LOCK_FILE).read_text(encoding="utf-8"))
    assert holder is not None
    return holder


def busy_line(out: Path, holder: Holder, who: str = "a build") -> str:
    return (
        f"error: {out}: {who} (PID {holder.pid}, started {holder.started}) is writing this "
        "folder (one build per folder); wait for it to finish or choose another --out\n"
    )


def test_second_real_build_is_refused_at_once(cli: Run, tiny_model: Path, tmp_path: Path) -> None:
    """Two ``kzparallel build`` processes into one --out: the second exits 1 at
    once, the first finishes a whole build."""
    out, cache = tmp_path / "out", tmp_path / "cache"
    first = subprocess.Popen(
        [sys.executable, "-m", "kzparallel", *build_args(out, tiny_model, cache, SEEDS)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        deadline = time.monotonic() + 60
        while not (out / LOCK_FILE).is_file() or not (out / LOCK_FILE).stat().st_size:
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline, "the first build never took the lock"
            time.sleep(0.01)
        holder = lock_holder(out)
        assert holder.pid == first.pid
        t = time.monotonic()
        code, stdout, stderr = cli(*build_args(out, tiny_model, tmp_path / "cache2"))
        assert time.monotonic() - t < 10  # refused at once, no model loaded
        assert (code, stdout, stderr) == (1, "", busy_line(out, holder))
        _, err = first.communicate(timeout=300)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert first.returncode == 0, err
    assert "Traceback" not in err
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["documents"] == 5  # the first build's, whole
    assert not (out / LOCK_FILE).exists()  # the lock goes with the build


def test_lock_left_by_a_killed_build_is_taken_over(
    cli: Run, tiny_model: Path, tmp_path: Path, holder: Callable[[Path, str], subprocess.Popen[str]]
) -> None:
    out = tmp_path / "out"
    proc = holder(out, "build")
    old = lock_holder(out)
    assert old.pid == proc.pid
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert (out / LOCK_FILE).is_file()  # a killed build removes nothing
    code, _, stderr = cli(*build_args(out, tiny_model, tmp_path / "cache"))
    assert code == 0, stderr
    assert stderr.splitlines()[0] == (
        f"warning: {out}: taking over the lock of a build that is no longer running "
        f"(PID {old.pid}, started {old.started})"
    )
    assert (out / "manifest.json").is_file()
    assert not (out / LOCK_FILE).exists()


@pytest.mark.parametrize(
    ("how", "command"),
    [
        ("build", "build"),  # a build holds it: another build is refused
        ("build", "export"),  # a build holds it: an export is refused
        ("read", "build"),  # an export reads: a build is refused
    ],
)
def test_refused_while_held(
    cli: Run,
    tiny_model: Path,
    tmp_path: Path,
    holder: Callable[[Path, str], subprocess.Popen[str]],
    how: str,
    command: str,
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "pairs.jsonl").write_text("", encoding="utf-8")
    before = sorted(p.name for p in out.iterdir())
    holder(out, how)
    if command == "build":
        code, stdout, stderr = cli(*build_args(out, tiny_model, tmp_path / "cache"))
    else:
        code, stdout, stderr = cli(
            "export", str(out), "--format", "tmx", "--out", str(tmp_path / "x.tmx")
        )
    if how == "build":
        held = lock_holder(out)
        expected = (
            busy_line(out, held)
            if command == "build"
            else f"error: {out}: a build (PID {held.pid}, started {held.started}) is writing "
            "this folder; read it when that has finished\n"
        )
    else:
        expected = (
            f"error: {out}: another kzparallel process is reading this folder (an export); "
            "build again when it has finished\n"
        )
    assert (code, stdout, stderr) == (1, "", expected)
    assert sorted(p.name for p in out.iterdir() if p.name != LOCK_FILE) == before
    assert not (tmp_path / "x.tmx").exists()


def test_lock_in_process(tmp_path: Path) -> None:
    """The library calls: nested build locks in one process conflict too (flock
    belongs to the open file), shared locks do not; the lock file goes."""
    out = tmp_path / "out"
    with build_lock(out) as d:
        assert d == out
        mine = lock_holder(out)
        assert (mine.pid, mine.command) == (os.getpid(), "build")
        with pytest.raises(KzError, match="one build per folder"), build_lock(out):
            pass
        with pytest.raises(KzError, match="read it when that has finished"), read_lock(out):
            pass
    assert not (out / LOCK_FILE).exists()
    with (  # two exports at once, then a build
        read_lock(out),
        read_lock(out),
        pytest.raises(KzError, match="reading this folder"),
        build_lock(out),
    ):
        pass
    assert not (out / LOCK_FILE).exists()  # the last reader removes the empty file


def test_failed_build_leaves_no_folder(tmp_path: Path) -> None:
    """A folder made for the lock goes again when the build fails at once."""
    out = tmp_path / "new"
    with pytest.raises(KzError, match="bad glossary"), build_lock(out):
        raise KzError("bad glossary")
    assert not out.exists()


def test_read_only_folder_is_read_without_a_lock(tmp_path: Path) -> None:
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o500)
    try:
        if os.access(out, os.W_OK):  # root ignores the mode: no file can be made in /proc
            out = Path("/proc")
        with read_lock(out):
            assert not (out / LOCK_FILE).exists()
    finally:
        (tmp_path / "ro").chmod(0o700)


def test_publish_is_refused_while_a_build_writes(tmp_path: Path) -> None:
    from kzparallel.publish import publish

    out = tmp_path / "out"
    (out / "dataset" / "data").mkdir(parents=True)
    (out / "dataset" / "README.md").write_text("card", encoding="utf-8")
    with build_lock(out), pytest.raises(KzError) as info:
        publish(out, "org/name", token="hf_x")
    assert info.value.message.startswith(f"{out}: a build (PID {os.getpid()}, started ")
    assert info.value.message.endswith("is writing this folder (one build per folder); "
                                       "wait for it to finish or choose another --out")  # fmt: skip


def dataset_ids(out: Path) -> set[str]:
    import pyarrow.parquet as pq

    return {
        i for f in (out / "dataset" / "data").glob("*.parquet")
        for i in pq.read_table(f, columns=["id"]).column("id").to_pylist()
    }  # fmt: skip


def test_apply_review_applies_one_snapshot_of_the_decisions(
    tiny_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``build --apply-review`` while a reviewer saves: every shard applies the
    decisions saved before the build wrote its shards, none saved meanwhile."""
    from kzparallel import outputs
    from kzparallel.builder import BuildSettings, build
    from kzparallel.pairs_file import read_pairs
    from kzparallel.review.state import Change
    from kzparallel.review.store import ReviewStore
    from kzparallel.shards import ShardJob, ShardResult, write_shard

    settings = BuildSettings(
        model=str(tiny_model), backend="transformers", beam=1, max_new_tokens=8,
        use_glossary=False, cache_dir=str(tmp_path / "cache"), progress=False,
    )  # fmt: skip
    out = tmp_path / "out"
    build([SEEDS], out, settings)
    pairs = [p for p in read_pairs(out / "pairs.jsonl") if not p.duplicate_of]
    first, last = pairs[0], pairs[-1]
    assert first.doc_id != last.doc_id
    assert {first.id, last.id} <= dataset_ids(out)
    store = ReviewStore(out)
    store.record([Change(first.id, 0, "reject")], "before")
    monkeypatch.setattr(outputs, "plan_shards", lambda docs: [[d] for d in docs])  # a shard each

    def saved_meanwhile(job: ShardJob) -> ShardResult:
        if job.index == 1:  # a reviewer rejects a pair of the last document now
            store.record([Change(last.id, 0, "reject")], "meanwhile")
        return write_shard(job)

    monkeypatch.setattr(outputs, "write_shard", saved_meanwhile)
    build([SEEDS], out, BuildSettings(**{**settings.__dict__, "apply_review": True}))
    ids = dataset_ids(out)
    assert first.id not in ids  # saved before the shards: applied
    assert last.id in ids  # saved while they were written: left for the next build
    monkeypatch.undo()
    build([SEEDS], out, BuildSettings(**{**settings.__dict__, "apply_review": True}))
    assert not {first.id, last.id} & dataset_ids(out)
