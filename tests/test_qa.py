"""QA flags: case tables taken from the seed articles."""

from __future__ import annotations

import math

import pytest

from kzparallel.arabic import has_arabic, has_arabic_script, normalise_number, numbers_in
from kzparallel.qa import (
    DEFAULT_BAND,
    MIN_PAIRS_FOR_BAND,
    LengthBand,
    LengthStats,
    content_flags,
    has_repetition,
    missing_numbers,
    qa_flags,
    with_length_flag,
)
from kzparallel.records import Pair


def _pair(ar: str, en: str, violations: list[str] | None = None) -> Pair:
    return Pair(
        id="x", doc_id="d", para=1, sent=0, ar=ar, en=en, en_mt=en, violations=violations or []
    )


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("1000", "1000"),
        ("1,000", "1000"),
        ("9.00", "9"),
        ("9:00", "9"),
        ("2.50", "2.5"),
        ("007", "7"),
        ("1.000.000", "1000000"),
        ("0", "0"),
    ],
)
def test_normalise_number(token: str, expected: str) -> None:
    assert normalise_number(token) == expected


def test_numbers_in_every_digit_script() -> None:
    # Arabic-Indic, Persian and ASCII digits, and the Arabic thousands separator
    assert numbers_in("١٠٠٠ و۲۷ و13 و١٬٠٠٠") == ["1000", "27", "13", "1000"]


@pytest.mark.parametrize(
    ("ar", "en", "missing"),
    [
        # seed 004: a d-m-y date; the month may be written as a name
        ("اليوم الخميس 6-1-2022، أنه", "on Thursday, January 6, 2022, that", []),
        ("اليوم الخميس 6-1-2022، أنه", "on Thursday 6-1-2022, that", []),
        ("اليوم الخميس 6-1-2022، أنه", "on Thursday, 2022, that", ["6", "1"]),
        ("اليوم الخميس 6-1-2022، أنه", "on Thursday, March 6, 2022", ["1"]),
        # seed 004: a time
        ("حتى الساعة 9.00 بتوقيت موسكو", "until 9:00 Moscow time", []),
        ("حتى الساعة 9.00 بتوقيت موسكو", "until 9 a.m. Moscow time", []),
        ("حتى الساعة 9.00 بتوقيت موسكو", "until Moscow time", ["9"]),
        # seed 004: thousands separator in English only
        ("أكثر من 1000 شخص مصاب", "more than 1,000 people injured", []),
        ("أكثر من 1000 شخص مصاب", "more than a hundred people injured", ["1000"]),
        # seed 002: small numbers may be words
        ("الاتحاد الأوروبي المؤلف من 27 دولة", "the 27-nation European Union", []),
        ("ذكر التلفزيون الرسمي أن 13 من أفراد", "state TV said thirteen members", []),
        ("ذكر التلفزيون الرسمي أن 13 من أفراد", "state TV said members", ["13"]),
        # seed 001: "الـ7" and a year with a suffix letter
        ("في الـ7 من الشهر الجاري", "on the 7th of this month", []),
        ("11 كانون الثاني 2022ء", "January 11, 2022", []),
        # Arabic-Indic digits in the source
        ("نحو ٥٠ مركبة", "about 50 vehicles", []),
        ("نحو ٥٠ مركبة", "about fifteen vehicles", ["50"]),
        # no numbers at all
        ("الصين", "China", []),
    ],
)
def test_missing_numbers(ar: str, en: str, missing: list[str]) -> None:
    assert missing_numbers(ar, en) == missing


@pytest.mark.parametrize(
    ("en", "loop"),
    [
        ("Russia sent troops to its ally Kazakhstan.", False),
        ("the the the the", True),
        ("very very very good", False),
        ("of the CSTO of the CSTO of the CSTO", True),
        ("peace peace and peace, and again peace", False),
        ("in Almaty in the city in Almaty in the city in Almaty in the city", True),
        ("", False),
    ],
)
def test_has_repetition(en: str, loop: bool) -> None:
    assert has_repetition(en) is loop


