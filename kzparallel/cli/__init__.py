"""Command-line interface: ``kzparallel COMMAND ...``.

Exit codes (:mod:`kzparallel.errors`): 0 all done; 1 a fatal error or nothing
could be done (one ``error:`` line, no traceback); 2 a usage error (click);
3 done, but some inputs were skipped (``warning:`` lines, then ``N of M ... skipped``).
"""

from __future__ import annotations

import importlib
import sys

import typer

from kzparallel.cli.app import app
from kzparallel.cli.output import error
from kzparallel.errors import KzError

# Modules that add commands to ``app``. Imported for their side effect.
_COMMAND_MODULES = ["text", "translate", "glossary", "build", "review", "align"]
for _name in _COMMAND_MODULES:
    try:
        importlib.import_module(f"kzparallel.cli.{_name}")
    except ModuleNotFoundError as exc:  # pragma: no cover - during development only
        if exc.name != f"kzparallel.cli.{_name}":
            raise


def main(argv: list[str] | None = None) -> None:
    """Run the CLI. Typer/click handle usage errors (exit 2 with usage text);
    :class:`KzError` becomes one ``error: ...`` line on stderr and exit 1."""
    command = typer.main.get_command(app)
    try:
        command.main(args=argv, prog_name="kzparallel", standalone_mode=True)
    except KzError as exc:
        error(exc.message)
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(1)
