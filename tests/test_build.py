"""End to end: ``build`` of the seed articles with the tiny MarianMT model.

One build (and a second, cached one for the byte-identity check) is shared by
the whole module.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from kzparallel.builder import BuildResult, BuildSettings, build, check_out_dir, prepare
from kzparallel.errors import KzError
from kzparallel.pairs_file import read_pairs
from kzparallel.records import pair_id
from kzparallel.sinks.dataset import features


def _settings(model: Path, cache: Path) -> BuildSettings:
    return BuildSettings(
        model=str(model),
        backend="transformers",
        max_new_tokens=24,
        cache_dir=str(cache),
    )


@pytest.fixture(scope="module")
def built(
    tiny_model: Path, seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("build")
    cache = base / "cache"
    first = build([seeds_dir], base / "out1", _settings(tiny_model, cache))
    second = build([seeds_dir], base / "out2", _settings(tiny_model, cache))
    return {"out": base / "out1", "again": base / "out2", "first": first, "second": second}


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_writes_every_output(built: dict[str, Any]) -> None:
    out: Path = built["out"]
    for name in (
        "pairs.jsonl",
        "manifest.json",
        "report.html",
        "dataset/README.md",
        "dataset/data/train-00000-of-00001.parquet",
        "dataset/data/test-00000-of-00001.parquet",
    ):
        assert (out / name).is_file(), name
    # no temporary or staging file is left behind
    assert [p.name for p in out.rglob(".*")] == []


def test_second_build_is_byte_identical_and_fully_cached(built: dict[str, Any]) -> None:
    out, again = built["out"], built["again"]
    assert (out / "pairs.jsonl").read_bytes() == (again / "pairs.jsonl").read_bytes()
    assert _files(out / "dataset") == _files(again / "dataset")
    assert _files(out / "en") == _files(again / "en")
    second: BuildResult = built["second"]
    assert second.cache_misses == 0
    assert second.cache_hits > 0


def _hash_split(cluster: str, seed: int = 0) -> str:
    """The card's formula, written out independently of kzparallel.splits."""
    import hashlib

    u = int(hashlib.sha256(f"{seed}:{cluster}".encode()).hexdigest()[:16], 16) / 2**64
    return "train" if u < 0.8 else "validation" if u < 0.9 else "test"


def test_five_documents_split_by_the_hash_of_their_cluster(built: dict[str, Any]) -> None:
    result: BuildResult = built["first"]
    assert result.documents == 5
    m = json.loads((built["out"] / "manifest.json").read_text(encoding="utf-8"))
    docs = {d["doc_id"]: d for d in m["documents"]}
    # the seeds are about the same events, yet no two are near-copies: one cluster each
    assert {d: (r["cluster"], r["split"]) for d, r in docs.items()} == {
        d: (d, _hash_split(d)) for d in docs
    }
    assert [r["split"] for r in docs.values()] == ["train"] * 4 + ["test"]
    pairs = list(read_pairs(built["out"] / "pairs.jsonl"))
    assert result.splits == {
        "train": sum(docs[p.doc_id]["split"] == "train" for p in pairs),
        "test": sum(docs[p.doc_id]["split"] == "test" for p in pairs),
    }
    assert result.split_note == (
        "no document is in validation: 5 cluster(s) are too few for ratios 0.8,0.1,0.1 "
        "(each cluster's split is drawn from a hash of its id, so a small corpus can leave "
        "a split empty)"
    )


def test_english_articles_keep_the_source_paragraphs(
    built: dict[str, Any], seeds_dir: Path
) -> None:
    from kzparallel.cleaning import clean_document
    from kzparallel.ingest import read_documents

    docs = list(read_documents(sorted(seeds_dir.glob("*.txt"))))
    assert len(docs) == 5
    for doc in docs:
        blocks = clean_document(doc).blocks()
        txt = (built["out"] / "en" / f"{doc.doc_id}.txt").read_text(encoding="utf-8")
        md = (built["out"] / "en" / f"{doc.doc_id}.md").read_text(encoding="utf-8")
        assert len(txt.rstrip("\n").split("\n\n")) == len(blocks), doc.doc_id
        assert md.startswith("# "), doc.doc_id  # every seed has a title
        assert len(md.rstrip("\n").split("\n\n")) == len(blocks), doc.doc_id


