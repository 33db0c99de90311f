"""User-facing errors.

Every error a user can cause (bad input, missing model, unwritable output) is a
:class:`KzError`. The CLI prints ``error: <message>`` on one line and exits
non-zero; it never shows a traceback for these. Library callers catch them.

Exit codes of every command (the README's table):

* :data:`EXIT_OK` 0 — all done;
* :data:`EXIT_ERROR` 1 — a fatal error, or nothing could be done (every input
  skipped); also ``glossary check``/``lint`` finding problems;
* :data:`EXIT_USAGE` 2 — a usage error (an unknown option, a bad value: click's code);
* :data:`EXIT_SKIPPED` 3 — done, but some inputs were skipped (each a ``warning:``
  line, then ``warning: N of M ... skipped``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_SKIPPED = 3


class KzError(Exception):
    """An error whose message is meant for the user, on one line."""

    exit_code: int = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = " ".join(message.split())

    def __str__(self) -> str:
        return self.message


class InputError(KzError):
    """A problem with one input item: ``<source>: <reason>``."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = str(source)
        self.reason = reason
        super().__init__(f"{self.source}: {reason}")


class ModelError(KzError):
    """The model cannot be found or loaded."""


class DependencyError(KzError):
    """An optional dependency is missing; the message says what to install."""


def missing_dependency(package: str, extra: str, purpose: str) -> DependencyError:
    return DependencyError(
        f"{purpose} needs the '{package}' package: pip install 'kzparallel[{extra}]'"
    )


@dataclass
class Problems:
    """Collects per-item problems in a batch so good items are still processed.

    ``report`` is passed down to the stages as the ``on_error`` callback.
    """

    items: list[InputError] = field(default_factory=list)
    echo: Callable[[InputError], None] | None = None

    def report(self, error: InputError) -> None:
        self.items.append(error)
        if self.echo is not None:
            self.echo(error)

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)
