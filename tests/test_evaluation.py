"""``kzparallel eval``: sacrebleu scores, alignment by id / doc_id+para / line, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sacrebleu

from kzparallel.errors import KzError
from kzparallel.evaluation import align, evaluate

REFS = Path(__file__).resolve().parent.parent / "seeds" / "references"


def _jsonl(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return path


def test_line_aligned_scores_match_sacrebleu(tmp_path: Path) -> None:
    hyp = ["Russia sent troops to Kazakhstan.", "The protests spread to Almaty."]
    ref = ["Russia has sent troops to Kazakhstan.", "The protests spread to Almaty."]
    (tmp_path / "hyp.txt").write_text("\n".join(hyp) + "\n", encoding="utf-8")
    (tmp_path / "ref.txt").write_text("\n".join(ref) + "\n", encoding="utf-8")
    result = evaluate(tmp_path / "hyp.txt", tmp_path / "ref.txt")
    assert result.aligned_by == "line" and result.n == 2
    assert result.scores["BLEU"] == pytest.approx(sacrebleu.corpus_bleu(hyp, [ref]).score)
    assert result.scores["chrF"] == pytest.approx(sacrebleu.corpus_chrf(hyp, [ref]).score)
    assert result.scores["TER"] == pytest.approx(sacrebleu.corpus_ter(hyp, [ref]).score)
    assert result.signatures["BLEU"].startswith("nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|")
    assert result.signatures["chrF"].startswith("nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|")
    assert result.lines()[-1] == "2 segments aligned by line"


def test_line_count_mismatch(tmp_path: Path) -> None:
    (tmp_path / "hyp.txt").write_text("a\nb\nc\n", encoding="utf-8")
    (tmp_path / "ref.txt").write_text("a\nb\n", encoding="utf-8")
    with pytest.raises(KzError) as err:
        evaluate(tmp_path / "hyp.txt", tmp_path / "ref.txt")
    assert str(err.value) == (
        f"{tmp_path / 'hyp.txt'} has 3 segments but {tmp_path / 'ref.txt'} has 2: give files "
        "with one segment per line, or JSON lines with id or doc_id and para"
    )


def test_aligned_by_id_in_any_order(tmp_path: Path) -> None:
    hyp = _jsonl(tmp_path / "hyp.jsonl", [{"id": "b", "en": "two"}, {"id": "a", "en": "one"}])
    ref = _jsonl(tmp_path / "ref.jsonl", [{"id": "a", "en": "one"}, {"id": "b", "en": "two"}])
    hyps, refs, how = align(hyp, ref)
    assert how == "id"
    assert [(h.text, r.text) for h, r in zip(hyps, refs, strict=True)] == [
        ("one", "one"),
        ("two", "two"),
    ]
    missing = _jsonl(tmp_path / "short.jsonl", [{"id": "a", "en": "one"}])
    with pytest.raises(KzError) as err:
        evaluate(missing, ref)
    assert str(err.value) == (
        f"{missing}: no hypothesis for 1 of 2 references (aligned by id; first missing: b)"
    )
    with pytest.raises(KzError) as err:
        evaluate(hyp, missing)
    assert str(err.value) == (
        f"{missing}: no reference for 1 of 2 hypotheses (aligned by id; first: b)"
    )


def test_sentence_pairs_scored_against_paragraph_references(tmp_path: Path) -> None:
    """A build's pairs.jsonl (sentences) against seeds/references (paragraphs)."""
    refs = [json.loads(line) for line in (REFS / "004_4496b14b8fd8a434.jsonl").open()]
    # split every reference paragraph into two "sentence" records, in shuffled order
    pairs = []
    for r in reversed(refs):
        words = r["en"].split(" ")
        half = len(words) // 2
        pairs.append(
            {
                "id": f"{r['para']}b",
                "doc_id": r["doc_id"],
                "para": r["para"],
                "sent": 1,
                "en": " ".join(words[half:]),
            }
        )
        pairs.append(
            {
                "id": f"{r['para']}a",
                "doc_id": r["doc_id"],
                "para": r["para"],
                "sent": 0,
                "en": " ".join(words[:half]),
            }
        )
    pairs.sort(key=lambda p: (p["para"], p["sent"]))
    hyp = _jsonl(tmp_path / "pairs.jsonl", pairs)
    result = evaluate(hyp, REFS / "004_4496b14b8fd8a434.jsonl")
    assert result.aligned_by == "doc_id+para"
    assert result.n == len(refs)
    assert result.scores["BLEU"] == pytest.approx(100.0)
    assert result.scores["TER"] == pytest.approx(0.0)


