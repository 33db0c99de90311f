"""Shared fixtures: the seed articles, a tiny random MarianMT model built at test
time, and the demo model trained once (cached across sessions)."""

from __future__ import annotations

import importlib.util
import io
import logging
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kzparallel.demo import TrainedModel

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))

# Trained models (the demo model) are cached here, shared by every test, every
# subprocess and later sessions, so the suite trains the demo model once.
os.environ.setdefault(
    "KZPARALLEL_MODELS_DIR", str(Path(os.environ.get("TMPDIR", "/tmp")) / "kzparallel-test-models")
)


# The first test that needs the demo model trains it (minutes on 2 cores, more on
# a busy machine): such tests get a longer timeout than the suite's default.
TRAINING_TIMEOUT_S = 1800


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "trained_model" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.timeout(TRAINING_TIMEOUT_S))


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random-weight MarianMT model directory (real tokenizer files, 2+2 layers)."""
    from kzparallel.demo import build_marian_model

    return build_marian_model(tmp_path_factory.mktemp("tiny-marian"), seeds_dir=SEEDS)


@pytest.fixture(scope="session")
def trained_model() -> TrainedModel:
    """The demo model (``kzparallel.demo.demo_model()``: a 2+2-layer MarianMT
    trained on the generated corpus; ``.path``, ``.recipe``, ``.hash``, and
    ``.corpus`` with the ground truth). Trained on first use, then cached."""
    from kzparallel.demo import demo_model

    return demo_model()


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