def test_pairs_have_ids_and_provenance(built: dict[str, Any]) -> None:
    manifest = json.loads((built["out"] / "manifest.json").read_text(encoding="utf-8"))
    pairs = list(read_pairs(built["out"] / "pairs.jsonl"))
    assert len(pairs) == built["first"].pairs == manifest["counts"]["pairs"]
    assert len({p.id for p in pairs}) == len(pairs)
    for p in pairs:
        assert p.id == pair_id(p.doc_id, p.para, p.sent, p.ar)
        assert p.signature == manifest["signature"]
        assert (p.model, p.revision, p.backend) == (
            manifest["model"]["id"],
            manifest["model"]["revision"],
            "transformers-fp32",
        )
        assert p.review_status == "unreviewed"
    line = (built["out"] / "pairs.jsonl").read_text(encoding="utf-8").splitlines()[0]
    assert '"cached"' not in line  # run-dependent fields are not written


def test_manifest_records_settings_versions_and_timings(built: dict[str, Any]) -> None:
    m = json.loads((built["out"] / "manifest.json").read_text(encoding="utf-8"))
    assert m["settings"]["max_new_tokens"] == 24
    assert m["settings"]["split_by_doc"] == [0.8, 0.1, 0.1]
    assert m["versions"]["kzparallel"] == "0.1.0"
    assert m["versions"]["datasets"]
    assert m["decoding"]["maxnew"] == 24
    # seconds per stage in pipeline order (the glossary is on: enforce is there)
    timings = m["timings_s"]
    stages = ["prepare", "read", "load", "translate", "enforce", "qa", "write", "total"]
    assert list(timings) == stages
    assert all(v >= 0 for v in timings.values())
    assert timings["total"] == pytest.approx(sum(timings.values()) - timings["total"], abs=0.01)
    assert list(m["write_timings_s"]) == [
        "corpus",
        "pairs",
        "shards",
        "finalise",
        "consistency",
        "report",
    ]
    assert sum(m["write_timings_s"].values()) <= timings["write"] + 0.01
    assert m["deterministic_outputs"] == ["pairs.jsonl", "en/", "dataset/"]
    docs = {d["doc_id"]: d for d in m["documents"]}
    assert list(docs) == sorted(
        p.stem for p in Path(m["documents"][0]["source"]).parent.glob("*.txt")
    )
    assert len(docs) == 5
    pairs = [json.loads(x) for x in (built["out"] / "pairs.jsonl").read_text("utf-8").splitlines()]
    for doc_id, d in docs.items():
        assert d["segments"] == sum(p["doc_id"] == doc_id for p in pairs), doc_id
        assert d["paragraphs"] == 1 + max(p["para"] for p in pairs if p["doc_id"] == doc_id)
    # each document's date and where it came from; the undated ones are in the report
    assert {d: (r["date"], r["date_source"]) for d, r in docs.items()} == {
        "000_2c12d225e0c03558": (None, ""),
        "001_091792376c92b7db": ("2022-01-11", "dateline"),
        "002_0f918022c33d9c19": (None, ""),
        "003_a7048d873e8d821e": (None, ""),
        "004_4496b14b8fd8a434": ("2022-01-06", "dateline"),
    }
    report = (built["out"] / "report.html").read_text(encoding="utf-8")
    assert "3 of 5 documents have no date" in report


