"""Property tests: cleaning + segmentation never raise and never lose a character."""

from __future__ import annotations

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kzparallel.cleaning import clean_document
from kzparallel.records import Document, Segment
from kzparallel.segmentation import covering, segment_document, segment_text, split_long

# Text that looks like scraped Arabic news, plus anything Unicode can throw at us.
PIECES = [
    "قال",
    "وقال",
    "الرئيس",
    "كازاخستان",
    "د.",
    "U.S.",
    "9.00",
    "6-1-2022",
    "https://www.youtube.com/watch؟v=4M",
    "a@b.com",
    "(تستمر)",
    "• 31",
    "المصدر: وكالات",
    "التعليقات",
    "…",
    "...",
    "۔",
    "؟",
    "!",
    ".",
    "،",
    "«",
    "»",
    '"',
    "“",
    "”",
    "(",
    ")",
    "ـــ",
    "\u200f",
    "\u200b",
    "ی",
    "ک",
    "📰",
    " | ",
    " / ",
    "Leave a Reply",
]
arabic_like = st.lists(
    st.one_of(
        st.sampled_from(PIECES),
        st.sampled_from([" ", "  ", "\n", "\n\n", "\t", "\r\n"]),
        st.text(min_size=1, max_size=6),
    ),
    max_size=80,
).map("".join)
any_text = st.one_of(arabic_like, st.text(max_size=300))


def assert_covers(block: str, segments: list[Segment]) -> None:
    """Every non-space character of ``block`` lies in exactly one segment, in order."""
    pos = 0
    for seg in segments:
        assert seg.start >= pos
        assert block[seg.start : seg.end] == seg.text
        assert seg.text and not seg.text[0].isspace() and not seg.text[-1].isspace()
        assert block[pos : seg.start].strip() == ""
        pos = seg.end
    assert block[pos:].strip() == ""
    assert [s.sent for s in segments] == list(range(len(segments)))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_text)
def test_clean_and_segment_never_raise_and_cover_the_cleaned_text(text: str) -> None:
    doc = clean_document(Document("f", "f.txt", text=text))
    blocks = doc.blocks()
    assert all(b and b == b.strip() for b in blocks)
    segments = segment_document(doc)
    for para, block in enumerate(blocks):
        assert_covers(block, [s for s in segments if s.para == para])
    assert {s.para for s in segments} == set(range(len(blocks)))
    # every dropped line is explained, and every kept paragraph was one line of the input
    assert all(d.rule and d.line >= 0 for d in doc.decisions)


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_segment_text_covers_raw_text(text: str) -> None:
    assert_covers(text, segment_text(text))


@settings(max_examples=200, deadline=None)
@given(any_text, st.integers(min_value=1, max_value=40))
def test_split_long_covers_and_respects_the_limit(text: str, limit: int) -> None:
    spans = split_long(text, len, limit)
    assert covering(spans, len(text)) or (text == "" and spans == [])
    for start, end in spans:
        piece = text[start:end]
        # longer than the limit only when the piece cannot be cut: one letter + its marks
        assert len(piece) <= limit or all(unicodedata.combining(c) for c in piece[1:])


@settings(max_examples=100, deadline=None)
@given(any_text, st.integers(min_value=1, max_value=8))
def test_split_long_with_word_counts(text: str, limit: int) -> None:
    def count(s: str) -> int:
        return len(s.split())

    spans = split_long(text, count, limit)
    assert "".join(text[s:e] for s, e in spans) == text
    assert all(count(text[s:e]) <= limit for s, e in spans)


def test_long_single_line_article_is_segmented_completely() -> None:
    """A 500 kB one-line article (no line breaks at all) is cleaned and fully covered."""
    sentence = "وقال (الوزير) د. محمد إن هناك 1000 شخص مصاب في 6-1-2022... وأضاف: «نعم». "
    text = "عنوان المقال\n" + sentence * (500_000 // len(sentence))
    doc = clean_document(Document("big", "big.txt", text=text))
    assert doc.title == "عنوان المقال"
    (body,) = doc.paragraphs
    segments = [s for s in segment_document(doc) if s.para == 1]
    assert_covers(body, segments)
    # "..." followed by a space ends a sentence; "د." and the parenthesis do not
    assert segments[0].text == "وقال (الوزير) د. محمد إن هناك 1000 شخص مصاب في 6-1-2022..."
    assert segments[1].text == "وأضاف: «نعم»."
