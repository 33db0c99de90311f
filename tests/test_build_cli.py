"""``kzparallel build|export|publish|eval`` on the command line: exact output and errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REFS = ROOT / "seeds" / "references"
SEED = ROOT / "seeds" / "003_a7048d873e8d821e.txt"

Run = Callable[..., tuple[int, str, str]]


def test_build_reports_bad_input_and_keeps_the_good(
    cli: Run, tiny_model: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    out = tmp_path / "out"
    code, stdout, stderr = cli(
        "build", str(SEED), str(empty), "--out", str(out), "--model", str(tiny_model),
        "--backend", "transformers", "--no-glossary", "--max-new-tokens", "8",
        "--cache-dir", str(tmp_path / "cache"),
    )  # fmt: skip
    assert code == 3
    assert stderr.splitlines() == [
        f"warning: skipped {empty}: file is empty",
        "warning: no document is in validation or test: 1 cluster(s) are too few for ratios "
        "0.8,0.1,0.1 (each cluster's split is drawn from a hash of its id, so a small corpus "
        "can leave a split empty)",
        "warning: 1 of 2 inputs skipped",
    ]
    pairs = (out / "pairs.jsonl").read_text(encoding="utf-8").splitlines()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    n, flagged = len(pairs), manifest["counts"]["flagged"]
    assert stdout == f"1 documents, {n} pairs (train {n}), {flagged} flagged -> {out}\n"
    assert (out / "en" / "003_a7048d873e8d821e.txt").is_file()

    # export and eval of that build
    code, stdout, stderr = cli(
        "export", str(out), "--format", "moses", "--out", str(tmp_path / "c")
    )
    assert (code, stdout, stderr) == (0, f"{len(pairs)} pairs -> {tmp_path / 'c'}\n", "")
    code, stdout, stderr = cli(
        "eval", "--hyp", str(out / "pairs.jsonl"), "--ref", str(REFS / "003_a7048d873e8d821e.jsonl")
    )
    assert code == 0, stderr
    lines = stdout.splitlines()
    assert [line.split(" = ")[0] for line in lines[:3]] == ["BLEU", "chrF", "TER"]
    assert lines[3] == "16 segments aligned by doc_id+para"


def test_build_missing_input(cli: Run, tiny_model: Path, tmp_path: Path) -> None:
    code, stdout, stderr = cli(
        "build", str(tmp_path / "nope.txt"), "--out", str(tmp_path / "out"),
        "--model", str(tiny_model), "--backend", "transformers", "--no-glossary",
        "--cache-dir", str(tmp_path / "cache"),
    )  # fmt: skip
    assert code == 1
    assert stdout == ""
    assert stderr.splitlines() == [
        f"warning: skipped {tmp_path / 'nope.txt'}: no such file or directory",
        "error: no sentence pair was produced: no document could be read (1 skipped)",
    ]
    assert not (tmp_path / "out" / "pairs.jsonl").exists()


def test_build_bad_split(cli: Run, tmp_path: Path) -> None:
    code, _, stderr = cli("build", str(SEED), "--out", str(tmp_path), "--split-by-doc", "1,1")
    assert code == 1
    assert stderr == (
        "error: --split-by-doc: give three ratios >= 0 for train,validation,test that sum to 1 "
        "(got '1,1')\n"
    )


def test_build_bad_min_score(cli: Run, tmp_path: Path) -> None:
    code, _, stderr = cli("build", str(SEED), "--out", str(tmp_path), "--min-score", "low")
    assert (code, stderr) == (1, "error: --min-score: give auto, off or a number (got 'low')\n")


def test_export_errors(cli: Run, tmp_path: Path) -> None:
    code, stdout, stderr = cli("export", str(tmp_path / "x"), "--format", "tmx", "--out", "a.tmx")
    assert (code, stdout, stderr) == (1, "", f"error: {tmp_path / 'x'}: no such build directory\n")


def test_publish_without_token(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))  # no stored login
    (tmp_path / "b" / "dataset" / "data").mkdir(parents=True)
    (tmp_path / "b" / "dataset" / "README.md").write_text("---\n---\n", encoding="utf-8")
    code, stdout, stderr = cli("publish", str(tmp_path / "b"), "--repo-id", "org/name")
    assert (code, stdout) == (1, "")
    assert stderr == (
        "error: no Hugging Face token: run `hf auth login` (older huggingface_hub: "
        "`huggingface-cli login`) or set HF_TOKEN "
        "(a token with write access is needed to publish)\n"
    )
    code, _, stderr = cli("publish", str(tmp_path), "--repo-id", "org/name")
    assert stderr == (
        f"error: {tmp_path}: no dataset/ folder in it (run `kzparallel build` first)\n"
    )


def test_eval_json(cli: Run) -> None:
    ref = REFS / "004_4496b14b8fd8a434.jsonl"
    code, stdout, stderr = cli("eval", "--hyp", str(ref), "--ref", str(ref), "--json")
    assert code == 0, stderr
    data = json.loads(stdout)
    assert data["n"] == 16
    assert data["aligned_by"] == "doc_id+para"
    assert data["scores"] == {"BLEU": 100.0, "chrF": 100.0, "TER": 0.0}
    assert data["glossary"] is None


def test_build_with_an_unusable_cache_dir(cli: Run, tiny_model: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    code, stdout, stderr = cli(
        "build", str(SEED), "--out", str(tmp_path / "out"), "--model", str(tiny_model),
        "--cache-dir", str(blocker / "cache"),
    )  # fmt: skip
    assert (code, stdout) == (1, "")
    assert stderr == (
        f"error: translation cache {blocker / 'cache' / 'translations.sqlite'}: not a directory "
        "(choose another --cache-dir, or --no-cache)\n"
    )
    assert not (tmp_path / "out" / "pairs.jsonl").exists()


def test_build_over_an_earlier_build_adds_the_new_articles(
    cli: Run, tiny_model: Path, tmp_path: Path
) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    first, second = ROOT / "seeds" / "000_2c12d225e0c03558.txt", SEED
    common = ["--out", str(out), "--model", str(tiny_model), "--backend", "transformers"]
    common += ["--no-glossary", "--max-new-tokens", "4", "--cache-dir", str(cache)]
    code, _, stderr = cli("build", str(first), *common)
    assert code == 0, stderr
    old_pairs = (out / "pairs.jsonl").read_text(encoding="utf-8").splitlines()
    old_ids = [json.loads(line)["id"] for line in old_pairs]

    code, stdout, stderr = cli("build", str(second), *common)  # only the new article
    assert code == 0, stderr
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    pairs = [json.loads(x) for x in (out / "pairs.jsonl").read_text("utf-8").splitlines()]
    assert [p["id"] for p in pairs[: len(old_ids)]] == old_ids
    assert [d["doc_id"] for d in m["documents"]] == [first.stem, second.stem]
    rows = ", ".join(f"{k} {v}" for k, v in m["counts"]["splits"]["rows"].items())
    assert stdout == (
        "dataset version 2: 1 document(s) added, 0 updated, 1 kept from the previous build\n"
        f"2 documents, {len(pairs)} pairs ({rows}), {m['counts']['flagged']} flagged -> {out}\n"
    )
    # nothing was translated twice: the old pairs were carried over, not re-read
    assert m["counts"]["cache_misses"] == len(pairs) - len(old_ids)
    assert m["counts"]["cache_hits"] == 0
    assert m["dataset"]["version"] == 2


def test_a_corrupt_review_database_only_stops_a_build_that_applies_it(
    cli: Run, tiny_model: Path, tmp_path: Path
) -> None:
    """review.sqlite is read for the report's sampled estimate; a damaged one is a
    warning then, and an error only with --apply-review (which needs it)."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "review.sqlite").write_bytes(b"not a database, but sixteen bytes or more")
    args = (
        "build", str(SEED), "--out", str(out), "--model", str(tiny_model),
        "--backend", "transformers", "--no-glossary", "--max-new-tokens", "8",
        "--cache-dir", str(tmp_path / "cache"), "--split-by-doc", "1,0,0",
    )  # fmt: skip
    code, stdout, stderr = cli(*args)
    db = out / "review.sqlite"
    assert code == 0
    assert stderr == (
        f"warning: {db}: cannot read the review database (file is not a database); "
        "the report has no review estimate\n"
    )
    assert stdout.endswith(f"flagged -> {out}\n")
    code, stdout, stderr = cli(*args, "--apply-review")
    assert (code, stdout) == (1, "")
    assert stderr.startswith(f"error: {db}: ")
    assert len(stderr.splitlines()) == 1
