"""Run the review app with uvicorn (what ``kzparallel review`` calls)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

from kzparallel.errors import KzError
from kzparallel.pairs_file import PAIRS_FILE
from kzparallel.review.guard import LOOPBACK, Hosts
from kzparallel.review.index import INDEX_DIR, Progress
from kzparallel.review.reviewer import check_name


def check_review_dir(build_dir: str | Path) -> Path:
    out = Path(build_dir)
    if not out.is_dir():
        raise KzError(f"{out}: no such build directory")
    if not (out / PAIRS_FILE).is_file():
        raise KzError(f"{out}: no {PAIRS_FILE} in it (run `kzparallel build` first)")
    return out


@contextlib.contextmanager
def import_progress() -> Iterator[Progress | None]:
    """A progress bar for the import of ``pairs.jsonl`` (only when stderr is a terminal)."""
    if not sys.stderr.isatty():
        yield None
        return
    from tqdm import tqdm

    with tqdm(
        total=0, unit="B", unit_scale=True, desc="indexing pairs.jsonl", file=sys.stderr
    ) as bar:

        def update(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        yield update


def serve(
    build_dir: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    model: str | None = None,
    token: str | None = None,
    reviewer: str | None = None,
) -> None:
    """Serve the review app for ``build_dir`` until interrupted.

    ``reviewer``: the name recorded with the decisions of a browser that gives
    none of its own (:mod:`kzparallel.review.reviewer`).

    Binding to anything but a loopback address needs a ``token``; whatever the
    address, only requests whose ``Host`` names it are answered
    (:meth:`~kzparallel.review.guard.Hosts.for_bind`).
    """
    import uvicorn

    from kzparallel.review.app import create_app

    out = check_review_dir(build_dir)
    if reviewer is not None:
        try:
            reviewer = check_name(reviewer)
        except ValueError as exc:
            raise KzError(f"--reviewer: {exc}") from None
    host = host.strip("[]")  # uvicorn takes an IPv6 address without brackets
    loopback = host.lower() in LOOPBACK
    if not loopback and not token:
        raise KzError(
            f"--host {host}: other machines could reach the review server; "
            "give --token TOKEN to require a bearer token"
        )
    if model:
        from kzparallel.translation import resolve_model

        resolve_model(model)  # a one-line ModelError now, not on the first merge
    allowed = Hosts.for_bind(host)  # the Host header check, against DNS rebinding
    with import_progress() as progress:
        application = create_app(
            out,
            token=token,
            model=model,
            who=reviewer,
            allowed_hosts=allowed,
            progress=progress,
        )
    summary = application.state.index.imported
    if summary is not None:
        print(
            f"indexed {summary.pairs} pair(s) of {summary.docs} document(s) from "
            f"{out / PAIRS_FILE} into {out / INDEX_DIR}/",
            file=sys.stderr,
            flush=True,
        )
    shown = f"[{host}]" if ":" in host else host
    print(
        f"reviewing {out} at http://{shown}:{port}/" + ("?token=…" if token else ""),
        file=sys.stderr,
        flush=True,
    )
    uvicorn.run(application, host=host, port=port, log_level="warning")
