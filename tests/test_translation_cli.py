"""``kzparallel translate`` / ``model`` commands: exact output, line for line."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from kzparallel.cli import main
from kzparallel.segmentation import segment_text
from kzparallel.translation import DecodingConfig, TranslatorSpec, load_translator

LINES = [
    "قال الرئيس الكازاخستاني إن الوضع مستقر. وأضاف أن القوات ستغادر قريبا.",
    "",
    "كازاخستان",
    "وصلت قوات حفظ السلام إلى ألماتي",
]


def _run(argv: list[str], capsys: pytest.CaptureFixture[str], stdin: str | None = None):  # type: ignore[no-untyped-def]
    if stdin is not None:
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8")), encoding="utf-8")
    try:
        with pytest.raises(SystemExit) as exc:
            main(argv)
    finally:
        sys.stdin = sys.__stdin__
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def _expected(model: Path, backend: str, lines: list[str]) -> list[str]:
    """Each line's sentences translated one at a time, joined with a space."""
    tr = load_translator(str(model), backend=backend, device="cpu")
    cfg = DecodingConfig(beam=4, max_new_tokens=12)
    out = []
    for i, line in enumerate(lines):
        sents = [s.text for s in segment_text(line, para=i)] if line.strip() else []
        out.append(" ".join(tr.translate([s], cfg)[0].text for s in sents))
    return out


