"""Line tests for English news furniture: the same kinds (rule ids) as the Arabic
cleaner's :mod:`kzparallel.cleaning_rules`, with English patterns.

Each test looks at one normalised line. The language-neutral helpers (menu and
breadcrumb lines, comparison keys, headline suffixes) are the Arabic cleaner's own.
"""

from __future__ import annotations

import re

from kzparallel import cleaning_rules as R

# The rules the English cleaner uses: the Arabic cleaner's ids, one of them renamed
# ("non-arabic" is "non-latin" here: a line without any Latin letter).
RULES: dict[str, str] = {
    **{k: v for k, v in R.RULES.items() if k != "non-arabic"},
    "non-latin": "a line without any Latin letter (e.g. a line of Arabic, emoji or symbols)",
    "navigation": "site menu/navigation before the headline, menu and breadcrumb lines "
    "('Home | World | Sport'), bullet menu items, UI labels and share buttons",
    "photo-credit": "photo caption credit such as '(Photo: Reuters)', 'AP Photo/Evan Vucci', "
    "a short caption ending in '(Reuters)'",
    "marker": "a continuation or end marker such as '(More)', '(Continued)', '-30-', '(Ends)'",
    "source-credit": "'Source: agencies' or '(Reporting by ...; Editing by ...)' credit line "
    "(kept in meta['source_credit'])",
    "timestamp": "a line that is only a date/time ('Updated: 13 January 2022 10:50 PM')",
    "footer": "copyright / newsletter line ('© 2022 Reuters. All rights reserved.')",
    "byline": "author line such as 'By John Smith' (kept in meta['byline'])",
    "tags": "hashtag or keyword line ('#Kazakhstan #Russia', 'Tags: ...')",
    "comments": "comment-section label ('Comments', 'Leave a Reply')",
    "related-label": "'Read also' / 'Related stories' label, or such a label with the linked headline",
}

_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")
_ARABIC = re.compile(r"[\u0621-\u064A\u0671-\u06D3\u06FA-\u06FF\u0750-\u077F]")

