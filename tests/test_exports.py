"""Exports of a build folder: TMX, Moses, CSV, JSONL; review decisions applied."""

from __future__ import annotations

import csv
import json
import sys
import types
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from lxml import etree

from kzparallel.errors import KzError
from kzparallel.exports import export
from kzparallel.pairs_file import write_pairs
from kzparallel.records import Pair, pair_id

SIG = "model:m@r|backend:transformers-fp32|glossary:none|kzparallel:0.1.0"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _pairs() -> list[Pair]:
    rows = [
        ("d1", 0, 0, "منظمة «معاهدة الأمن الجماعي» ترسل قوات", 'CSTO sends troops <now> & "then"'),
        ("d1", 1, 0, "أكثر من 1000 شخص مصاب", "More than 1,000 people,\ninjured"),
        ("d1", 1, 1, "حتى الساعة 9.00\x07", "until 9:00\x0b Moscow time"),
    ]
    return [
        Pair(
            id=pair_id(d, p, s, ar),
            doc_id=d,
            para=p,
            sent=s,
            ar=ar,
            en=en,
            en_mt=en,
            signature=SIG,
            qa=["numbers-missing"] if s else [],
        )
        for d, p, s, ar, en in rows
    ]


@pytest.fixture()
def build_dir(tmp_path: Path) -> Path:
    d = tmp_path / "build"
    write_pairs(_pairs(), d / "pairs.jsonl")
    (d / "manifest.json").write_text(json.dumps({"signature": SIG}), encoding="utf-8")
    return d


def test_tmx(build_dir: Path, tmp_path: Path) -> None:
    assert export(build_dir, "tmx", tmp_path / "out.tmx") == 3
    root = etree.parse(str(tmp_path / "out.tmx")).getroot()
    header = root.find("header")
    assert header is not None
    assert dict(header.attrib) == {
        "creationtool": "kzparallel",
        "creationtoolversion": "0.1.0",
        "segtype": "sentence",
        "datatype": "plaintext",
        "adminlang": "en",
        "srclang": "ar",
        "o-tmf": "kzparallel-pairs-jsonl",
    }
    assert header.findtext("prop[@type='x-signature']") == SIG
    tus = root.findall("body/tu")
    assert [tu.get("tuid") for tu in tus] == [p.id for p in _pairs()]
    segs = [[tuv.findtext("seg") for tuv in tu.findall("tuv")] for tu in tus]
    assert segs[0] == ["منظمة «معاهدة الأمن الجماعي» ترسل قوات", 'CSTO sends troops <now> & "then"']
    # characters XML cannot hold are dropped, nothing else
    assert segs[2] == ["حتى الساعة 9.00", "until 9:00 Moscow time"]
    assert [tuv.get(XML_LANG) for tuv in tus[1].findall("tuv")] == ["ar", "en"]
    assert tus[2].findtext("prop[@type='x-qa']") == "numbers-missing"


def test_moses(build_dir: Path, tmp_path: Path) -> None:
    assert export(build_dir, "moses", tmp_path / "corpus") == 3
    ar = (tmp_path / "corpus.ar").read_text(encoding="utf-8").split("\n")
    en = (tmp_path / "corpus.en").read_text(encoding="utf-8").split("\n")
    ids = (tmp_path / "corpus.ids").read_text(encoding="utf-8").split("\n")
    assert len(ar) == len(en) == len(ids) == 4 and ar[-1] == en[-1] == ""
    assert en[1] == "More than 1,000 people, injured"  # newline inside a segment -> space
    assert ids[:3] == [p.id for p in _pairs()]
    meta = json.loads((tmp_path / "corpus.meta.json").read_text(encoding="utf-8"))
    assert meta == {"signature": SIG, "pairs": 3}


def test_csv(build_dir: Path, tmp_path: Path) -> None:
    assert export(build_dir, "csv", tmp_path / "out.csv") == 3
    with open(tmp_path / "out.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["en"] for r in rows] == [p.en for p in _pairs()]
    assert [r["qa_flags"] for r in rows] == ["", "", "numbers-missing"]
    assert {r["signature"] for r in rows} == {SIG}


def test_jsonl(build_dir: Path, tmp_path: Path) -> None:
    assert export(build_dir, "jsonl", tmp_path / "out.jsonl") == 3
    assert (tmp_path / "out.jsonl").read_bytes() == (build_dir / "pairs.jsonl").read_bytes()


def test_errors(build_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(KzError) as err:
        export(build_dir, "xliff", tmp_path / "x")
    assert str(err.value) == "unknown export format 'xliff' (choose tmx, moses, csv, jsonl)"
    with pytest.raises(KzError) as err:
        export(tmp_path / "nope", "tmx", tmp_path / "x.tmx")
    assert str(err.value) == f"{tmp_path / 'nope'}: no such build directory"
    (tmp_path / "empty").mkdir()
    with pytest.raises(KzError) as err:
        export(tmp_path / "empty", "tmx", tmp_path / "x.tmx")
    assert str(err.value) == (
        f"{tmp_path / 'empty'}: no pairs.jsonl in it (run `kzparallel build` first)"
    )
    with pytest.raises(KzError) as err:
        export(build_dir, "csv", tmp_path)
    assert str(err.value) == f"{tmp_path}: is a directory; give a file path for --out"


def _fake_review(monkeypatch: pytest.MonkeyPatch, calls: list[Path]) -> None:
    """A stand-in apply_review that follows the contract: rejected pairs out, edits in."""

    def apply_review(out_dir: Path, pairs: Iterable[Pair]) -> Iterator[Pair]:
        calls.append(out_dir)
        for i, p in enumerate(pairs):
            if i == 0:
                continue  # rejected
            if i == 1:
                p.en, p.review_status = "Edited English.", "edited"
            yield p

    mod = types.ModuleType("kzparallel.review.decisions")
    mod.apply_review = apply_review  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "kzparallel.review.decisions", mod)


def test_review_applied_only_when_review_db_exists(
    build_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Path] = []
    _fake_review(monkeypatch, calls)
    assert export(build_dir, "jsonl", tmp_path / "a.jsonl") == 3
    assert calls == []
    (build_dir / "review.sqlite").write_bytes(b"")
    assert export(build_dir, "tmx", tmp_path / "b.tmx") == 2
    assert calls == [build_dir]
    root = etree.parse(str(tmp_path / "b.tmx")).getroot()
    tus = root.findall("body/tu")
    assert tus[0].findall("tuv")[1].findtext("seg") == "Edited English."
    assert tus[0].findtext("prop[@type='x-review_status']") == "edited"
    # --no-review
    assert export(build_dir, "csv", tmp_path / "c.csv", apply_review=False) == 3
