"""Cleaning rules (cases from the seeds), normalisation, and whole-seed results."""

from __future__ import annotations

from pathlib import Path

import pytest

from kzparallel.cleaning import clean_document, explain_lines
from kzparallel.cleaning_furniture import LINE_RULES, PLACE_RULES
from kzparallel.cleaning_rules import RULES
from kzparallel.ingest import read_documents
from kzparallel.normalization import normalize_text
from kzparallel.records import Document

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))

TITLE = "واشنطن: لدينا تساؤلات حول شرعية نشر قوات حفظ السلام التابعة لمنظمة معاهدة الأمن الجماعي في كازاخستان"
P1 = 'أعلنت إدارة الرئيس الأمريكي، جو بايدن، أن لديها "تساؤلات" حول شرعية طلب السلطات الكازخستانية لنشر قوات حفظ السلام لمنظمة معاهدة الأمن الجماعي في كازاخستان وسط الأزمة التي تشهدها.'
P2 = "وفي وقت سابق من الخميس أعلنت وزارة الدفاع الروسية عن وصول أولى الوحدات من قواتها إلى كازاخستان، في إطار مهمة حفظ السلام لمنظمة معاهدة الأمن الجماعي."
P3 = 'ونفذ متظاهرون محاولات عدة لاقتحام مبان إدارية ومراكز لقوات الأمن، فيما حذر توكايف من أن السلطات "ستتخذ إجراءات أكثر صرامة" ضد المشاركين في أعمال الشغب.'


def clean(*lines: str, title: str | None = None) -> Document:
    return clean_document(Document("d", "d.txt", text="\n\n".join(lines), title=title))


def dropped(doc: Document) -> list[tuple[str, str]]:
    return [(d.rule, d.text) for d in doc.decisions]


# (rule, a boilerplate line from the seeds placed inside an article, where it goes)
LINE_RULE_CASES = [
    ("photo-credit", "البيت الأبيض. / Evan Vucci / AP", "body"),
    ("photo-credit", "جين بساكي خلال المؤتمر / Getty Images", "body"),
    ("photo-credit", "(صورة: رويترز)", "body"),
    ("photo-credit", "جنود روس لدى وصولهم إلى مطار ألماتي (رويترز)", "body"),
    ("photo-credit", "متظاهرون في وسط ألماتي (الفرنسية - أرشيف)", "body"),
    ("social-handle", "(@FahadShabbir)", "body"),
    ("url", "https://www.youtube.com/watch؟v=4M4SBjBxCcA", "body"),
    ("url", "www.example.com/news/123", "body"),
    ("marker", "(تستمر)", "body"),
    ("marker", "(يتبع)", "body"),
    ("counter", "• 31", "body"),
    ("counter", "📰", "body"),
    ("counter", "54 خبر", "body"),
    ("non-arabic", "Leave a Reply", "end"),
    ("non-arabic", "Your email address will not be published.", "end"),
    ("non-arabic", "Stories", "body"),
    ("source-credit", "المصدر: وكالات", "end"),
    ("timestamp", "الخميس 6 يناير 2022 - 10:30 بتوقيت غرينتش", "body"),
    ("timestamp", "آخر تحديث: 13/1/2022 10:50 PM (بتوقيت مكة المكرمة)", "body"),
    ("footer", "جميع الحقوق محفوظة © 2022 شبكة الجزيرة الإعلامية", "end"),
    ("footer", "اشترك في النشرة البريدية", "end"),
    ("navigation", "حفظ", "body"),
    ("navigation", "تابعونا على", "end"),
    ("byline", "كتب: محمد علي", "body"),
    ("byline", "بقلم أحمد حسن", "body"),
    ("tags", "#كازاخستان #روسيا", "end"),
    ("tags", "الكلمات الدالة: كازاخستان، روسيا، توكاييف", "end"),
    ("navigation", "• فيديوهات", "body"),
    ("navigation", "• العملية العسكرية الروسية في أوكرانيا", "end"),
    ("navigation", "مباشر", "body"),
    ("navigation", "أين يمكنك متابعتنا", "body"),
    # not from the seeds: menus, breadcrumbs and share widgets of other news sites
    ("navigation", "الرئيسية | أخبار | رياضة | اتصل بنا", "body"),
    ("navigation", "الرئيسية » أخبار العالم » آسيا", "body"),
    ("navigation", "سياسة - اقتصاد - رياضة - ثقافة", "end"),
    ("navigation", "شارك هذا المقال:", "end"),
    ("navigation", "فيسبوك تويتر واتساب", "end"),
    ("navigation", "مشاركة الخبر", "end"),
]


