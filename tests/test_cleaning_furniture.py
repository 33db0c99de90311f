"""Furniture told by shape and place (kzparallel.cleaning_furniture, cleaning_headline):
every rule with the lines it drops or edits and its exact reason, and the lines that
must stay. All sentences are written for these tests."""

from __future__ import annotations

import pytest

from kzparallel.cleaning import clean_document
from kzparallel.cleaning_furniture import LINE_RULES, PLACE_RULES
from kzparallel.cleaning_shapes import has_clause_shape, is_sentence
from kzparallel.records import Document

TITLE = "الحكومة تعلن خطة جديدة لدعم المزارعين في الجنوب"
P1 = "أعلنت الحكومة يوم الاثنين خطة جديدة لدعم المزارعين في المناطق الجنوبية بعد موسم جفاف طويل."
P2 = "وقال وزير الزراعة إن الخطة تشمل قروضا ميسرة وبذورا محسنة لآلاف الأسر الريفية."
P3 = "ومن المنتظر أن يبدأ تنفيذ البرنامج مطلع الشهر المقبل في ثلاث محافظات."

Decisions = list[tuple[str, str, str]]


def clean(*lines: str, title: str | None = None) -> Document:
    return clean_document(Document("d", "d.txt", text="\n".join(lines), title=title))


def decisions(doc: Document) -> Decisions:
    return [(d.rule, d.text, d.detail) for d in doc.decisions]


# (furniture line, where it is put, rule, reason); "body": between P1 and P2,
# "lead": between the headline and P1, "tail": after P3
LINE_CASES = [
    (
        "رئيس التحرير: سامي الخطيب",
        "lead",
        "masthead",
        "the site's masthead (editor or board title)",
    ),
    ("لا توجد تعليقات على هذا الخبر بعد", "tail", "comments", "comment box text"),
    ("أضف تعليقك وشارك برأيك في الخطة", "tail", "comments", "comment box text"),
    (
        "اشتركوا في قناة الموقع على يوتيوب لمتابعة التقارير المصورة",
        "body",
        "promo",
        "follow-us / subscribe / download-the-app promotion",
    ),
    (
        "حمّل تطبيق الموقع على هاتفك",
        "tail",
        "promo",
        "follow-us / subscribe / download-the-app promotion",
    ),
    (
        "انضموا إلى مجموعتنا على واتساب",
        "body",
        "promo",
        "follow-us / subscribe / download-the-app promotion",
    ),
    (
        "تابع آخر الأخبار عبر Google News",
        "lead",
        "promo",
        "follow-us / subscribe / download-the-app promotion",
    ),
    ("أدخل بريدك الإلكتروني للحصول على النشرة الأسبوعية", "tail", "promo", "newsletter prompt"),
    ("انسخ الرابط", "body", "share", "share, copy-link, print, font-size, rating or search widget"),
    (
        "شارك الخبر عبر واتساب",
        "tail",
        "share",
        "share, copy-link, print, font-size, rating or search widget",
    ),
    ("تكبير الخط", "lead", "share", "share, copy-link, print, font-size, rating or search widget"),
    (
        "هل أعجبك هذا الخبر",
        "tail",
        "share",
        "share, copy-link, print, font-size, rating or search widget",
    ),
    (
        "اكتب كلمة البحث",
        "lead",
        "share",
        "share, copy-link, print, font-size, rating or search widget",
    ),
    ("الرئيسية » منوعات", "lead", "navigation", "breadcrumb ('الرئيسية » ...')"),
    (
        "المشاركون في افتتاح المعرض تصوير: هالة سمير",
        "body",
        "photo-credit",
        "caption ending in its photographer's or agency's credit",
    ),
    (
        "مزارعون في حقل للقمح Copyright AFP",
        "body",
        "photo-credit",
        "caption ending in its photographer's or agency's credit",
    ),
    (
        "موقع المدينة | نشر في: 12 مارس 2023",
        "lead",
        "timestamp",
        "date line ('published on ...') with the site's or agency's name",
    ),
    ("منوعات 12 مارس 2023 10:15", "lead", "timestamp", "date and time among labels"),
    ("الأحد 12-03-2023 09:30 | كتب: سامي الخطيب", "lead", "timestamp", "date and author line"),
    ("كتب - سامي الخطيب", "body", "byline", "author line"),
    ("إعداد وتقديم: ليلى حداد", "tail", "byline", "author line"),
    ("ليلى حداد - مراسلة الموقع في عمّان", "lead", "byline", "correspondent's name line"),
    ("عمّان - بترا", "lead", "dateline", "dateline on a line of its own (place and agency)"),
    ("موسكو (د ب أ)", "body", "dateline", "dateline on a line of its own (place and agency)"),
    ("رويترز (نيويورك)", "lead", "dateline", "dateline on a line of its own (place and agency)"),
    (
        "تونس، 3 مارس 2023 / وات",
        "lead",
        "dateline",
        "dateline on a line of its own (place and date)",
    ),
    ("وكالات", "tail", "source-credit", "a news agency's name on a line of its own"),
    ("خاص بالمدينة", "body", "section-label", "'exclusive to <site>' label"),
    (
        "دمشق - سامي الخطيب",
        "lead",
        "dateline",
        "dateline on a line of its own (place and the site's or reporter's name)",
    ),
    ("كتب سامي الخطيب", "lead", "byline", "author line ('كتب فلان')"),
]


