"""Run the review app with uvicorn (what ``kzparallel review`` calls)."""

from __future__ import annotations

import sys
from pathlib import Path

from kzparallel.errors import KzError
from kzparallel.sinks.pairs import PAIRS_FILE

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def check_review_dir(build_dir: str | Path) -> Path:
    out = Path(build_dir)
    if not out.is_dir():
        raise KzError(f"{out}: no such build directory")
    if not (out / PAIRS_FILE).is_file():
        raise KzError(f"{out}: no {PAIRS_FILE} in it (run `kzparallel build` first)")
    return out


def serve(
    build_dir: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    model: str | None = None,
    token: str | None = None,
) -> None:
    """Serve the review app for ``build_dir`` until interrupted.

    Binding to anything but a loopback address needs a ``token``.
    """
    import uvicorn

    from kzparallel.review.app import create_app

    out = check_review_dir(build_dir)
    loopback = host in LOOPBACK
    if not loopback and not token:
        raise KzError(
            f"--host {host}: other machines could reach the review server; "
            "give --token TOKEN to require a bearer token"
        )
    if model:
        from kzparallel.translation import resolve_model

        resolve_model(model)  # a one-line ModelError now, not on the first merge
    # Host header check against DNS rebinding (Starlette's check cannot parse IPv6 hosts)
    allowed = ["127.0.0.1", "localhost"] if host in ("127.0.0.1", "localhost") else None
    application = create_app(out, token=token, model=model, allowed_hosts=allowed)
    shown = f"[{host}]" if ":" in host else host
    print(
        f"reviewing {out} at http://{shown}:{port}/" + ("?token=…" if token else ""),
        file=sys.stderr,
        flush=True,
    )
    uvicorn.run(application, host=host, port=port, log_level="warning")
