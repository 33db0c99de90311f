"""The corpus as a whole (no model: synthetic pairs through ``write_outputs``):
repeated sentences kept once, near-copies in their original's split, splits
that stay put when documents are added, dataset versions, killed builds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from corpus_helpers import build_docs, context, near_copy, roundup, seed_documents
from markupsafe import escape

from kzparallel.dedup import sentence_key
from kzparallel.errors import KzError
from kzparallel.pairs_file import read_pairs
from kzparallel.records import Document

KINDS = ("furniture", "less", "more")
# ratios and a seed that put the eight clusters of the corpus below in all three splits
SPLIT: dict[str, Any] = {"split_by_doc": (0.5, 0.25, 0.25), "seed": 4}


@pytest.fixture(scope="module")
def seeds() -> list[Document]:
    return seed_documents()


def _copies(seeds: list[Document], n: int, prefix: str = "copy") -> list[Document]:
    """``n`` near-copies of the seeds (ids sort after their originals')."""
    return [
        near_copy(seeds[i % 5], f"{prefix}{i:02d}", KINDS[i % 3], seeds[(i + 1) % 5])
        for i in range(n)
    ]


def _manifest(out: Path) -> dict[str, Any]:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def _dataset_rows(out: Path) -> dict[str, list[dict[str, Any]]]:
    import pyarrow.parquet as pq

    return {
        p.name.split("-")[0]: pq.read_table(p).to_pylist()
        for p in sorted((out / "dataset" / "data").glob("*.parquet"))
    }


@pytest.fixture(scope="module")
def corpus(seeds: list[Document], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """5 seeds, 10 near-copies of them, 3 round-ups that share paragraphs."""
    docs = [
        *seeds,
        *_copies(seeds, 10),
        roundup("roundup-1", seeds[:2]),
        roundup("roundup-2", seeds[2:4]),
        roundup("roundup-3", [seeds[4], seeds[0]]),
    ]
    out = tmp_path_factory.mktemp("corpus") / "out"
    result = build_docs(docs, out, **SPLIT)
    return {"out": out, "result": result, "docs": docs}


def test_each_arabic_sentence_once_in_the_dataset(corpus: dict[str, Any]) -> None:
    rows = _dataset_rows(corpus["out"])
    keys = [sentence_key(r["translation"]["ar"]) for split in rows.values() for r in split]
    assert len(keys) == len(set(keys))
    pairs = list(read_pairs(corpus["out"] / "pairs.jsonl"))
    distinct = {sentence_key(p.ar) for p in pairs}
    assert set(keys) == distinct
    # pairs.jsonl keeps every pair: each repeat points at the kept copy of its sentence
    kept = {p.id: p for p in pairs if p.duplicate_of is None}
    for p in pairs:
        if p.duplicate_of is not None:
            assert "duplicate" in p.qa
            assert sentence_key(kept[p.duplicate_of].ar) == sentence_key(p.ar)
    assert sum(len(r) for r in rows.values()) == len(kept)
    summary = corpus["result"].corpus
    assert (summary.duplicates, summary.left_out) == (len(pairs) - len(kept),) * 2


def test_near_copies_share_their_originals_cluster_and_split(
    corpus: dict[str, Any], seeds: list[Document]
) -> None:
    docs = {d["doc_id"]: d for d in _manifest(corpus["out"])["documents"]}
    for i in range(10):
        original = seeds[i % 5].doc_id
        copy = docs[f"copy{i:02d}"]
        # the cluster id is the smallest doc_id ("00x_..." sorts before "copy..")
        assert copy["cluster"] == docs[original]["cluster"] == original
        assert copy["split"] == docs[original]["split"]
    # the five seeds and the round-ups stay apart
    assert len({docs[s.doc_id]["cluster"] for s in seeds}) == 5
    assert all(docs[f"roundup-{k}"]["cluster"] == f"roundup-{k}" for k in (1, 2, 3))
    summary = corpus["result"].corpus
    assert (summary.clusters, summary.near_copy_clusters, summary.near_copies) == (8, 5, 15)
    # more than one split, so the leakage checks above mean something
    assert len({d["split"] for d in docs.values()}) == 3


def test_shared_sentence_stays_in_the_held_out_split(corpus: dict[str, Any]) -> None:
    docs = {d["doc_id"]: d for d in _manifest(corpus["out"])["documents"]}
    priority = {"test": 0, "validation": 1, "train": 2}
    pairs = list(read_pairs(corpus["out"] / "pairs.jsonl"))
    by_key: dict[str, list[Any]] = {}
    for p in pairs:
        by_key.setdefault(sentence_key(p.ar), []).append(p)
    checked = 0
    for copies in by_key.values():
        splits = {docs[p.doc_id]["split"] for p in copies}
        if len(splits) > 1:
            [kept] = [p for p in copies if p.duplicate_of is None]
            best = min(splits, key=priority.__getitem__)
            assert docs[kept.doc_id]["split"] == best
            checked += 1
    assert checked > 0


def test_english_articles_stay_complete(corpus: dict[str, Any]) -> None:
    pairs = list(read_pairs(corpus["out"] / "pairs.jsonl"))
    for doc in corpus["docs"]:
        text = (corpus["out"] / "en" / f"{doc.doc_id}.txt").read_text(encoding="utf-8")
        assert text.count("\n\n") + 1 == len({p.para for p in pairs if p.doc_id == doc.doc_id})


def test_input_order_does_not_matter(corpus: dict[str, Any], tmp_path: Path) -> None:
    docs = list(reversed(corpus["docs"]))
    build_docs(docs, tmp_path / "out", **SPLIT)

    def marks(out: Path) -> dict[str, tuple[Any, ...]]:
        return {
            p.id: (p.duplicate_of, p.cluster, tuple(p.qa)) for p in read_pairs(out / "pairs.jsonl")
        }

    assert marks(tmp_path / "out") == marks(corpus["out"])
    split = {d["doc_id"]: d["split"] for d in _manifest(tmp_path / "out")["documents"]}
    assert split == {d["doc_id"]: d["split"] for d in _manifest(corpus["out"])["documents"]}


def test_keep_duplicates(corpus: dict[str, Any], tmp_path: Path) -> None:
    result = build_docs(corpus["docs"], tmp_path / "out", keep_duplicates=True, **SPLIT)
    rows = _dataset_rows(tmp_path / "out")
    n = sum(len(r) for r in rows.values())
    assert n == result.pairs == corpus["result"].pairs
    dups = [r for split in rows.values() for r in split if r["duplicate_of"]]
    assert len(dups) == result.corpus.duplicates > 0
    assert all("duplicate" in r["qa_flags"] for r in dups)
    assert "keep-duplicates" not in result.summary()
    assert result.summary() == (
        f"{result.documents} documents, {result.pairs} pairs ("
        + ", ".join(f"{k} {v}" for k, v in result.splits.items())
        + f"), {result.flagged} flagged -> {tmp_path / 'out'}"
    )


def test_exports_hold_what_the_dataset_holds(corpus: dict[str, Any], tmp_path: Path) -> None:
    """An export leaves the repeated sentences out, as the dataset does;
    ``keep_duplicates=True`` keeps every pair of pairs.jsonl."""
    from kzparallel.exports import export

    out = corpus["out"]
    pairs = list(read_pairs(out / "pairs.jsonl"))
    kept = [p.id for p in pairs if p.duplicate_of is None]
    assert 0 < len(kept) < len(pairs)
    n = export(out, "moses", tmp_path / "c")
    assert n == len(kept)
    assert (tmp_path / "c.ids").read_text(encoding="utf-8").splitlines() == kept
    rows = _dataset_rows(out)
    assert n == sum(len(r) for r in rows.values())
    n = export(out, "moses", tmp_path / "all", keep_duplicates=True)
    assert n == len(pairs)
    assert (tmp_path / "all.ids").read_text(encoding="utf-8").splitlines() == [p.id for p in pairs]


def test_card_and_report_say_what_was_done(corpus: dict[str, Any]) -> None:
    card = (corpus["out"] / "dataset" / "README.md").read_text(encoding="utf-8")
    s = corpus["result"].corpus
    assert f"- **Repeated sentences**: {s.duplicates} of {s.pairs} pairs repeat" in card
    assert f"`doc_id` when the cluster was formed). {s.clusters} cluster(s) for" in card
    assert f"{s.near_copy_clusters} cluster(s) hold\n  {s.near_copies} near-copies." in card
    assert 'split = "train" if u < 0.5 else "validation" if u < 0.75 else "test"' in card
    assert "the seed (4)" in card
    assert "| 1 | 18 | 0 | 18 |" in card
    report = (corpus["out"] / "report.html").read_text(encoding="utf-8")
    assert "Corpus: versions, duplicates, splits, filters" in report
    assert 'alt="score histogram with the low-score threshold"' in report
    assert str(escape(f"Low-score threshold: {s.threshold.describe()}")) in report
    dup_row = f'<td class="num">{s.duplicates}</td><td class="num">{100 * s.duplicates / s.pairs:.1f}%</td>'
    assert dup_row in report


# -- growing a corpus -------------------------------------------------------------


def test_n_then_n_plus_10_documents(seeds: list[Document], tmp_path: Path) -> None:
    out = tmp_path / "out"
    first_docs = [*seeds, *_copies(seeds, 5, "a")]
    build_docs(first_docs, out)
    before = {p.id: p for p in read_pairs(out / "pairs.jsonl")}
    docs_before = {d["doc_id"]: d for d in _manifest(out)["documents"]}
    new = [*_copies(seeds, 5, "b"), roundup("r1", seeds[:2]), roundup("r2", seeds[1:3])]
    new += [roundup("r3", seeds[3:]), roundup("r4", seeds[::2]), roundup("r5", seeds[1::2])]
    result = build_docs(new, out)  # only the new documents are given

    m = _manifest(out)
    docs = {d["doc_id"]: d for d in m["documents"]}
    assert list(docs) == [*docs_before, *(d.doc_id for d in new)]
    for doc_id, old in docs_before.items():
        assert (docs[doc_id]["cluster"], docs[doc_id]["split"], docs[doc_id]["added_in"]) == (
            old["cluster"],
            old["split"],
            1,
        )
    after = {p.id: p for p in read_pairs(out / "pairs.jsonl")}
    assert set(before) <= set(after)
    # a kept copy stays kept; the new near-copies join their originals
    assert [i for i, p in before.items() if p.duplicate_of is None and after[i].duplicate_of] == []
    assert any(p.duplicate_of for i, p in after.items() if i not in before)
    assert all(docs[f"b{i:02d}"]["split"] == docs[seeds[i % 5].doc_id]["split"] for i in range(5))
    assert m["dataset"]["version"] == 2
    assert [(h["version"], h["added"], h["documents"]) for h in m["dataset"]["history"]] == [
        (1, 10, 10),
        (2, 10, 20),
    ]
    assert result.version_line() == (
        "dataset version 2: 10 document(s) added, 0 updated, 10 kept from the previous build"
    )
    keys = [sentence_key(r["translation"]["ar"]) for v in _dataset_rows(out).values() for r in v]
    assert len(keys) == len(set(keys))
    assert not (out / ".previous").exists()


def test_no_change_no_new_version(seeds: list[Document], tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_docs(seeds[:2], out)
    card = (out / "dataset" / "README.md").read_bytes()
    pairs = (out / "pairs.jsonl").read_bytes()
    build_docs(seeds[1:2], out)  # one document given again, unchanged
    assert _manifest(out)["dataset"]["version"] == 1
    assert (out / "dataset" / "README.md").read_bytes() == card
    assert (out / "pairs.jsonl").read_bytes() == pairs


def test_changed_document_is_updated_in_place(seeds: list[Document], tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_docs(seeds[:3], out)
    before = {d["doc_id"]: d for d in _manifest(out)["documents"]}
    changed = near_copy(seeds[1], seeds[1].doc_id, "less", seeds[0])
    result = build_docs([changed], out)
    docs = {d["doc_id"]: d for d in _manifest(out)["documents"]}
    d = docs[seeds[1].doc_id]
    assert (d["split"], d["cluster"], d["added_in"], d["updated_in"]) == (
        before[seeds[1].doc_id]["split"],
        before[seeds[1].doc_id]["cluster"],
        1,
        2,
    )
    assert result.corpus.updated == [seeds[1].doc_id]
    assert result.version_line() == (
        "dataset version 2: 0 document(s) added, 1 updated, 2 kept from the previous build"
    )


def test_other_settings_refuse_to_carry_old_pairs(seeds: list[Document], tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_docs(seeds[:2], out)
    pairs = (out / "pairs.jsonl").read_bytes()
    other = context(glossary="0123456789ab")
    with pytest.raises(KzError) as err:
        build_docs(seeds[2:3], out, ctx=other)
    assert str(err.value) == (
        f"{out}: 2 document(s) of the previous build, not given again, were made with other "
        f"settings (signature {context().signature_text}); give their inputs again to rebuild "
        "them with these settings, or use --fresh to start a new corpus without them"
    )
    assert (out / "pairs.jsonl").read_bytes() == pairs  # nothing was replaced
    # every old document given again: a rebuild with the new settings
    result = build_docs(seeds[:3], out, ctx=other)
    assert (result.documents, result.corpus.version) == (3, 2)
    # --fresh: a new corpus of these inputs only
    result = build_docs(seeds[3:4], out, fresh=True)
    assert (result.documents, result.corpus.version, result.version_line()) == (1, 1, "")


def test_killed_build_loses_no_document(
    seeds: list[Document], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kzparallel.outputs

    out = tmp_path / "out"
    build_docs(seeds[:2], out)

    def killed(*args: Any, **kw: Any) -> None:
        raise KeyboardInterrupt

    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    with monkeypatch.context() as m:
        m.setattr(kzparallel.outputs, "write_shard", killed)  # just after pairs.jsonl
        with pytest.raises(KeyboardInterrupt):
            build_docs(seeds[2:3], out)
    # the new pairs.jsonl was in the work folder: the previous build is as it was
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    with monkeypatch.context() as m:
        m.setattr(kzparallel.outputs, "replace_directory", killed)  # pairs.jsonl put in place
        with pytest.raises(KeyboardInterrupt):
            build_docs(seeds[2:3], out)
    # pairs.jsonl was replaced, the manifest is gone: the previous state is kept aside
    assert (out / "pairs.jsonl").read_bytes() != before["pairs.jsonl"]
    assert not (out / "manifest.json").exists()
    assert (out / ".previous" / "manifest.json").is_file()
    result = build_docs(seeds[3:4], out)  # the killed build's document is not given again
    docs = [d["doc_id"] for d in _manifest(out)["documents"]]
    assert docs == [seeds[0].doc_id, seeds[1].doc_id, seeds[3].doc_id]
    assert (result.corpus.version, result.corpus.carried) == (2, 2)
    assert not (out / ".previous").exists()