def _page(line: str, where: str) -> list[str]:
    return {
        "lead": [TITLE, line, P1, P2, P3],
        "body": [TITLE, P1, line, P2, P3],
        "tail": [TITLE, P1, P2, P3, line],
    }[where]


@pytest.mark.parametrize(
    ("line", "where", "rule", "reason"), LINE_CASES, ids=[f"{c[2]}:{c[0][:24]}" for c in LINE_CASES]
)
def test_line_rules(line: str, where: str, rule: str, reason: str) -> None:
    doc = clean(*_page(line, where))
    assert doc.title == TITLE
    assert doc.paragraphs == [P1, P2, P3]
    assert decisions(doc) == [(rule, line, reason)]


# Credit lines around a photo are dropped by cleaning_rules' line rules, which run first.
CREDIT_LINES = [
    ("صورة أرشيفية", "photo-credit"),
    ("(رويترز)", "photo-credit"),
    ("تصوير: هالة سمير", "photo-credit"),
    ("المصدر: وزارة الزراعة", "source-credit"),
]


@pytest.mark.parametrize(("line", "rule"), CREDIT_LINES, ids=[c[0] for c in CREDIT_LINES])
def test_credit_lines_under_a_photo(line: str, rule: str) -> None:
    doc = clean(TITLE, line, "مزارعون في حقل للقمح", P1, P2)
    assert (doc.title, doc.paragraphs) == (TITLE, [P1, P2])
    assert decisions(doc) == [
        (rule, line, ""),
        ("caption", "مزارعون في حقل للقمح", "short label after a photo or source credit"),
    ]


def test_masthead_and_the_name_under_it() -> None:
    doc = clean("رئيس مجلس الإدارة", "كريم منصور", TITLE, P1)
    assert (doc.title, doc.paragraphs) == (TITLE, [P1])
    assert decisions(doc) == [
        ("masthead", "رئيس مجلس الإدارة", "the site's masthead (editor or board title)"),
        ("masthead", "كريم منصور", "the name under the site's masthead"),
    ]


