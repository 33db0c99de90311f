"""Sentence segmentation rules (cases from the seeds) and split_long."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kzparallel.quotations import MAX_QUOTE, quotation_spans
from kzparallel.records import Document
from kzparallel.segmentation import covering, segment_document, segment_text, split_long

ROOT = Path(__file__).resolve().parent.parent


def sents(text: str) -> list[str]:
    return [s.text for s in segment_text(text)]


# (rule, paragraph, expected sentences) — paragraphs taken from the seeds.
CASES = [
    (
        "period then space",
        "وأكّدت المنظمة أنَّ مهمّة حفظ السلام تضم القوات الروسية التي بدأت بالفعل في تنفيذ مهامها هناك. وبحسب المنظمة، تضم قوات حفظ السلام أيضاً وحدات.",
        [
            "وأكّدت المنظمة أنَّ مهمّة حفظ السلام تضم القوات الروسية التي بدأت بالفعل في تنفيذ مهامها هناك.",
            "وبحسب المنظمة، تضم قوات حفظ السلام أيضاً وحدات.",
        ],
    ),
    (
        "closing quote after period stays with the sentence",
        'وقال، عبر تويتر، إنه "يجب ضمان حقوق المدنيين وأمنهم. تعيد المساعدة العسكرية الخارجية ذكريات عن أوضاع يجب تجنّبها".',
        [
            'وقال، عبر تويتر، إنه "يجب ضمان حقوق المدنيين وأمنهم.',
            'تعيد المساعدة العسكرية الخارجية ذكريات عن أوضاع يجب تجنّبها".',
        ],
    ),
    (
        "period after a closing quote ends the sentence",
        "قال المتحدث في بيان “نطلب من جميع الكازاخستانيين احترام المؤسسات الدستورية”. بيان يوم الأربعاء ، نقلاً عن انقطاع الإنترنت.",
        [
            "قال المتحدث في بيان “نطلب من جميع الكازاخستانيين احترام المؤسسات الدستورية”.",
            "بيان يوم الأربعاء ، نقلاً عن انقطاع الإنترنت.",
        ],
    ),
    (
        "guillemets: period inside the quote, closer follows later",
        "بسبب «استمرار تدهور الوضع بسرعة في عدد من مناطق كازاخستان. استولى المسلحون على ترسانة من السلاح. ولفت انتباهنا التنسيق الواضح لأعمال المتظاهرين» وفقاً لها.",
        [
            "بسبب «استمرار تدهور الوضع بسرعة في عدد من مناطق كازاخستان.",
            "استولى المسلحون على ترسانة من السلاح.",
            "ولفت انتباهنا التنسيق الواضح لأعمال المتظاهرين» وفقاً لها.",
        ],
    ),
    (
        "closing quote directly after the period is kept",
        "وقال «انتهى الأمر.» ثم غادر.",
        ["وقال «انتهى الأمر.»", "ثم غادر."],
    ),
    (
        "decimal number",
        "كما وألغيت جميع الرحلات الجوية في مطار عاصمة كازاخستان حتى الساعة 9.00 بتوقيت موسكو.",
        ["كما وألغيت جميع الرحلات الجوية في مطار عاصمة كازاخستان حتى الساعة 9.00 بتوقيت موسكو."],
    ),
    (
        "date with hyphens",
        "أعلنت منظمة معاهدة الأمن الجماعي، اليوم الخميس 6-1-2022، أنه تم إرسال قوات حفظ السلام.",
        ["أعلنت منظمة معاهدة الأمن الجماعي، اليوم الخميس 6-1-2022، أنه تم إرسال قوات حفظ السلام."],
    ),
    (
        "URL with Arabic question mark",
        "شاهد https://www.youtube.com/watch؟v=4M4SBjBxCcA الآن. ثم تابع.",
        ["شاهد https://www.youtube.com/watch؟v=4M4SBjBxCcA الآن.", "ثم تابع."],
    ),
    (
        "URL at the end of a sentence: the period after it is a boundary",
        "تابعونا على https://example.com/news/a.html. وشكرا لكم.",
        ["تابعونا على https://example.com/news/a.html.", "وشكرا لكم."],
    ),
    (
        "e-mail address",
        "راسلونا على news.desk@example.com للتصحيح. شكرا لكم.",
        ["راسلونا على news.desk@example.com للتصحيح.", "شكرا لكم."],
    ),
    (
        "Arabic initial",
        "وقال د. محمد علي إن الوضع هادئ. وأضاف أ. ب. سمير ذلك.",
        ["وقال د. محمد علي إن الوضع هادئ.", "وأضاف أ. ب. سمير ذلك."],
    ),
    (
        "era mark after a year ends the sentence, a single-letter initial does not",
        "استقلت كازاخستان عام 1991 م. وقال م. علي إن ذلك صحيح.",
        ["استقلت كازاخستان عام 1991 م.", "وقال م. علي إن ذلك صحيح."],
    ),
    (
        "Latin initials and abbreviations",
        "وقال مسؤول في U.S. Department إن Mr. Price تحدث. ثم انتهى.",
        ["وقال مسؤول في U.S. Department إن Mr. Price تحدث.", "ثم انتهى."],
    ),
    (
        "Arabic question mark",
        "هل تنجح المهمة؟ يرى الخبراء ذلك.",
        ["هل تنجح المهمة؟", "يرى الخبراء ذلك."],
    ),
    (
        "exclamation and question runs",
        "لا يعقل!! كيف حدث ذلك؟! انتهى",
        ["لا يعقل!!", "كيف حدث ذلك؟!", "انتهى"],
    ),
    (
        "ellipsis character",
        "وذكر التلفزيون أن 13 من… القتلى من الأمن.",
        ["وذكر التلفزيون أن 13 من…", "القتلى من الأمن."],
    ),
    (
        "Urdu full stop",
        "قال المتحدث ۔ وأضاف أن الوضع هادئ۔",
        ["قال المتحدث ۔", "وأضاف أن الوضع هادئ۔"],
    ),
    (
        "dateline parenthesis with Urdu full stop is not split",
        "( أردو بوينت نتورك ۔ / سبوتنيك - 11 كانون الثاني 2022ء) أعلن رئيس مجلس الدوما الروسي، فياتشسلاف فولودين، اليوم الثلاثاء، أن القيادة الأميركية تود ذلك.",
        [
            "( أردو بوينت نتورك ۔ / سبوتنيك - 11 كانون الثاني 2022ء) أعلن رئيس مجلس الدوما الروسي، فياتشسلاف فولودين، اليوم الثلاثاء، أن القيادة الأميركية تود ذلك."
        ],
    ),
    (
        "unpunctuated line is one sentence",
        "إليك كيف كان رد فعل العالم حتى الآن:",
        ["إليك كيف كان رد فعل العالم حتى الآن:"],
    ),
    (
        "one-word piece after a stray period stays with its sentence",
        "الذي اتهم “العصابات الإرهابية” المدربة في الخارج بالقيادة. الاضطرابات. وقالت الأمانة ذلك.",
        [
            "الذي اتهم “العصابات الإرهابية” المدربة في الخارج بالقيادة. الاضطرابات.",
            "وقالت الأمانة ذلك.",
        ],
    ),
    (
        "a one-word question or exclamation is a sentence",
        "هل انتهى الأمر؟ نعم! انتهى.",
        ["هل انتهى الأمر؟", "نعم!", "انتهى."],
    ),
    (
        "line break is a boundary",
        "روسيا\nأرسلت روسيا قوات إلى حليفتها كازاخستان",
        ["روسيا", "أرسلت روسيا قوات إلى حليفتها كازاخستان"],
    ),
]


@pytest.mark.parametrize(("rule", "paragraph", "expected"), CASES, ids=[c[0] for c in CASES])
def test_segmentation_rules(rule: str, paragraph: str, expected: list[str]) -> None:
    assert sents(paragraph) == expected


def test_offsets_and_whitespace() -> None:
    text = "  جملة أولى.   جملة ثانية؟ "
    segs = segment_text(text, doc_id="d", para=3)
    assert [(s.text, s.start, s.end, s.sent, s.para, s.doc_id) for s in segs] == [
        ("جملة أولى.", 2, 12, 0, 3, "d"),
        ("جملة ثانية؟", 15, 26, 1, 3, "d"),
    ]
    assert all(text[s.start : s.end] == s.text for s in segs)


def test_empty_and_blank() -> None:
    assert segment_text("") == []
    assert segment_text("  \n ") == []


def test_title_is_one_sentence() -> None:
    doc = Document(
        "d",
        "d.txt",
        title="اضطرابات كازاخستان: من روسيا إلى الولايات المتحدة .. العالم يتفاعل",
        paragraphs=["فقرة أولى. فقرة ثانية."],
    )
    segs = segment_document(doc)
    assert [(s.para, s.sent, s.is_title, s.text) for s in segs] == [
        (0, 0, True, "اضطرابات كازاخستان: من روسيا إلى الولايات المتحدة .. العالم يتفاعل"),
        (1, 0, False, "فقرة أولى."),
        (1, 1, False, "فقرة ثانية."),
    ]


def test_no_title_numbering_starts_at_body() -> None:
    doc = Document("d", "d.txt", paragraphs=["أ ب.", "ج د."])
    assert [(s.para, s.sent, s.is_title) for s in segment_document(doc)] == [
        (0, 0, False),
        (1, 0, False),
    ]


@pytest.mark.parametrize("path", sorted((ROOT / "seeds").glob("*.txt")), ids=lambda p: p.name)
def test_raw_seed_lines_join_back(path: Path) -> None:
    """Invariant on the raw lines too: segments cover every non-space character in order."""
    for line in path.read_text(encoding="utf-8").splitlines():
        segs = segment_text(line)
        assert " ".join(s.text for s in segs).split() == line.split()
        assert all(line[s.start : s.end] == s.text for s in segs)


# --------------------------------------------------------------------------- split_long


def words(text: str) -> int:
    return len(text.split())


LONG = (
    "وقالت الأمانة العامة لمنظمة معاهدة الأمن الجماعي، في تصريح صحفي اليوم الخميس، "
    "إنه وفقا لقرار مجلس الأمن الجماعي، الذي تم اتخاذه يوم 6 يناير 2022، تم إرسال قوات "
    "حفظ السلام الجماعية إلى جمهورية كازاخستان لفترة محدودة؛ من أجل استقرار الوضع هناك"
)


def test_split_long_short_text_is_one_piece() -> None:
    assert split_long("جملة قصيرة.", words, 10) == [(0, 11)]
    assert split_long("", words, 10) == []


def test_split_long_at_clause_boundaries() -> None:
    spans = split_long(LONG, words, 12)
    assert covering(spans, len(LONG))
    pieces = [LONG[s:e] for s, e in spans]
    assert all(words(p) <= 12 for p in pieces)
    # every cut is right after clause punctuation (، ؛) and its space
    assert all(re.search(r"[،؛] $", p) for p in pieces[:-1])
    assert (
        pieces[0]
        == "وقالت الأمانة العامة لمنظمة معاهدة الأمن الجماعي، في تصريح صحفي اليوم الخميس، "
    )


def test_split_long_at_conjunctions() -> None:
    text = (
        "وانتشرت المظاهرات في مناطق أخرى من البلاد بينما اندلعت اشتباكات دامية واسعة "
        "وأدت إلى مقتل عشرات الأشخاص وإصابة الآلاف في صفوف المحتجين"
    )
    spans = split_long(text, words, 8)
    pieces = [text[s:e] for s, e in spans]
    assert "".join(pieces) == text
    assert pieces[0] == "وانتشرت المظاهرات في مناطق أخرى من البلاد "
    assert pieces[1].startswith("بينما ")
    assert all(words(p) <= 8 for p in pieces)


def test_split_long_falls_back_to_words_and_characters() -> None:
    text = "كلمة " * 30
    spans = split_long(text, words, 7)
    assert covering(spans, len(text))
    assert [words(text[s:e]) for s, e in spans] == [7, 7, 7, 7, 2]
    blob = "ا" * 50
    spans = split_long(blob, len, 16)
    assert covering(spans, 50)
    assert [e - s for s, e in spans] == [16, 16, 16, 2]


def test_split_long_keeps_diacritics_with_their_letter() -> None:
    text = "مَّ" * 10  # letter + two combining marks
    spans = split_long(text, len, 4)
    assert covering(spans, len(text))
    assert all(not text[s].isspace() and text[s] == "م" for s, _ in spans)


def test_split_long_impossible_piece_kept_whole() -> None:
    assert split_long("ab", lambda s: 100, 5) == [(0, 1), (1, 2)]


def test_split_long_rejects_bad_limit() -> None:
    with pytest.raises(ValueError, match="limit must be >= 1"):
        split_long("x", len, 0)


# --------------------------------------------------------------------------- whole seeds


def cleaned_seeds() -> list[Document]:
    from kzparallel.cleaning import clean_document
    from kzparallel.ingest import read_documents

    return [clean_document(d) for d in read_documents(sorted((ROOT / "seeds").glob("*.txt")))]


def test_joining_segments_reproduces_every_seed_paragraph() -> None:
    for doc in cleaned_seeds():
        segments = segment_document(doc)
        for para, block in enumerate(doc.blocks()):
            parts = [s for s in segments if s.para == para]
            assert parts, (doc.doc_id, para)
            assert all(block[s.start : s.end] == s.text for s in parts)
            assert " ".join(s.text for s in parts).split() == block.split()


def test_differences_from_pysbd_on_the_seeds() -> None:
    """Where pysbd's Arabic rules and ours disagree on the cleaned seeds (see the README).

    pysbd also ends a "sentence" at every Arabic comma and colon and never splits
    inside quotation marks; it splits off the stray one-word fragment we keep attached.
    """
    pysbd = pytest.importorskip("pysbd")
    seg = pysbd.Segmenter(language="ar", clean=False, char_span=True)
    kinds: dict[str, int] = {}
    for doc in cleaned_seeds():
        for block in doc.paragraphs:
            ours = {e for _, e in segment_text_spans(block)}
            theirs = set()
            for span in seg.segment(block):
                end = span.end
                while end > 0 and block[end - 1].isspace():
                    end -= 1
                theirs.add(end)
            for end in theirs - ours:
                kind = {"،": "pysbd: after Arabic comma", ":": "pysbd: after colon"}.get(
                    block[end - 1], "pysbd: one-word fragment"
                )
                kinds[kind] = kinds.get(kind, 0) + 1
            for end in ours - theirs:
                before = block[:end]
                # inside an open quotation: more opening than closing marks so far
                opened = before.count("«") + before.count("“") + before.count('"') % 2
                closed = before.count("»") + before.count("”")
                assert opened > closed, block[end - 20 : end + 10]
                kinds["ours: inside a quotation"] = kinds.get("ours: inside a quotation", 0) + 1
    assert kinds == {
        "pysbd: after Arabic comma": 137,
        "pysbd: after colon": 6,
        "pysbd: one-word fragment": 1,
        "ours: inside a quotation": 6,
    }


def segment_text_spans(text: str) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in segment_text(text)]


# --------------------------------------------------------------------------- other sites

# (rule, paragraph, expected sentences): what pages of other sites do, in sentences
# written for these tests.
BREAK_CASES = [
    (
        "stop directly before an Arabic word",
        "وصل الوفد إلى المدينة مساء أمس.وقال رئيسه إن الزيارة ناجحة.",
        ["وصل الوفد إلى المدينة مساء أمس.", "وقال رئيسه إن الزيارة ناجحة."],
    ),
    (
        "stop after a space, directly before a word",
        "ارتفعت الأسعار بنسبة 4% .وتتوقع الحكومة تراجعها قريبا.",
        ["ارتفعت الأسعار بنسبة 4% .", "وتتوقع الحكومة تراجعها قريبا."],
    ),
    (
        "Latin stop directly before a capital",
        "The committee met on Monday.It will meet again in May.",
        ["The committee met on Monday.", "It will meet again in May."],
    ),
    (
        "Arabic question mark directly before a word",
        "هل يعود الهدوء إلى الأسواق؟يرى المراقبون ذلك.",
        ["هل يعود الهدوء إلى الأسواق؟", "يرى المراقبون ذلك."],
    ),
    (
        "exclamation mark directly before a word",
        "يا له من يوم طويل!وانتهى الحفل بعد منتصف الليل.",
        ["يا له من يوم طويل!", "وانتهى الحفل بعد منتصف الليل."],
    ),
    (
        "Latin question mark directly before a word",
        "Is the strike over?Nobody knows yet.",
        ["Is the strike over?", "Nobody knows yet."],
    ),
    (
        "closing quote after the stop, then a word",
        'وقال المتحدث "انتهت الجولة الأولى".وبدأت الثانية صباح اليوم.',
        ['وقال المتحدث "انتهت الجولة الأولى".', "وبدأت الثانية صباح اليوم."],
    ),
    (
        "guillemet opening the next sentence",
        "انتهى الاجتماع.«سنلتقي مجددا الشهر المقبل» قال الرئيس.",
        ["انتهى الاجتماع.", "«سنلتقي مجددا الشهر المقبل» قال الرئيس."],
    ),
    (
        "straight quote opening the next sentence",
        'انتهى الاجتماع."سنلتقي مجددا الشهر المقبل" قال الرئيس.',
        ["انتهى الاجتماع.", '"سنلتقي مجددا الشهر المقبل" قال الرئيس.'],
    ),
    (
        "domain name at the end of a sentence",
        "نشر الخبر موقع RT.com.وأكدته مصادر أخرى.",
        ["نشر الخبر موقع RT.com.", "وأكدته مصادر أخرى."],
    ),
    (
        "ellipsis directly before an Arabic word",
        "تأخر القطار ساعتين…وغضب الركاب كثيرا.",
        ["تأخر القطار ساعتين…", "وغضب الركاب كثيرا."],
    ),
    (
        "list numbers start their item's sentence",
        "الشروط هي: 1. التسجيل المسبق. 2. دفع الرسوم كاملة.",
        ["الشروط هي: 1. التسجيل المسبق.", "2. دفع الرسوم كاملة."],
    ),
    (
        "number at the end of a sentence is no list number",
        "بلغ عدد الزوار 120. وقالت الإدارة إن العدد قياسي.",
        ["بلغ عدد الزوار 120.", "وقالت الإدارة إن العدد قياسي."],
    ),
]

# (what, one sentence that must not be broken)
NO_BREAK_CASES = [
    ("decimals", "بلغ معدل النمو 3.5 في المئة، أي ٣٫٥ بالأرقام العربية، أو 3,5 بالفاصلة."),
    ("decimal before a word", "ارتفع المؤشر 2.5مرة خلال العام."),
    ("times", "تبدأ الجلسة في الساعة 10.30 وتنتهي في 12:45 ظهرا."),
    ("dates", "وقعت الاتفاقية في 17.09.2022 ونشرت في 2022/9/17 رسميا."),
    ("version numbers", "أصدرت الشركة النسخة 4.2.1 من تطبيقها الجديد."),
    ("URL", "ونشر البيان على https://news.example.org/a/b.html?id=3 أمس."),
    ("e-mail address", "راسلوا المحرر على editor.desk@example.org لمزيد من التفاصيل."),
    ("domain names", "نقل موقع RT.com ووكالة sputnikarabic.ae الخبر عن www.example.com ظهرا."),
    ("domain name with a capital", "وأكد موقع News.Example.net الخبر نفسه."),
    ("Latin name with a dot", "يعمل الموقع بتقنية ASP.NET منذ سنوات ويرفق الملف report.pdf."),
    ("Latin initials", "كتب J. R. R. Tolkien رواياته بالإنجليزية."),
    ("Arabic initials", "وحاضر أ. د. سامي في الندوة ثم ألقى أ.د.سامي كلمة."),
    ("Latin abbreviations", "قال Dr. Adams من U.S. Army إن الخطة، e.g. في الشمال، ناجحة."),
    ("degree abbreviation", "حصل الباحث على درجة Ph.D في الاقتصاد."),
    ("post-office box", "أرسلوا الطلبات إلى ص.ب 1234 في المدينة."),
    ("era mark inside a sentence", "بني المعبد نحو عام 300 ق.م على التل."),
    ("Arabic abbreviation glued to a name", "وقال د.سامي إن الوضع مستقر."),
    ("Arabic abbreviation before a name", "وصرح د. خالد بأن الوضع مستقر."),
    ("ellipsis before a lower-case word", "He paused... and then went on with the speech."),
    ("ellipsis character before a lower-case word", "Prices rose… but only slightly."),
    ("abbreviation before a lower-case word", "They sold fruit, bread, etc. and went home."),
    ("list number starting the paragraph", "1. تسجيل الأسماء قبل الموعد المحدد."),
    ("list number after a colon", "وأول الشروط: 1. تسجيل الأسماء قبل الموعد."),
]

# (rule, paragraph, expected sentences): stops inside quotations
QUOTE_CASES = [
    (
        "short cry inside a quotation",
        "ورفع المحتجون لافتة «كفى! نريد الماء» أمام المبنى.",
        ["ورفع المحتجون لافتة «كفى! نريد الماء» أمام المبنى."],
    ),
    (
        "questions inside a short quotation",
        'وسأل الصحفي "لماذا؟ ومتى؟" فلم يجب أحد.',
        ['وسأل الصحفي "لماذا؟ ومتى؟" فلم يجب أحد.'],
    ),
    (
        "a short cry quoted inside the sentence",
        'وهتف المحتجون "ارحل!" ثم تفرقوا بهدوء.',
        ['وهتف المحتجون "ارحل!" ثم تفرقوا بهدوء.'],
    ),
    (
        "a long quotation ending in an exclamation ends the sentence",
        "وقالت «لن نقبل بالمزيد من الوعود الفارغة!» ثم غادرت.",
        ["وقالت «لن نقبل بالمزيد من الوعود الفارغة!»", "ثم غادرت."],
    ),
    (
        "ellipsis after two quoted words",
        "وكتب على حسابه “شكرا للجميع.. نلتقي قريبا في العاصمة” ثم أغلق الحساب.",
        ["وكتب على حسابه “شكرا للجميع.. نلتقي قريبا في العاصمة” ثم أغلق الحساب."],
    ),
    (
        "exclamations inside a slogan",
        "وهتفوا «لا للغلاء! لا للفساد! نريد العدالة» طوال المسيرة.",
        ["وهتفوا «لا للغلاء! لا للفساد! نريد العدالة» طوال المسيرة."],
    ),
    (
        "period inside a long quotation",
        "وقال الوزير: «أنهينا المرحلة الأولى. وسنبدأ المرحلة الثانية في الربيع» وفق البيان.",
        [
            "وقال الوزير: «أنهينا المرحلة الأولى.",
            "وسنبدأ المرحلة الثانية في الربيع» وفق البيان.",
        ],
    ),
    (
        "exclamation after a quoted sentence in a long quotation",
        "وقالت «لقد صبرنا طويلا جدا! ولن نقبل بالمزيد من الوعود» ثم غادرت.",
        ["وقالت «لقد صبرنا طويلا جدا!", "ولن نقبل بالمزيد من الوعود» ثم غادرت."],
    ),
    (
        "one word after the period is no quoted sentence",
        "وقال المدرب «لعبنا جيدا في الشوط الأول. فقط» بعد المباراة.",
        ["وقال المدرب «لعبنا جيدا في الشوط الأول. فقط» بعد المباراة."],
    ),
    (
        "nested quotation",
        'وقال «رفعنا شعار "لا للحرب!" في الساحة» أمس.',
        ['وقال «رفعنا شعار "لا للحرب!" في الساحة» أمس.'],
    ),
    (
        "reversed guillemets",
        "وقال »لا! أبدا« ثم غادر.",
        ["وقال »لا! أبدا« ثم غادر."],
    ),
    (
        "an unclosed quotation mark holds nothing together",
        'وقال "إن الوفد وصل إلى العاصمة. وبدأ المحادثات صباح اليوم. وتستمر يومين.',
        [
            'وقال "إن الوفد وصل إلى العاصمة.',
            "وبدأ المحادثات صباح اليوم.",
            "وتستمر يومين.",
        ],
    ),
    (
        "a stray quote mark before a real quotation",
        'وقال "إن الوفد وصل. ثم قال "نعم! سنعود" وانتهى.',
        ['وقال "إن الوفد وصل.', 'ثم قال "نعم! سنعود" وانتهى.'],
    ),
]


@pytest.mark.parametrize(
    ("rule", "paragraph", "expected"), BREAK_CASES, ids=[c[0] for c in BREAK_CASES]
)
def test_breaks_of_other_sites(rule: str, paragraph: str, expected: list[str]) -> None:
    assert sents(paragraph) == expected


@pytest.mark.parametrize(("what", "sentence"), NO_BREAK_CASES, ids=[c[0] for c in NO_BREAK_CASES])
def test_kept_whole(what: str, sentence: str) -> None:
    assert sents(sentence) == [sentence]


@pytest.mark.parametrize(
    ("rule", "paragraph", "expected"), QUOTE_CASES, ids=[c[0] for c in QUOTE_CASES]
)
def test_stops_inside_quotations(rule: str, paragraph: str, expected: list[str]) -> None:
    assert sents(paragraph) == expected


def test_a_quotation_longer_than_the_cap_is_no_quotation() -> None:
    long_quote = "«" + "كلمة " * (MAX_QUOTE // 5) + "انتهى. نعم» قال."
    assert [e - s for s, e in quotation_spans("قال «نعم» ثم")] == [4]
    assert quotation_spans(long_quote) == []
    assert sents(long_quote)[-1] == "نعم» قال."


QUOTATION_SPANS = [
    ("guillemets", "قال «نعم» ثم", ["«نعم»"]),
    ("curly quotes", "قال “نعم” ثم", ["“نعم”"]),
    ("Arabic typing of curly quotes", "قال “نعم“ ثم", ["“نعم“"]),
    ("low-high quotes", "قال „نعم“ ثم", ["„نعم“"]),
    ("single guillemets", "قال ‹نعم› ثم", ["‹نعم›"]),
    ("reversed guillemets", "قال »نعم« ثم", ["»نعم«"]),
    ("straight quotes", 'قال "نعم" و"لا" ثم', ['"نعم"', '"لا"']),
    ("nested", 'قال «رفعنا "لا" هنا» ثم', ['«رفعنا "لا" هنا»', '"لا"']),
    ("unclosed straight quote", 'قال "نعم ثم غادر', []),
    ("stray quote before a pair", 'قال "كذا ثم "نعم" وانتهى', ['"نعم"']),
    ("a line break ends every quotation", "قال «نعم\nثم» غادر", []),
    ("apostrophes are no quotes", "زار O'Brien مدينة 'أكتاو' أمس", []),
]


@pytest.mark.parametrize(
    ("what", "text", "quotes"), QUOTATION_SPANS, ids=[c[0] for c in QUOTATION_SPANS]
)
def test_quotation_spans(what: str, text: str, quotes: list[str]) -> None:
    assert [text[o : c + 1] for o, c in quotation_spans(text)] == quotes
