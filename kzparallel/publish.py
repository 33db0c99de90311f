"""``kzparallel publish DIR --repo-id ORG/NAME [--private]``: push ``DIR/dataset`` to the Hub.

Uses ``huggingface_hub`` (``create_repo`` + ``upload_folder``, repo type
``dataset``). The token comes from the usual places (``--token``, ``HF_TOKEN``,
``hf auth login``); without one the command stops with a one-line
error before touching the network. When ``DIR/review.sqlite`` exists, ``DIR/dataset``
is first re-written with the review decisions applied (see
:mod:`kzparallel.refresh`), so the Hub gets the reviewed corpus.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kzparallel.build_lock import build_lock
from kzparallel.errors import DependencyError, KzError

if TYPE_CHECKING:
    from huggingface_hub import HfApi

NO_TOKEN = (
    "no Hugging Face token: run `hf auth login` (older huggingface_hub: "
    "`huggingface-cli login`) or set HF_TOKEN "
    "(a token with write access is needed to publish)"
)


def dataset_dir(out_dir: str | Path) -> Path:
    d = Path(out_dir) / "dataset"
    if not (d / "README.md").is_file() or not (d / "data").is_dir():
        raise KzError(f"{out_dir}: no dataset/ folder in it (run `kzparallel build` first)")
    return d


def publish(
    out_dir: str | Path,
    repo_id: str,
    *,
    private: bool = False,
    token: str | None = None,
) -> str:
    """Upload the build's dataset folder; return the URL of the commit."""
    folder = dataset_dir(out_dir)
    if repo_id.count("/") != 1 or not all(repo_id.split("/")):
        raise KzError(f"--repo-id must look like ORG/NAME (got '{repo_id}')")
    try:
        import huggingface_hub
    except ModuleNotFoundError:
        raise DependencyError(
            "publishing needs huggingface_hub: pip install huggingface-hub"
        ) from None
    token = token or huggingface_hub.get_token()
    if not token:
        raise KzError(NO_TOKEN)
    # no build replaces dataset/ while it is rewritten and sent
    with build_lock(out_dir, command="publish"):
        return _upload(out_dir, folder, repo_id, private, huggingface_hub.HfApi(token=token))


def _upload(out_dir: str | Path, folder: Path, repo_id: str, private: bool, api: HfApi) -> str:
    if (Path(out_dir) / "review.sqlite").is_file():
        from kzparallel.refresh import rewrite_dataset

        rewrite_dataset(out_dir)  # the published dataset carries the review decisions
    try:
        api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
        info = api.upload_folder(
            folder_path=str(folder),
            repo_id=repo_id,
            repo_type="dataset",
            commit_message="Upload kzparallel build",
        )
    except Exception as exc:  # network, auth, permission: one line for the user
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise KzError(f"publishing to {repo_id} failed: {msg}") from None
    return str(getattr(info, "commit_url", info))
