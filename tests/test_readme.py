"""The README's ``console`` examples are run and their output compared, line by line.

Every fenced block tagged ``console`` in README.md is a session: lines starting
with ``$ `` are shell commands, run with bash in a scratch directory holding a
copy of ``seeds/``; the lines after a command, up to the next ``$ ``, are its
expected output (stdout and stderr together, in order). ``$ cat FILE`` of a file
that does not exist yet creates it from the lines shown, so an example can show
its input. Blocks tagged ``bash`` are not run (they need a model or the Hub).

Every ``python`` block is run too, in README order, each in a fresh interpreter
in one scratch directory where ``kzparallel build seeds/ --out outputs/seeds`` (the
main job) was first run with the tiny test model; the model names of the
examples (``DIR``, ``opus-mt-ar-en``) stand for that model.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
FENCE = re.compile(r"^```console\n(.*?)^```$", re.M | re.S)
PYTHON = re.compile(r"^```python\n(.*?)^```$", re.M | re.S)
MODEL_NAMES = re.compile(r"\"(DIR|opus-mt-ar-en)\"")


def console_blocks() -> list[tuple[int, list[tuple[str, list[str]]]]]:
    """(line number, [(command, expected output lines)]) of every console block."""
    text = README.read_text(encoding="utf-8")
    blocks = []
    for m in FENCE.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        session: list[tuple[str, list[str]]] = []
        for raw in m.group(1).splitlines():
            if raw.startswith("$ "):
                session.append((raw[2:], []))
            elif session:
                session[-1][1].append(raw)
            else:
                raise AssertionError(f"README.md:{line}: console block must start with '$ '")
        blocks.append((line, session))
    return blocks


def test_the_readme_has_console_examples() -> None:
    # the sections on cleaning, segmentation and the glossary are tested here
    assert len(console_blocks()) >= 5


@pytest.mark.parametrize(("line", "session"), console_blocks(), ids=lambda v: str(v)[:12])
def test_readme_example(line: int, session: list[tuple[str, list[str]]], tmp_path: Path) -> None:
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONUNBUFFERED": "1",  # stdout and stderr interleave as written
        "COLUMNS": "100",
        "NO_COLOR": "1",
    }
    for command, expected in session:
        target = re.fullmatch(r"cat (\S+)", command)
        if target and not (tmp_path / target.group(1)).exists():
            (tmp_path / target.group(1)).write_text("\n".join(expected) + "\n", encoding="utf-8")
            continue
        run = subprocess.run(
            ["bash", "-c", command],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=300,
        )
        assert "Traceback" not in run.stdout, f"README.md:{line}: $ {command}\n{run.stdout}"
        assert run.stdout.splitlines() == expected, f"README.md:{line}: $ {command}"


def python_blocks() -> list[tuple[int, str]]:
    text = README.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start()) + 1, m.group(1)) for m in PYTHON.finditer(text)]


def _env(tmp: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "KZPARALLEL_CACHE_DIR": str(tmp / "cache"),
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture(scope="module")
def built_workdir(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch directory with seeds/ and the main job's outputs/ (tiny model)."""
    work = tmp_path_factory.mktemp("readme-python")
    shutil.copytree(ROOT / "seeds", work / "seeds")
    run = subprocess.run(
        ["kzparallel", "build", "seeds/", "--out", "outputs/seeds", "--model", str(tiny_model)],
        cwd=work,
        env=_env(work),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("5 documents, "), run.stdout
    return work


def test_the_readme_has_python_examples() -> None:
    assert len(python_blocks()) >= 5


@pytest.mark.parametrize(("line", "code"), python_blocks(), ids=lambda v: str(v)[:12])
def test_readme_python_example(line: int, code: str, built_workdir: Path, tiny_model: Path) -> None:
    code = MODEL_NAMES.sub(repr(str(tiny_model)), code)
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=built_workdir,
        env=_env(built_workdir),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, f"README.md:{line}:\n{run.stderr[-3000:]}"