@pytest.mark.parametrize(
    ("byline", "tail", "meta"),
    [
        ("كتب - سامي الخطيب", "وكالات", {"byline": "سامي الخطيب", "source_credit": "وكالات"}),
        ("الأحد 12-03-2023 09:30 | كتب: ليلى حداد", "(الأناضول)", {"byline": "ليلى حداد"}),
    ],
)
def test_bylines_and_agency_credits_are_kept_in_meta(byline: str, tail: str, meta: dict) -> None:
    doc = clean(TITLE, byline, P1, P2, tail)
    assert doc.paragraphs == [P1, P2]
    assert {k: v for k, v in doc.meta.items() if k != "date_source"} == meta


def test_the_date_of_a_date_and_author_line_dates_the_article() -> None:
    doc = clean(TITLE, "الأحد 12-03-2023 09:30 | كتب: سامي الخطيب", P1, P2)
    assert (doc.date, doc.meta["date_source"]) == ("2023-03-12", "dateline")


CREDIT = "(صورة: أرشيف)"
PHOTO = "(تصوير: هالة سمير)"

# (page, expected decisions): rules that look at the line's place and its neighbours
PLACE_CASES = [
    (
        "headline with the site's name",
        [TITLE, P1, "المدينة اليوم - " + TITLE, P2],
        [
            (
                "repeated-headline",
                "المدينة اليوم - " + TITLE,
                "the headline with a site or section name",
            )
        ],
    ),
    (
        "headline with a caption glued to it",
        [TITLE, TITLE + " مزارعون في حقل قمح", P1, P2],
        [
            (
                "repeated-headline",
                TITLE + " مزارعون في حقل قمح",
                "the headline with a caption after it",
            )
        ],
    ),
    (
        "caption next to its copy with the credit",
        [TITLE, P1, "مزارعون في حقل للقمح", "مزارعون في حقل للقمح Copyright AFP", P2],
        [
            (
                "caption",
                "مزارعون في حقل للقمح",
                "caption text next to its copy with the photo credit",
            ),
            (
                "photo-credit",
                "مزارعون في حقل للقمح Copyright AFP",
                "caption ending in its photographer's or agency's credit",
            ),
        ],
    ),
    (
        "caption the page repeats (it has a verb)",
        [TITLE, "الوزير يتفقد حقول القمح", "الوزير يتفقد حقول القمح", TITLE, P1, P2],
        [
            (
                "caption",
                "الوزير يتفقد حقول القمح",
                "caption the page repeats between the headline and the body",
            ),
            ("duplicate", "الوزير يتفقد حقول القمح", "same as line 2"),
            ("repeated-headline", TITLE, "same as the headline"),
        ],
    ),
    (
        "section label after the headline",
        [TITLE, "أخبار اقتصادية", P1, P2],
        [("section-label", "أخبار اقتصادية", "news section label outside the body")],
    ),
    (
        "section label after the body",
        [TITLE, P1, P2, "عربي ودولي"],
        [("section-label", "عربي ودولي", "news section label outside the body")],
    ),
    (
        "caption after a credit, after the body",
        [TITLE, P1, P2, PHOTO, "سوق الخضار في المدينة"],
        [
            ("photo-credit", PHOTO, ""),
            ("caption", "سوق الخضار في المدينة", "short label after a photo or source credit"),
        ],
    ),
    (
        "caption after a credit, before the body",
        [TITLE, CREDIT, "حقل للقمح في الجنوب", P1, P2],
        [
            ("photo-credit", CREDIT, ""),
            ("caption", "حقل للقمح في الجنوب", "short label after a photo or source credit"),
        ],
    ),
    (
        "person label between the headline and the body",
        [TITLE, "وزير الزراعة سليم داود", P1, P2],
        [
            (
                "caption",
                "وزير الزراعة سليم داود",
                "short label just before the body (no verb, no stop)",
            )
        ],
    ),
    (
        "label of three words with a stop",
        [TITLE, "وزير الزراعة.", P1, P2],
        [
            (
                "caption",
                "وزير الزراعة.",
                "short label just before the body (no verb, no stop)",
            )
        ],
    ),
    (
        "two-word label after the body",
        [TITLE, P1, P2, "المدينة الإخبارية"],
        [("section-label", "المدينة الإخبارية", "one- or two-word label after the body")],
    ),
    (
        "other headlines after the body, without a label",
        [
            TITLE,
            P1,
            P2,
            "ارتفاع أسعار الخضار في الأسواق المحلية",
            "هل تنجح خطة الري الجديدة في الصيف؟",
        ],
        [
            (
                "related-headlines",
                "ارتفاع أسعار الخضار في الأسواق المحلية",
                "list of other headlines after the body",
            ),
            (
                "related-headlines",
                "هل تنجح خطة الري الجديدة في الصيف؟",
                "list of other headlines after the body",
            ),
        ],
    ),
    (
        "'قد يهمك' label and the headlines after it",
        [TITLE, P1, P2, "قد يهمك أيضا:", "ارتفاع أسعار الخضار في الأسواق المحلية"],
        [
            ("related-label", "قد يهمك أيضا:", "related-articles label"),
            (
                "related-headlines",
                "ارتفاع أسعار الخضار في الأسواق المحلية",
                "other headline after the related label",
            ),
        ],
    ),
    (
        "a numeric date line",
        [TITLE, "15/03/2023", P1, P2],
        [("timestamp", "15/03/2023", "")],
    ),
]


