"""ruff's lint and format checks over the package and the tests, run by the suite
so that the README's one test command (and so CI) keeps the code clean."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUFF = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")


@pytest.mark.parametrize(
    "args",
    [["check", "kzparallel", "tests"], ["format", "--check", "kzparallel", "tests"]],
    ids=["check", "format"],
)
def test_ruff_is_clean(args: list[str]) -> None:
    assert RUFF, "ruff is not installed: pip install -e '.[dev]'"
    done = subprocess.run([RUFF, *args], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
