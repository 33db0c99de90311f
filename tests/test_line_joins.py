"""Joining a sentence that a hard line break cut in two (kzparallel.line_joins), as
``clean`` does it: case tables in sentences written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from kzparallel.cleaning import clean_document, explain_lines
from kzparallel.ingest import read_documents
from kzparallel.line_joins import JOIN_RULE
from kzparallel.records import Document

ROOT = Path(__file__).resolve().parent.parent
TITLE = "الحكومة تعلن خطة جديدة لدعم المزارعين في المناطق الجنوبية"
END = "وقال المتحدث باسم الوزارة إن الخطة ستبدأ مطلع العام المقبل وتشمل عشرات القرى."

WRAPPED = [
    "وشهدت الأسواق المحلية خلال الأسبوع الماضي ارتفاعا ملحوظا في أسعار",
    "الخضار والفواكه بسبب موجة البرد التي ضربت المناطق الزراعية",
    "الجنوبية.",
    "وتتوقع الغرفة التجارية أن تعود الأسعار إلى مستوياتها المعتادة مع بداية",
    "الشهر المقبل بعد وصول شحنات جديدة من المحاصيل المستوردة.",
]


def clean(*body: str) -> Document:
    return clean_document(Document("d", "d.txt", text="\n".join([TITLE, *body])))


def joins(doc: Document) -> list[tuple[int, str]]:
    return [(d.line, d.detail) for d in doc.decisions if d.rule == JOIN_RULE]


# (rule, body lines, expected paragraphs, expected joins: (line, detail))
JOINED = [
    (
        "line ending in ':-'",
        [
            "وأعلنت الوزارة في بيانها الصادر اليوم ما يلي:-",
            "تمديد العمل بالإجراءات الحالية حتى نهاية الشهر الجاري.",
        ],
        [
            "وأعلنت الوزارة في بيانها الصادر اليوم ما يلي:- تمديد العمل بالإجراءات الحالية حتى نهاية الشهر الجاري."
        ],
        [(3, "continues line 2: it ends in ':-'")],
    ),
    (
        "line ending in an Arabic comma",
        ["ووصل الوزير إلى المدينة صباح اليوم،", "حيث التقى بممثلي المزارعين في مقر البلدية."],
        ["ووصل الوزير إلى المدينة صباح اليوم، حيث التقى بممثلي المزارعين في مقر البلدية."],
        [(3, "continues line 2: it ends in '،'")],
    ),
    (
        "line ending in ':' before a quotation",
        ["وقال رئيس الجمعية في كلمته:", "«نحن نرحب بهذه الخطة وننتظر تنفيذها سريعا»."],
        ["وقال رئيس الجمعية في كلمته: «نحن نرحب بهذه الخطة وننتظر تنفيذها سريعا»."],
        [(3, "continues line 2: it ends in ':'")],
    ),
    (
        "line ending in a preposition",
        ["ووصل الوفد الرسمي إلى", "العاصمة صباح اليوم في زيارة تستمر يومين."],
        ["ووصل الوفد الرسمي إلى العاصمة صباح اليوم في زيارة تستمر يومين."],
        [(3, "continues line 2: it ends in 'إلى', a word that cannot end a sentence")],
    ),
    (
        "line ending in a preposition with a conjunction",
        ["وتحدث الوزير عن الخطة وفي", "مقدمتها دعم صغار المزارعين."],
        ["وتحدث الوزير عن الخطة وفي مقدمتها دعم صغار المزارعين."],
        [(3, "continues line 2: it ends in 'وفي', a word that cannot end a sentence")],
    ),
    (
        "line ending in the first part of a name",
        ["واستقبل الوزير السيد عبد", "الرحمن سالم في مكتبه أمس."],
        ["واستقبل الوزير السيد عبد الرحمن سالم في مكتبه أمس."],
        [(3, "continues line 2: it ends in 'عبد', a word that cannot end a sentence")],
    ),
    (
        "next line starts with a digit",
        ["وارتفع سعر الصرف في السوق الموازية من", "450 إلى 480 دينارا خلال أسبوع."],
        ["وارتفع سعر الصرف في السوق الموازية من 450 إلى 480 دينارا خلال أسبوع."],
        [(3, "continues line 2: it ends in 'من', a word that cannot end a sentence")],
    ),
    (
        "next line starts with a lower-case Latin letter",
        ["ويمكن تحميل التقرير كاملا من", "example.org/report وفق البيان."],
        ["ويمكن تحميل التقرير كاملا من example.org/report وفق البيان."],
        [(3, "continues line 2: it ends in 'من', a word that cannot end a sentence")],
    ),
    (
        "text wrapped at a width",
        WRAPPED,
        [" ".join(WRAPPED[:3]), " ".join(WRAPPED[3:])],
        [
            (
                3,
                "continues line 2: it has no final stop and the article is wrapped at a "
                "width (lines of 65 and 58 characters)",
            ),
            (
                4,
                "continues line 3: it has no final stop and the article is wrapped at a "
                "width (lines of 58 and 9 characters)",
            ),
            (
                6,
                "continues line 5: it has no final stop and the article is wrapped at a "
                "width (lines of 70 and 56 characters)",
            ),
        ],
    ),
    (
        "a list item in a wrapped article",
        [*WRAPPED, "1- تبدأ", "المرحلة الأولى بحصر الأراضي المتضررة."],
        [
            " ".join(WRAPPED[:3]),
            " ".join(WRAPPED[3:]),
            "1- تبدأ المرحلة الأولى بحصر الأراضي المتضررة.",
        ],
        [
            (
                3,
                "continues line 2: it has no final stop and the article is wrapped at a width (lines of 65 and 58 characters)",
            ),
            (
                4,
                "continues line 3: it has no final stop and the article is wrapped at a width (lines of 58 and 9 characters)",
            ),
            (
                6,
                "continues line 5: it has no final stop and the article is wrapped at a width (lines of 70 and 56 characters)",
            ),
            (
                8,
                "continues line 7: it is a list item with no final stop and the article is wrapped at a width",
            ),
        ],
    ),
]

# (what, body lines): each line stays its own paragraph
KEPT_APART = [
    ("subheading after a colon", ["وإليكم أبرز ردود الفعل الدولية حتى الآن:", "روسيا", END]),
    ("short list items", ["وتشمل المساعدات:", "القمح", "الأرز", "زيت الطهي", END]),
    (
        "numbered list items",
        [
            "وتشمل الخطة ثلاث مراحل رئيسية:",
            "1- حصر الأراضي الزراعية المتضررة",
            "2- صرف التعويضات للمزارعين",
            END,
        ],
    ),
    (
        "a subheading above a short paragraph, the article not wrapped",
        [
            "مخاوف من موجة غلاء جديدة في الأسواق المحلية",
            "ويخشى التجار من ارتفاع الأسعار مجددا خلال الأسابيع المقبلة.",
            END,
        ],
    ),
    ("a line ending with a stop", [END, "ووصل الوفد الرسمي إلى العاصمة صباح اليوم."]),
    ("a line ending with a question mark", ["هل تنجح الخطة؟", END]),
    ("a dropped line between the two", ["ووصل الوفد الرسمي إلى", "https://example.com/a", END]),
    ("two words before the colon", ["وقال الوزير:", "«نحن نرحب بهذه الخطة»."]),
]


@pytest.mark.parametrize(
    ("rule", "body", "paragraphs", "joined"), JOINED, ids=[c[0] for c in JOINED]
)
def test_cut_lines_are_joined(
    rule: str, body: list[str], paragraphs: list[str], joined: list[tuple[int, str]]
) -> None:
    doc = clean(*body)
    assert doc.title == TITLE
    assert doc.paragraphs == paragraphs
    assert joins(doc) == joined


@pytest.mark.parametrize(("what", "body"), KEPT_APART, ids=[c[0] for c in KEPT_APART])
def test_lines_kept_apart(what: str, body: list[str]) -> None:
    doc = clean(*body)
    assert joins(doc) == []
    assert [p for p in doc.paragraphs] == [b for b in body if not b.startswith("https://")]


def test_explain_shows_the_join_with_its_reason() -> None:
    doc = clean("ووصل الوفد الرسمي إلى", "العاصمة صباح اليوم في زيارة تستمر يومين.", END)
    assert explain_lines(doc) == [
        "# joined 3: join-continued-line: العاصمة صباح اليوم في زيارة تستمر يومين. "
        "[continues line 2: it ends in 'إلى', a word that cannot end a sentence]"
    ]


def test_nothing_of_the_text_is_lost_in_a_join() -> None:
    doc = clean(*WRAPPED, END)
    assert " ".join(doc.paragraphs).split() == " ".join([*WRAPPED, END]).split()


@pytest.mark.parametrize("path", sorted((ROOT / "seeds").glob("*.txt")), ids=lambda p: p.stem)
def test_no_seed_line_is_joined(path: Path) -> None:
    (doc,) = read_documents([path])
    assert joins(clean_document(doc)) == []
