"""A glossary that ``kzparallel glossary lint`` rejects is refused by every command
that loads it — one ``error:`` line with FILE:LINE and the reason, exit 1, before any
work — unless ``--glossary-lenient`` is given (then a ``warning:`` line)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Cli

from kzparallel.errors import KzError
from kzparallel.glossary_gate import glossary_problems, load_checked_glossary

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = "عنوان مقال قصير عن ألماتي\n\nقال المتحدث إن الوضع في ألماتي هادئ اليوم.\n"
FAST = ("--backend", "transformers", "--max-new-tokens", "4", "--beam", "1")


@pytest.fixture()
def bad(tmp_path: Path) -> Path:
    g = tmp_path / "bad.yaml"
    g.write_text(
        "entries:\n  - {id: almaty, ar: [ألماتي], en: Almaty}\n"
        '  - {id: empty, ar: [""], en: Nothing}\n',
        encoding="utf-8",
    )
    return g


def refused(g: Path) -> str:
    return (
        f"error: {g}:3: empty Arabic variant in entry of 'empty': glossary lint rejects this "
        f"glossary; fix it (kzparallel glossary lint {g}) or give --glossary-lenient to use "
        "it anyway\n"
    )


def used_anyway(g: Path) -> str:
    return (
        f"warning: {g}:3: empty Arabic variant in entry of 'empty': glossary lint rejects "
        "it, used anyway (--glossary-lenient)"
    )


def _args(command: str, tmp_path: Path, model: Path) -> list[str]:
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(
        json.dumps({"ar": "قال المتحدث إن ألماتي هادئة.", "en": "Almaty is calm."},
                   ensure_ascii=False) + "\n", encoding="utf-8")  # fmt: skip
    english = tmp_path / "en.txt"
    english.write_text("A short article about Almaty\n\nThe spokesman said Almaty is calm.\n")
    hyp = tmp_path / "hyp.txt"
    hyp.write_text("Almaty is calm.\n", encoding="utf-8")
    ref = tmp_path / "ref.jsonl"
    ref.write_text(pairs.read_text(encoding="utf-8"), encoding="utf-8")
    model_args = ["--model", str(model), "--cache-dir", str(tmp_path / "cache"), *FAST]
    return {
        "glossary find": ["glossary", "find", str(article)],
        "glossary check": ["glossary", "check", str(pairs)],
        "glossary fix": ["glossary", "fix", str(pairs)],
        "glossary export": ["glossary", "export", str(tmp_path / "g.tbx")],
        "glossary suggest": ["glossary", "suggest", str(pairs)],
        "eval": ["eval", "--hyp", str(hyp), "--ref", str(ref)],
        "translate": ["translate", "قال المتحدث إن ألماتي هادئة.", *model_args],
        "build": ["build", str(article), "--out", str(tmp_path / "out"), *model_args],
        "align": [
            "align",
            str(article),
            str(english),
            "--model",
            str(model),
            "--cache-dir",
            str(tmp_path / "cache"),
            "--backend",
            "transformers",
        ],
    }[command]


COMMANDS = ["glossary find", "glossary check", "glossary fix", "glossary export",
            "glossary suggest", "eval", "translate", "build", "align"]  # fmt: skip


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_refuses_a_glossary_lint_rejects(
    cli: Cli, tiny_model: Path, tmp_path: Path, bad: Path, command: str
) -> None:
    args = _args(command, tmp_path, tiny_model)
    assert cli(*args, "--glossary", str(bad)) == (1, "", refused(bad))
    assert not (tmp_path / "out").exists()  # build: nothing written
    assert not (tmp_path / "g.tbx").exists()


@pytest.mark.parametrize("command", ["glossary find", "glossary export", "translate", "build"])
def test_lenient_uses_it_with_a_warning(
    cli: Cli, tiny_model: Path, tmp_path: Path, bad: Path, command: str
) -> None:
    args = _args(command, tmp_path, tiny_model)
    code, _, err = cli(*args, "--glossary", str(bad), "--glossary-lenient")
    assert code == 0, err
    assert err.splitlines()[0] == used_anyway(bad)


def test_the_shipped_glossary_passes(tmp_path: Path) -> None:
    assert glossary_problems(None) == []
    assert len(load_checked_glossary(None)) > 0


def test_library_and_other_formats(tmp_path: Path, bad: Path) -> None:
    with pytest.raises(KzError, match=r"bad.yaml:3: empty Arabic variant"):
        load_checked_glossary(bad)
    warned: list[str] = []
    assert len(load_checked_glossary(bad, lenient=True, on_warning=warned.append)) == 2
    assert warned == [used_anyway(bad).removeprefix("warning: ")]
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "b.yaml").write_text(bad.read_text(encoding="utf-8"), encoding="utf-8")
    assert [str(p) for p in glossary_problems(folder)] == [
        f"{folder / 'b.yaml'}:3: empty Arabic variant in entry of 'empty'"
    ]
    tbx = ROOT / "tests" / "data" / "glossary" / "almaty.tbx"
    assert glossary_problems(tbx) == []  # no lint for TBX, CSV, TSV
    assert len(load_checked_glossary(tbx)) > 0
