"""Exit codes and messages, the same for every command (the README's table):
0 all done; 1 a fatal error or nothing could be done; 2 a usage error; 3 done,
some inputs skipped — each skip a ``warning:`` line, then ``warning: N of M ...
skipped``. Every line on stderr is ``warning:`` or ``error:``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Cli

ROOT = Path(__file__).resolve().parent.parent
GOOD = ROOT / "seeds" / "004_4496b14b8fd8a434.txt"
SHORT = "عنوان مقال قصير هنا\n\nقال الوزير إن الاجتماع سيعقد غدا في العاصمة.\n"
TRANSLATE = ("--backend", "transformers", "--max-new-tokens", "4", "--beam", "1", "--no-glossary")


@pytest.fixture()
def inputs(tmp_path: Path) -> dict[str, Path]:
    good, bad = tmp_path / "good", tmp_path / "bad"
    for d in (good, bad):
        d.mkdir()
    (good / "a.txt").write_text(SHORT, encoding="utf-8")
    (good / "b.txt").write_bytes(b"")
    (bad / "a.txt").write_bytes(b"")
    (bad / "b.txt").write_text("English only.\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text("{oops\n[1]\n", encoding="utf-8")
    return {"mixed": good, "bad": bad, "empty": tmp_path / "empty.txt", "pairs": pairs}


CASES = [
    # (command, input, exit code, the last line of stderr)
    ("clean", "empty", 1, "error: {empty}: file is empty"),
    ("segment", "empty", 1, "error: {empty}: file is empty"),
    ("translate", "empty", 1, "error: {empty}: file is empty"),
    ("clean", "mixed", 3, "warning: 1 of 2 files skipped"),
    ("segment", "mixed", 3, "warning: 1 of 2 files skipped"),
    ("translate", "mixed", 3, "warning: 1 of 2 files skipped"),
    ("clean", "bad", 1, "error: 2 of 2 files skipped: nothing could be done"),
    ("segment", "bad", 1, "error: 2 of 2 files skipped: nothing could be done"),
    ("translate", "bad", 1, "error: 2 of 2 files skipped: nothing could be done"),
    ("glossary fix", "pairs", 1, "0 pairs, 0 fixed, 0 still with violations, 2 of 2 lines skipped"),
]


@pytest.mark.parametrize(("command", "what", "code", "last"), CASES)
def test_exit_code_and_last_line(
    cli: Cli,
    tiny_model: Path,
    tmp_path: Path,
    inputs: dict[str, Path],
    command: str,
    what: str,
    code: int,
    last: str,
) -> None:
    extra = ("--model", str(tiny_model), "--cache-dir", str(tmp_path / "c"), *TRANSLATE)
    args = [*command.split(), str(inputs[what]), *(extra if command == "translate" else ())]
    got, _, err = cli(*args)
    lines = err.splitlines()
    assert (got, lines[-1]) == (code, last.format(**inputs)), err
    assert all(line.startswith(("warning: ", "error: ")) for line in lines[:-1]), err
    if code == 3:
        assert lines[:-1] == [f"warning: skipped {inputs[what] / 'b.txt'}: file is empty"]


@pytest.mark.parametrize(
    "args",
    [
        ["clean", "--format", "xml", str(GOOD)],
        ["segment"],
        ["build", str(GOOD)],  # no --out
        ["clean", str(GOOD), "--max-file-size", "lots"],
        ["review", str(GOOD), "--port", "70000"],
        ["no-such-command"],
    ],
)
def test_usage_errors_exit_2(cli: Cli, args: list[str]) -> None:
    code, out, err = cli(*args)
    assert (code, out) == (2, "")
    assert "Usage: kzparallel" in err


def test_build_some_skipped_is_3_with_the_summary_last(
    cli: Cli, tiny_model: Path, tmp_path: Path, inputs: dict[str, Path]
) -> None:
    out = tmp_path / "out"
    code, stdout, err = cli(
        "build", str(inputs["mixed"]), str(inputs["empty"]), "--out", str(out),
        "--model", str(tiny_model), "--cache-dir", str(tmp_path / "c"), *TRANSLATE,
    )  # fmt: skip
    assert code == 3, err
    lines = err.splitlines()
    assert lines[0] == f"warning: skipped {inputs['mixed'] / 'b.txt'}: file is empty"
    assert lines[1] == f"warning: skipped {inputs['empty']}: file is empty"
    assert lines[-1] == "warning: 2 of 3 inputs skipped"
    assert all(line.startswith("warning: ") for line in lines)
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["counts"]["skipped"]
    assert stdout.startswith("1 documents, ")
