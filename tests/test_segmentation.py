"""Sentence segmentation rules (cases from the seeds) and split_long."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

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