def test_dataset_card_header(built: dict[str, Any]) -> None:
    text = (built["out"] / "dataset" / "README.md").read_text(encoding="utf-8")
    assert text.startswith("---\n")
    header = yaml.safe_load(text.split("---\n")[1])
    assert header["language"] == ["ar", "en"]
    assert header["task_categories"] == ["translation"]
    assert header["license"] == "other"
    assert (header["license_name"], header["license_link"]) == (
        "news-publishers-copyright",
        "LICENSE.md",
    )
    assert (built["out"] / "dataset" / "LICENSE.md").read_text("utf-8").startswith("# License\n")
    assert header["annotations_creators"] == ["machine-generated"]
    assert header["language_creators"] == ["found", "machine-generated"]
    assert header["size_categories"] == ["n<1K"]
    assert header["configs"] == [
        {
            "config_name": "ar-en",
            "default": True,
            "data_files": [
                {"split": s, "path": f"data/{s}-00000-of-00001.parquet"} for s in ("train", "test")
            ],
        }
    ]
    import pyarrow.parquet as pq

    info = header["dataset_info"]
    files = [
        built["out"] / "dataset" / "data" / f"{s}-00000-of-00001.parquet" for s in ("train", "test")
    ]
    assert [(s["name"], s["num_examples"]) for s in info["splits"]] == list(
        built["first"].splits.items()
    )
    for split, parquet in zip(info["splits"], files, strict=True):
        # the Arrow size datasets reports (buffer padding aside, the size of the table)
        assert split["num_bytes"] == pytest.approx(pq.read_table(parquet).nbytes, rel=0.01)
    assert info["download_size"] == sum(f.stat().st_size for f in files)
    assert info["dataset_size"] == sum(s["num_bytes"] for s in info["splits"])
    assert built["first"].signature in text
    # the prose names the build's documents (not any particular topic)
    assert "made from 5 Arabic news\narticle(s) with kzparallel 0.1.0." in text
    sources = text.split("## Sources\n")[1].split("## ")[0].split()
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    assert [w.strip("`:") for w in sources if w.startswith("`")] == sorted(
        p.stem for p in seeds.glob("*.txt")
    )


def test_the_card_round_trips_and_both_ways_of_loading_agree(built: dict[str, Any]) -> None:
    """The card is what the Hub's own :class:`DatasetCard` reads and writes, and
    ``load_dataset(folder)`` (the card's config) gives the rows that
    ``load_dataset("parquet", data_files=...)`` gives from the files themselves."""
    from datasets import load_dataset
    from huggingface_hub import DatasetCard

    folder = built["out"] / "dataset"
    card = DatasetCard.load(folder / "README.md")
    header = yaml.safe_load((folder / "README.md").read_text("utf-8").split("---\n")[1])
    assert card.data.to_dict() == header
    assert card.data.configs[0]["config_name"] == "ar-en"
    files = {s: str(folder / "data" / f"{s}-00000-of-00001.parquet") for s in ("train", "test")}
    by_card = load_dataset(str(folder), download_mode="force_redownload")
    by_files = load_dataset("parquet", data_files=files)
    assert sorted(by_card) == sorted(by_files) == ["test", "train"]
    for split in files:
        assert by_card[split].features == by_files[split].features
        assert by_card[split].to_list() == by_files[split].to_list()


def test_card_lists_at_most_50_documents() -> None:
    from kzparallel.sinks.card import make_card_info, render_card
    from kzparallel.sinks.dataset import DatasetSummary
    from kzparallel.sinks.report import ReportStats

    docs = [
        {"doc_id": f"d{i:03}", "source": f"/a/d{i:03}.txt", "paragraphs": 3, "segments": 4}
        for i in range(60)
    ]
    info = make_card_info(
        model="m", revision="r", backend="b", signature="s", glossary="none",
        documents=docs, stats=ReportStats(), reviewed=False,
    )  # fmt: skip
    summary = DatasetSummary(rows={"train": 240}, docs={"train": 60})
    text = render_card(summary, info)
    assert "made from 60 Arabic news\narticle(s)" in text
    listed = [line for line in text.splitlines() if line.startswith("- `d0")]
    assert len(listed) == 50
    assert listed[0] == "- `d000`: d000.txt (3 paragraphs, 4 sentences)"
    assert "- ... and 10 more (all in `manifest.json`)" in text.splitlines()


