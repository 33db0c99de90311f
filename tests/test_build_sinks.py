"""Build sinks without a model: splits, articles, pairs lines, card, report escaping."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kzparallel.builder import BuildResult
from kzparallel.errors import KzError
from kzparallel.pairs_file import pair_line, read_pairs, write_pairs
from kzparallel.qa import DEFAULT_BAND, LengthStats
from kzparallel.records import Pair, pair_id
from kzparallel.sinks.articles import article_texts, write_articles
from kzparallel.sinks.card import size_category
from kzparallel.sinks.dataset import parse_ratios
from kzparallel.sinks.report import collect_stats, render_report


def _pair(doc: str, para: int, sent: int, ar: str, en: str, **kw: object) -> Pair:
    return Pair(
        id=pair_id(doc, para, sent, ar),
        doc_id=doc,
        para=para,
        sent=sent,
        ar=ar,
        en=en,
        en_mt=en,
        **kw,  # type: ignore[arg-type]
    )


# -- splits ---------------------------------------------------------------------


def test_parse_ratios() -> None:
    assert parse_ratios("0.8,0.1,0.1") == (0.8, 0.1, 0.1)
    assert parse_ratios("1,0,0") == (1.0, 0.0, 0.0)
    with pytest.raises(KzError) as err:
        parse_ratios("0.8,0.3")
    assert str(err.value) == (
        "--split-by-doc: give three ratios >= 0 for train,validation,test that sum to 1 "
        "(got '0.8,0.3')"
    )
    with pytest.raises(KzError) as err:
        parse_ratios("a,b,c")
    assert str(err.value) == "--split-by-doc: not numbers: 'a,b,c'"


# -- pairs and articles -------------------------------------------------------------


def test_pair_line_is_run_independent(tmp_path: Path) -> None:
    p = _pair("d", 1, 0, "روسيا", "Russia", score=-0.123456789, cached=True)
    q = _pair("d", 1, 0, "روسيا", "Russia", score=-0.123456789, cached=False)
    assert pair_line(p) == pair_line(q)
    rec = json.loads(pair_line(p))
    assert "cached" not in rec
    assert rec["score"] == -0.1235
    assert write_pairs([p, q], tmp_path / "pairs.jsonl") == 2
    back = list(read_pairs(tmp_path / "pairs.jsonl"))
    assert [b.en for b in back] == ["Russia", "Russia"]


def test_read_pairs_errors(tmp_path: Path) -> None:
    with pytest.raises(KzError) as err:
        list(read_pairs(tmp_path / "missing.jsonl"))
    assert str(err.value) == (
        f"{tmp_path / 'missing.jsonl'}: no such pairs file (run `kzparallel build` first)"
    )
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"\n', encoding="utf-8")
    with pytest.raises(KzError, match=r"bad\.jsonl:1: not a pair record"):
        list(read_pairs(bad))


def test_articles_join_sentences_and_keep_paragraphs(tmp_path: Path) -> None:
    pairs = [
        _pair("d1", 0, 0, "عنوان", "The title", is_title=True),
        _pair(
            "d1",
            1,
            0,
            "أ.",
            "First sentence.",
        ),
        _pair("d1", 1, 1, "ب.", "Second sentence."),
        _pair("d1", 2, 0, "ج.", "  "),  # empty English keeps its paragraph
        _pair("d1", 3, 0, "د.", "Last."),
        _pair("d2", 0, 0, "نص", "Body only."),
    ]
    txt, md = article_texts(pairs[:5])
    assert txt == "The title\n\nFirst sentence. Second sentence.\n\n\n\nLast.\n"
    assert md == "# The title\n\nFirst sentence. Second sentence.\n\n\n\nLast.\n"
    assert write_articles(pairs, tmp_path / "en") == ["d1", "d2"]
    assert sorted(p.name for p in (tmp_path / "en").iterdir()) == [
        "d1.md",
        "d1.txt",
        "d2.md",
        "d2.txt",
    ]
    assert (tmp_path / "en" / "d2.md").read_text(encoding="utf-8") == "Body only.\n"


# -- card ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "bucket"),
    [(0, "n<1K"), (999, "n<1K"), (1000, "1K<n<10K"), (250_000, "100K<n<1M"), (10**8, "n>10M")],
)
def test_size_category(n: int, bucket: str) -> None:
    assert size_category(n) == bucket


# -- report -------------------------------------------------------------------------


class _Ctx:
    glossary = None
    glossary_hash = "none"


def test_report_escapes_article_text() -> None:
    pairs = [
        _pair(
            "d<1>", 0, 0, "<script>alert('ar')</script>", "<script>alert(1)</script>", qa=["empty"]
        ),
        _pair("d<1>", 1, 0, "روسيا", "Russia"),
    ]
    stats = collect_stats(pairs)
    result = BuildResult(
        out_dir=Path("out"),
        documents=1,
        pairs=2,
        splits={"train": 2},
        split_note="",
        flagged=1,
        cache_hits=0,
        cache_misses=2,
        signature="model:m@r|backend:b|glossary:none|kzparallel:0.1.0",
        timings={"translate": 1.0},
        skipped=["bad.txt: file is empty"],
    )
    lengths = LengthStats()
    lengths.update((p.ar, p.en) for p in pairs)
    html = render_report(stats, result, DEFAULT_BAND, lengths, _Ctx())
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "d&lt;1&gt;" in html
    assert "bad.txt: file is empty" in html
    assert stats.flag_counts == {"empty": 1}
    assert stats.docs["d<1>"].paragraphs == 2


# -- make_pair ----------------------------------------------------------------------


def test_make_pair_provenance_qa_and_alignment() -> None:
    from kzparallel.builder import BuildContext, make_pair
    from kzparallel.provenance import Signature
    from kzparallel.records import Segment
    from kzparallel.translation.base import DecodingConfig, Hypothesis, Translation
    from kzparallel.translation.model import ModelRef

    sig = Signature("m", "abc123", "transformers-fp32", {"beam": 4}, "none", "0.1.0")
    ctx = BuildContext(
        ModelRef("m", "abc123", Path("m")),
        "transformers-fp32",
        DecodingConfig(),
        sig,
        alignment=True,
    )
    seg = Segment("d", 3, 1, "أكثر من 1000 شخص مصاب", 10, 31)
    tr = Translation(
        hypotheses=[Hypothesis("More than people injured", -0.5, ["▁More", "▁than", "▁people"])],
        src_tokens=["▁أكثر", "▁من", "▁1000", "</s>"],
        attention=[[0.7, 0.1, 0.1, 0.1], [0.1, 0.8, 0.05, 0.05], [0.1, 0.1, 0.2, 0.6]],
    )
    pair = make_pair(seg, tr, True, ctx)
    assert (pair.id, pair.doc_id, pair.para, pair.sent) == (pair_id("d", 3, 1, seg.text), "d", 3, 1)
    assert (pair.start, pair.end) == (10, 31)
    assert pair.en == pair.en_mt == "More than people injured"
    assert (pair.model, pair.revision, pair.backend, pair.score) == (
        "m",
        "abc123",
        "transformers-fp32",
        -0.5,
    )
    assert (
        pair.signature
        == "model:m@abc123|backend:transformers-fp32|beam:4|glossary:none|kzparallel:0.1.0"
    )
    assert pair.qa == ["numbers-missing"]  # 1000 is not in the English
    assert pair.alignment == [[0, 0], [1, 1], [3, 2]]  # [source index, target index]
    assert pair.tgt_tokens == ["▁More", "▁than", "▁people"]


def test_report_stats_glossary_verdicts() -> None:
    terms_ok = [
        {"term": "almaty", "en": "Almaty", "ok": True, "layer": None},
        {"term": "csto", "en": "CSTO", "ok": True, "layer": "repair"},
    ]
    terms_bad = [{"term": "tokayev", "en": "Kassym-Jomart Tokayev", "ok": False, "layer": None}]
    pairs = [
        _pair("d", 1, 0, "ألما آتا", "Almaty CSTO", terms=terms_ok),
        _pair("d", 2, 0, "توكاييف", "Tokaev", terms=terms_bad, violations=["tokayev: missing"]),
        _pair("d", 3, 0, "نص", "text"),
    ]
    stats = collect_stats(pairs)
    assert (stats.mentions, stats.mentions_failed) == (3, 1)
    assert stats.term_success == pytest.approx(2 / 3)
    assert (stats.pairs_with_terms, stats.pairs_glossary_ok) == (2, 1)
    assert [p.id for p in stats.glossary_failures] == [pairs[1].id]
    assert stats.layers == {"repair": 1}
    assert stats.docs["d"].glossary_failed == 1


def test_report_glossary_layers_entries_forbidden_and_consistency() -> None:
    def term(t: str, en: str, ok: bool, layer: str | None, found: str | None) -> dict[str, Any]:
        return {"term": t, "en": en, "ok": ok, "layer": layer, "found": found}

    forbidden = "tokayev: forbidden variant 'Tokaev' for 'توكايف'"
    pairs = [
        _pair("a", 1, 0, "توكايف", "Tokayev", terms=[term("tokayev", "Tokayev", True, "decoder", "Tokayev")]),
        _pair("a", 2, 0, "توكايف", "Tokayev", terms=[term("tokayev", "Tokayev", True, "repair", "Tokayev")]),
        _pair("a", 3, 0, "ألماتي", "Almaty", terms=[term("almaty", "Almaty", True, "rerank", "Almaty")]),
        _pair("b", 1, 0, "توكايف", "Tokaev", terms=[term("tokayev", "Tokayev", False, None, None)],
              violations=[forbidden]),
        _pair("b", 2, 0, "توكايف", "Tokayev", terms=[term("tokayev", "Tokayev", True, "decoder", "Tokayev")]),
    ]  # fmt: skip
    stats = collect_stats(pairs)
    gm = stats.glossary.result()
    assert gm["layers"] == {"decoder": 2, "rerank": 1, "repair": 1, "failed": 1}
    assert gm["entries"]["tokayev"] == {
        "mentions": 4, "ok": 3, "decoder": 2, "rerank": 0, "repair": 1, "failed": 1, "rate": 0.75,
    }  # fmt: skip
    assert gm["forbidden"] == {"pairs": 1, "rate": 0.2, "variants": {"Tokaev": 1}}
    # a: tokayev and almaty consistent; b: tokayev once missing -> inconsistent
    assert gm["consistency"] == {
        "groups": 3,
        "consistent": 2,
        "rate": 0.6667,
        "inconsistent": [
            {"doc_id": "b", "term": "tokayev", "en": "Tokayev", "forms": ["(missing)", "Tokayev"]}
        ],
    }
    result = BuildResult(
        out_dir=Path("out"), documents=2, pairs=5, splits={"train": 5}, split_note="",
        flagged=0, cache_hits=0, cache_misses=5, signature="s", timings={}, skipped=[],
    )  # fmt: skip
    lengths = LengthStats()
    lengths.update((p.ar, p.en) for p in pairs)
    html = render_report(stats, result, DEFAULT_BAND, lengths, _Ctx())
    assert '<tr><td>repair</td><td class="num">1</td>\n<td class="num">20.0%</td></tr>' in html
    assert "Forbidden variants left in the English: 1 of 5 pairs with\nterms (Tokaev 1)." in html
    assert "Consistency: in 2 of 3 (document, required form) groups" in html
    assert "<td>b</td><td>tokayev</td><td>Tokayev</td><td>(missing) / Tokayev</td>" in html
