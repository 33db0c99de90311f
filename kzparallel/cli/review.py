"""``kzparallel review DIR``: the local review web app over a build."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kzparallel.cli.app import app


@app.command()
def review(
    build_dir: Annotated[Path, typer.Argument(help="A build directory (with pairs.jsonl).")],
    host: Annotated[str, typer.Option("--host", help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port.")] = 8000,
    model: Annotated[
        str | None,
        typer.Option("--model", "-m", help="Model to re-translate merged/split pairs."),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option("--token", help="Require this bearer token (needed off 127.0.0.1)."),
    ] = None,
    reviewer: Annotated[
        str | None,
        typer.Option(
            "--reviewer",
            help="Your name, recorded with each decision (a browser that gives its own "
            "name in the page is recorded under that one; without either, the page asks).",
        ),
    ] = None,
) -> None:
    """Review the pairs of a build in the browser; decisions go to DIR/review.sqlite."""
    from kzparallel.review.server import serve

    serve(build_dir, host=host, port=port, model=model, token=token, reviewer=reviewer)
