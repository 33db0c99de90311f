"""Arabic normalisation (with its offset map) and glossary matching: every
normalisation and clitic rule, longest match, boundaries, and the seeds' mentions
(tests/data/glossary/*.mentions.tsv, written from a reading of the seeds)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kzparallel.arabic import normalize, normalize_text
from kzparallel.cleaning import clean_document
from kzparallel.glossary import Entry, Form, Glossary, load_glossary
from kzparallel.ingest import read_documents
from kzparallel.segmentation import segment_document

DATA = Path(__file__).parent / "data" / "glossary"
SEEDS = sorted((Path(__file__).parent.parent / "seeds").glob("*.txt"))


@pytest.fixture(scope="module")
def g() -> Glossary:
    return load_glossary()


# -- normalisation ---------------------------------------------------------------

NORMALISATION = [
    ("diacritics", "تُوكَايِفْ", "توكايف"),
    ("tanwin and shadda", "توضيحاً جدّد", "توضيحا جدد"),
    ("superscript alef", "هٰذا", "هذا"),
    ("tatweel", "كازاخـــستان", "كازاخستان"),
    ("alef hamza above", "أرمينيا", "ارمينيا"),
    ("alef hamza below", "إيفان", "ايفان"),
    ("alef madda", "آسيا", "اسيا"),
    ("alef wasla", "ٱلماتي", "الماتي"),
    ("alef maqsura", "الوسطى", "الوسطي"),
    ("ta marbuta", "غزة", "غزه"),
    ("hamza on waw", "مؤتمر", "موتمر"),
    ("hamza on ya", "رئيس", "رييس"),
    ("bare hamza kept", "ماء", "ماء"),
    ("Persian yeh", "بوینت", "بوينت"),
    ("Persian keheh", "نتورک", "نتورك"),
    ("Persian gaf", "گاز", "كاز"),
    ("Persian peh", "پساكي", "بساكي"),
    ("Persian tcheh", "چين", "جين"),
    ("Persian jeh", "ژان", "زان"),
    ("veh", "ڤولودين", "فولودين"),
    ("Urdu heh goal", "ہند", "هند"),
    ("Urdu yeh barree", "ے", "ي"),
    ("Arabic-Indic digits", "٢٠٢٢", "2022"),
    ("Persian digits", "۲۰۲۲", "2022"),
    ("Latin lower-cased", "CSTO", "csto"),
    ("zero-width non-joiner", "نور\u200cسلطان", "نورسلطان"),
    ("presentation-form ligature", "\ufefb", "لا"),
    # presentation-form code points without a compatibility mapping stay as they are
    ("ornate parentheses", "\ufd3eآية\ufd3f", "\ufd3eايه\ufd3f"),
    ("Arabic symbol dot above", "\ufbb2", "\ufbb2"),
    ("small high ligature", "\ufe73", "\ufe73"),
]


@pytest.mark.parametrize(
    ("rule", "text", "expected"), NORMALISATION, ids=[r[0] for r in NORMALISATION]
)
def test_normalisation_rule(rule: str, text: str, expected: str) -> None:
    assert normalize_text(text) == expected


def test_offset_map_points_back_to_the_original() -> None:
    text = "قالَ إِنّ ﻻ كازاخـستان"
    n = normalize(text)
    assert n.text == "قال ان لا كازاخستان"
    assert len(n.offsets) == len(n.text) + 1
    assert n.offsets[-1] == len(text)
    for i, ch in enumerate(n.text):
        assert normalize_text(text[n.offsets[i]]).count(ch) >= 1
    # the ligature gives two normalised characters that map to the same original one
    lam = n.text.index("لا")
    assert n.offsets[lam] == n.offsets[lam + 1] == text.index("\ufefb")
    # a span ending in a letter takes the diacritics written after it
    start, end = n.original_span(0, 3)
    assert text[start:end] == "قالَ"
    k = n.text.index("كازاخستان")
    start, end = n.original_span(k, k + len("كازاخستان"))
    assert text[start:end] == "كازاخـستان"


# -- matching rules ----------------------------------------------------------------

CLITICS = [
    # (text, surface, term, en)
    ("في كازاخستان", "كازاخستان", "kazakhstan", "Kazakhstan"),
    ("وكازاخستان", "وكازاخستان", "kazakhstan", "Kazakhstan"),
    ("فكازاخستان", "فكازاخستان", "kazakhstan", "Kazakhstan"),
    ("بكازاخستان", "بكازاخستان", "kazakhstan", "Kazakhstan"),
    ("لكازاخستان", "لكازاخستان", "kazakhstan", "Kazakhstan"),
    ("ككازاخستان", "ككازاخستان", "kazakhstan", "Kazakhstan"),
    ("وبكازاخستان", "وبكازاخستان", "kazakhstan", "Kazakhstan"),
    ("ولكازاخستان", "ولكازاخستان", "kazakhstan", "Kazakhstan"),
    ("الروس", "الروس", "russia", "Russians"),
    ("والروس", "والروس", "russia", "Russians"),
    ("بالروس", "بالروس", "russia", "Russians"),
    ("وبالروس", "وبالروس", "russia", "Russians"),
    ("للروس", "للروس", "russia", "Russians"),
    ("وللروس", "وللروس", "russia", "Russians"),
    ("كالروس", "كالروس", "russia", "Russians"),
    ("فللروس", "فللروس", "russia", "Russians"),
    # a name whose ال is its own: matched whole, and لل before it
    ("الميادين", "الميادين", "al-mayadeen", "Al Mayadeen"),
    ("للميادين", "للميادين", "al-mayadeen", "Al Mayadeen"),
    ("وللميادين", "وللميادين", "al-mayadeen", "Al Mayadeen"),
    ("بالميادين", "بالميادين", "al-mayadeen", "Al Mayadeen"),
    ("للاتحاد الأوروبي", "للاتحاد الأوروبي", "european-union", "European Union"),
    ("للبيت الأبيض", "للبيت الأبيض", "white-house", "White House"),
    # ألماتي keeps its alef-lam (it is not the article), with or without clitics
    ("ألماتي", "ألماتي", "almaty", "Almaty"),
    ("وألماتي", "وألماتي", "almaty", "Almaty"),
    ("لألماتي", "لألماتي", "almaty", "Almaty"),
    ("بألماتي", "بألماتي", "almaty", "Almaty"),
    ("في ألما آتا", "ألما آتا", "almaty", "Almaty"),
    # nisba suffixes on a place name give the adjective (or people) form
    ("الكازاخستاني", "الكازاخستاني", "kazakhstan", "Kazakh"),
    ("الكازاخستانية", "الكازاخستانية", "kazakhstan", "Kazakh"),
    ("الكازخستانية", "الكازخستانية", "kazakhstan", "Kazakh"),
    ("الكازاخستانيان", "الكازاخستانيان", "kazakhstan", "Kazakh"),
    ("الكازاخستانيين", "الكازاخستانيين", "kazakhstan", "Kazakhstanis"),
    ("الكازاخستانيون", "الكازاخستانيون", "kazakhstan", "Kazakhstanis"),
    ("للكازاخستانيين", "للكازاخستانيين", "kazakhstan", "Kazakhstanis"),
    # an adjective form's own variant takes ة/ين/ون
    ("الكازاخية", "الكازاخية", "kazakhstan", "Kazakh"),
    ("الروسية", "الروسية", "russia", "Russian"),
    ("الروسي", "الروسي", "russia", "Russian"),
    ("البيلاروسي", "البيلاروسي", "belarus", "Belarusian"),
    ("الأميركيون", "الأميركيون", "united-states", "Americans"),
    ("السوفيتية", "السوفيتية", "soviet-union", "Soviet"),
    # surname-only and full-name mentions require different English
    ("وحذر توكايف", "توكايف", "tokayev", "Tokayev"),
    ("الرئيس قاسم جومارت توكاييف", "قاسم جومارت توكاييف", "tokayev", "Kassym-Jomart Tokayev"),
    # quotes between the words of a multi-word variant
    ("منظمة «معاهدة الأمن الجماعي»", "منظمة «معاهدة الأمن الجماعي", "csto", "CSTO"),
    # Latin-script names inside Arabic text
    ("لـ CSTO", "CSTO", "csto", "CSTO"),
    ("وفقًا لـ Eurasianet ،", "Eurasianet", "eurasianet", "Eurasianet"),
    # diacritics and tatweel in the text; the surface keeps them
    ("تُوكَايِفْ", "تُوكَايِفْ", "tokayev", "Tokayev"),
    ("كازاخـــستان", "كازاخـــستان", "kazakhstan", "Kazakhstan"),
    # Persian yeh as written in seed 001
    ("أردو بوینت نتورك", "أردو بوینت نتورك", "urdupoint", "UrduPoint"),
]


@pytest.mark.parametrize(("text", "surface", "term", "en"), CLITICS)
def test_clitic_and_suffix_rules(g: Glossary, text: str, surface: str, term: str, en: str) -> None:
    (m,) = g.find(text)
    assert (m.surface, m.term, m.en) == (surface, term, en)
    assert text[m.start : m.end] == surface


@pytest.mark.parametrize(
    "text",
    [
        "روسياتنا",  # a name followed by letters that are no suffix
        "مكازاخستان",  # a letter that is no clitic before the name
        "الكازاخستانك",  # a suffix that is no nisba
        "بايدنية",  # person names take no nisba
        "وووكازاخستان",  # three conjunctions are no clitic chain
    ],
)
def test_word_boundaries(g: Glossary, text: str) -> None:
    assert g.find(text) == []


def test_longest_match_wins_and_matches_do_not_overlap(g: Glossary) -> None:
    text = "قرار مجلس الأمن الجماعي لمنظمة معاهدة الأمن الجماعي ومجلس الأمن"
    got = [(m.surface, m.term) for m in g.find(text)]
    assert got == [
        ("مجلس الأمن الجماعي", "collective-security-council"),
        ("لمنظمة معاهدة الأمن الجماعي", "csto"),
        ("ومجلس الأمن", "security-council"),
    ]
    got = [(m.surface, m.term) for m in g.find("الولايات المتحدة الأمريكية وروسيا البيضاء")]
    assert got == [("الولايات المتحدة الأمريكية", "united-states"), ("وروسيا البيضاء", "belarus")]


def test_first_name_of_nazarbayev_is_not_the_capital(g: Glossary) -> None:
    got = [(m.surface, m.en) for m in g.find("نور سلطان نزارباييف زار نور سلطان")]
    assert got == [("نور سلطان نزارباييف", "Nursultan Nazarbayev"), ("نور سلطان", "Nur-Sultan")]


def test_clitic_is_not_taken_from_a_name_that_starts_with_its_letter() -> None:
    """كازاخستان keeps its ك; a name that starts with و or ب is matched whole."""
    gl = Glossary(
        [
            Entry("wang", "person", ("وانغ",), "Wang"),
            Entry("beirut", "place", ("بيروت",), "Beirut"),
            Entry("rut", "place", ("يروت",), "Yrut"),
        ]
    )
    assert [(m.surface, m.term) for m in gl.find("ووانغ في بيروت")] == [
        ("ووانغ", "wang"),
        ("بيروت", "beirut"),
    ]


def test_places_without_adjective_form_take_no_nisba() -> None:
    gl = Glossary([Entry("x", "place", ("أكتاو",), "Aktau")])
    assert gl.find("الأكتاوي") == []
    gl = Glossary(
        [Entry("x", "place", ("أكتاو",), "Aktau", forms=(Form("adjective", (), "Aktau"),))]
    )
    assert [m.surface for m in gl.find("الأكتاوي")] == ["الأكتاوي"]


def test_hints_prefer_required_forms_and_forbid_variants(g: Glossary) -> None:
    h = g.hints("وانتشرت المظاهرات في ألما آتا وحذر توكايف")
    assert h.prefer == ["Almaty", "Tokayev"]
    # the forbidden variants of the entries mentioned are among the glossary-wide ones
    for variant in [
        "Alma-Ata",
        "Alma Ata",
        "Almati",
        "Alma-Aty",
        "Kassym-Zhomart Tokayev",
        "Kassym-Jomart Tokaev",
        "Kasym-Jomart Tokayev",
        "Kassym Jomart Tokayev",
        "Qasym-Jomart Toqaev",
        "Tokaev",
        "Toqaev",
        "Tokayiev",
    ]:
        assert variant in h.forbid
    assert "Volodine" in h.forbid  # an entry the sentence does not mention
    assert not g.hints("لا شيء هنا").prefer


def test_hints_share_the_glossary_wide_lists() -> None:
    """Every sentence gets the whole glossary's forbidden variants and accepted
    forms (the same objects): the suppression list does not depend on the
    sentence, so a batch needs one list and no sentence depends on its batch."""
    gl = Glossary(
        [
            Entry(
                "tokayev",
                "person",
                ("توكايف",),
                "Tokayev",
                forbidden=("Tokaev", "Toqaev"),
                forms=(Form("adjective", (), "Tokayevite", forbidden=("Tokaevite",)),),
            ),
            Entry(
                "almaty", "place", ("ألماتي",), "Almaty", also=("Alma Ata",), forbidden=("Tokaev",)
            ),
        ]
    )
    one = gl.hints("حذر توكايف")
    other = gl.hints("لا شيء هنا")
    assert one.prefer == ["Tokayev"] and other.prefer == []
    assert one.forbid == ("Tokaev", "Toqaev", "Tokaevite")
    assert one.keep == ("Tokayev", "Tokayevite", "Almaty", "Alma Ata")
    assert other.forbid is one.forbid and other.keep is one.keep
    assert other  # a sentence without a mention still gets the suppression list
    assert not Glossary([Entry("biden", "person", ("بايدن",), "Biden")]).hints("لا شيء هنا")


# -- the seeds ---------------------------------------------------------------------


def _expected(stem: str) -> list[tuple[int, int, int, int, str, str, str]]:
    with open(DATA / f"{stem}.mentions.tsv", encoding="utf-8") as fh:
        rows = [r for r in csv.reader(fh, delimiter="\t") if r and not r[0].startswith("#")]
    return [(int(a), int(b), int(c), int(d), e, f, h) for a, b, c, d, e, f, h in rows]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_seed_mentions(g: Glossary, seed: Path) -> None:
    (doc,) = list(read_documents([seed]))
    got = []
    for seg in segment_document(clean_document(doc)):
        for m in g.find(seg.text):
            assert seg.text[m.start : m.end] == m.surface
            got.append((seg.para, seg.sent, m.start, m.end, m.surface, m.term, m.en))
    assert got == _expected(seed.stem)


def test_seed_counts_agree_with_plain_string_counts(g: Glossary) -> None:
    """Independent check of the expected files: each spelling of Kazakhstan and of
    the CSTO's name occurs as often in the cleaned seeds as the files list it."""
    total: dict[str, int] = {}
    for seed in SEEDS:
        (doc,) = list(read_documents([seed]))
        text = "\n".join(s.text for s in segment_document(clean_document(doc)))
        for word in ("كازاخستان", "منظمة معاهدة الأمن الجماعي", "توكاييف", "ألما آتا", "ألماتي"):
            total[word] = total.get(word, 0) + text.count(word)
    listed: dict[str, int] = {}
    for seed in SEEDS:
        for row in _expected(seed.stem):
            for word in total:
                listed[word] = listed.get(word, 0) + row[4].count(word)
    assert listed == total
