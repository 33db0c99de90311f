"""Which overlapping matches are the mentions (:mod:`kzparallel.glossary.precedence`):
the words around a match, the longest match, the entry type. Small glossaries built
here, sentences written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from kzparallel.glossary import Entry, Form, Glossary
from kzparallel.glossary.io import load_glossary

ADJ = "adjective"


@pytest.fixture(scope="module")
def g() -> Glossary:
    return Glossary(
        [
            Entry("nur-sultan", "place", ("نور سلطان", "أستانا"), "Nur-Sultan"),
            Entry(
                "nazarbayev",
                "person",
                ("نور سلطان نزارباييف",),
                "Nursultan Nazarbayev",
                forms=(Form("surname", ("نزارباييف",), "Nazarbayev"),),
            ),
            Entry(
                "russia", "place", ("روسيا",), "Russia", forms=(Form(ADJ, ("روسي",), "Russian"),)
            ),
            Entry("rt", "acronym", ("روسيا اليوم",), "RT"),
            Entry("sky-news-arabia", "org", ("سكاي نيوز عربية",), "Sky News Arabia"),
            Entry("nyt", "org", ("نيويورك تايمز",), "The New York Times"),
            Entry("new-york", "place", ("نيويورك",), "New York"),
            Entry("security-council", "org", ("مجلس الأمن",), "Security Council"),
            Entry(
                "russian-security-council",
                "org",
                ("مجلس الأمن الروسي",),
                "Russian Security Council",
            ),
            Entry("astana-forum", "other", ("منتدى أستانا الدولي",), "Astana International Forum"),
            Entry("roscosmos", "org", ("وكالة الفضاء الروسية", "روسكوسموس"), "Roscosmos"),
            Entry(
                "csto",
                "org",
                ("منظمة معاهدة الأمن الجماعي", "معاهدة الأمن الجماعي"),
                "CSTO",
            ),
            Entry("almaty", "place", ("ألماتي",), "Almaty"),
        ]
    )


LONGEST = [
    # (sentence, [(surface, term)])
    # a person's full name beats the city in it, also when it is a spelling variant
    ("استقبل نور سلطان نزارباييف الوفد", [("نور سلطان نزارباييف", "nazarbayev")]),
    (
        "استقبل نور سلطان نظربائيف الوفد في نور سلطان",
        [
            ("نور سلطان نظربائيف", "nazarbayev"),
            ("نور سلطان", "nur-sultan"),
        ],
    ),
    # a medium's name beats the country or city in it
    ("ونقلت قناة روسيا اليوم عن مصدر في روسيا", [("روسيا اليوم", "rt"), ("روسيا", "russia")]),
    (
        "وذكرت سكاي نيوز عربية أن الوفد الروسي وصل",
        [
            ("سكاي نيوز عربية", "sky-news-arabia"),
            ("الروسي", "russia"),
        ],
    ),
    (
        "كتبت صحيفة نيويورك تايمز أن عمدة نيويورك استقال",
        [
            ("نيويورك تايمز", "nyt"),
            ("نيويورك", "new-york"),
        ],
    ),
    # an organisation's or event's name beats the place in it
    ("واجتمع مجلس الأمن الروسي أمس", [("مجلس الأمن الروسي", "russian-security-council")]),
    ("وعقد مجلس الأمن جلسة", [("مجلس الأمن", "security-council")]),
    (
        "افتتح منتدى أستانا الدولي أعماله في أستانا",
        [
            ("منتدى أستانا الدولي", "astana-forum"),
            ("أستانا", "nur-sultan"),
        ],
    ),
    ("وأعلنت وكالة الفضاء الروسية الإطلاق", [("وكالة الفضاء الروسية", "roscosmos")]),
    ("وأعلنت روسكوسموس الإطلاق", [("روسكوسموس", "roscosmos")]),
]


@pytest.mark.parametrize(("text", "expected"), LONGEST)
def test_longest_match_wins(g: Glossary, text: str, expected: list[tuple[str, str]]) -> None:
    assert [(m.surface, m.term) for m in g.find(text)] == expected


TREATIES = [
    # (sentence, [(surface, term)]): the treaty concluded in a year is not the organisation
    ("تنص معاهدة الأمن الجماعي المبرمة في عام 1992 على الدفاع المشترك", []),
    ("وفق معاهدة الأمن الجماعي لعام 1992", []),
    ("بموجب المادة الرابعة لمعاهدة الأمن الجماعي الموقعة في طشقند", []),
    ("في إطار معاهدة الأمن الجماعي 1992", []),
    # the organisation, named by the treaty's words or by its own
    (
        "وصلت بعثة معاهدة الأمن الجماعي إلى ألماتي",
        [
            ("معاهدة الأمن الجماعي", "csto"),
            ("ألماتي", "almaty"),
        ],
    ),
    (
        "أرسلت منظمة معاهدة الأمن الجماعي قواتها عام 2022",
        [
            ("منظمة معاهدة الأمن الجماعي", "csto"),
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), TREATIES)
def test_a_treaty_named_after_an_organisation_is_not_the_organisation(
    g: Glossary, text: str, expected: list[tuple[str, str]]
) -> None:
    assert [(m.surface, m.term) for m in g.find(text)] == expected


def test_a_treaty_entry_takes_the_treaty() -> None:
    """With an entry for the treaty itself, the words after it choose between the two
    entries that spell the same."""
    gl = Glossary(
        [
            Entry("csto", "org", ("معاهدة الأمن الجماعي",), "CSTO"),
            Entry("cst", "other", ("معاهدة الأمن الجماعي",), "Collective Security Treaty"),
        ]
    )
    assert [m.term for m in gl.find("معاهدة الأمن الجماعي المبرمة في عام 1992")] == ["cst"]


CONTEXT = [
    # (sentence, [(surface, term)])
    ("صوت مجلس الشيوخ على القانون", [("مجلس الشيوخ", "senate")]),
    ("صوت مجلس الشيوخ الأمريكي على القانون", []),  # not_before
    ("صوت مجلس الشيوخ والأمريكي", [("مجلس الشيوخ", "senate")]),  # a conjunction: another word
    ("وصل الوفد إلى أستانا", [("أستانا", "nur-sultan")]),
    ("فاز نادي أستانا على ضيفه", []),  # not_after
    ("فاز ونادي أستانا", []),  # the conjunction و on the word before aside
]


@pytest.mark.parametrize(("text", "expected"), CONTEXT)
def test_words_around_a_match_can_rule_it_out(text: str, expected: list[tuple[str, str]]) -> None:
    gl = Glossary(
        [
            Entry("senate", "org", ("مجلس الشيوخ",), "Senate", not_before=("الأمريكي", "الأميركي")),
            Entry(
                "nur-sultan",
                "place",
                ("أستانا",),
                "Nur-Sultan",
                not_after=("نادي", "فريق"),
            ),
        ]
    )
    assert [(m.surface, m.term) for m in gl.find(text)] == expected


TYPED = [
    # (sentence, term): two entries spell the same; the word before says which type
    ("قالت السيدة صوفيا إن", "sofia-person"),
    ("وصل الوفد إلى العاصمة صوفيا", "sofia-city"),
    ("وصل الوفد إلى مدينة صوفيا", "sofia-city"),
    # no cue: the entry id decides, as before the rule
    ("وصل الوفد إلى صوفيا", "sofia-city"),
]


@pytest.mark.parametrize(("text", "term"), TYPED)
def test_the_word_before_chooses_the_entry_type(text: str, term: str) -> None:
    gl = Glossary(
        [
            Entry("sofia-person", "person", ("صوفيا",), "Sofia"),
            Entry("sofia-city", "place", ("صوفيا",), "Sofia"),
        ]
    )
    assert [m.term for m in gl.find(text)] == [term]


def test_media_nouns_choose_an_organisation() -> None:
    gl = Glossary(
        [
            Entry("hurra-tv", "org", ("الحرة",), "Alhurra"),
            Entry("free-zone", "other", ("الحرة",), "free zone"),
        ]
    )
    assert [m.term for m in gl.find("قالت قناة الحرة")] == ["hurra-tv"]


def test_context_fields_load_and_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text(
        "entries:\n"
        "  - id: senate\n    type: org\n    ar: [مجلس الشيوخ]\n    en: Senate\n"
        "    not_before: [الأمريكي]\n"
        "    forms:\n      short: {ar: [الشيوخ], en: Senate, not_after: [شيخ]}\n",
        encoding="utf-8",
    )
    gl = load_glossary(path)
    e = gl["senate"]
    short = e.form("short")
    assert short is not None and short.not_after == ("شيخ",)
    assert e.not_before == ("الأمريكي",)
    assert e.to_dict()["not_before"] == ["الأمريكي"]
    assert e.to_dict()["forms"]["short"]["not_after"] == ["شيخ"]
    assert gl.find("مجلس الشيوخ الأمريكي") == []
    # an entry without context fields keeps its dictionary (and the glossary's hash)
    assert "not_before" not in Entry("x", "place", ("أ",), "X").to_dict()


def test_a_sign_at_the_end_of_a_variant_is_part_of_it() -> None:
    """أوبك+ is its own entry's: the + is no letter, but the variant needs it."""
    gl = Glossary(
        [
            Entry("opec", "acronym", ("أوبك",), "OPEC"),
            Entry("opec-plus", "acronym", ("أوبك+", "أوبك بلس"), "OPEC+"),
        ]
    )
    got = [(m.surface, m.term) for m in gl.find("قرر تحالف أوبك+ ما لم تقرره أوبك وحدها")]
    assert got == [("أوبك+", "opec-plus"), ("أوبك", "opec")]
    assert [m.term for m in gl.find("اجتماع أوبك بلس")] == ["opec-plus"]
