"""Shared fixtures: the seed articles and a tiny MarianMT model built at test time."""

from __future__ import annotations

import importlib.util
import io
import logging
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random-weight MarianMT model directory (real tokenizer files, 2+2 layers)."""
    from kzparallel.testing import build_marian_model

    return build_marian_model(tmp_path_factory.mktemp("tiny-marian"), seeds_dir=SEEDS)


@pytest.fixture()
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An isolated translation cache directory (also exported as KZPARALLEL_CACHE_DIR)."""
    d = tmp_path / "cache"
    monkeypatch.setenv("KZPARALLEL_CACHE_DIR", str(d))
    return d


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never reach the Hub."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    if "KZPARALLEL_CACHE_DIR" not in os.environ:
        monkeypatch.setenv(
            "KZPARALLEL_CACHE_DIR",
            str(Path(os.environ.get("TMPDIR", "/tmp")) / "kzparallel-test-cache"),
        )


Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture()
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    """Run the CLI in-process: ``cli(*args, stdin=b"...") -> (exit code, stdout, stderr)``."""
    from kzparallel.cli import main

    def run(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture(scope="session")
def ray_local() -> Iterator[object]:
    """One local Ray for the whole session (start-up is ~10 s), with as many CPUs
    as the machine has: the engine must fit its actors and tasks into them.

    Skips only when ``ray`` is not importable and ``KZPARALLEL_REQUIRE_RAY`` is
    unset (CI sets it, so a missing Ray fails there instead of passing silently).
    """
    if importlib.util.find_spec("ray") is None:
        if os.environ.get("KZPARALLEL_REQUIRE_RAY"):
            pytest.fail("ray is not installed but KZPARALLEL_REQUIRE_RAY is set")
        pytest.skip("ray is not installed (pip install 'kzparallel[ray]')")
    import ray

    from kzparallel.translation.base import available_cpus

    ray.init(
        num_cpus=available_cpus(),
        include_dashboard=False,
        log_to_driver=False,
        logging_level=logging.ERROR,
    )
    yield ray
    ray.shutdown()