@pytest.mark.parametrize(
    ("rule", "line", "where"), LINE_RULE_CASES, ids=[f"{c[0]}:{c[1][:20]}" for c in LINE_RULE_CASES]
)
def test_line_rules(rule: str, line: str, where: str) -> None:
    lines = [TITLE, P1, line, P2] if where == "body" else [TITLE, P1, P2, line]
    doc = clean(*lines)
    assert doc.title == TITLE
    assert doc.paragraphs == [P1, P2]
    assert dropped(doc) == [(rule, line)]


def test_every_rule_has_a_description() -> None:
    rules = {c[0] for c in LINE_RULE_CASES} | {
        "repeated-headline",
        "title-suffix",
        "comments",
        "related-label",
        "related-headlines",
        "duplicate",
        "truncated-copy",
    }
    # the furniture rules by shape and place have their cases in tests/test_cleaning_furniture.py
    furniture = {r.name for r in (*LINE_RULES, *PLACE_RULES)} | {"title-prefix"}
    assert rules | furniture == set(RULES)


@pytest.mark.parametrize(
    "line",
    [
        "كتب الرئيس الأمريكي على تويتر",  # a sentence, not a byline
        "شارك آلاف المتظاهرين في الاحتجاجات يوم الأربعاء",  # 'took part', not a share button
        "شارك الرئيس في القمة",
        "روسيا - الصين - الولايات المتحدة: مواقف متباينة من الأزمة.",  # a sentence
        "وقال الوزير إن المحادثات ستستمر الأسبوع المقبل. (رويترز)",  # attribution in the text
    ],
)
def test_lines_that_look_like_boilerplate_but_are_text(line: str) -> None:
    doc = clean(TITLE, P1, line, P2)
    assert doc.paragraphs == [P1, line, P2]


def test_navigation_menu_before_the_headline_seed_000() -> None:
    menu = [
        "مباشر",
        "أين يمكنك متابعتنا",
        "أقسام مهمة",
        "Stories",
        "54 خبر",
        "  • غزة والضفة تحت النيران الإسرائيلية\n  • فيديوهات",
        "    غزة والضفة تحت النيران الإسرائيلية",
        "  • خارج الملعب",
        "    خارج الملعب",
        "  • إسرائيل تغزو لبنان",
        "    إسرائيل تغزو لبنان",
    ]
    doc = clean(*menu, TITLE, P1, TITLE + "\nالبيت الأبيض. / Evan Vucci / AP", P2)
    assert doc.title == TITLE
    assert doc.paragraphs == [P1, P2]
    assert dropped(doc) == [
        ("navigation", "مباشر"),
        ("navigation", "أين يمكنك متابعتنا"),
        ("navigation", "أقسام مهمة"),
        ("non-arabic", "Stories"),
        ("counter", "54 خبر"),
        ("navigation", "• غزة والضفة تحت النيران الإسرائيلية"),
        ("navigation", "• فيديوهات"),
        ("duplicate", "غزة والضفة تحت النيران الإسرائيلية"),
        ("navigation", "• خارج الملعب"),
        ("duplicate", "خارج الملعب"),
        ("navigation", "• إسرائيل تغزو لبنان"),
        ("duplicate", "إسرائيل تغزو لبنان"),
        ("repeated-headline", TITLE),
        ("photo-credit", "البيت الأبيض. / Evan Vucci / AP"),
    ]


def test_bulleted_list_inside_the_body_is_kept() -> None:
    items = ["• وقف إطلاق النار فورا", "• انسحاب القوات من المدن"]
    doc = clean(TITLE, P1, *items, P2, "• فيديوهات", "• خارج الملعب")
    assert doc.paragraphs == [P1, *items, P2]
    assert dropped(doc) == [("navigation", "• فيديوهات"), ("navigation", "• خارج الملعب")]


def test_short_unbulleted_lines_before_the_headline_are_navigation() -> None:
    doc = clean("الرئيسية", "سياسة", "اقتصاد رياضة", TITLE, P1)
    assert doc.title == TITLE
    assert [(d.rule, d.detail) for d in doc.decisions] == [
        ("navigation", "UI label"),
        ("navigation", "before the headline"),
        ("navigation", "before the headline"),
    ]