def test_load_dataset_tokenize_and_train_one_step(
    built: dict[str, Any], tiny_model: Path, tmp_path: Path
) -> None:
    import datasets
    import torch
    from transformers import MarianMTModel, MarianTokenizer

    # a fresh datasets cache: `datasets` caches a local folder by its card, not its data
    ds = datasets.load_dataset(str(built["out"] / "dataset"), cache_dir=str(tmp_path / "hf"))
    assert isinstance(ds, datasets.DatasetDict)
    assert list(ds) == ["train", "test"]
    assert ds["train"].features == features()
    assert {k: len(v) for k, v in ds.items()} == built["first"].splits
    row = ds["train"][0]
    first = next(iter(read_pairs(built["out"] / "pairs.jsonl")))
    assert row["translation"] == {"ar": first.ar, "en": first.en}
    # the article's day of every row (two seeds have a dateline, three none)
    dates = {p.id: p.date for p in read_pairs(built["out"] / "pairs.jsonl")}
    got = {r["id"]: r["date"] for split in ds.values() for r in split}
    assert got == {i: dates[i] for i in got}
    assert set(got.values()) == {None, "2022-01-11", "2022-01-06"}

    # as in transformers' examples/pytorch/translation/run_translation.py
    tokenizer = MarianTokenizer.from_pretrained(tiny_model)

    def preprocess(batch: dict[str, list[Any]]) -> Any:
        inputs = [t["ar"] for t in batch["translation"]]
        targets = [t["en"] for t in batch["translation"]]
        return tokenizer(inputs, text_target=targets, max_length=64, truncation=True)

    tokenized = ds["train"].map(preprocess, batched=True, remove_columns=ds["train"].column_names)
    assert set(tokenized.column_names) == {"input_ids", "attention_mask", "labels"}
    batch = tokenizer.pad(
        {k: tokenized[:4][k] for k in ("input_ids", "attention_mask")}, return_tensors="pt"
    )
    labels = tokenizer.pad({"input_ids": tokenized[:4]["labels"]}, return_tensors="pt")
    label_ids = labels["input_ids"].masked_fill(labels["attention_mask"] == 0, -100)

    torch.manual_seed(0)
    model = MarianMTModel.from_pretrained(tiny_model)
    model.train()
    before = [p.detach().clone() for p in model.parameters()]
    optim = torch.optim.AdamW(model.parameters(), lr=1e-3)
    loss = model(**batch, labels=label_ids).loss
    assert torch.isfinite(loss)
    loss.backward()
    optim.step()
    changed = any(not torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True))
    assert changed


def test_tmx_export_parses(built: dict[str, Any], tmp_path: Path) -> None:
    from lxml import etree

    from kzparallel.exports import export

    n = export(built["out"], "tmx", tmp_path / "corpus.tmx")
    assert n == built["first"].pairs
    root = etree.parse(str(tmp_path / "corpus.tmx")).getroot()
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    assert header is not None
    assert header.get("srclang") == "ar"
    assert header.get("creationtool") == "kzparallel"
    assert header.findtext("prop[@type='x-signature']") == built["first"].signature
    tus = root.findall("body/tu")
    assert len(tus) == n
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    pairs = list(read_pairs(built["out"] / "pairs.jsonl"))
    for tu, pair in zip(tus, pairs, strict=True):
        assert tu.get("tuid") == pair.id
        tuvs = tu.findall("tuv")
        assert [t.get(lang) for t in tuvs] == ["ar", "en"]
        assert tuvs[0].findtext("seg") == pair.ar


def test_report_is_self_contained(built: dict[str, Any]) -> None:
    html = (built["out"] / "report.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") >= 2
    assert "http://" not in html.replace("http://www.w3.org", "")
    for doc_id in ("000_2c12d225e0c03558", "004_4496b14b8fd8a434"):
        assert doc_id in html


