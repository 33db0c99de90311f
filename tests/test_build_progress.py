"""A progress bar on every long phase of a build, on a terminal only.

The build of the seeds runs in this process with stderr a fake terminal and
tqdm replaced by a recorder: each bar's name, unit, total and where it got
to (a bar that starts a new pass records the pass it finished).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any, ClassVar

import pytest
import tqdm

from kzparallel.builder import BuildSettings, build

Finished = tuple[str, str, int | None, int]  # name, unit, total, count reached


class Recorder:
    """Stands in for ``tqdm.tqdm``: what each bar showed, in order."""

    shown: ClassVar[list[Finished]] = []

    def __init__(self, *args: Any, **kw: Any) -> None:
        self.desc, self.unit = str(kw.get("desc", "")), str(kw.get("unit", "it"))
        self.total: int | None = kw.get("total")
        self.n = 0
        assert kw.get("file") is sys.stderr

    def update(self, n: int = 1) -> None:
        self.n += n

    def reset(self, total: int | None = None) -> None:
        if self.n:  # the pass before
            Recorder.shown.append((self.desc, self.unit, self.total, self.n))
        self.n = 0
        if total is not None:
            self.total = total

    def set_description(self, desc: str) -> None:
        self.desc = desc

    def close(self) -> None:
        Recorder.shown.append((self.desc, self.unit, self.total, self.n))

    def __enter__(self) -> Recorder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _build(tiny_model: Path, seeds_dir: Path, out: Path, progress: bool) -> Any:
    settings = BuildSettings(
        model=str(tiny_model),
        backend="transformers",
        max_new_tokens=8,
        cache_dir=str(out.parent / "cache"),
        use_glossary=False,
        progress=progress,
    )
    return build([seeds_dir], out, settings)


@pytest.fixture()
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[Finished]:
    Recorder.shown = []
    monkeypatch.setattr(tqdm, "tqdm", Recorder)
    return Recorder.shown


def test_every_phase_has_a_bar_on_a_terminal(
    tiny_model: Path, seeds_dir: Path, tmp_path: Path, recorded: list[Finished],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setattr(sys, "stderr", Terminal())
    result = _build(tiny_model, seeds_dir, tmp_path / "out", progress=True)
    pairs = result.pairs
    assert pairs > 50
    consistency = [f"consistency, pass {k}" for k in range(1, 5)]
    assert recorded == [
        ("translating", "seg", None, pairs),
        ("corpus decisions", "pair", pairs, pairs),
        ("pairs.jsonl", "pair", pairs, pairs),
        ("en/ and dataset/", "pair", pairs, pairs),
        *[(name, "pair", pairs, pairs) for name in consistency],
        ("report.html", "file", 1, 1),
    ]


@pytest.mark.parametrize(("terminal", "progress"), [(False, True), (True, False)])
def test_no_bar_off_a_terminal_or_with_no_progress(
    tiny_model: Path, seeds_dir: Path, tmp_path: Path, recorded: list[Finished],
    monkeypatch: pytest.MonkeyPatch, terminal: bool, progress: bool,
) -> None:  # fmt: skip
    stderr = Terminal() if terminal else io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    _build(tiny_model, seeds_dir, tmp_path / "out", progress=progress)
    assert recorded == []
    assert stderr.getvalue() == ""