def test_repeated_headline_with_section_suffix_and_emoji_seed_002() -> None:
    raw = "اضطرابات كازاخستان: من روسيا إلى الولايات المتحدة .. العالم يتفاعل |  أخبار الاحتجاجات"
    again = (
        "اضطرابات كازاخستان: من روسيا إلى الولايات المتحدة .. العالم يتفاعل | أخبار الاحتجاجات 📰"
    )
    doc = clean(raw, again, "  • 31", P1)
    assert doc.title == "اضطرابات كازاخستان: من روسيا إلى الولايات المتحدة .. العالم يتفاعل"
    assert doc.paragraphs == [P1]
    assert [(d.line, d.rule, d.text) for d in doc.decisions] == [
        (1, "title-suffix", "| أخبار الاحتجاجات"),
        (3, "repeated-headline", again),
        (5, "counter", "• 31"),
    ]


def test_headline_with_a_dash_is_kept_whole_seed_001() -> None:
    title = (
        "واشنطن تعارض بعثة معاهدة الأمن الجماعي وترغب باستمرار عدم الاستقرار في كازاخستان – فولودين"
    )
    doc = clean(title, "(@FahadShabbir)", title, P1, "(تستمر)", P2, "أفكارك وتعليقاتك")
    assert doc.title == title
    assert doc.paragraphs == [P1, P2]
    assert [r for r, _ in dropped(doc)] == [
        "social-handle",
        "repeated-headline",
        "marker",
        "comments",
    ]


def test_comments_label_and_the_headlines_after_it_seed_000() -> None:
    related = [
        "تايوان تعلن انتهاء التحقيقات حول أجهزة البيجر المنفجرة في لبنان وتكشف النتيجة",
        "رويترز نقلا عن مصدر أوكراني: المزاج قاتم في كييف والأشهر الأربعة القادمة حاسمة في الأزمة مع روسيا",
        'مستشار سابق لترامب: أموالنا المخصصة لكييف نفدت ولتدفع أوروبا "الحريصة" من جيبها',
    ]
    doc = clean(TITLE, P1, P2, "المصدر: وكالات", "التعليقات", *related)
    assert doc.paragraphs == [P1, P2]
    assert doc.meta == {"source_credit": "وكالات"}
    assert dropped(doc) == [
        ("source-credit", "المصدر: وكالات"),
        ("comments", "التعليقات"),
        *[("related-headlines", r) for r in related],
    ]


def test_related_label_list_ends_at_the_next_prose_paragraph() -> None:
    doc = clean(TITLE, P1, "اقرأ أيضا:", "روسيا ترسل قوات إلى كازاخستان", P2)
    assert doc.paragraphs == [P1, P2]
    assert dropped(doc) == [
        ("related-label", "اقرأ أيضا:"),
        ("related-headlines", "روسيا ترسل قوات إلى كازاخستان"),
    ]


@pytest.mark.parametrize(
    "link",
    [
        "اقرأ أيضا: روسيا تحذر من التدخل الأجنبي في كازاخستان",
        "اقرأ أيضاً.. توكاييف يقيل الحكومة",
        "شاهد أيضا: لحظة وصول القوات الروسية إلى ألماتي",
    ],
)
def test_related_article_link_inside_the_body(link: str) -> None:
    short = "روسيا"  # a short line after the link is not taken for a list of headlines
    doc = clean(TITLE, P1, link, short, P2)
    assert doc.paragraphs == [P1, short, P2]
    assert [(d.rule, d.text, d.detail) for d in doc.decisions] == [
        ("related-label", link, "link to another article")
    ]


def test_duplicate_paragraph() -> None:
    doc = clean(TITLE, P1, P2, P1)
    assert doc.paragraphs == [P1, P2]
    assert [(d.line, d.rule, d.detail) for d in doc.decisions] == [
        (7, "duplicate", "same as line 3")
    ]


