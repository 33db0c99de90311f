"""A site's or section's name on the headline (kzparallel.cleaning_headline): the
prefix or suffix is taken off and the headline kept (an edit, not a drop). All
sentences are written for these tests."""

from __future__ import annotations

import pytest
from test_cleaning_furniture import P1, P2, TITLE, Decisions, clean

from kzparallel.cleaning import explain_lines
from kzparallel.cleaning_rules import EDIT_RULES

# (page headline, other lines of the page, headline after cleaning, edits)
HEADLINE_CASES = [
    ("فيديو.. " + TITLE, [], TITLE, [("title-prefix", "فيديو..", "media or section label")]),
    ("عاجل: " + TITLE, [], TITLE, [("title-prefix", "عاجل:", "media or section label")]),
    ("تحديث 2-" + TITLE, [], TITLE, [("title-prefix", "تحديث 2-", "update marker")]),
    (
        "أخبار سياسية – " + TITLE,
        [],
        TITLE,
        [("title-prefix", "أخبار سياسية –", "media or section label")],
    ),
    (
        "شبكة أخبار المدينة الحرة - " + TITLE,
        ["© 2023 شبكة أخبار المدينة الحرة"],
        TITLE,
        [
            (
                "title-prefix",
                "شبكة أخبار المدينة الحرة -",
                "site or section name: the name is on the page's furniture lines",
            )
        ],
    ),
    (
        "المدينة نيوز - " + TITLE,
        [],
        TITLE,
        [("title-prefix", "المدينة نيوز -", "site or section name: a name before a dash")],
    ),
    (
        "المدينة نيوز | " + TITLE,
        [],
        TITLE,
        [("title-prefix", "المدينة نيوز |", "site or section name: a name before a dash")],
    ),
    (
        TITLE + " - المدينة نيوز",
        [TITLE],
        TITLE,
        [
            (
                "title-suffix",
                "- المدينة نيوز",
                "site or section name: the page prints the headline without it",
            )
        ],
    ),
    (
        TITLE + " – اقتصاد",
        [],
        TITLE,
        [("title-suffix", "– اقتصاد", "site or section name: section label")],
    ),
    # kept whole: a speaker after a dash; 'X - Y: ...' where Y: starts the headline
    (TITLE + " – وزير الزراعة", [], TITLE + " – وزير الزراعة", []),
    (
        "روسيا - الصين: مواقف متباينة من الأزمة الجديدة",
        [],
        "روسيا - الصين: مواقف متباينة من الأزمة الجديدة",
        [],
    ),
    (
        "مصر - الأردن - العراق: قمة ثلاثية في العاصمة غدا",
        [],
        "مصر - الأردن - العراق: قمة ثلاثية في العاصمة غدا",
        [],
    ),
    (
        "الزراعة: الحكومة تعلن خطة جديدة للمزارعين",
        [],
        "الزراعة: الحكومة تعلن خطة جديدة للمزارعين",
        [],
    ),
]


@pytest.mark.parametrize(
    ("headline", "others", "expected", "edits"),
    HEADLINE_CASES,
    ids=[c[0][:30] for c in HEADLINE_CASES],
)
def test_headline_edits(headline: str, others: list[str], expected: str, edits: Decisions) -> None:
    doc = clean(headline, *others, P1, P2)
    assert doc.title == expected
    assert doc.paragraphs == [P1, P2]
    got = [(d.rule, d.text, d.detail) for d in doc.decisions if d.rule in EDIT_RULES]
    assert got == edits
    assert all(d.line == 1 for d in doc.decisions if d.rule in EDIT_RULES)


def test_edit_rules_and_their_explain_line() -> None:
    assert {"title-prefix", "title-suffix"} == EDIT_RULES
    doc = clean("فيديو.. " + TITLE, P1)
    assert explain_lines(doc) == ["# dropped 1: title-prefix: فيديو.. [media or section label]"]


def test_headline_from_metadata_loses_its_site_name() -> None:
    doc = clean(TITLE, P1, title="المدينة نيوز - " + TITLE)
    assert doc.title == TITLE
    assert [(d.line, d.rule) for d in doc.decisions] == [
        (0, "title-prefix"),
        (1, "repeated-headline"),
    ]