@pytest.mark.parametrize(("name", "page", "expected"), PLACE_CASES, ids=[c[0] for c in PLACE_CASES])
def test_place_rules(name: str, page: list[str], expected: Decisions) -> None:
    doc = clean(*page)
    assert doc.title == TITLE
    assert doc.paragraphs == [P1, P2]
    assert decisions(doc) == expected


def test_every_rule_has_a_case() -> None:
    reasons = {c[3] for c in LINE_CASES} | {d[2] for c in PLACE_CASES for d in c[2]}
    reasons |= {
        "the name under the site's masthead",  # test_masthead_and_the_name_under_it
    }
    assert {r.reason for r in (*LINE_RULES, *PLACE_RULES)} <= reasons


# Lines that look like furniture by their first words but are article text.
PROMO_SENTENCE = (
    "تابعوا على قناة الحكومة الرسمية تفاصيل الخطة التي أعلنها الوزير لدعم آلاف المزارعين "
    "في المحافظات الجنوبية."
)
SECTION_SENTENCE = (
    "أخبار الجفاف في الجنوب دفعت الحكومة إلى إعلان خطة طارئة لدعم المزارعين وتوفير المياه للقرى."
)
KEPT = [
    ("a long sentence that starts with a promo call", "body", PROMO_SENTENCE),
    ("the same sentence after the body", "tail", PROMO_SENTENCE),
    ("a long sentence that starts with a section word", "body", SECTION_SENTENCE),
    ("the same sentence after the headline", "lead", SECTION_SENTENCE),
    ("'took part', not a share button", "body", "شارك الوزير في افتتاح المعرض الزراعي"),
    ("'wrote' in the body, not a byline", "body", "كتب الوزير مقالا في الصحيفة"),
    ("a subheading inside the body", "body", "الري والمياه"),
    ("agencies as the subject of a sentence", "body", "وكالات الأنباء نقلت تصريحات الوزير"),
    ("a subtitle with a present-tense verb", "lead", "الوزير يعد بزيادة الدعم في الموسم المقبل"),
    ("a subtitle with a past-tense verb", "lead", "الحكومة أقرت الخطة بعد أشهر من الجفاف"),
    ("a question as the article's last line", "tail", "فهل تكفي هذه الخطة لإنقاذ الموسم؟"),
    ("a last line of 3+ words without a stop or a verb", "tail", "الوضع الإنساني في القرى"),
    ("'followed', not 'follow us'", "body", "تابع الرئيس الاجتماع عبر تطبيق زووم"),
    ("'took part', not 'subscribe'", "lead", "اشترك أكثر من مئة مزارع في المبادرة"),
    ("'held responsible', not 'download'", "lead", "حمل الوزير الحكومة مسؤولية الأزمة"),
    ("news about a board chairman, not a masthead", "lead", "رئيس مجلس الإدارة يستقيل"),
    ("'the paper wrote', not a byline", "lead", "كتبت الصحيفة في افتتاحيتها"),
    ("a speaker's words as a subtitle", "lead", "الخبراء: الأزمة مستمرة"),
]