# Seed 002: a summary made of the first three paragraphs, cut off with "…", twice.
S1 = "جذبت الاضطرابات في كازاخستان انتباه المنطقة الأوسع ، بما في ذلك روسيا والصين المجاورتان ، وكذلك القوى الغربية ، حيث أصبحت الاحتجاجات قاتلة."
S2 = "قال مسؤولون قازاقستان يوم الخميس إن عشرات المتظاهرين المناهضين للحكومة في مدينة ألماتي الرئيسية قتلوا ، زاعمين أنهم حاولوا اقتحام مكاتب حكومية ومراكز للشرطة خلال الليل."
S3 = "وذكر التلفزيون الرسمي أن 13 من أفراد قوات الأمن الكازاخستانية قد لقوا حتفهم ، من بينهم اثنان قُطعتا رأسهما."
SUMMARY = f"{S1} {S2} وذكر التلفزيون الرسمي أن 13 من…"


@pytest.mark.parametrize(
    ("copy", "detail"),
    [
        (SUMMARY, "cut-off copy of line 3"),
        (S1[:60] + "...", "cut-off copy of line 3"),
        (S2[:-30] + "…", "cut-off copy of line 5"),
    ],
    ids=["several paragraphs, ellipsis char", "three dots", "single paragraph"],
)
def test_truncated_copies(copy: str, detail: str) -> None:
    doc = clean(TITLE, S1, S2, S3, copy, copy)
    assert doc.paragraphs == [S1, S2, S3]
    assert [(d.line, d.rule, d.detail) for d in doc.decisions] == [
        (9, "truncated-copy", detail),
        (11, "duplicate", "same as line 9"),
    ]


def test_truncated_teaser_before_the_full_text() -> None:
    doc = clean(TITLE, S1[:70] + "…", S1, S2)
    assert doc.paragraphs == [S1, S2]
    assert [d.rule for d in doc.decisions] == ["truncated-copy"]


def test_ellipsis_paragraph_that_copies_nothing_is_kept() -> None:
    own = "وقال المتحدث إن المفاوضات ستستمر حتى ساعة متأخرة من الليل…"
    doc = clean(TITLE, S1, own)
    assert doc.paragraphs == [S1, own]


def test_dateline_stays_in_its_paragraph_seed_001() -> None:
    para = "( أردو بوینت نتورك ۔ / سبوتنيك - 11 كانون الثاني 2022ء) أعلن رئيس مجلس الدوما الروسي، فياتشسلاف فولودين، اليوم الثلاثاء، أن القيادة الأميركية تود ذلك."
    doc = clean(TITLE, para)
    assert doc.paragraphs == [para.replace("ی", "ي")]


def test_subheadings_inside_the_body_are_kept_seed_002() -> None:
    doc = clean(TITLE, P1, "روسيا", P2, "الأمم المتحدة", P3)
    assert doc.paragraphs == [P1, "روسيا", P2, "الأمم المتحدة", P3]
    assert doc.decisions == []


def test_known_title_from_metadata() -> None:
    doc = clean(TITLE, P1, P2, title=TITLE + " | الأخبار")
    assert doc.title == TITLE
    assert doc.paragraphs == [P1, P2]
    assert [(d.line, d.rule) for d in doc.decisions] == [
        (0, "title-suffix"),
        (1, "repeated-headline"),
    ]


def test_nothing_but_boilerplate() -> None:
    doc = clean("Leave a Reply", "• 31", "https://example.com")
    assert (doc.title, doc.paragraphs) == (None, [])
    assert [d.rule for d in doc.decisions] == ["non-arabic", "counter", "url"]


def test_unseen_site_layout() -> None:
    """A page shaped like other sites: share widgets, byline date, caption, related list."""
    lines = [
        "الرئيسية",
        "أخبار عربية",
        "شارك",
        "روسيا تعلن إرسال قوات إضافية إلى كازاخستان لحماية المنشآت",
        "الجمعة 7 يناير 2022 - 10:45 ص",
        "جنود روس في مطار ألماتي / Alexander Zemlianichenko / AFP",
        P2,
        "Share this article",
        P3,
        "مواضيع ذات صلة",
        "كازاخستان: مقتل العشرات في الاحتجاجات",
        "بوتين يتحدث مع توكاييف هاتفيا",
        "جميع الحقوق محفوظة © 2022",
    ]
    doc = clean(*lines)
    assert doc.title == "روسيا تعلن إرسال قوات إضافية إلى كازاخستان لحماية المنشآت"
    assert doc.paragraphs == [P2, P3]
    assert [r for r, _ in dropped(doc)] == [
        "navigation",
        "navigation",
        "navigation",
        "timestamp",
        "photo-credit",
        "non-arabic",
        "related-label",
        "related-headlines",
        "related-headlines",
        "footer",
    ]


