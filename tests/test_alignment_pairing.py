"""Document pairing that checks itself (no trained model): the content score with
numbers and glossary names, a pair by name whose content disagrees, and
``build --english --pair-by content`` with English files named after the wrong
Arabic documents (the random model: its MT says nothing, numbers and names pair)."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from kzparallel.alignment.links import read_links
from kzparallel.alignment.pairing import Candidate, content_score, doubts, pair_documents
from kzparallel.demo.corpus import generate_corpus
from kzparallel.testing.partial_bitext import partial_documents


def _c(doc_id: str, opening: str = "", numbers: str = "", names: str = "") -> Candidate:
    return Candidate(
        doc_id, doc_id, opening, None, frozenset(numbers.split()), frozenset(names.split())
    )


@pytest.mark.parametrize(
    ("ar", "en", "score"),
    [
        # no numbers or names on either side: chrF of the openings alone (as before)
        (_c("a", "abc def"), _c("e", "xyz"), 0.0),
        # the numbers agree fully, chrF 0: the anchors' agreement
        (_c("a", "abc", "6 225"), _c("e", "xyz", "225 6"), 1.0),
        # numbers a third, names fully: their mean
        (_c("a", "abc", "6 225", "k1"), _c("e", "xyz", "6 7", "k1"), 0.6667),
        # names on one side only count (as 0)
        (_c("a", "abc", "", "k1"), _c("e", "xyz"), 0.0),
        # numbers on one side only do not count (nothing to compare)
        (_c("a", "abc", "6"), _c("e", "xyz"), 0.0),
        # chrF higher than the anchors: chrF
        (_c("a", "the same opening", "6"), _c("e", "the same opening", "7"), 1.0),
    ],
)
def test_content_score_pieces(ar: Candidate, en: Candidate, score: float) -> None:
    assert round(content_score(ar, en), 4) == score


def test_pair_by_content_ignores_names_and_doubts_name_pairs() -> None:
    """Two English files named after the wrong Arabic documents: paired by name, each
    doubted (the other English fits better); by content, paired right."""
    arabic = [_c("one.ar", "", "1 2 3", "k1 k2"), _c("two.ar", "", "7 8 9", "k3 k4")]
    english = [_c("two.en", "", "1 2 3", "k1 k2"), _c("one.en", "", "7 8 9", "k3 k4")]
    by_name = pair_documents(arabic, english)
    assert [(p.arabic, p.english, p.how) for p in by_name.pairs] == [
        ("one.ar", "one.en", "name"),
        ("two.ar", "two.en", "name"),
    ]
    assert [(d.arabic, d.english, d.better) for d in doubts(by_name, arabic, english)] == [
        ("one.ar", "one.en", "two.en"),
        ("two.ar", "two.en", "one.en"),
    ]
    by_content = pair_documents(arabic, english, by="content")
    assert [(p.arabic, p.english, p.how) for p in by_content.pairs] == [
        ("one.ar", "two.en", "content"),
        ("two.ar", "one.en", "content"),
    ]
    assert doubts(by_content, arabic, english) == []
    # named right: no doubt
    right = [_c("one.en", "", "1 2 3", "k1 k2"), _c("two.en", "", "7 8 9", "k3 k4")]
    assert doubts(pair_documents(arabic, right), arabic, right) == []
    with pytest.raises(ValueError, match="unknown pairing 'title'"):
        pair_documents(arabic, english, by="title")


COUNT = 4


@pytest.fixture(scope="module")
def swapped(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The first four partly parallel documents, each English file named after the
    next Arabic document, built by name and by content (random model)."""
    from kzparallel.cli import main

    docs = partial_documents(generate_corpus().heldout)[:COUNT]
    root = tmp_path_factory.mktemp("swapped")
    (root / "ar").mkdir()
    (root / "en").mkdir()
    for k, doc in enumerate(docs):
        (root / "ar" / f"{doc.name}.ar.txt").write_text(doc.arabic, encoding="utf-8")
        wrong = docs[(k + 1) % COUNT].name
        (root / "en" / f"{wrong}.en.txt").write_text(doc.english, encoding="utf-8")
    out: dict[str, object] = {}
    for by in ("name", "content"):
        err = io.StringIO()
        quiet = contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO())
        with quiet[0], quiet[1], contextlib.suppress(SystemExit):  # a split left empty
            main(["build", str(root / "ar"), "--english", str(root / "en"),
                  "--out", str(root / by), "--model", str(tiny_model),
                  "--cache-dir", str(root / "cache"), "--pair-by", by])  # fmt: skip
        out[by] = (root / by, err.getvalue())
    out["root"] = root
    return out


def test_names_that_content_disagrees_with_are_warned(swapped: dict[str, object]) -> None:
    out, err = swapped["name"]  # type: ignore[misc]
    root = swapped["root"]
    warned = sorted(line for line in err.splitlines() if "paired by name" in line)
    assert [line.split(":")[:2] for line in warned] == [
        ["warning", f" {root}/en/part0{k}.en.txt"] for k in range(COUNT)
    ]
    assert all("fits it better" in line and "--pair-by content" in line for line in warned)
    bitext = json.loads((out / "manifest.json").read_text())["counts"]["bitext"]
    assert bitext["paired_by"] == {"name": COUNT}
    assert sorted((d["arabic"], d["better"]) for d in bitext["name_doubts"]) == [
        (f"part0{k}.ar", f"part0{(k + 1) % COUNT}.en") for k in range(COUNT)
    ]  # each Arabic document's own English is in the next one's file
    report = (out / "report.html").read_text()
    assert report.count("paired by name, content disagrees") == COUNT


def test_pair_by_content_pairs_them_right(swapped: dict[str, object]) -> None:
    """English part0{k+1}.en holds the English of part0{k}: by content, every
    Arabic document gets its own English back, and nothing is doubted."""
    out, err = swapped["content"]  # type: ignore[misc]
    assert "paired by name" not in err
    bitext = json.loads((out / "manifest.json").read_text())["counts"]["bitext"]
    assert bitext["paired_by"] == {"content": COUNT}
    assert "name_doubts" not in bitext
    english = {doc_id: doc.alignment["english"] for doc_id, doc in read_links(out).items()}
    assert english == {f"part0{k}.ar": f"part0{(k + 1) % COUNT}.en" for k in range(COUNT)}


@pytest.mark.parametrize(
    ("own_names", "doubted"),
    [
        ("k1 k2 k3 k5", False),  # its own English fits it well (0.75), a near-copy better
        ("k1 k2 k5 k6 k7", True),  # its own English fits weakly (0.33), the other better
    ],
)
def test_a_near_copy_does_not_doubt_a_pair_that_fits(own_names: str, doubted: bool) -> None:
    """A second English version of the same story (a near-copy) may fit an Arabic
    article as well as its own English or a little better; the pair by name is
    doubted only when its own content fits it weakly (below pairing.SURE)."""
    arabic = [_c("one.ar", "", "", "k1 k2 k3"), _c("two.ar", "", "", "k8 k9")]
    english = [
        _c("one.en", "", "", own_names),
        _c("two.en", "", "", "k1 k2 k3"),  # one.ar's names exactly (1.0)
    ]
    pairing = pair_documents(arabic, english)
    assert [(p.arabic, p.english, p.how) for p in pairing.pairs] == [
        ("one.ar", "one.en", "name"),
        ("two.ar", "two.en", "name"),
    ]
    found = [(d.arabic, d.better) for d in doubts(pairing, arabic, english) if d.arabic == "one.ar"]
    assert found == ([("one.ar", "two.en")] if doubted else [])