_URL_LINE = re.compile(r"^[(<\[]?(?:https?://|ftp://|www\.)\S+[)>\]]?$", re.IGNORECASE)
_HANDLE = re.compile(r"^[(\[]?\s*@[A-Za-z0-9_.]{2,}\s*[)\]]?$")
_MARKER = re.compile(
    r"^[(\[]\s*(?:more|continued|to be continued|ends|end|follows|updates? \d*)\s*[)\]]$"
    r"|^[-–—]+\s*(?:30|end|ends|more)\s*[-–—]+$|^#{3}$",
    re.IGNORECASE,
)
_COUNTER = re.compile(r"^\d[\d,.]*\s*\S{0,12}$|^\S{0,12}\s*\d[\d,.]*$")
_AGENCY = (
    r"(?:AP|AFP|Reuters|Getty(?: Images)?|EPA(?:-EFE)?|Anadolu(?: Agency)?|Xinhua|Shutterstock|"
    r"Bloomberg|TASS|Sputnik|RIA Novosti|AFP via Getty Images|agencies|wires)"
)
_CREDIT_END = re.compile(rf"/\s*{_AGENCY}\s*\)?$", re.IGNORECASE)
_CREDIT_START = re.compile(
    r"^[(\[]?\s*(?:photo|photos|image|images|picture|file photo|credit|photograph|©)\s*[:/(]|"
    rf"^[(\[]?\s*{_AGENCY}\s+photo\b",
    re.IGNORECASE,
)
_CAPTION_AGENCY = re.compile(
    rf"[(\[]\s*{_AGENCY}(?:\s*[-/,]\s*[^()\[\]]{{1,30}})?\s*[)\]]$|[(\[]\s*(?:photo|file)\s*[)\]]$",
    re.IGNORECASE,
)
_SOURCE = re.compile(r"^(?:source|sources)\s*[:：]\s*(.{1,60})$", re.IGNORECASE)
_REPORTING = re.compile(
    r"^[(\[]?\s*((?:additional )?(?:reporting|writing|editing|compiled|produced) by\b[^()\[\]]{1,200})"
    r"[)\]]?\.?$",
    re.IGNORECASE,
)
_TIMESTAMP_PREFIX = re.compile(
    r"^(?:published|updated|last updated|posted|first published|date)\b\s*(?:on|at)?\s*[:：]?",
    re.IGNORECASE,
)
_DATE_WORDS = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
        "am",
        "pm",
        "a.m.",
        "p.m.",
        "gmt",
        "utc",
        "edt",
        "est",
        "bst",
        "cet",
        "ago",
        "hours",
        "hour",
        "minutes",
        "minute",
        "min",
        "mins",
        "at",
        "on",
        "of",
        "th",
        "st",
        "nd",
        "rd",
    ]
)
_BYLINE = re.compile(r"^(?:by|written by|words by|author)\s*[:：]?\s+(\S.{0,60})$", re.IGNORECASE)
_TAGS = re.compile(r"^(?:#\S+\s*)+$|^(?:tags|topics|keywords|filed under)\s*[:：]", re.IGNORECASE)
_FOOTER = re.compile(
    r"©|\(c\)\s*\d{4}|copyright\b|all rights reserved|newsletter|sign up (?:for|to)|"
    r"subscribe (?:to|for|now)|terms of (?:use|service)|privacy policy|cookie",
    re.IGNORECASE,
)
_COPYRIGHT = re.compile(r"^©|^\(c\)|^copyright\b|all rights reserved", re.IGNORECASE)
_FOLLOW = re.compile(r"^follow (?:us|me)\b.{0,40}$", re.IGNORECASE)
_SHARE = re.compile(
    r"^(?:share|share this|share this (?:article|story|page)|share on \w+|email|print|"
    r"tweet|whatsapp|facebook|twitter|linkedin|telegram|copy link)\s*[:：]?$",
    re.IGNORECASE,
)
UI_LABELS = frozenset(
    [
        "live",
        "breaking",
        "share",
        "save",
        "print",
        "email",
        "e-mail",
        "copy",
        "link",
        "advertisement",
        "advert",
        "ad",
        "facebook",
        "twitter",
        "whatsapp",
        "telegram",
        "youtube",
        "instagram",
        "linkedin",
        "messenger",
        "reddit",
        "home",
        "menu",
        "search",
        "subscribe",
        "login",
        "log",
        "in",
        "sign",
        "video",
        "videos",
        "photos",
        "gallery",
        "watch",
        "listen",
        "news",
        "world",
        "sport",
        "sports",
        "business",
        "opinion",
        "more",
        "close",
        "skip",
        "to",
        "content",
        "main",
    ]
)
UI_PHRASES = frozenset(
    {
        "skip to main content",
        "skip to content",
        "contact us",
        "about us",
        "privacy policy",
        "most read",
        "most popular",
        "recommended",
        "advertisement",
        "scroll to continue",
        "continue reading",
        "listen to this article",
    }
)
_COMMENTS = re.compile(
    r"^(?:comments?|\d+ comments?|leave a (?:reply|comment)|reply|"
    r"join the conversation|show comments|add a comment)\s*[:：]?$",
    re.IGNORECASE,
)
_RELATED_LABEL = re.compile(
    r"^(?:read (?:also|more|next)|see also|also read|related(?: (?:stories|articles|news|coverage|"
    r"content|topics))?|more (?:stories|on this story|from \w+)|you may also like|"
    r"recommended|most read|most popular|top stories|latest news|watch)\s*[:：]?$",
    re.IGNORECASE,
)
_RELATED_LINK = re.compile(
    r"^(?:read (?:also|more|next)|see also|also read|related)\s*[:：-]\s*(\S.*)$", re.IGNORECASE
)


def latin_letters(text: str) -> int:
    return len(_LATIN.findall(text))


def arabic_letters(text: str) -> int:
    return len(_ARABIC.findall(text))


def words(line: str) -> list[str]:
    return line.split()


