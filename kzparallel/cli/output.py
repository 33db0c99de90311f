"""Printing helpers shared by CLI commands: one-line errors and warnings on stderr."""

from __future__ import annotations

import sys

from kzparallel.errors import InputError


def error(message: str) -> None:
    print(f"error: {message}", file=sys.stderr, flush=True)


def warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr, flush=True)


def warn_skipped(err: InputError) -> None:
    """Per-item problem in a batch: reported, item skipped, others go on."""
    print(f"warning: skipped {err.source}: {err.reason}", file=sys.stderr, flush=True)
