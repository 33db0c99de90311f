"""``kzparallel build ... --english``: the human English versions in the build, with
the trained test model (``trained_model``): the gold links as aligned pairs (exact for
a small case, strict F1 >= 0.95 on the gold sets), the counts in the manifest, the card
and the report, unpaired and bad English files reported."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_alignment_model import EXPECTED, _english, _sentences, _write_english

from kzparallel.demo import TrainedModel

Run = Callable[..., tuple[int, str, str]]
LONELY = (
    "The national football team won its qualifying match on Saturday evening.\n\n"
    "The coach said the players had trained for three weeks before the game.\n"
)


def _pairs(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "pairs.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def english_build(
    trained_model: TrainedModel, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, tuple[int, str, str], list[str], list[str]]:
    """One build: ``story`` (Arabic) with its English version (the 1-0 case: one
    sentence left out), ``other`` (Arabic without English), an English file that
    pairs with nothing, one that is Arabic and an empty one."""
    from kzparallel.cli import main

    headline, body = _sentences(trained_model)
    root = tmp_path_factory.mktemp("english-build")
    ar_dir, en_dir = root / "ar", root / "en"
    ar_dir.mkdir()
    en_dir.mkdir()
    ar = [headline.ar] + [e.ar for e in body]
    (ar_dir / "story.ar.txt").write_text(
        "\n\n".join([ar[0], " ".join(ar[1:4]), " ".join(ar[4:7]), " ".join(ar[7:10])]) + "\n",
        encoding="utf-8",
    )
    used = {e.ar for e in body} | {headline.ar}
    more = [e for e in trained_model.corpus.heldout if e.ar not in used and e.ar.endswith(".")]
    (ar_dir / "other.txt").write_text(" ".join(e.ar for e in more[:3]) + "\n", encoding="utf-8")
    english = [headline.en] + [e.en for e in body]
    written = _write_english(en_dir, _english(english, "1-0"))
    written.rename(en_dir / "story.en.txt")
    (en_dir / "lonely.en.txt").write_text(LONELY, encoding="utf-8")
    (en_dir / "arabic.en.txt").write_text(" ".join(ar[1:4]) + "\n", encoding="utf-8")
    (en_dir / "empty.en.txt").write_text("", encoding="utf-8")
    out = root / "out"
    args = [
        "build", str(ar_dir), "--english", str(en_dir), "--out", str(out),
        "--model", str(trained_model.path), "--backend", "transformers",
        "--cache-dir", str(root / "cache"),
    ]  # fmt: skip
    import contextlib
    import io

    err, std = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(std):
        try:
            main(args)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return out, (code, std.getvalue(), err.getvalue()), english, ar


def test_aligned_pairs_are_the_gold_links(english_build: Any) -> None:
    """The 1-0 case: every link with English is one ``aligned`` pair whose ``en`` is
    the human sentence and ``en_mt`` the MT; the Arabic sentence left out of the
    English keeps its MT pair (``origin`` ``mt``, link ``1-0``)."""
    out, _, english, ar = english_build
    pairs = [p for p in _pairs(out) if p["doc_id"] == "story.ar"]
    en = english[:5] + english[6:]  # the English version without sentence 5
    expected = []
    for a, e in EXPECTED["1-0"]:
        if e:
            expected.append((ar[a[0]], en[e[0]], "aligned", "1-1"))
        else:
            expected.append((ar[a[0]], None, "mt", "1-0"))
    assert [(p["ar"], p["en"] if p["origin"] == "aligned" else None, p["origin"], p["link"])
            for p in pairs] == expected  # fmt: skip
    mt = next(p for p in pairs if p["origin"] == "mt")
    assert mt["en"] and mt["en_mt"]  # the machine translation (no human English for it)
    assert all(p["en_mt"] and 0 <= p["link_score"] <= 1 for p in pairs)


def test_documents_without_english_keep_their_mt_pairs(english_build: Any, cli: Run) -> None:
    """``other`` has no English version: its pairs are those of a build without
    --english (same ids, Arabic, English, MT, glossary terms), with ``origin: "mt"``."""
    out, _, _, _ = english_build
    plain = out.parent / "plain"
    manifest = json.loads((out / "manifest.json").read_text())
    code, _, _ = cli(
        "build", str(out.parent / "ar" / "other.txt"), "--out", str(plain),
        "--model", manifest["model"]["path"], "--backend", "transformers",
        "--cache-dir", str(out.parent / "cache"),
    )  # fmt: skip
    assert code == 0
    keys = ("id", "ar", "en", "en_mt", "score", "terms", "violations")
    other = [p for p in _pairs(out) if p["doc_id"] == "other"]
    alone = _pairs(plain)
    assert [[p[k] for k in keys] for p in other] == [[p[k] for k in keys] for p in alone]
    assert len(other) == 3
    assert [p["origin"] for p in other] == ["mt"] * 3
    assert not any("origin" in p or "link" in p for p in alone)  # no --english: no new fields


def test_unpaired_and_bad_english_files_are_reported(english_build: Any) -> None:
    out, (code, stdout, stderr), _, _ = english_build
    en_dir = out.parent / "en"
    built = len(json.loads((out / "manifest.json").read_text())["documents"])
    assert stderr.splitlines() == [
        f"warning: skipped {en_dir / 'arabic.en.txt'}: not English text "
        "(100 % of its letters are Arabic)",
        f"warning: skipped {en_dir / 'empty.en.txt'}: file is empty",
        f"warning: {en_dir / 'lonely.en.txt'}: no Arabic document of the build pairs with it "
        "(not used)",
        "warning: no document is in test: 2 cluster(s) are too few for ratios 0.8,0.1,0.1 "
        "(each cluster's split is drawn from a hash of its id, so a small corpus can leave a "
        "split empty)",
        f"warning: 2 of {2 + built} inputs skipped",
    ]
    assert code == 3
    assert stdout.endswith(f"-> {out}\n")


def test_counts_in_manifest_card_report_and_dataset(english_build: Any) -> None:
    import pyarrow.parquet as pq

    out, _, _, _ = english_build
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["bitext"] == {
        "english_documents": 2,
        "document_pairs": 1,
        "paired_by": {"name": 1},
        "unpaired_arabic": 1,
        "unpaired_english": [str(out.parent / "en" / "lonely.en.txt")],
        "origins": {"aligned": 9, "mt": 4},
        "links": {"1-1": 9, "1-0": 1},
    }
    card = (out / "dataset" / "README.md").read_text()
    assert "| `aligned` | 9 | human English, aligned sentence by sentence |" in card
    assert "| `mt` | 4 | machine translation |" in card
    assert "| 1-0 | 1 |" in card
    report = (out / "report.html").read_text()
    assert "<h2>Human English versions</h2>" in report
    assert '<tr><td>aligned</td><td class="num">9</td>' in report
    origins = []
    for path in sorted((out / "dataset").rglob("*.parquet")):
        origins += pq.read_table(path).column("origin").to_pylist()
    assert sorted(origins) == ["aligned"] * 9 + ["mt"] * 4


def _links_of(pairs: list[dict[str, Any]], segments: list[tuple[int, int]], en: list[str]) -> list:
    """The (ar_sents, en_sents) links a document's pairs stand for (0-1 links: the
    English sentences no pair holds)."""
    index = {pos: k for k, pos in enumerate(segments)}
    links, used = [], set()
    for p in pairs:
        a, b = (int(x) for x in p["link"].split("-"))
        first = index[(p["para"], p["sent"])]
        ar_sents = list(range(first, first + a))
        en_sents: list[int] = []
        if b:
            j = next(j for j in range(len(en)) if " ".join(en[j : j + b]) == p["en"])
            en_sents = list(range(j, j + b))
            used.update(en_sents)
        links.append((ar_sents, en_sents))
    links += [([], [j]) for j in range(len(en)) if j not in used]
    return links


def test_gold_sets_through_the_build(
    cli: Run, trained_model: TrainedModel, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The gold sets (seeds + generated, perturbed) built with --english: paired by
    name, and the aligned pairs give the gold links with strict F1 >= 0.95."""
    from kzparallel.alignment.scoring import score_alignments
    from kzparallel.cleaning import clean_document
    from kzparallel.records import Document
    from kzparallel.segmentation import segment_document
    from kzparallel.testing.bitext import gold_documents

    root = Path(__file__).resolve().parent.parent
    docs = gold_documents(root / "seeds", trained_model.corpus.heldout, generated=6)
    ar_dir, en_dir = tmp_path / "ar", tmp_path / "en"
    ar_dir.mkdir()
    en_dir.mkdir()
    for doc in docs:
        (ar_dir / f"{doc.name}.ar.txt").write_text(doc.arabic, encoding="utf-8")
        (en_dir / f"{doc.name}.en.txt").write_text(doc.english, encoding="utf-8")
    out = tmp_path / "out"
    code, _, err = cli(
        "build", str(ar_dir), "--english", str(en_dir), "--out", str(out),
        "--model", str(trained_model.path), "--backend", "transformers",
        "--cache-dir", str(tmp_path_factory.getbasetemp() / "gold-build-cache"),
    )  # fmt: skip
    assert (code, err) == (0, "")
    pairs = _pairs(out)
    bitext = json.loads((out / "manifest.json").read_text())["counts"]["bitext"]
    assert bitext["paired_by"] == {"name": len(docs)}
    scored = []
    for doc in docs:
        segs = segment_document(
            clean_document(Document(doc_id=doc.name, source=doc.name, text=doc.arabic))
        )
        mine = [p for p in pairs if p["doc_id"] == f"{doc.name}.ar"]
        test = _links_of(mine, [(s.para, s.sent) for s in segs], doc.en_sentences)
        scored.append((doc.links, test))
    assert score_alignments(scored).f1 >= 0.95


