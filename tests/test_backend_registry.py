"""A translation backend is one module and one registry entry: a toy backend
(its Translator below, its entry in ``reverse_backend``) is a ``--backend``
choice, translates in ``kzparallel translate`` and in a build, names itself in
the signature, and is refused as the registry says; the built-in entries keep
their labels and their lines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kzparallel.cli import main
from kzparallel.errors import DependencyError
from kzparallel.translation import (
    BACKENDS,
    BackendInfo,
    DecodingConfig,
    Hypothesis,
    ModelRef,
    TermHints,
    Translation,
    Translator,
    available_backends,
    backend_class,
    prepare_translator,
    resolve_backend,
)
from kzparallel.translation.registry import backend_choices

ROOT = Path(__file__).resolve().parent.parent


class ReverseTranslator(Translator):
    """The toy backend: the "English" is the Arabic words in reverse order."""

    name = "reverse"

    def __init__(self, model_ref: ModelRef, *, device: str = "auto", workers: int | None = None):
        self.model_id, self.revision = model_ref.model_id, model_ref.revision

    def translate(
        self,
        texts: list[str],
        config: DecodingConfig,
        hints: list[TermHints | None] | None = None,
        pad_to: int | None = None,
    ) -> list[Translation]:
        return [Translation([Hypothesis(" ".join(t.split()[::-1]), 0.0)]) for t in texts]

    def count_tokens(self, text: str) -> int:
        return len(self.tokenize_source(text))

    def tokenize_source(self, text: str) -> list[str]:
        return [*text.split(), "</s>"]

    @property
    def backend_label(self) -> str:
        return "reverse"


@pytest.fixture
def reverse_backend(monkeypatch: pytest.MonkeyPatch, cache_dir: Path) -> Iterator[str]:
    """The toy backend registered: its one entry."""
    monkeypatch.setitem(BACKENDS, "reverse", BackendInfo(f"{__name__}:ReverseTranslator"))
    yield "reverse"


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[object, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def test_one_entry_makes_a_backend(reverse_backend: str, tiny_model: Path) -> None:
    assert backend_choices() == ["auto", "transformers", "ctranslate2", "reverse"]
    assert available_backends() == ["transformers", "ctranslate2", "reverse"]
    assert resolve_backend("reverse") == "reverse"
    assert resolve_backend("auto") == "ctranslate2"  # auto picks among the built-ins only
    assert backend_class("reverse") is ReverseTranslator
    spec = prepare_translator(str(tiny_model), backend="reverse", device="cpu")
    assert (spec.label, spec.loaded) == ("reverse", False)


@pytest.mark.parametrize(
    ("arabic", "english"),
    [
        ("وصل الوفد إلى أستانا", "أستانا إلى الوفد وصل"),
        ("كازاخستان", "كازاخستان"),
        ("عاد الرئيس من موسكو أمس", "أمس موسكو من الرئيس عاد"),
    ],
)
def test_translate_uses_the_toy_backend(
    reverse_backend: str,
    tiny_model: Path,
    capsys: pytest.CaptureFixture[str],
    arabic: str,
    english: str,
) -> None:
    args = ["translate", arabic, "--model", str(tiny_model), "--backend", "reverse"]
    assert _run([*args, "--no-glossary"], capsys) == (0, english + "\n", "")
    code, out, _ = _run([*args, "--no-glossary", "--format", "jsonl"], capsys)
    record = json.loads(out)
    assert (code, record["en_mt"]) == (0, english)
    assert "|backend:reverse|" in record["signature"]


def test_a_build_uses_the_toy_backend(
    reverse_backend: str, tiny_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    seed = ROOT / "seeds" / "001_091792376c92b7db.txt"
    args = ["build", str(seed), "--out", str(out), "--model", str(tiny_model)]
    code, stdout, err = _run([*args, "--backend", "reverse", "--no-glossary"], capsys)
    assert (code, stdout.split(",")[0]) == (0, "1 documents"), err
    pairs = [json.loads(line) for line in (out / "pairs.jsonl").read_text().splitlines()]
    assert pairs
    assert [p["en_mt"] for p in pairs] == [" ".join(p["ar"].split()[::-1]) for p in pairs]
    assert {p["backend"] for p in pairs} == {"reverse"}
    manifest = json.loads((out / "manifest.json").read_text())
    assert "|backend:reverse|" in manifest["signature"]


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        # a name the registry does not know: a usage error
        (
            ["--backend", "revers"],
            2,
            "'revers' is not one of auto, transformers, ctranslate2, reverse",
        ),
        # the toy entry has no quantization rule
        (
            ["--backend", "reverse", "--quantization", "int8"],
            1,
            "error: quantization is only supported by the ctranslate2 backend",
        ),
        # an entry whose requirement is missing: the entry's own line
        (
            ["--backend", "needy"],
            1,
            "error: the needy backend needs the 'kz_no_such_module' package: "
            "pip install kz-no-such-package",
        ),
    ],
    ids=["typo", "quantization", "missing-requirement"],
)
def test_refused_as_the_registry_says(
    reverse_backend: str,
    tiny_model: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    code: int,
    message: str,
) -> None:
    needy = BackendInfo(
        f"{__name__}:ReverseTranslator",
        requires=("kz_no_such_module",),
        install="kz-no-such-package",
    )
    monkeypatch.setitem(BACKENDS, "needy", needy)
    args = ["translate", "كازاخستان", "--model", str(tiny_model), "--no-glossary", *argv]
    got, out, err = _run(args, capsys)
    assert (got, out) == (code, "")
    if code == 2:  # click's usage block, the reason in it
        assert message in " ".join(err.split())
    else:
        assert err.splitlines() == [message]


@pytest.mark.parametrize(
    ("backend", "device", "quantization", "dtype", "label"),
    [
        ("ctranslate2", "cpu", None, None, "ctranslate2-int8"),
        ("ctranslate2", "cpu", "int16", None, "ctranslate2-int16"),
        ("ctranslate2", "cuda", None, None, "ctranslate2-int8_float16-cuda"),
        ("ctranslate2", "cuda:1", "float16", None, "ctranslate2-float16-cuda"),
        ("transformers", "cpu", None, None, "transformers-fp32"),
        ("transformers", "cuda", None, None, "transformers-fp16-cuda"),
        ("transformers", "cuda", None, "bf16", "transformers-bf16-cuda"),
    ],
)
def test_built_in_label_rules(
    backend: str, device: str, quantization: str | None, dtype: str | None, label: str
) -> None:
    assert BACKENDS[backend].label_for(backend, device, quantization, dtype) == label


@pytest.mark.parametrize(
    ("backend", "message"),
    [
        (
            "ctranslate2",
            "the ctranslate2 backend needs the 'ctranslate2' package: "
            "pip install 'kzparallel[ctranslate2]'",
        ),
        (
            "transformers",
            "the transformers backend needs 'torch' and 'transformers': "
            "pip install torch==2.13.0 transformers",
        ),
    ],
)
def test_built_in_dependency_lines(backend: str, message: str) -> None:
    err = BACKENDS[backend].dependency_error(backend)
    assert (type(err), str(err)) == (DependencyError, message)
