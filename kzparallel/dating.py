"""The date of an article, as an ISO day (``YYYY-MM-DD``), and where it came from.

The date chooses the forms of dated glossary entries (a renamed capital:
see :meth:`kzparallel.glossary.Glossary.on`). Sources, first found wins:

1. ``jsonl`` — the record's ``date`` field (ISO 8601, RFC 2822, "11 January
   2022", an Arabic date …);
2. ``html`` — the page's publication date as trafilatura's metadata
   extraction finds it (``article:published_time``, ``og:``/``itemprop``
   ``datePublished``, JSON-LD, …);
3. ``dateline`` — in the cleaned text: the first date in a dropped time-stamp
   line, or one that starts within the first 100 characters of one of the
   first two body paragraphs, where datelines stand (``( سبوتنيك - 11 كانون
   الثاني 2022)``; a date further on is more likely an event's), else a date
   given as today's anywhere (``اليوم الخميس 6-1-2022``).

Arabic dates are a day, a month name and a four-digit year in any digits
(Arabic-Indic too), or numeric day-month-year / year-month-day. Month names
of the three sets in use are known: Levantine/Iraqi (كانون الثاني, شباط,
آذار …), Egyptian/Gulf (يناير, فبراير, مارس …) and Maghrebi (جانفي, فيفري,
أفريل …); ``6 يناير/كانون الثاني 2022`` (both names) is one date. Without
any of these the article has no date (``None``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from kzparallel.arabic import normalize_text
from kzparallel.records import Document

_MONTHS_WRITTEN: dict[int, tuple[str, ...]] = {
    1: ("كانون الثاني", "يناير", "جانفي"),
    2: ("شباط", "فبراير", "فيفري"),
    3: ("آذار", "مارس"),
    4: ("نيسان", "أبريل", "إبريل", "ابريل", "أفريل"),
    5: ("أيار", "مايو", "ماي"),
    6: ("حزيران", "يونيو", "يونيه", "جوان"),
    7: ("تموز", "يوليو", "يوليه", "جويلية"),
    8: ("آب", "أغسطس", "اغسطس", "أوت"),
    9: ("أيلول", "سبتمبر"),
    10: ("تشرين الأول", "أكتوبر", "اكتوبر"),
    11: ("تشرين الثاني", "نوفمبر"),
    12: ("كانون الأول", "ديسمبر"),
}
MONTHS: dict[str, int] = {
    normalize_text(name): month for month, names in _MONTHS_WRITTEN.items() for name in names
}
_MONTH = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
_WEEKDAY = "(?:الاحد|الاثنين|الثلاثاء|الاربعاء|الخميس|الجمعه|السبت)"
# on normalised text (alef forms, ta marbuta, digits folded)
_NAMED = re.compile(
    rf"(?<!\d)(\d{{1,2}})\s*(?:من\s+)?(?:شهر\s+)?({_MONTH})"
    rf"(?:\s*[/(]\s*(?:{_MONTH})\s*\)?)?\s*[,،]?\s*(?:عام\s+|سنه\s+)?(\d{{4}})(?!\d)"
)
_DMY = re.compile(r"(?<!\d)(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4})(?!\d)")
_YMD = re.compile(r"(?<!\d)(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})(?!\d)")
_TODAY = re.compile(rf"اليوم\s*[,،]?\s*(?:{_WEEKDAY}\s*[,،]?\s*)?(?:الموافق\s*)?$")
DATELINE_PARAGRAPHS = 2
DATELINE_CHARS = 100  # a dateline's date starts this close to the paragraph's start
YEARS = (1900, 2100)


def _day(year: str, month: str | int, day: str) -> dt.date | None:
    try:
        when = dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
    return when if YEARS[0] <= when.year <= YEARS[1] else None


def find_dates(text: str) -> list[tuple[int, dt.date]]:
    """Every date written in ``text`` (normalised offsets, text order)."""
    norm = normalize_text(text)
    found: list[tuple[int, dt.date]] = []
    for m in _NAMED.finditer(norm):
        when = _day(m.group(3), MONTHS[m.group(2)], m.group(1))
        if when:
            found.append((m.start(), when))
    for m in _DMY.finditer(norm):
        when = _day(m.group(3), m.group(2), m.group(1))
        if when:
            found.append((m.start(), when))
    for m in _YMD.finditer(norm):
        when = _day(m.group(1), m.group(2), m.group(3))
        if when:
            found.append((m.start(), when))
    return sorted(found, key=lambda x: x[0])


def first_date(text: str, within: int | None = None) -> dt.date | None:
    """The first date in ``text`` (starting within ``within`` characters, if given)."""
    found = find_dates(text)
    if found and (within is None or found[0][0] < within):
        return found[0][1]
    return None


def today_date(text: str) -> dt.date | None:
    """A date given as today's: ``اليوم [الخميس] 6-1-2022``."""
    norm = normalize_text(text)
    for start, when in find_dates(text):
        if _TODAY.search(norm[max(0, start - 40) : start]):
            return when
    return None


def parse_date(value: str) -> str | None:
    """A metadata date (ISO 8601, RFC 2822, a written date in Arabic or
    English) as ``YYYY-MM-DD``, or None when it is not a date."""
    text = value.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        pass
    when = first_date(text)
    if when is not None:
        return when.isoformat()
    import dateparser

    parsed = dateparser.parse(
        text,
        languages=["ar", "en", "fr"],
        settings={"DATE_ORDER": "DMY", "REQUIRE_PARTS": ["day", "month", "year"]},
    )
    return parsed.date().isoformat() if parsed is not None else None


def metadata_date(doc: Document, value: object, source: str) -> Document:
    """``doc`` with the date of its metadata ``value`` (JSONL ``date``, HTML
    meta) as ``date`` and ``meta['date_source']``; a value that is not a date
    is kept as ``meta['date_raw']`` and the dateline may still date the article."""
    if not isinstance(value, str) or not value.strip():
        return doc
    iso = parse_date(value)
    if iso is None:
        return replace(doc, meta={**doc.meta, "date_raw": value})
    return replace(doc, date=iso, meta={**doc.meta, "date_source": source})


def dateline_date(doc: Document) -> dt.date | None:
    """The date a cleaned article gives itself (see the module docstring)."""
    for stamp in (d.text for d in doc.decisions if d.rule == "timestamp"):
        when = first_date(stamp)
        if when is not None:
            return when
    for text in doc.paragraphs[:DATELINE_PARAGRAPHS]:
        when = first_date(text, within=DATELINE_CHARS)
        if when is not None:
            return when
    for text in doc.paragraphs:
        when = today_date(text)
        if when is not None:
            return when
    return None


def with_date(doc: Document) -> Document:
    """A cleaned ``doc`` dated by its dateline when its metadata gave no date."""
    if doc.date:
        return doc
    when = dateline_date(doc)
    if when is None:
        return doc
    return replace(doc, date=when.isoformat(), meta={**doc.meta, "date_source": "dateline"})
