"""Layered enforcement: rerank, repair (forbidden variants, look-alikes, attention),
verification records, byte-identity of correct translations, and the metrics."""

from __future__ import annotations

from pathlib import Path

import pytest

from kzparallel.glossary import Glossary, load_glossary
from kzparallel.glossary.enforce import enforce_pair, similarity
from kzparallel.glossary.metrics import glossary_metrics, term_found
from kzparallel.translation.base import DecodingConfig, Hypothesis, Translation

# Arabic sentences from the seeds
PRICE = "وفي سياق متصل، أكد المتحدث باسم وزارة الخارجية الأمريكية، نيد برايس، أن الأسعار"
PRICE_SURNAME = "وأردف برايس أن الولايات المتحدة مستعدة"
TOKAYEV = "فيما حذر توكايف من أن السلطات ستتخذ إجراءات أكثر صرامة"
TOKAYEV_FULL = "ما دفع الرئيس قاسم جومارت توكاييف لإقالة الحكومة"
ALMATY = "وانتشرت المظاهرات في مناطق أخرى من البلاد بما في ذلك ألما آتا، أكبر مدينة في كازاخستان"
CAPITAL = "بما فيها العاصمة نور سلطان."
BORRELL = "أعرب مسؤول الشؤون الخارجية للاتحاد الأوروبي، جوزيب بوريل، عن قلقه"
PSAKI = "وأعلنت المتحدثة باسم البيت الأبيض، جين ساكي، دعوة"


@pytest.fixture(scope="module")
def g() -> Glossary:
    return load_glossary()


FIX_CASES = [
    # (id, ar, en in, en out, [(term, ok, layer)], violations)
    (
        "correct stays byte-identical",
        ALMATY,
        "Protests spread to other regions, including Almaty, Kazakhstan's largest city",
        "Protests spread to other regions, including Almaty, Kazakhstan's largest city",
        [("almaty", True, "decoder"), ("kazakhstan", True, "decoder")],
        [],
    ),
    (
        "forbidden old name replaced",
        ALMATY,
        "Protests spread to other regions, including Alma-Ata, Kazakhstan's largest city",
        "Protests spread to other regions, including Almaty, Kazakhstan's largest city",
        [("almaty", True, "repair"), ("kazakhstan", True, "decoder")],
        [],
    ),
    (
        "misspelling not in the glossary, possessive kept",
        TOKAYEV,
        "Tokaiev's government warned that the authorities would act",
        "Tokayev's government warned that the authorities would act",
        [("tokayev", True, "repair")],
        [],
    ),
    (
        "listed misspelling in capitals",
        TOKAYEV,
        "TOKAEV WARNS PROTESTERS",
        "TOKAYEV WARNS PROTESTERS",
        [("tokayev", True, "repair")],
        [],
    ),
    (
        "capital written as one word",
        CAPITAL,
        "including the capital Nursultan.",
        "including the capital Nur-Sultan.",
        [("nur-sultan", True, "repair")],
        [],
    ),
    (
        "garbled full name",
        TOKAYEV_FULL,
        "which prompted President Kasym-Zhomart Tokaev to dismiss the government",
        "which prompted President Kassym-Jomart Tokayev to dismiss the government",
        [("tokayev", True, "repair")],
        [],
    ),
    (
        "surname only where the Arabic has the full name",
        TOKAYEV_FULL,
        "which prompted President Tokayev to dismiss the government",
        "which prompted President Kassym-Jomart Tokayev to dismiss the government",
        [("tokayev", True, "repair")],
        [],
    ),
    (
        "look-alike noun next to the name is not touched",
        PRICE,
        "State Department spokesman Ned Pryce said that prices",
        "State Department spokesman Ned Price said that prices",
        [("state-department", True, "decoder"), ("price", True, "repair")],
        [],
    ),
    (
        "the noun price with the name right",
        PRICE,
        "State Department spokesman Ned Price said the price of gas",
        "State Department spokesman Ned Price said the price of gas",
        [("state-department", True, "decoder"), ("price", True, "decoder")],
        [],
    ),
    (
        "inflected look-alike at the start of a sentence is not a misspelling",
        PRICE_SURNAME,
        "Prices in the United States are ready",
        "Prices in the United States are ready",
        [("price", False, None), ("united-states", True, "decoder")],
        ["price: missing 'Price' for 'برايس'"],
    ),
    (
        "missing term is reported, nothing invented",
        BORRELL,
        "The EU foreign policy chief expressed concern",
        "The EU foreign policy chief expressed concern",
        [("european-union", True, "decoder"), ("borrell", False, None)],
        ["borrell: missing 'Josep Borrell' for 'جوزيب بوريل'"],
    ),
    (
        "forbidden first name fixed, other words kept",
        BORRELL,
        "The EU's foreign policy chief Joseph Borrell expressed concern",
        "The EU's foreign policy chief Josep Borrell expressed concern",
        [("european-union", True, "decoder"), ("borrell", True, "repair")],
        [],
    ),
    (
        "alternative spelling of the Arabic, required English the same",
        PSAKI,
        "White House spokeswoman Jen Saki called",
        "White House spokeswoman Jen Psaki called",
        [("white-house", True, "decoder"), ("psaki", True, "repair")],
        [],
    ),
    (
        "an accepted alternative is not changed",
        "وحثت الأمم المتحدة القادة",
        "The U.N. urged leaders",
        "The U.N. urged leaders",
        [("united-nations", True, "decoder")],
        [],
    ),
]