def test_out_dir_of_another_model_is_refused(built: dict[str, Any], tiny_model: Path) -> None:
    out: Path = built["again"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    manifest["model"]["id"] = "Helsinki-NLP/opus-mt-ar-en"
    manifest["model"]["revision"] = "0123456789abcdef"
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    ctx, _ = prepare(
        BuildSettings(model=str(tiny_model), backend="transformers", use_glossary=False)
    )
    with pytest.raises(KzError) as err:
        check_out_dir(out, ctx)
    assert str(err.value) == (
        f"{out}: was built with model Helsinki-NLP/opus-mt-ar-en@0123456789ab, not "
        f"{tiny_model.name}@{ctx.model_ref.revision[:12]}; use --force to overwrite it or choose "
        "another --out"
    )
    assert check_out_dir(out, ctx, force=True) == out


def _stub_review(monkeypatch: pytest.MonkeyPatch) -> None:
    """apply_review per its contract: first pair rejected, second edited."""
    import sys
    import types
    from collections.abc import Iterable, Iterator

    from kzparallel.records import Pair

    def apply_review(
        out_dir: Path, pairs: Iterable[Pair], upto: int | None = None
    ) -> Iterator[Pair]:
        for i, p in enumerate(pairs):
            if i == 0:
                continue
            if i == 1:
                p.en, p.review_status = "Edited by a reviewer.", "edited"
            yield p

    mod = types.ModuleType("kzparallel.review.decisions")
    mod.apply_review = apply_review  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "kzparallel.review.decisions", mod)


def test_publish_applies_review_and_uploads_the_dataset_folder(
    built: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil
    from types import SimpleNamespace

    import datasets
    import huggingface_hub

    from kzparallel.publish import publish

    out = tmp_path / "build"
    shutil.copytree(built["out"], out)
    (out / "review.sqlite").write_bytes(b"")
    _stub_review(monkeypatch)
    calls: list[tuple[str, dict[str, Any]]] = []

    class FakeApi:
        def __init__(self, token: str) -> None:
            calls.append(("init", {"token": token}))

        def create_repo(self, repo_id: str, **kw: Any) -> None:
            calls.append(("create_repo", {"repo_id": repo_id, **kw}))

        def upload_folder(self, **kw: Any) -> Any:
            calls.append(("upload_folder", kw))
            return SimpleNamespace(commit_url="https://huggingface.co/datasets/org/name/commit/abc")

    monkeypatch.setattr(huggingface_hub, "HfApi", FakeApi)
    url = publish(out, "org/name", private=True, token="hf_x")
    assert url == "https://huggingface.co/datasets/org/name/commit/abc"
    assert calls == [
        ("init", {"token": "hf_x"}),
        (
            "create_repo",
            {"repo_id": "org/name", "repo_type": "dataset", "private": True, "exist_ok": True},
        ),
        (
            "upload_folder",
            {
                "folder_path": str(out / "dataset"),
                "repo_id": "org/name",
                "repo_type": "dataset",
                "commit_message": "Upload kzparallel build",
            },
        ),
    ]
    ds = datasets.load_dataset(str(out / "dataset"), cache_dir=str(tmp_path / "hf"))
    n = built["first"].pairs
    # the review rejected one pair of a train document (the first document is in train)
    assert {k: len(v) for k, v in ds.items()} == {
        "train": built["first"].splits["train"] - 1,
        "test": built["first"].splits["test"],
    }
    assert ds["train"][0]["translation"]["en"] == "Edited by a reviewer."
    assert ds["train"][0]["review_status"] == "edited"
    card = (out / "dataset" / "README.md").read_text(encoding="utf-8")
    assert f"review decisions applied (1 edited, {n - 2} unreviewed)" in card
    # the pairs file itself is never modified
    assert (out / "pairs.jsonl").read_bytes() == (built["out"] / "pairs.jsonl").read_bytes()