@pytest.mark.parametrize(
    ("en", "arabic"),
    [
        ("Kassym-Jomart Tokayev", False),
        ("Kassym-Jomart توكاييف", True),
        ("about ٥٠ vehicles", True),  # Arabic-Indic digits are Arabic script
        ("Zhanaozen and Aktau", False),
    ],
)
def test_has_arabic_script(en: str, arabic: bool) -> None:
    assert has_arabic_script(en) is arabic


@pytest.mark.parametrize(
    ("text", "letters", "script"),
    [
        ("توكاييف", True, True),
        ("about ٥٠ vehicles", False, True),  # digits: Arabic script, no letter
        ("one، two", False, True),  # the Arabic comma
        ("Almaty", False, False),
    ],
)
def test_has_arabic_needs_a_letter(text: str, letters: bool, script: bool) -> None:
    assert (has_arabic(text), has_arabic_script(text)) == (letters, script)


@pytest.mark.parametrize(
    ("ar", "en", "violations", "flags"),
    [
        ("وتفاعلت عدة دول مع أحداث كازاخستان", "Several countries reacted to the events.", [], []),
        ("وتفاعلت عدة دول مع أحداث كازاخستان", "   ", [], ["empty"]),
        ("وتفاعلت عدة دول مع أحداث كازاخستان", "", ["Kazakhstan"], ["empty", "glossary"]),
        (
            "أكثر من 1000 شخص مصاب بينهم إصابات بليغة",
            "more than the the the the people were injured",
            [],
            ["numbers-missing", "repetition"],
        ),
        (
            "أعلن رئيس كازاخستان قاسم جومارت توكايف",
            "President توكايف announced",
            ["Kassym-Jomart Tokayev"],
            ["arabic-in-english", "glossary"],
        ),
        # far too short for its source: length ratio (default band)
        (
            "وتفاعلت عدة دول مع أحداث كازاخستان، ودعت إلى التهدئة وضبط النفس.",
            "Yes.",
            [],
            ["length-ratio"],
        ),
    ],
)
def test_qa_flags(ar: str, en: str, violations: list[str], flags: list[str]) -> None:
    assert qa_flags(_pair(ar, en, violations)) == flags


def test_content_flags_leave_out_length() -> None:
    p = _pair("وتفاعلت عدة دول مع أحداث كازاخستان، ودعت إلى التهدئة وضبط النفس.", "Yes.")
    assert content_flags(p) == []
    assert with_length_flag(p, DEFAULT_BAND).qa == ["length-ratio"]
    # a band that accepts it removes the flag again
    assert with_length_flag(p, LengthBand(low=0.01, high=10)).qa == []


def test_default_band_short_sources_not_judged() -> None:
    assert DEFAULT_BAND.ratio("روسيا", "Russia") is None  # 5 characters < min_chars
    assert not DEFAULT_BAND.outside("روسيا", "The Russian Federation and its allies")


def test_length_stats_small_corpus_uses_default() -> None:
    stats = LengthStats()
    stats.update([("ا" * 20, "e" * 26)] * (MIN_PAIRS_FOR_BAND - 1))
    assert stats.band() == DEFAULT_BAND


def test_length_stats_corpus_band_median_mad() -> None:
    stats = LengthStats()
    # ratios 1.0 .. 1.6 in equal numbers around a median of 1.3, plus an outlier
    ratios = [1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6] * 10 + [5.0]
    for r in ratios:
        stats.add("ا" * 100, "e" * round(100 * r))
    band = stats.band()
    assert band.source == "corpus"
    # median log ratio = log(1.3); MAD of logs ~ 0.1; half width = max(3.5*1.4826*MAD, log 1.6)
    assert math.isclose(band.low * band.high, 1.3**2, rel_tol=0.03)
    assert band.low < 1.0 and band.high > 1.6
    assert band.outside("ا" * 100, "e" * 500)
    assert not band.outside("ا" * 100, "e" * 130)