LISTS_AT_THE_END = [
    (
        "announced by a colon",
        [
            "وتشمل توصيات اللجنة ما يلي:",
            "زيادة الدعم للمزارعين الصغار",
            "توفير البذور المحسنة بأسعار مناسبة",
        ],
    ),
    ("numbered", ["1- زيادة الدعم للمزارعين الصغار", "2- توفير البذور المحسنة بأسعار مناسبة"]),
    (
        "last paragraphs without a stop",
        ["وأكد الوزير أن الحكومة ستواصل دعم المزارعين", "وتستمر المشاورات مع النقابات الزراعية"],
    ),
]


@pytest.mark.parametrize(("name", "lines"), LISTS_AT_THE_END, ids=[c[0] for c in LISTS_AT_THE_END])
def test_a_list_that_ends_the_article_is_not_a_list_of_headlines(
    name: str, lines: list[str]
) -> None:
    doc = clean(TITLE, P1, P2, *lines)
    assert doc.paragraphs == [P1, P2, *lines]
    assert doc.decisions == []


@pytest.mark.parametrize(("name", "where", "line"), KEPT, ids=[c[0] for c in KEPT])
def test_article_text_is_kept(name: str, where: str, line: str) -> None:
    page = _page(line, where)
    doc = clean(*page)
    assert doc.title == TITLE
    assert doc.paragraphs == page[1:]
    assert doc.decisions == []


def test_a_label_that_is_not_just_before_the_body_is_kept() -> None:
    lines = ["ردود فعل دولية", "الحكومة أقرت الخطة بعد أشهر من الجفاف"]
    doc = clean(TITLE, *lines, P1, P2)
    assert doc.paragraphs == [*lines, P1, P2]
    assert doc.decisions == []


def test_the_guard_and_the_clause_shape() -> None:
    assert is_sentence(PROMO_SENTENCE) and is_sentence(SECTION_SENTENCE)
    assert not is_sentence("انسخ الرابط.")
    assert has_clause_shape("الحكومة أقرت الخطة") and has_clause_shape("الوزير يتوجه إلى العاصمة")
    assert not has_clause_shape("وزير الزراعة سليم داود")


def test_hard_wrapped_sentence_ending_in_a_number_is_kept() -> None:
    doc = clean(TITLE, P1, "وبدأ العمل في المشروع الأول عام", "1998.", P2)
    assert doc.paragraphs == [P1, "وبدأ العمل في المشروع الأول عام", "1998.", P2]
    assert doc.decisions == []


def test_dateline_that_starts_the_lead_sentence_stays_in_it() -> None:
    lead = "عمّان (بترا) - أعلنت الحكومة يوم الاثنين خطة جديدة لدعم المزارعين في الجنوب."
    doc = clean(TITLE, lead, P2)
    assert doc.paragraphs == [lead, P2]
    assert doc.decisions == []


def test_short_caption_is_not_taken_for_the_headline() -> None:
    doc = clean("منظمة الصحة العالمية", P1, P2)
    assert (doc.title, doc.paragraphs) == (None, [P1, P2])
    assert decisions(doc) == [
        (
            "caption",
            "منظمة الصحة العالمية",
            "short label just before the body (no verb, no stop)",
        )
    ]


def test_short_headline_with_a_verb_is_the_headline() -> None:
    doc = clean("الحكومة تدعم المزارعين", P1, P2)
    assert (doc.title, doc.paragraphs) == ("الحكومة تدعم المزارعين", [P1, P2])