def test_references_directory_against_itself() -> None:
    result = evaluate(REFS, REFS)
    n = sum(1 for f in REFS.glob("*.jsonl") for _ in f.open())
    assert result.n == n
    assert result.scores["chrF"] == pytest.approx(100.0)


def test_bad_inputs(tmp_path: Path) -> None:
    with pytest.raises(KzError) as err:
        evaluate(tmp_path / "none.txt", REFS)
    assert str(err.value) == f"{tmp_path / 'none.txt'}: no such file"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "en": "x"}\nnot json\n', encoding="utf-8")
    with pytest.raises(KzError) as err:
        evaluate(bad, bad)
    assert str(err.value) == f"{bad}:2: not a JSON line"
    (tmp_path / "empty").mkdir()
    with pytest.raises(KzError) as err:
        evaluate(REFS, tmp_path / "empty")
    assert str(err.value) == f"{tmp_path / 'empty'}: no *.jsonl files in the directory"


def test_references_follow_the_cleaned_seed_paragraphs(seeds_dir: Path) -> None:
    """seeds/references has one line per cleaned paragraph, with its exact Arabic."""
    from kzparallel.cleaning import clean_document
    from kzparallel.ingest import read_documents

    docs = list(read_documents(sorted(seeds_dir.glob("*.txt"))))
    assert sorted(p.stem for p in REFS.glob("*.jsonl")) == [d.doc_id for d in docs]
    for doc in docs:
        blocks = clean_document(doc).blocks()
        refs = [json.loads(line) for line in (REFS / f"{doc.doc_id}.jsonl").open()]
        assert [(r["doc_id"], r["para"], r["ar"]) for r in refs] == [
            (doc.doc_id, i, b) for i, b in enumerate(blocks)
        ]
        assert all(r["en"].strip() for r in refs)
        # English only (no Arabic script left in a reference)
        assert not any(any("\u0600" <= ch <= "\u06ff" for ch in r["en"]) for r in refs)


def test_glossary_term_success() -> None:
    from kzparallel.glossary import load_glossary

    glossary = load_glossary()
    # our references use the glossary's spellings everywhere
    result = evaluate(REFS, REFS, glossary)
    assert result.glossary is not None
    assert result.glossary["rate"] == 1.0
    assert result.glossary["mentions"] == result.glossary["found"] > 100
    assert result.lines()[3] == (
        f"glossary terms = 100.0%  ({result.glossary['found']}/{result.glossary['mentions']} mentions)"
    )


def test_glossary_term_misses(tmp_path: Path) -> None:
    from kzparallel.glossary import load_glossary

    ar = "أعلن رئيس كازاخستان، قاسم جومارت توكاييف، حالة الطوارئ في ألما آتا."
    ref = _jsonl(tmp_path / "ref.jsonl", [{"id": "1", "ar": ar, "en": "x"}])
    good = _jsonl(
        tmp_path / "good.jsonl",
        [
            {
                "id": "1",
                "en": "Kazakh President Kassym-Jomart Tokayev declared an emergency in Almaty.",
            }
        ],
    )
    bad = _jsonl(
        tmp_path / "bad.jsonl",
        [
            {
                "id": "1",
                "en": "Kazakhstan's president Qasim Tokayev declared an emergency in Alma-Ata.",
            }
        ],
    )
    g = load_glossary()
    mentions = {m.en for m in g.find(ar)}
    assert {"Kassym-Jomart Tokayev", "Almaty"} <= mentions
    good_rate = evaluate(good, ref, g).glossary
    bad_rate = evaluate(bad, ref, g).glossary
    assert good_rate is not None and bad_rate is not None
    assert "Kassym-Jomart Tokayev" not in good_rate["first_misses"]
    assert set(bad_rate["first_misses"]) >= {"Kassym-Jomart Tokayev", "Almaty"}
    assert bad_rate["found"] < good_rate["found"]


def test_glossary_needs_arabic(tmp_path: Path) -> None:
    from kzparallel.glossary import load_glossary

    (tmp_path / "h.txt").write_text("a\n", encoding="utf-8")
    (tmp_path / "r.txt").write_text("a\n", encoding="utf-8")
    with pytest.raises(KzError) as err:
        evaluate(tmp_path / "h.txt", tmp_path / "r.txt", load_glossary())
    assert str(err.value) == (
        f"{tmp_path / 'r.txt'}: the glossary check needs the Arabic source ('ar' in the JSON lines)"
    )
