"""The Typer application object shared by the CLI modules.

Each ``kzparallel/cli/<area>.py`` adds its commands to :data:`app` (or a
sub-``Typer`` mounted on it). Commands stay thin: parse options, call the
library, print. Stages never import this package.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="kzparallel",
    help="Arabic news articles to English articles and an Arabic-English parallel corpus.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        from kzparallel.version import __version__

        typer.echo(f"kzparallel {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        help="Print the version and exit.",
        is_eager=True,
        callback=_print_version,
    ),
) -> None:
    """Arabic news articles to English articles and an Arabic-English parallel corpus."""