@pytest.mark.parametrize(
    ("ar", "en", "expected", "verdicts", "violations"),
    [c[1:] for c in FIX_CASES],
    ids=[c[0] for c in FIX_CASES],
)
def test_fix_cases(
    g: Glossary,
    ar: str,
    en: str,
    expected: str,
    verdicts: list[tuple[str, bool, str | None]],
    violations: list[str],
) -> None:
    result = enforce_pair(ar, en, g)
    assert result.en == expected
    assert [(t["term"], t["ok"], t["layer"]) for t in result.terms] == verdicts
    assert result.violations == violations


def test_record_fields(g: Glossary) -> None:
    result = enforce_pair(TOKAYEV, "Tokaev warned that the authorities", g)
    assert result.terms == [
        {
            "term": "tokayev",
            "surface": "توكايف",
            "start": 9,
            "end": 15,
            "en": "Tokayev",
            "ok": True,
            "layer": "repair",
            "reason": "replaced 'Tokaev' (forbidden variant)",
            "found": "Tokayev",
        }
    ]
    assert TOKAYEV[9:15] == "توكايف"


def test_check_mode_changes_nothing(g: Glossary) -> None:
    result = enforce_pair(TOKAYEV, "Tokaev warned", g, repair=False)
    assert result.en == "Tokaev warned"
    assert result.violations == [
        "tokayev: missing 'Tokayev' for 'توكايف'",
        "tokayev: forbidden variant 'Tokaev' in the English",
    ]


def test_forbidden_variant_inside_a_required_form_is_not_a_violation(g: Glossary) -> None:
    ar = "نور سلطان نزارباييف والعاصمة نور سلطان"
    result = enforce_pair(ar, "Nursultan Nazarbayev and the capital Nursultan", g)
    assert result.en == "Nursultan Nazarbayev and the capital Nur-Sultan"
    assert result.violations == []


def test_no_terms_no_records(g: Glossary) -> None:
    en = "Nothing to see here, Alma-Ata aside."
    result = enforce_pair("لا شيء هنا", en, g)
    assert (result.en, result.terms, result.violations) == (en, [], [])


def test_similarity() -> None:
    assert similarity("Nursultan", "Nur-Sultan") == 1.0
    assert similarity("Tokaev", "Tokayev") == pytest.approx(1 - 0.5 / 7)  # one vowel, 7 units
    # n, d: two hard changes, e: a vowel more; 8 units
    assert similarity("price", "Ned Price") == pytest.approx(1 - 2.5 / 8)


# -- rerank and attention (synthetic translations) ----------------------------------


def test_rerank_prefers_the_hypothesis_with_the_term(g: Glossary) -> None:
    tr = Translation(
        [
            Hypothesis("Tokaiev warned the authorities", -0.5),
            Hypothesis("Tokayev warned the authorities", -0.7),
        ]
    )
    result = enforce_pair(TOKAYEV, tr.text, g, tr)
    assert result.en == "Tokayev warned the authorities"
    assert result.terms[0]["layer"] == "rerank"
    assert result.terms[0]["reason"] == "hypothesis 2 of 2 has 'Tokayev'"


def test_decoder_layer_when_the_best_already_has_it(g: Glossary) -> None:
    tr = Translation([Hypothesis("Tokayev warned", -0.5), Hypothesis("Tokaev warned", -0.6)])
    result = enforce_pair(TOKAYEV, tr.text, g, tr)
    assert result.en is tr.text
    assert result.terms[0]["layer"] == "decoder"


def _aligned_translation(en_tokens: list[str], aligned: list[int], mass: float) -> Translation:
    src = ["▁فيما", "▁حذر", "▁توكا", "يف", "▁من", "▁أن", "</s>"]
    rows = []
    for t in range(len(en_tokens)):
        row = [0.0] * len(src)
        if t in aligned:
            row[2], row[3] = mass / 2, mass / 2
            row[0] = 1 - mass
        else:
            row[4] = 1.0
        rows.append(row)
    text = "".join(en_tokens).replace("▁", " ").strip()
    return Translation([Hypothesis(text, -1.0, en_tokens)], src, rows)


