"""``kzparallel review DIR``: exact errors, and what it hands to uvicorn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import Cli

from kzparallel.pairs_file import write_pairs
from kzparallel.records import Pair


@pytest.fixture()
def build_dir(tmp_path: Path) -> Path:
    out = tmp_path / "b"
    out.mkdir()
    write_pairs([Pair("0" * 16, "d", 0, 0, "مرحبا", "Hello", "Hello")], out / "pairs.jsonl")
    return out


@pytest.fixture()
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    return calls


def test_missing_directory(cli: Cli, tmp_path: Path) -> None:
    assert cli("review", str(tmp_path / "nope")) == (
        1,
        "",
        f"error: {tmp_path / 'nope'}: no such build directory\n",
    )


def test_directory_without_pairs(cli: Cli, tmp_path: Path) -> None:
    assert cli("review", str(tmp_path)) == (
        1,
        "",
        f"error: {tmp_path}: no pairs.jsonl in it (run `kzparallel build` first)\n",
    )


def test_other_interface_needs_a_token(
    cli: Cli, build_dir: Path, served: list[dict[str, Any]]
) -> None:
    assert cli("review", str(build_dir), "--host", "0.0.0.0") == (
        1,
        "",
        "error: --host 0.0.0.0: other machines could reach the review server; "
        "give --token TOKEN to require a bearer token\n",
    )
    assert served == []
    code, _, err = cli("review", str(build_dir), "--host", "0.0.0.0", "--token", "t0k")
    assert (code, err) == (
        0,
        _indexed(build_dir) + f"reviewing {build_dir} at http://0.0.0.0:8000/?token=…\n",
    )
    assert served[0]["app"].state.config.token == "t0k"


def _indexed(build_dir: Path) -> str:
    return (
        f"indexed 1 pair(s) of 1 document(s) from {build_dir / 'pairs.jsonl'} "
        f"into {build_dir / 'review-index'}/\n"
    )


def test_defaults_bind_loopback(cli: Cli, build_dir: Path, served: list[dict[str, Any]]) -> None:
    code, out, err = cli("review", str(build_dir), "--port", "8123")
    assert (code, out, err) == (
        0,
        "",
        _indexed(build_dir) + f"reviewing {build_dir} at http://127.0.0.1:8123/\n",
    )
    # a second start finds the index up to date: nothing is imported
    assert cli("review", str(build_dir), "--port", "8123") == (
        0,
        "",
        f"reviewing {build_dir} at http://127.0.0.1:8123/\n",
    )
    served.pop()
    [call] = served
    assert (call["host"], call["port"]) == ("127.0.0.1", 8123)
    cfg = call["app"].state.config
    assert (cfg.token, cfg.model, cfg.retranslate) == (None, None, None)


def test_missing_model_is_reported_before_serving(
    cli: Cli,
    build_dir: Path,
    tmp_path: Path,
    served: list[dict[str, Any]],
) -> None:
    code, out, err = cli("review", str(build_dir), "--model", str(tmp_path / "no-model"))
    assert (code, out, served) == (1, "", [])
    assert err.startswith("error: ") and str(tmp_path / "no-model") in err
    assert len(err.splitlines()) == 1


def test_bad_pairs_file_is_one_line(cli: Cli, tmp_path: Path, served: list[dict[str, Any]]) -> None:
    (tmp_path / "pairs.jsonl").write_text('{"id": "a", "doc_id": "d"}\nnot json\n', "utf-8")
    assert cli("review", str(tmp_path)) == (
        1,
        "",
        f"error: {tmp_path / 'pairs.jsonl'}:2: not a pair record "
        "(Expecting value: line 1 column 1 (char 0))\n",
    )
    assert served == []
