"""Opening one input file safely: regular files only, within a size limit.

Every command that reads articles goes through :func:`open_input` (or
:func:`read_input`): a path that is not a regular file — a FIFO, a character
or block device, a socket, a symbolic link to one of them such as
``/dev/zero`` — is refused with its type named, before it is opened (opening a
FIFO waits for a writer; a device never ends); a file larger than the limit
(``--max-file-size``, default :data:`DEFAULT_MAX_FILE_SIZE`) is refused with
both sizes, before it is read. Both are :class:`~kzparallel.errors.InputError`:
a one-line skip in a batch. The file is opened non-blocking and checked again
on the open descriptor, so a path swapped for a FIFO in between cannot hang
the reader either.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from kzparallel.errors import InputError, KzError

DEFAULT_MAX_FILE_SIZE = 64 * 1024 * 1024  # 64 MiB: far above any article

__all__ = [
    "DEFAULT_MAX_FILE_SIZE",
    "file_kind",
    "format_size",
    "not_regular",
    "open_input",
    "parse_size",
    "read_input",
    "too_large",
]

_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a directory"),
)
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?\s*$", re.IGNORECASE)


def parse_size(text: str) -> int:
    """``"64M"``, ``"64MiB"``, ``"500k"``, ``"1G"``, ``"1048576"`` → bytes (powers of 1024)."""
    m = _SIZE.match(text)
    if m is None or float(m.group(1)) <= 0:
        raise KzError(
            f"--max-file-size {text!r}: give a size such as 64M, 500K, 1G or a number of bytes"
        )
    return max(1, int(float(m.group(1)) * _UNITS[m.group(2).lower()]))


def format_size(n: int) -> str:
    for unit, factor in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if n >= factor:
            return f"{n / factor:.1f} {unit}".replace(".0 ", " ")
    return f"{n} bytes"


def file_kind(mode: int) -> str:
    for test, kind in _KINDS:
        if test(mode):
            return kind
    return "not a regular file"


def not_regular(path: Path) -> str | None:
    """Why ``path`` is not read (not a regular file), ``None`` when it is one.

    A missing path is ``None`` too: opening it reports it."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            return f"broken symbolic link (to {os.readlink(path)})"
        return None
    except OSError:
        return None  # opening it reports why
    if stat.S_ISREG(st.st_mode):
        return None
    kind = file_kind(st.st_mode)
    if os.path.islink(path):
        return f"not a regular file (a symbolic link to {kind}: {os.path.realpath(path)})"
    return f"not a regular file ({kind})"


def too_large(size: int, limit: int, unread: bool = False) -> str:
    """``unread``: only the first ``size`` bytes were read (a stream)."""
    sizes = (
        f"over {format_size(limit)}" if unread else f"{format_size(size)} > {format_size(limit)}"
    )
    return f"larger than the size limit ({sizes}; see --max-file-size)"


@contextlib.contextmanager
def open_input(
    path: str | Path, max_bytes: int | None = DEFAULT_MAX_FILE_SIZE
) -> Iterator[BinaryIO]:
    """The regular file ``path`` open for reading in binary; ``max_bytes`` None:
    any size (a JSONL file, read a record at a time, limits its records instead)."""
    p = Path(path)
    source = str(path)
    reason = not_regular(p)
    if reason is not None:
        raise InputError(source, reason)
    try:
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise InputError(source, "no such file or directory") from None
    except OSError as exc:
        raise InputError(source, f"cannot read ({exc.strerror or exc})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # swapped since the check above
            raise InputError(source, f"not a regular file ({file_kind(st.st_mode)})")
        if max_bytes is not None and st.st_size > max_bytes:
            raise InputError(source, too_large(st.st_size, max_bytes))
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as fh:
        yield fh


def read_input(path: str | Path, max_bytes: int = DEFAULT_MAX_FILE_SIZE) -> bytes:
    """The bytes of the regular file ``path``, at most ``max_bytes`` of them."""
    source = str(path)
    with open_input(path, max_bytes) as fh:
        try:
            data = fh.read(max_bytes + 1)
        except OSError as exc:
            raise InputError(source, f"cannot read ({exc.strerror or exc})") from None
    if len(data) > max_bytes:  # it grew while it was read
        raise InputError(source, too_large(len(data), max_bytes))
    return data