@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
def test_translate_stdin_line_for_line(
    tiny_model: Path,
    cache_dir: Path,
    backend: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert len(segment_text(LINES[0])) == 2
    args = ["translate", "-", "--model", str(tiny_model), "--backend", backend, "--no-glossary"]
    args += ["--max-new-tokens", "12", "--batch-tokens", "1", "--device", "cpu"]
    code, out, err = _run(args, capsys, stdin="\n".join(LINES) + "\n")
    assert (code, err) == (0, "")
    expected = _expected(tiny_model, backend, LINES)
    assert out == "\n".join(expected) + "\n"
    assert out.split("\n")[1] == ""
    assert all(expected[i] for i in (0, 2, 3))

    # second run: everything from the cache, the model is never loaded
    def no_load(self: TranslatorSpec) -> None:
        raise AssertionError("model loaded on a cached run")

    monkeypatch.setattr(TranslatorSpec, "load", no_load)
    code2, out2, err2 = _run(args, capsys, stdin="\n".join(LINES) + "\n")
    assert (code2, out2, err2) == (0, out, "")


def test_translate_text_argument(
    tiny_model: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["translate", LINES[2], "--model", str(tiny_model), "--max-new-tokens", "12"]
    code, out, err = _run([*args, "--no-cache", "--no-glossary"], capsys)
    assert (code, err) == (0, "")
    assert out == _expected(tiny_model, "ctranslate2", [LINES[2]])[0] + "\n"
    assert not (cache_dir / "translations.sqlite").exists()


def test_missing_model_is_one_line_error(
    tmp_path: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no-model"
    code, out, err = _run(["translate", "كازاخستان", "--model", str(missing)], capsys)
    assert (code, out) == (1, "")
    assert err == (
        f"error: model directory '{missing}' does not exist: download it with "
        f"`hf download Helsinki-NLP/opus-mt-ar-en --local-dir {missing}` (older "
        "huggingface_hub: `huggingface-cli download`) "
        f"and pass --model {missing}\n"
    )


def test_default_model_offline_error(
    tmp_path: Path,
    cache_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    code, out, err = _run(["translate", "كازاخستان"], capsys)
    assert (code, out) == (1, "")
    assert err == (
        "error: model 'Helsinki-NLP/opus-mt-ar-en' is not available offline: download it with "
        "`hf download Helsinki-NLP/opus-mt-ar-en --local-dir DIR` (older "
        "huggingface_hub: `huggingface-cli download`) and pass --model DIR\n"
    )


def test_missing_input_file(
    tiny_model: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(["translate", "nothere.txt", "--model", str(tiny_model)], capsys)
    assert (code, out, err) == (1, "", "error: nothere.txt: no such file or directory\n")


def test_model_info_and_convert(
    tiny_model: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kzparallel.translation import resolve_model

    ref = resolve_model(str(tiny_model))
    code, out, _ = _run(["model", "info", str(tiny_model)], capsys)
    assert code == 0
    assert out.splitlines() == [
        f"model: {tiny_model.name}",
        f"revision: {ref.revision}",
        f"path: {ref.path}",
        "architecture: MarianMTModel",
        "layers: 2+2",
        "d_model: 32",
        "heads: 2",
        "ffn: 64",
        "vocab: 1028",
        "max_positions: 512",
        "ctranslate2: not converted",
    ]
    code, out, _ = _run(["model", "convert", str(tiny_model), "--to", "ctranslate2"], capsys)
    assert code == 0
    converted = Path(out.strip())
    assert converted.parent == cache_dir / "ctranslate2"
    assert (converted / "model.bin").is_file()
    _, out, _ = _run(["model", "info", str(tiny_model)], capsys)
    assert out.splitlines()[-1] == "ctranslate2: int8"
    code, _, err = _run(["model", "convert", str(tiny_model), "--to", "onnx"], capsys)
    assert (code, err) == (
        1,
        "error: unknown target format 'onnx' (only ctranslate2 is supported)\n",
    )


def test_translate_article_file_prints_english_paragraphs(
    tiny_model: Path, cache_dir: Path, seeds_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kzparallel.cleaning import clean_document
    from kzparallel.ingest import read_documents
    from kzparallel.segmentation import segment_document

    path = sorted(seeds_dir.glob("*.txt"))[1]
    args = ["translate", str(path), "--model", str(tiny_model), "--backend", "transformers"]
    args += ["--max-new-tokens", "6", "--batch-tokens", "1", "--no-glossary"]
    code, out, err = _run(args, capsys)
    assert (code, err) == (0, "")
    (doc,) = read_documents([path])
    segs = segment_document(clean_document(doc))
    tr = load_translator(str(tiny_model), backend="transformers", device="cpu")
    cfg = DecodingConfig(beam=4, max_new_tokens=6)
    paragraphs: dict[int, list[str]] = {}
    for s in segs:
        paragraphs.setdefault(s.para, []).append(tr.translate([s.text], cfg)[0].text)
    expected = [" ".join(p) for _, p in sorted(paragraphs.items())]
    assert out.splitlines() == expected
    assert len(expected) == len(clean_document(doc).blocks())


def test_translate_directory_separates_articles_with_a_blank_line(
    tiny_model: Path, cache_dir: Path, seeds_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kzparallel.cleaning import clean_document
    from kzparallel.ingest import read_documents

    blocks = [len(clean_document(d).blocks()) for d in read_documents([seeds_dir])]
    args = ["translate", str(seeds_dir), "--model", str(tiny_model), "--max-new-tokens", "3"]
    code, out, err = _run(args, capsys)
    assert (code, err) == (0, "")
    articles = out.rstrip("\n").split("\n\n")
    assert [len(a.split("\n")) for a in articles] == blocks


def test_bench_table(
    tiny_model: Path, cache_dir: Path, seeds_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import re

    from kzparallel.translation.bench import seed_sentences

    article = sorted(seeds_dir.glob("*.txt"))[1]
    n = len(seed_sentences(article))
    args = ["bench", "--model", str(tiny_model), "--fixed-length", "4", "--input", str(article)]
    code, out, err = _run([*args, "--no-builds"], capsys)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == [
        "backend", "sentences", "sent/s", "tokens/s", "load", "s", "process", "s", "peak", "MiB",
        "torch",
    ]  # fmt: skip
    num = r"\d+(\.\d+)?"
    assert re.fullmatch(
        rf"transformers-fp32 +{n} +{num} +{num} +{num} +{num} +{num} +yes", lines[1]
    )
    assert re.fullmatch(rf"ctranslate2-int8 +{n} +{num} +{num} +{num} +{num} +{num} +no", lines[2])
    assert len(lines) == 3


def test_bench_times_the_builds_without_and_with_the_glossary(
    tiny_model: Path, cache_dir: Path, seeds_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import re

    from kzparallel.translation.bench import seed_sentences

    article = sorted(seeds_dir.glob("*.txt"))[1]
    n = len(seed_sentences(article))
    args = ["bench", "--model", str(tiny_model), "--backend", "ctranslate2", "--input"]
    code, out, err = _run([*args, str(article), "--max-new-tokens", "3"], capsys)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert re.fullmatch(r"ctranslate2-int8 .* no", lines[1]) and lines[2] == ""
    assert lines[3].split() == [
        "build", "pairs", "process", "s", "cpu", "s", "prepare", "read", "load", "translate",
        "enforce", "qa", "write", "vs", "no", "glossary",
    ]  # fmt: skip
    s = r" +\d+\.\d\d"
    # process, CPU, prepare, read, load, translate, (no enforce), qa, write
    assert re.fullmatch(rf"ctranslate2-int8, no glossary +{n}{s * 6} +-{s * 2}", lines[4])
    assert re.fullmatch(rf"ctranslate2-int8, glossary +{n}{s * 9} +\d+\.\d\dx", lines[5])
    assert len(lines) == 6


# -- the glossary in `translate`: the build's layers, the build's records -----------------

_CUSTOM_GLOSSARY = "entries:\n  - {id: kz, type: place, ar: [كازاخستان], en: Mm}\n"


@pytest.mark.parametrize(
    ("glossary_args", "expect"),
    [
        (["--glossary", "{custom}"], "enforced"),
        ([], "terms"),
        (["--no-glossary"], "none"),
    ],
    ids=["custom glossary", "shipped glossary by default", "no glossary"],
)
def test_translate_jsonl_gives_the_builds_pairs(
    cli,  # type: ignore[no-untyped-def]
    tiny_model: Path,
    cache_dir: Path,
    tmp_path: Path,
    glossary_args: list[str],
    expect: str,
) -> None:
    """`translate --format jsonl` runs the build's glossary layers: its records
    are the build's pairs.jsonl records for the same article and settings (the
    corpus-wide marks aside, which only a build can set: the length-ratio,
    low-score and duplicate flags, duplicate_of and cluster)."""
    import json

    from kzparallel.corpus import CORPUS_FLAGS

    custom = tmp_path / "custom.yaml"
    custom.write_text(_CUSTOM_GLOSSARY, encoding="utf-8")
    gargs = [a.replace("{custom}", str(custom)) for a in glossary_args]
    article = sorted((Path(__file__).parent.parent / "seeds").glob("*.txt"))[3]
    common = ["--model", str(tiny_model), "--backend", "transformers", "--beam", "2"]
    common += ["--max-new-tokens", "10", *gargs]
    code, out, err = cli("translate", str(article), "--format", "jsonl", *common)
    assert (code, err) == (0, "")
    translated = [json.loads(line) for line in out.splitlines()]
    code, _, err = cli("build", str(article), "--out", str(tmp_path / "out"), *common)
    assert code == 0, err
    built = [json.loads(x) for x in (tmp_path / "out" / "pairs.jsonl").read_text().splitlines()]
    for record in built:
        record["qa"] = [f for f in record["qa"] if f not in CORPUS_FLAGS]
        record["duplicate_of"] = record["cluster"] = None
    assert translated == built
    layers = {t["layer"] for r in translated for t in r["terms"]}
    if expect == "enforced":  # the rerank or the repair changed the decoder's English
        assert layers & {"rerank", "repair"}
        assert any(r["en"] != r["en_mt"] for r in translated)
    elif expect == "terms":
        assert {t["term"] for r in translated for t in r["terms"]} >= {"kazakhstan", "blinken"}
    else:
        assert all(r["terms"] == [] and r["en"] == r["en_mt"] for r in translated)


def test_translate_text_prints_the_enforced_english(
    cli,  # type: ignore[no-untyped-def]
    tiny_model: Path,
    cache_dir: Path,
    tmp_path: Path,
) -> None:
    """Text output is the `en` of the jsonl records, joined by paragraph."""
    import json

    custom = tmp_path / "custom.yaml"
    custom.write_text(_CUSTOM_GLOSSARY, encoding="utf-8")
    args = ["translate", "-", "--model", str(tiny_model), "--backend", "transformers"]
    args += ["--beam", "2", "--max-new-tokens", "10", "--glossary", str(custom)]
    stdin = "\n".join(LINES).encode("utf-8")
    code, text, err = cli(*args, stdin=stdin)
    assert (code, err) == (0, "")
    code, out, err = cli(*args, "--format", "jsonl", stdin=stdin)
    records = [json.loads(line) for line in out.splitlines()]
    by_line: dict[int, list[str]] = {}
    for r in records:
        by_line.setdefault(r["para"], []).append(r["en"])
    assert text.splitlines() == [" ".join(p for p in by_line[i] if p) for i in range(len(LINES))]
    assert any(t["layer"] in ("rerank", "repair") for r in records for t in r["terms"])