# --------------------------------------------------------------------------- normalisation

NORMALISATION = [
    ("zero-width and bidi controls", "كازا\u200bخستان\u200f \u202bبلد\u202c", "كازاخستان بلد"),
    ("tatweel between letters", "الـــرئيس", "الرئيس"),
    ("tatweel joining a prefix is kept", "في الـ7 من الشهر لـ CSTO", "في الـ7 من الشهر لـ CSTO"),
    ("Persian yeh and keheh", "أردو بوینت نتورک", "أردو بوينت نتورك"),
    ("heh with yeh above", "مدرسۀ", "مدرسة"),
    ("Persian digits", "۲۰۲۲", "٢٠٢٢"),
    ("whitespace runs", "  العالم   يتفاعل\t|  أخبار ", "العالم يتفاعل | أخبار"),
    ("NFC", "آ", "آ"),
    ("Urdu full stop and diacritics kept", "قُطعتا رأسهما ۔ أنّ", "قُطعتا رأسهما ۔ أنّ"),
]


@pytest.mark.parametrize(
    ("name", "raw", "expected"), NORMALISATION, ids=[n[0] for n in NORMALISATION]
)
def test_normalisation(name: str, raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


# --------------------------------------------------------------------------- whole seeds

SEED_TITLES = {
    "000_2c12d225e0c03558": (TITLE, 10),
    "001_091792376c92b7db": (
        "واشنطن تعارض بعثة معاهدة الأمن الجماعي وترغب باستمرار عدم الاستقرار في كازاخستان – فولودين",
        12,
    ),
    "002_0f918022c33d9c19": (
        "اضطرابات كازاخستان: من روسيا إلى الولايات المتحدة .. العالم يتفاعل",
        37,
    ),
    "003_a7048d873e8d821e": ("بلينكن يدعو نظيره الكازخستاني إلى حل سلمي للأزمة في البلاد", 15),
    "004_4496b14b8fd8a434": ("منظمة «معاهدة الأمن الجماعي» ترسل قوات حفظ سلام إلى كازخستان", 15),
}


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_seed_title_and_nothing_of_the_article_lost(path: Path) -> None:
    (doc,) = read_documents([path])
    cleaned = clean_document(doc)
    title, n_paragraphs = SEED_TITLES[path.stem]
    assert cleaned.title == title
    assert len(cleaned.paragraphs) == n_paragraphs
    source_lines = [normalize_text(line) for line in doc.text.split("\n")]
    dropped_lines = {d.line for d in cleaned.decisions if d.rule != "title-suffix"}
    # every line is either kept whole, or dropped with a decision
    title_line = next(n for n, line in enumerate(source_lines, 1) if line.startswith(title))
    for number, line in enumerate(source_lines, start=1):
        if not line:
            continue
        kept = line in cleaned.paragraphs or number == title_line
        assert kept != (number in dropped_lines), (number, line)
    assert all(p in source_lines for p in cleaned.paragraphs)


def test_seed_002_drops_youtube_urls_truncated_summary_and_english_footer() -> None:
    (doc,) = read_documents([ROOT / "seeds" / "002_0f918022c33d9c19.txt"])
    lines = explain_lines(clean_document(doc))
    assert [line.split(":")[0:2] for line in lines] == [
        ["# dropped 1", " title-suffix"],
        ["# dropped 3", " repeated-headline"],
        ["# dropped 5", " counter"],
        ["# dropped 31", " url"],
        ["# dropped 61", " url"],
        ["# dropped 85", " url"],
        ["# dropped 87", " truncated-copy"],
        ["# dropped 89", " duplicate"],
        ["# dropped 91", " non-arabic"],
        ["# dropped 93", " non-arabic"],
    ]


def test_mixed_arabic_english() -> None:
    """Arabic paragraphs with English words are kept; English-only lines are not source text."""
    mixed = (
        "وفقًا لـ Eurasianet ، هذه هي المرة الأولى التي يتم فيها ممارسة توفير الأمن الجماعي لـ CSTO."
    )
    english = "Russia sent troops to Kazakhstan on Thursday."
    doc = clean(TITLE, mixed, english, P1)
    assert doc.paragraphs == [mixed, P1]
    assert dropped(doc) == [("non-arabic", english)]
