"""Printing helpers shared by CLI commands: one-line errors and warnings on stderr,
and the end of a command that read several inputs (:func:`end_of_batch`)."""

from __future__ import annotations

import sys

import typer

from kzparallel.errors import EXIT_ERROR, EXIT_SKIPPED, InputError


def error(message: str) -> None:
    print(f"error: {message}", file=sys.stderr, flush=True)


def warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr, flush=True)


def warn_skipped(err: InputError) -> None:
    """Per-item problem in a batch: reported, item skipped, others go on."""
    print(f"warning: skipped {err.source}: {err.reason}", file=sys.stderr, flush=True)


def end_of_batch(skipped: int, done: int, summary: str) -> None:
    """After a command that read several inputs, ``skipped`` of them skipped and
    ``done`` used: nothing skipped, nothing to say; some skipped, the summary
    (``N of M ... skipped``) as a warning and exit 3; everything skipped, the
    summary as the error and exit 1 (nothing could be done)."""
    if not skipped:
        return
    if not done:
        error(f"{summary}: nothing could be done")
        raise typer.Exit(EXIT_ERROR)
    warn(summary)
    raise typer.Exit(EXIT_SKIPPED)
