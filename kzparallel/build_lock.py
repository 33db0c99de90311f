"""One build per output folder: an advisory lock on ``OUT/.kzparallel.lock``.

``build`` holds an exclusive lock (:func:`build_lock`) on the output folder for
the whole build, from before it looks at the folder until its manifest is
written; ``export`` holds a shared one (:func:`read_lock`) while it reads the
build. So two builds never write one folder at once (their temporaries and
outputs would mix), and an export never reads a build that is being replaced:

* a second build, or an export, while a build runs: one ``KzError`` line
  naming the folder and the running build's PID and start time (exit 1, at
  once: the lock is never waited for);
* a build while an export reads: refused the same way;
* a lock file left by a build that was killed (its PID no longer holds the
  lock: the kernel drops the locks of a dead process) is taken over, with a
  warning naming the old PID and start time.

The lock is ``fcntl.flock`` on the file: it belongs to the open file, so it is
gone the moment the process dies, whatever killed it; the file holds the
holder's PID, start time (UTC) and host name as one JSON object, for the
messages only. The build removes the file when it ends.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kzparallel.errors import KzError

LOCK_FILE = ".kzparallel.lock"

__all__ = ["LOCK_FILE", "BuildLocked", "Holder", "build_lock", "read_lock"]


class BuildLocked(KzError):
    """Another kzparallel process holds the folder's lock."""


@dataclass(frozen=True)
class Holder:
    """Who holds (or held) a folder's lock, as its lock file says."""

    pid: int
    started: str  # UTC, ISO 8601 to the second
    host: str
    command: str = "build"  # the kzparallel command: build, publish

    @classmethod
    def me(cls, command: str) -> Holder:
        started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        return cls(os.getpid(), started, socket.gethostname(), command)

    def to_json(self) -> str:
        raw = {"pid": self.pid, "started": self.started, "host": self.host, "command": self.command}
        return json.dumps(raw)

    @classmethod
    def parse(cls, text: str) -> Holder | None:
        try:
            raw = json.loads(text)
            return cls(
                int(raw["pid"]),
                str(raw["started"]),
                str(raw.get("host", "")),
                str(raw.get("command", "build")),
            )
        except (ValueError, TypeError, KeyError, AttributeError):
            return None

    def describe(self) -> str:
        here = self.host in ("", socket.gethostname())
        return f"PID {self.pid}{'' if here else ' on ' + self.host}, started {self.started}"


def _read(fd: int) -> Holder | None:
    with contextlib.suppress(OSError):
        return Holder.parse(os.pread(fd, 4096, 0).decode("utf-8", "replace"))
    return None


def _same_file(fd: int, path: Path) -> bool:
    """Is ``fd`` still the file at ``path`` (not one a finishing build just removed)?"""
    try:
        st = path.stat()
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino)


def _open(path: Path) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise KzError(
            f"{path.parent}: cannot write the output directory ({exc.strerror})"
        ) from None


def _busy(out: Path, holder: Holder | None, reading: bool) -> BuildLocked:
    if holder is not None:
        who = "a build" if holder.command == "build" else f"kzparallel {holder.command}"
        if reading:
            return BuildLocked(
                f"{out}: {who} ({holder.describe()}) is writing this folder; "
                "read it when that has finished"
            )
        return BuildLocked(
            f"{out}: {who} ({holder.describe()}) is writing this folder (one build per "
            "folder); wait for it to finish or choose another --out"
        )
    return BuildLocked(
        f"{out}: another kzparallel process is reading this folder (an export); "
        "build again when it has finished"
    )


def _acquire(path: Path, how: int, out: Path, reading: bool) -> int:
    """An open descriptor of ``path`` holding the lock ``how`` (LOCK_EX or LOCK_SH)."""
    for _ in range(100):  # a finishing build may remove the file between open and lock
        fd = _open(path)
        try:
            fcntl.flock(fd, how | fcntl.LOCK_NB)
        except OSError as exc:
            holder = _read(fd)
            if holder is None:  # a build that has just taken the lock writes its line
                time.sleep(0.05)
                holder = _read(fd)
            os.close(fd)
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise KzError(f"{path}: cannot lock ({exc.strerror})") from None
            raise _busy(out, holder, reading) from None
        if _same_file(fd, path):
            return fd
        os.close(fd)
    raise KzError(f"{path}: cannot lock (the file keeps changing)")


@contextlib.contextmanager
def build_lock(
    out_dir: str | Path,
    on_warning: Callable[[str], None] | None = None,
    command: str = "build",
) -> Iterator[Path]:
    """Hold ``out_dir``'s exclusive build lock (the folder is made if need be).

    Raises :class:`BuildLocked` at once when another build or an export holds
    it; a lock left by a dead build is taken over (``on_warning`` says so).
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise KzError(f"{out}: exists and is not a directory")
    created = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KzError(f"{out}: cannot write the output directory ({exc.strerror})") from None
    path = out / LOCK_FILE
    try:
        fd = _acquire(path, fcntl.LOCK_EX, out, reading=False)
    except KzError:
        _remove_if_empty(out, created)
        raise
    ok = False
    try:
        old = _read(fd)
        if old is not None and on_warning is not None:
            on_warning(
                f"{out}: taking over the lock of a {old.command} that is no longer "
                f"running ({old.describe()})"
            )
        line = (Holder.me(command).to_json() + "\n").encode()
        try:
            os.pwrite(fd, line, 0)
            os.ftruncate(fd, len(line))
        except OSError as exc:
            raise KzError(f"{out}: cannot write the output directory ({exc.strerror})") from None
        yield out
        ok = True
    finally:
        with contextlib.suppress(OSError):
            if _same_file(fd, path):
                path.unlink()  # still holding the lock: an opener retries with a new file
        os.close(fd)
        if not ok:
            _remove_if_empty(out, created)


def _remove_if_empty(out: Path, created: bool) -> None:
    """A folder made for a build that then failed at once goes again (nothing written)."""
    if created:
        with contextlib.suppress(OSError):
            out.rmdir()


def _try_acquire_shared(path: Path, out: Path) -> int | None:
    try:
        return _acquire(path, fcntl.LOCK_SH, out, reading=True)
    except BuildLocked:
        raise
    except KzError:  # no lock file can be made here
        return None


@contextlib.contextmanager
def read_lock(out_dir: str | Path) -> Iterator[None]:
    """Hold ``out_dir``'s shared lock while a build's outputs are read.

    Raises :class:`BuildLocked` at once while a build writes the folder. A
    folder where no lock file can be made (read-only) is read without one: no
    build can write it either.
    """
    out = Path(out_dir)
    path = out / LOCK_FILE
    fd = _try_acquire_shared(path, out)
    if fd is None:
        yield
        return
    try:
        yield
    finally:
        with contextlib.suppress(OSError):  # the last reader removes an empty lock file
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if _read(fd) is None and os.fstat(fd).st_size == 0 and _same_file(fd, path):
                path.unlink()
        os.close(fd)
