"""The date of an article, as an ISO day (``YYYY-MM-DD``), and where it came from.

The date chooses the forms of dated glossary entries (a renamed capital:
see :meth:`kzparallel.glossary.Glossary.on`). Sources, first found wins, named
in ``meta['date_source']``:

1. ``jsonl`` — the record's ``date`` field (ISO 8601, RFC 2822, "11 January
   2022", an Arabic date …);
2. ``html`` — the page's publication date as trafilatura's metadata
   extraction finds it (``article:published_time``, ``og:``/``itemprop``
   ``datePublished``, JSON-LD, …);
3. ``dateline`` — in the cleaned text: the first date in a dropped time-stamp
   line, or one that starts within the first 100 characters of one of the
   first two body paragraphs, where datelines stand (``( سبوتنيك - 11 كانون
   الثاني 2022)``; a date further on is more likely an event's), else a date
   given as today's anywhere (``اليوم الخميس 6-1-2022``);
4. ``text`` — the latest date the title and body mention, a day or a month
   with its year (``في سبتمبر 2022``). An article is written on or after the
   days it reports, so the latest one is the nearest to its own. A month
   without its day counts as its last day: an article names a month that way
   when it looks back on it (within the month it gives the day). A date
   announced as to come (``من المقرر … في 20 نوفمبر 2022``) is skipped. Dates
   before :data:`TEXT_SINCE` are not used: every form the glossary's dated
   entries take without a date (January 2022) holds after them, and they are
   most often history (independence in 1991, Zhanaozen in December 2011).

Arabic dates are a day, a month name and a four-digit year in any digits
(Arabic-Indic too), or numeric day-month-year / year-month-day. Month names
of the three sets in use are known: Levantine/Iraqi (كانون الثاني, شباط,
آذار …), Egyptian/Gulf (يناير, فبراير, مارس …) and Maghrebi (جانفي, فيفري,
أفريل …); ``6 يناير/كانون الثاني 2022`` (both names) is one date. Without
any of these the article has no date (``None``): each dated glossary entry then
takes its own ``en``, and the build report lists the documents where it did.
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
# a month and its year without a day: في سبتمبر 2022, شهر أيلول/سبتمبر من عام 2022
_MONTH_YEAR = re.compile(
    rf"(?<![\w\d])(?:شهر\s+)?({_MONTH})(?:\s*[/(]\s*(?:{_MONTH})\s*\)?)?"
    rf"\s*[,،]?\s*(?:من\s+)?(?:عام\s+|سنه\s+)?(\d{{4}})(?!\d)"
)
# a date announced as to come: the words just before it
_FUTURE = re.compile(
    r"(?:المقرر|المزمع|المرتقب|المنتظر|اعتبارا من|ابتداء من)\S*\s+(?:\S+\s+){0,8}$"
)
FUTURE_CHARS = 80  # how far before a date the words announcing it may stand
DATELINE_PARAGRAPHS = 2
DATELINE_CHARS = 100  # a dateline's date starts this close to the paragraph's start
YEARS = (1900, 2100)
# text dates before this day are not used (see the module docstring): the first
# change of the shipped glossary's dated forms (the capital, 2019-03-20)
TEXT_SINCE = dt.date(2019, 3, 20)


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


def _month_end(year: str, month: int) -> dt.date | None:
    first = _day(year, month, "1")
    if first is None:
        return None
    following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def find_months(text: str) -> list[tuple[int, dt.date]]:
    """Every month named with its year but without a day in ``text``, as the
    month's last day (normalised offsets, text order)."""
    norm = normalize_text(text)
    found: list[tuple[int, dt.date]] = []
    for m in _MONTH_YEAR.finditer(norm):
        before = norm[max(0, m.start() - 12) : m.start()]
        if re.search(r"\d\s*(?:من\s+)?(?:شهر\s+)?$", before):
            continue  # a day stands before it: find_dates has the whole date
        when = _month_end(m.group(2), MONTHS[m.group(1)])
        if when:
            found.append((m.start(), when))
    return found


def mentioned_dates(text: str) -> list[tuple[int, dt.date]]:
    """The dates ``text`` mentions as past or present: days and months with
    their year, without those announced as to come (normalised offsets)."""
    norm = normalize_text(text)
    found = sorted(find_dates(text) + find_months(text))
    return [(start, when) for start, when in found if not _upcoming(norm, start)]


def _upcoming(norm: str, start: int) -> bool:
    """The date at ``start`` of normalised text is announced as to come."""
    return _FUTURE.search(norm[max(0, start - FUTURE_CHARS) : start]) is not None


def first_date(text: str, within: int | None = None) -> dt.date | None:
    """The first date in ``text`` (starting within ``within`` characters, if given)
    that is not announced as to come."""
    norm = normalize_text(text)
    found = [(start, when) for start, when in find_dates(text) if not _upcoming(norm, start)]
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


def text_date(doc: Document) -> dt.date | None:
    """The latest date a cleaned article mentions, from :data:`TEXT_SINCE` on
    (see the module docstring), or None."""
    days = [when for text in doc.blocks() for _, when in mentioned_dates(text)]
    days = [when for when in days if when >= TEXT_SINCE]
    return max(days) if days else None


def with_date(doc: Document) -> Document:
    """A cleaned ``doc`` dated by its dateline, else by the dates in its text,
    when its metadata gave no date."""
    if doc.date:
        return doc
    for source, find in (("dateline", dateline_date), ("text", text_date)):
        when = find(doc)
        if when is not None:
            meta = {**doc.meta, "date_source": source}
            return replace(doc, date=when.isoformat(), meta=meta)
    return doc