def test_attention_finds_a_rendering_unlike_the_required_form(g: Glossary) -> None:
    tr = _aligned_translation(["▁Qo", "qai", "f", "▁warned", "▁them"], [0, 1, 2], 0.8)
    assert tr.text == "Qoqaif warned them"
    assert enforce_pair(TOKAYEV, tr.text, g).en == "Qoqaif warned them"  # no attention
    result = enforce_pair(TOKAYEV, tr.text, g, tr)
    assert result.en == "Tokayev warned them"
    assert result.terms[0]["reason"] == "replaced 'Qoqaif' (attention)"


def test_attention_never_replaces_a_common_word(g: Glossary) -> None:
    tr = _aligned_translation(["▁He", "▁warned", "▁them"], [1], 0.9)
    result = enforce_pair(TOKAYEV, tr.text, g, tr)
    assert result.en == "He warned them"
    assert result.terms[0]["ok"] is False


def test_weak_attention_is_not_enough(g: Glossary) -> None:
    tr = _aligned_translation(["▁Qo", "qai", "f", "▁warned"], [0, 1, 2], 0.3)
    assert enforce_pair(TOKAYEV, tr.text, g, tr).en == "Qoqaif warned"


@pytest.mark.slow
def test_real_translation_from_the_tiny_model(g: Glossary, tiny_model: Path) -> None:
    """With a real n-best list and attention the records stay consistent: the
    English changes only where a repair is recorded, and a term marked ok is there."""
    from kzparallel.translation import load_translator

    tr = load_translator(str(tiny_model), backend="transformers", device="cpu")
    sentences = [TOKAYEV, ALMATY, PRICE, CAPITAL]
    config = DecodingConfig(beam=4, nbest=4, return_alignment=True, max_new_tokens=24)
    for ar, translation in zip(sentences, tr.translate(sentences, config), strict=True):
        assert translation.attention is not None
        result = enforce_pair(ar, translation.text, g, translation)
        layers = {t["layer"] for t in result.terms}
        if result.en == translation.text:
            assert layers <= {"decoder", None}
        for t in result.terms:
            assert t["ok"] == (t["found"] is not None)
            if t["ok"]:
                assert t["found"] in result.en
        assert len(result.violations) >= sum(not t["ok"] for t in result.terms)


# -- metrics -----------------------------------------------------------------------


def test_glossary_metrics(g: Glossary) -> None:
    rows = [
        ("d1", TOKAYEV, "Tokayev warned"),
        ("d1", TOKAYEV, "Tokaev warned"),
        ("d1", CAPITAL, "the capital."),
        ("d2", TOKAYEV, "Tokayev warned"),
        ("d2", "لا شيء", "nothing"),
    ]
    pairs = []
    for doc, ar, en in rows:
        r = enforce_pair(ar, en, g)
        pairs.append(
            {
                "doc_id": doc,
                "ar": ar,
                "en": r.en,
                "en_mt": en,
                "terms": r.terms,
                "violations": r.violations,
            }
        )
    m = glossary_metrics(pairs)
    assert m["pairs"] == 5
    assert m["pairs_with_terms"] == 4
    assert m["pairs_with_violations"] == 1
    assert m["pairs_changed"] == 1
    assert (m["mentions"], m["ok"], m["success_rate"]) == (4, 3, 0.75)
    assert m["layers"] == {"decoder": 2, "rerank": 0, "repair": 1, "failed": 1}
    assert m["entries"]["tokayev"] == {
        "mentions": 3,
        "ok": 3,
        "decoder": 2,
        "rerank": 0,
        "repair": 1,
        "failed": 0,
        "rate": 1.0,
    }
    assert m["entries"]["nur-sultan"]["rate"] == 0.0
    assert m["forbidden"] == {"pairs": 0, "rate": 0.0, "variants": {}}
    assert m["consistency"]["groups"] == 3
    assert m["consistency"]["inconsistent"] == [
        {"doc_id": "d1", "term": "nur-sultan", "en": "Nur-Sultan", "forms": ["(missing)"]}
    ]


def test_forbidden_rate_counts_pairs_left_with_a_forbidden_variant(g: Glossary) -> None:
    r = enforce_pair(TOKAYEV, "Tokaev warned", g, repair=False)
    m = glossary_metrics(
        [{"doc_id": "d", "en": "Tokaev warned", "terms": r.terms, "violations": r.violations}]
    )
    assert m["forbidden"] == {"pairs": 1, "rate": 1.0, "variants": {"Tokaev": 1}}


def test_term_found(g: Glossary) -> None:
    (m,) = g.find(CAPITAL)
    assert term_found(m, "the capital Nur-Sultan", g)
    assert not term_found(m, "the capital Nursultan", g)