def _readme_session() -> list[tuple[str, list[str]]]:
    """The `build --english` example of kzparallel/alignment/README.md: (command, expected output lines)."""
    import re

    page = Path(__file__).resolve().parent.parent / "kzparallel" / "alignment" / "README.md"
    text = page.read_text(encoding="utf-8")
    block = next(
        m.group(1)
        for m in re.finditer(r"^```bash\n(.*?)^```$", text, re.M | re.S)
        if "--english en/" in m.group(1)
    )
    session: list[tuple[str, list[str]]] = []
    for raw in block.splitlines():
        if raw.startswith("$ "):
            session.append((raw[2:], []))
        else:
            session[-1][1].append(raw)
    return session


def test_readme_example(trained_model: TrainedModel, tmp_path: Path) -> None:
    """The README example, run as shown (``--model demo`` is ``trained_model``, cached);
    its counts are the gold's: the links of ``001-p1`` per kind, the sentences of
    ``gen00-p1`` as MT pairs."""
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONUNBUFFERED": "1",
    }
    for command, expected in _readme_session():
        run = subprocess.run(
            ["bash", "-c", command], cwd=tmp_path, env=env, text=True, timeout=300,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        assert run.stdout.splitlines() == expected, command
    gold = [json.loads(line) for line in (tmp_path / "gold" / "001-p1.gold.jsonl").open()]
    kinds: dict[str, int] = {}
    for link in gold:
        kind = f"{len(link['ar_sents'])}-{len(link['en_sents'])}"
        kinds[kind] = kinds.get(kind, 0) + 1
    bitext = json.loads((tmp_path / "out" / "manifest.json").read_text())["counts"]["bitext"]
    assert bitext["links"] == kinds
    other = [json.loads(line) for line in (tmp_path / "gold" / "gen00-p1.gold.jsonl").open()]
    sentences = sum(len(link["ar_sents"]) for link in other)  # gen00-p1: MT pairs only
    both = sum(n for k, n in kinds.items() if "0" not in k.split("-"))
    assert bitext["origins"] == {"aligned": both, "mt": kinds.get("1-0", 0) + sentences}


def test_ray_engine_gives_the_same_bytes(
    ray_local: object, cli: Run, trained_model: TrainedModel, tmp_path: Path
) -> None:
    """--english with --engine ray: the alignment runs on the driver over what the
    workers staged, so pairs.jsonl and the counts are the local engine's."""
    from kzparallel.testing.bitext import write_gold_set

    gold = tmp_path / "gold"
    write_gold_set(gold)
    ar, en = tmp_path / "ar", tmp_path / "en"
    ar.mkdir()
    en.mkdir()
    for name in ("001-p1.ar.txt", "gen00-p1.ar.txt"):
        (ar / name).write_bytes((gold / name).read_bytes())
    (en / "001-p1.en.txt").write_bytes((gold / "001-p1.en.txt").read_bytes())
    runs = {}
    for engine in ("local", "ray"):
        out = tmp_path / engine
        code, _, _ = cli(
            "build", str(ar), "--english", str(en), "--out", str(out), "--engine", engine,
            "--model", str(trained_model.path), "--backend", "transformers",
            "--cache-dir", str(tmp_path / f"cache-{engine}"),
        )  # fmt: skip
        assert code == 0
        manifest = json.loads((out / "manifest.json").read_text())
        runs[engine] = ((out / "pairs.jsonl").read_bytes(), manifest["counts"]["bitext"])
    assert runs["ray"] == runs["local"]
    assert runs["local"][1]["origins"]["aligned"] > 0


def test_aligned_only_marks_the_others_and_leaves_them_out(english_build: Any, cli: Run) -> None:
    """--aligned-only: the 1-0 pair of ``story`` and the pairs of ``other`` (no English)
    stay in pairs.jsonl with ``left_out`` (nothing lost), the dataset and the exports
    have the 9 aligned pairs only, and the counts say what was left out."""
    import pyarrow.parquet as pq

    out, _, _, _ = english_build
    only = out.parent / "aligned-only"
    manifest = json.loads((out / "manifest.json").read_text())
    code, _, _ = cli(
        "build", str(out.parent / "ar"), "--english", str(out.parent / "en" / "story.en.txt"),
        "--aligned-only", "--out", str(only),
        "--model", manifest["model"]["path"], "--backend", "transformers",
        "--cache-dir", str(out.parent / "cache"),
    )  # fmt: skip
    assert code == 0
    pairs = _pairs(only)
    assert [
        (p["doc_id"], p["origin"], p.get("left_out")) for p in pairs if p["origin"] == "mt"
    ] == [
        ("other", "mt", "document-without-english"),
    ] * 3 + [("story.ar", "mt", "no-english")]
    assert [p.get("left_out") for p in pairs if p["origin"] == "aligned"] == [None] * 9
    counts = json.loads((only / "manifest.json").read_text())["counts"]["bitext"]
    assert counts["left_out"] == {
        "no-english": 1, "document-without-english": 3, "partial-document": 0,
    }  # fmt: skip
    line = (
        "left out of the dataset and the exports (--aligned-only; kept in pairs.jsonl with "
        "left_out): 1 Arabic sentence(s) without English (1-0), 3 sentence(s) of documents "
        "without English, 0 pair(s) of documents flagged partial (parallelism below 0.7)"
    )
    assert f"- {line}\n" in (only / "dataset" / "README.md").read_text()
    assert f"<li>{line}</li>" in (only / "report.html").read_text()
    origins = []
    for path in sorted((only / "dataset").rglob("*.parquet")):
        origins += pq.read_table(path).column("origin").to_pylist()
    assert origins == ["aligned"] * 9
    code, stdout, _ = cli("export", str(only), "--format", "jsonl", "--out", str(only / "x.jsonl"))
    assert (code, stdout) == (0, f"9 pairs -> {only / 'x.jsonl'}\n")


def test_pairs_record_their_link_sentences(english_build: Any) -> None:
    """Every pair of an aligned document records its link's sentence indices (the
    gold's, as ``kzparallel align`` prints them); pairs of documents without English
    and builds without --english have none."""
    out, _, _, _ = english_build
    pairs = _pairs(out)
    story = [(p["ar_sents"], p["en_sents"]) for p in pairs if p["doc_id"] == "story.ar"]
    assert story == [(a, e) for a, e in EXPECTED["1-0"]]
    assert not any("ar_sents" in p or "en_sents" in p for p in pairs if p["doc_id"] == "other")