def is_prose(line: str) -> bool:
    """A body paragraph: ends like a sentence and has a few words, or is long."""
    n = len(words(line))
    return (n >= 6 and R.SENTENCE_END.search(line) is not None) or n >= 25


def line_rule(line: str) -> tuple[str, str] | None:
    """``(rule, detail)`` when a line is English furniture by itself, else None."""
    if _URL_LINE.match(line):
        return "url", ""
    if _HANDLE.match(line):
        return "social-handle", ""
    if not R.has_letters(line):
        return "counter", "no words"
    body, bullet = R.strip_bullet(line)
    if _COUNTER.match(body) and len(words(body)) <= 2 and not _LATIN.search(body[:1]):
        return "counter", ""
    if latin_letters(line) == 0:
        return "non-latin", ""
    if _MARKER.match(line.strip()):
        return "marker", ""
    if is_photo_credit(line):
        return "photo-credit", ""
    m = _SOURCE.match(line)
    if (m and len(words(m.group(1))) <= 4) or _REPORTING.match(line):
        return "source-credit", ""
    if is_timestamp(line):
        return "timestamp", ""
    short_footer = _FOOTER.search(line) is not None and len(words(line)) <= 15
    if short_footer and (not is_prose(line) or _COPYRIGHT.search(line)):
        return "footer", ""
    if _TAGS.match(line) and len(words(line)) <= 20:
        return "tags", ""
    m = _BYLINE.match(line)
    if m and len(words(m.group(1))) <= 6 and not R.TERMINAL.search(line):
        return "byline", ""
    if is_ui_label(body):
        return "navigation", "UI label"
    if R.is_menu_line(body):
        return "navigation", R.MENU_LINE
    if bullet and len(words(body)) <= 8 and not R.TERMINAL.search(body):
        return "navigation", R.BULLET_ITEM
    return None


def is_photo_credit(line: str) -> bool:
    n = len(words(line))
    if n > 15:
        return False
    if _CREDIT_END.search(line) or (_CREDIT_START.match(line) and n <= 12):
        return True
    if _CAPTION_AGENCY.search(line) and not R.TERMINAL.search(line[: line.rfind("(")].rstrip()):
        return True  # "Russian troops arrive at Almaty airport (Reuters)"
    parts = [p.strip() for p in line.split(" / ")]
    return len(parts) >= 3 and re.fullmatch(r"[A-Za-z][A-Za-z .'-]*", parts[-1]) is not None


def is_timestamp(line: str) -> bool:
    if _TIMESTAMP_PREFIX.match(line) and re.search(r"\d", line) and len(words(line)) <= 14:
        return True
    tokens = re.findall(r"[^\W\d_]+(?:\.[^\W\d_]+\.)?", line.casefold())
    return bool(re.search(r"\d", line)) and all(t in _DATE_WORDS for t in tokens)


def is_ui_label(line: str) -> bool:
    """A widget label: 'Follow us on ...', 'Share this article', a known phrase, or
    only widget words ('Facebook Twitter WhatsApp')."""
    if _FOLLOW.match(line) or _SHARE.match(line):
        return True
    low = line.casefold().strip(" :")
    tokens = words(low.replace("|", " "))
    return low in UI_PHRASES or (0 < len(tokens) <= 8 and all(t in UI_LABELS for t in tokens))


def is_comments_label(line: str) -> bool:
    return _COMMENTS.match(line.strip()) is not None


def is_related_label(line: str) -> bool:
    """A label such as 'Read also:' or 'Related stories' (a list of other headlines follows)."""
    return _RELATED_LABEL.match(line.strip()) is not None


def is_related_link(line: str) -> bool:
    """A label with the linked headline after it: 'Read more: Russia warns against ...'."""
    m = _RELATED_LINK.match(line.strip())
    return m is not None and len(words(line)) <= 25


def byline(line: str) -> str | None:
    m = _BYLINE.match(line)
    return m.group(1).strip() if m else None


def source_credit(line: str) -> str | None:
    m = _SOURCE.match(line)
    if m:
        return m.group(1).strip()
    m = _REPORTING.match(line)
    return m.group(1).strip() if m else None
