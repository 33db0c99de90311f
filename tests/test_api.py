"""The Python API (kzparallel.api, exported at the package's top level): what it
returns is what the CLI writes, and importing it loads no heavy library."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import kzparallel
from kzparallel.cli import main

TEXTS = [
    "قال الرئيس الكازاخستاني إن الوضع مستقر. وأضاف أن القوات ستغادر قريبا.",
    "",
    "وصلت قوات حفظ السلام إلى ألماتي",
]
OPTIONS = {"backend": "transformers", "device": "cpu", "max_new_tokens": 8}


def _cli_lines(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> tuple[int | str | None, list[str]]:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    return exc.value.code, capsys.readouterr().out.splitlines()


def test_importing_the_package_and_the_cli_loads_no_heavy_library() -> None:
    code = (
        "import sys, kzparallel, kzparallel.cli, kzparallel.api\n"
        "kzparallel.Translator, kzparallel.translate, kzparallel.build, kzparallel.align\n"
        "heavy = ('torch', 'transformers', 'ctranslate2', 'datasets', 'pyarrow', 'ray')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert (done.returncode, done.stdout, done.stderr) == (0, "[]\n", "")


def test_the_top_level_names_are_the_apis() -> None:
    from kzparallel import api
    from kzparallel.glossary import load_glossary

    assert kzparallel.Translator is api.Translator
    assert kzparallel.build is api.build and kzparallel.align is api.align
    assert kzparallel.translate is api.translate
    assert kzparallel.load_glossary is load_glossary
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        kzparallel.nothing  # noqa: B018


@pytest.mark.parametrize("glossary", [True, False], ids=["glossary", "no-glossary"])
def test_translator_gives_what_the_translate_command_prints(
    tiny_model: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str], glossary: bool
) -> None:
    with kzparallel.Translator(str(tiny_model), glossary=glossary, **OPTIONS) as tr:
        many = tr.translate(TEXTS)
        one = tr.translate(TEXTS[0])
        pairs = tr.translate_pairs(TEXTS)
    flags = [] if glossary else ["--no-glossary"]
    argv = ["translate", "-m", str(tiny_model), "--backend", "transformers", "--device", "cpu"]
    code, lines = _cli_lines([*argv, "--max-new-tokens", "8", *flags, "\n".join(TEXTS)], capsys)
    assert code in (0, None)
    assert many == lines and len(many) == 3 and many[1] == ""
    assert one == many[0]
    # two sentences in the first text, an empty one for the second, one in the third
    assert [(p.para, p.sent) for p in pairs] == [(0, 0), (0, 1), (1, 0), (2, 0)]
    assert " ".join(p.en for p in pairs[:2]) == many[0]
    # the glossary found Almaty in the third text, and reports on it
    assert bool(pairs[3].terms) is glossary
    # the signature every pair of these settings carries
    assert tr.signature.startswith("model:") and {p.signature for p in pairs} == {tr.signature}


def test_translate_is_a_one_off_translator(tiny_model: Path, cache_dir: Path) -> None:
    got = kzparallel.translate(TEXTS, model=str(tiny_model), **OPTIONS)
    with kzparallel.Translator(str(tiny_model), **OPTIONS) as tr:
        assert got == tr.translate(TEXTS)
    assert isinstance(kzparallel.translate("كازاخستان", model=str(tiny_model), **OPTIONS), str)


def test_build_returns_the_manifest_it_wrote(
    tiny_model: Path, seeds_dir: Path, cache_dir: Path, tmp_path: Path
) -> None:
    seed = sorted(seeds_dir.glob("*.txt"))[0]
    manifest = kzparallel.build(seed, tmp_path / "out", model=str(tiny_model), **OPTIONS)
    assert manifest == json.loads((tmp_path / "out" / "manifest.json").read_text("utf-8"))
    pairs = (tmp_path / "out" / "pairs.jsonl").read_text("utf-8").splitlines()
    assert manifest["counts"]["pairs"] == len(pairs) > 0


def test_align_links_every_sentence_once(tiny_model: Path, cache_dir: Path) -> None:
    arabic = "الرئيس يزور ألماتي\nقال المتحدث إن الرئيس سيزور ألماتي غدا. وأضاف أن الزيارة تستمر يومين.\n"
    english = "The president visits Almaty\nThe spokesman said the president would visit Almaty tomorrow. He added that the visit would last two days.\n"
    links = kzparallel.align(arabic, english, model=str(tiny_model), **OPTIONS)
    ar = sorted(i for link in links for i in link.ar_sents)
    en = sorted(i for link in links for i in link.en_sents)
    assert (ar, en) == ([0, 1, 2], [0, 1, 2])
