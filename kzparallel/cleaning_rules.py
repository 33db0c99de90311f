"""Pattern tables and single-line tests used by :mod:`kzparallel.cleaning`.

Every test looks at one normalised line and is keyed to a pattern of scraped
news pages (menus, credits, widgets, footers), not to the text of one site.
"""

from __future__ import annotations

import re
import unicodedata

from kzparallel.arabic import has_arabic

# Rule ids (shown by ``clean --explain``) and what they mean — the README table.
RULES: dict[str, str] = {
    "navigation": "site menu/navigation before the headline, menu and breadcrumb lines "
    "('الرئيسية | أخبار | رياضة'), bullet menu items, UI labels and share buttons",
    "repeated-headline": "the headline again (also with a ' | section' suffix or emoji)",
    "title-suffix": "' | section/site' suffix removed from the headline",
    "photo-credit": "photo caption credit such as '... / Evan Vucci / AP'",
    "social-handle": "a bare social-media handle such as '(@FahadShabbir)'",
    "url": "a bare URL on its own line",
    "marker": "a continuation marker such as '(تستمر)' or '(يتبع)'",
    "counter": "emoji, bullet or counter line without words ('• 31', '54 خبر')",
    "non-arabic": "a line without any Arabic letter ('Leave a Reply', 'Stories')",
    "source-credit": "'المصدر: وكالات' attribution line (kept in meta['source_credit'])",
    "timestamp": "a line that is only a date/time ('آخر تحديث: ...')",
    "footer": "copyright / newsletter / site footer line",
    "byline": "author line such as 'كتب: ...' / 'بقلم ...' (kept in meta['byline'])",
    "tags": "hashtag or keyword line ('#كازاخستان #روسيا', 'الكلمات الدالة: ...')",
    "comments": "comment-section label ('التعليقات', 'أفكارك وتعليقاتك')",
    "related-label": "'اقرأ أيضا' / 'مواضيع ذات صلة' style label, or such a label with the linked headline",
    "related-headlines": "list of other headlines after a comments/related label",
    "duplicate": "the same text as an earlier line",
    "truncated-copy": "a copy of earlier (or later) text cut off with '…' or '...'",
    # furniture told by shape and place (kzparallel.cleaning_furniture)
    "title-prefix": "a site's or section's name, a media label ('فيديو..') or an update "
    "marker removed from the start of the headline",
    "caption": "photo caption: a short label without a verb or a stop just before the body "
    "or after a photo or source credit, or a caption the page repeats before the body",
    "section-label": "a news section's label outside the body ('أخبار سياسة', 'عربي ودولي'), "
    "a one- or two-word label after the body, 'خاص بـ...'",
    "promo": "follow-us / subscribe / download-the-app promotion ('تابعونا على تيليجرام') "
    "or newsletter prompt",
    "share": "share, copy-link, print, font-size, rating or search-box widget ('انسخ الرابط')",
    "masthead": "the site's masthead ('رئيس التحرير', 'رئيس مجلس الإدارة') and the name under it",
    "dateline": "a dateline on a line of its own ('القاهرة - واس', 'موسكو (د ب أ)'); a dateline "
    "that starts the lead sentence stays in it",
}

# Decision rules that edit a kept line (the headline) instead of dropping it.
EDIT_RULES: frozenset[str] = frozenset({"title-prefix", "title-suffix"})


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


BULLET_ITEM = "bullet menu item"
_NON_WORD = re.compile(r"[\W_]+")
BULLETS = "•·▪▫►▶◄◆◇■□●○‣⁃➤➢✓✔*-–—"
ELLIPSIS = re.compile(r"(?:…|\.{2,})\s*$")
TERMINAL = re.compile(r"[.۔:!?؟…][\"'”’»)\]]*$")
SENTENCE_END = re.compile(r"[.۔:][\"'”’»)\]]*$")

_URL_LINE = re.compile(r"^[(<\[]?(?:https?://|ftp://|www\.)\S+[)>\]]?$", re.IGNORECASE)
_HANDLE = re.compile(r"^[(\[]?\s*@[A-Za-z0-9_.]{2,}\s*[)\]]?$")
_MARKER = re.compile(r"^[(\[]\s*[^()\[\]\d]{1,25}?\s*[)\]]$|^[-–—*]+\s*\S+\s*[-–—*]+$")
_COUNTER = re.compile(r"^\d[\d,.]*\s*\S{0,12}$|^\S{0,12}\s*\d[\d,.]*$")
_SOURCE = re.compile(r"^(?:المصدر|مصدر|المصادر|Source)\s*[:：]\s*(.{1,60})$", re.IGNORECASE)
_AGENCY = r"(?:AP|AFP|Reuters|Getty(?: Images)?|EPA|Anadolu|Xinhua|Shutterstock|Bloomberg|رويترز|أ ف ب|ا ف ب|فرانس برس|أسوشيتد برس|الأناضول|شينخوا|وكالات)"
_CREDIT_END = re.compile(rf"/\s*{_AGENCY}\s*\)?$", re.IGNORECASE)
_CAPTION_AGENCY = re.compile(
    rf"[(\[]\s*(?:{_AGENCY}|الفرنسية|الأوروبية|غيتي|مواقع التواصل|مواقع التواصل الاجتماعي|أرشيف|أرشيفية)"
    r"(?:\s*[-/،,]\s*[^()\[\]]{1,30})?\s*[)\]]$",
    re.IGNORECASE,
)
# a line that is only a numeric date and time: "07/01/2022", "2019-06-10 09:12:23"
_NUMERIC_DATE = re.compile(
    r"^[\W_]*\d{1,4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,4}(?:\s*[,،-]?\s*\d{1,2}:\d{2}(?::\d{2})?)?[\W_]*$"
)
_NUMBER_ENDING_A_SENTENCE = re.compile(r"^\d[\d,.]*[.۔][\"'”’»)]*$")
_TIMESTAMP_PREFIX = re.compile(
    r"^(?:آخر تحديث|تاريخ النشر|تاريخ التحديث|نشر في|نُشر في|تم النشر|Published|Updated|Last updated)\b",
    re.IGNORECASE,
)
_BYLINE = re.compile(
    r"^(?:(?:كتب|كتبت|إعداد|اعداد|تحرير|ترجمة|تقرير|Written by)\s*[:：]|(?:بقلم|By)\s*[:：]?)"
    r"\s*(\S.{0,40})$",
    re.IGNORECASE,
)
_TAGS = re.compile(
    r"^(?:#\S+\s*)+$|^(?:الكلمات الدالة|الكلمات المفتاحية|كلمات مفتاحية|الوسوم|وسوم|Tags)\s*[:：]",
    re.IGNORECASE,
)
_FOLLOW = re.compile(r"^(?:تابعونا|تابعنا|تابعوا|تابعونا الآن)(?:\s+(?:على|عبر)\b.{0,30})?$")
_FOOTER = re.compile(
    r"حقوق\s+(?:الطبع\s+|النشر\s+)?(?:والنشر\s+)?محفوظة|©|all rights reserved|"
    r"اشترك في (?:النشرة|نشرتنا|قناتنا)|النشرة البريدية|سجل بريدك|newsletter",
    re.IGNORECASE,
)
_CREDIT_START = re.compile(
    r"^[(\[]?\s*(?:صورة|الصورة|صور|تصوير|مصدر الصورة|حقوق الصورة|Photo|Image|Credit|©)\b",
    re.IGNORECASE,
)
_COMMENTS = re.compile(r"تعليق|comment|leave a reply|reply", re.IGNORECASE)
_RELATED = re.compile(
    r"اقرأ|إقرأ|ذات صلة|الأكثر|المزيد|شاهد أيضا|شاهد أيضاً|قد يعجبك|قد يهمك|ننصحك|لا تفوت|متعلقة|"
    r"وسوم|الكلمات المفتاحية|"
    r"read more|related|most read|more stories|tags",
    re.IGNORECASE,
)
# A menu or breadcrumb line: 3+ short items between separators.
_MENU_SEPARATOR = re.compile(r"\s*[|｜•·»›«‹>/]\s*|\s+[-–—]\s+")
MENU_LINE = "menu line"
_SHARE = re.compile(
    r"^(?:شارك|شاركوا|شاركي|مشاركة|انشر|Share)(?:\s+(?:هذا|هذه|المقال|المقالة|الخبر|الموضوع|"
    r"الصفحة|على|عبر|مع|أصدقائك|اصدقائك|الآن|this|article|story|on))*\s*[:：]?$",
    re.IGNORECASE,
)
# Labels of site UI widgets (share buttons, live tickers, follow boxes).
UI_LABELS = _wordset(
    "مباشر عاجل شارك حفظ نسخ أرسل إرسال المزيد إعلان اعلان "
    "مشاركة طباعة تويتر فيسبوك واتساب تيليجرام تلغرام يوتيوب انستغرام إنستغرام لينكدإن "
    "ماسنجر بريد الرئيسية "
    "تابعنا تابعونا الأقسام فيديوهات فيديو صور الأخبار أخبار"
)
UI_PHRASES = frozenset(
    {
        "بث مباشر",
        "الصفحة الرئيسية",
        "اتصل بنا",
        "من نحن",
        "سياسة الخصوصية",
        "أين يمكنك متابعتنا",
        "أقسام مهمة",
        "تابعنا على",
    }
)
_DATE_WORDS = _wordset(
    "يناير فبراير مارس أبريل إبريل مايو يونيو يوليو أغسطس سبتمبر "
    "أكتوبر نوفمبر ديسمبر كانون الثاني الأول شباط آذار نيسان أيار "
    "حزيران تموز آب أيلول تشرين السبت الأحد الاثنين الإثنين الثلاثاء "
    "الأربعاء الخميس الجمعة ص م صباحا مساء صباحاً مساءً الساعة "
    "بتوقيت غرينتش GMT آخر تحديث تحديث نشر في AM PM"
)


def words(line: str) -> list[str]:
    return line.split()


def has_letters(line: str) -> bool:
    return any(unicodedata.category(ch).startswith("L") for ch in line)


def strip_bullet(line: str) -> tuple[str, bool]:
    """The line without a leading bullet; True when there was one."""
    stripped = line.lstrip(BULLETS + " ")
    return stripped, stripped != line and line[:1] in BULLETS


def key(line: str) -> str:
    """Comparison key: without bullets, symbols/emoji, punctuation, diacritics, case."""
    return " ".join(_NON_WORD.sub(" ", strip_bullet(line)[0].casefold()).split())


def headline_key(line: str) -> str:
    """Key of a headline without a trailing ' | section' part."""
    return key(split_title_suffix(line)[0])


def split_title_suffix(line: str) -> tuple[str, str]:
    """``"Headline | Section 📰"`` -> ``("Headline", "| Section 📰")``; else ``(line, "")``."""
    m = re.match(r"^(.*\S)\s+[|｜]\s*([^|｜]{1,40})$", line)
    if m and len(words(m.group(2))) <= 5 and len(words(m.group(1))) >= 2:
        return m.group(1), line[len(m.group(1)) :].strip()
    return line, ""


def strip_trailing_symbols(line: str) -> tuple[str, str]:
    """Remove trailing emoji/symbols (category S*) from a headline."""
    end = len(line)
    while end and (unicodedata.category(line[end - 1]).startswith("S") or line[end - 1].isspace()):
        end -= 1
    return line[:end], line[end:].strip()


def is_prose(line: str) -> bool:
    """A body paragraph: ends like a sentence and has a few words, or is long."""
    n = len(words(line))
    return (n >= 6 and SENTENCE_END.search(line) is not None) or n >= 25


def line_rule(line: str) -> tuple[str, str] | None:
    """``(rule, detail)`` when a line is boilerplate by itself, else None."""
    if _URL_LINE.match(line):
        return "url", ""
    if _HANDLE.match(line):
        return "social-handle", ""
    if not has_letters(line):
        if _NUMERIC_DATE.match(line):
            return "timestamp", ""
        if _NUMBER_ENDING_A_SENTENCE.match(line):
            return None  # "1992." : the end of a hard-wrapped sentence
        return "counter", "no words"
    body, bullet = strip_bullet(line)
    if _COUNTER.match(body) and len(words(body)) <= 2:
        return "counter", ""
    if not has_arabic(line):
        return "non-arabic", ""
    if is_photo_credit(line):
        return "photo-credit", ""
    if _MARKER.match(line) and len(words(line)) <= 3 and not TERMINAL.search(line.strip("()[]")):
        return "marker", ""
    m = _SOURCE.match(line)
    if m and len(words(m.group(1))) <= 4:
        return "source-credit", ""
    if is_timestamp(line):
        return "timestamp", ""
    if _FOOTER.search(line) and len(words(line)) <= 15 and not is_prose(line):
        return "footer", ""
    if _TAGS.match(line) and len(words(line)) <= 20:
        return "tags", ""
    m = _BYLINE.match(line)
    if m and len(words(m.group(1))) <= 5 and not TERMINAL.search(line):
        return "byline", ""
    if is_ui_label(body):
        return "navigation", "UI label"
    if is_menu_line(body):
        return "navigation", MENU_LINE
    if bullet and len(words(body)) <= 8 and not TERMINAL.search(body):
        return "navigation", BULLET_ITEM
    return None


def is_photo_credit(line: str) -> bool:
    n = len(words(line))
    if n > 15:
        return False
    if _CREDIT_END.search(line) or (_CREDIT_START.match(line) and n <= 12):
        return True
    if _CAPTION_AGENCY.search(line) and not TERMINAL.search(line[: line.rfind("(")].rstrip()):
        return True  # "جنود روس لدى وصولهم إلى مطار ألماتي (رويترز)"
    # "caption / First Last / AGENCY" : two or more slashes, Latin name parts
    parts = [p.strip() for p in line.split(" / ")]
    return len(parts) >= 3 and re.fullmatch(r"[A-Za-z][A-Za-z .'-]*", parts[-1]) is not None


def is_timestamp(line: str) -> bool:
    if _TIMESTAMP_PREFIX.match(line) and re.search(r"\d", line) and len(words(line)) <= 14:
        return True
    tokens = re.findall(r"[^\W\d_]+", re.sub(r"\([^()]*\)", " ", line))
    return bool(re.search(r"\d", line)) and all(t in _DATE_WORDS for t in tokens)


def is_ui_label(line: str) -> bool:
    """A widget label: 'تابعونا على ...', 'شارك هذا المقال:', a known phrase, or
    only widget words ('فيسبوك تويتر واتساب')."""
    if _FOLLOW.match(line) or _SHARE.match(line):
        return True
    tokens = words(line.replace("|", " "))
    return line in UI_PHRASES or (0 < len(tokens) <= 8 and all(t in UI_LABELS for t in tokens))


def is_menu_line(line: str) -> bool:
    """Site menu or breadcrumb: 3+ items of at most 3 words between separators
    (| • · » › / or a spaced dash) and no sentence punctuation."""
    if TERMINAL.search(line):
        return False
    items = [i for i in _MENU_SEPARATOR.split(line) if i.strip()]
    return len(items) >= 3 and all(len(words(i)) <= 3 for i in items)


def is_comments_label(line: str) -> bool:
    return (
        len(words(line)) <= 4 and _COMMENTS.search(line) is not None and not TERMINAL.search(line)
    )


_RELATED_LINK = re.compile(
    r"^(?:اقرأ|إقرأ|اقرا)\s+(?:أيضا|أيضاً|ايضا|ايضاً|المزيد)|^(?:شاهد|طالع)\s+(?:أيضا|أيضاً|ايضا)|"
    r"^(?:مواضيع|أخبار|اخبار)\s+(?:ذات صلة|متعلقة)|^(?:read also|see also|related)\b",
    re.IGNORECASE,
)


def is_related_label(line: str) -> bool:
    """A label such as 'اقرأ أيضا:' or 'مواضيع ذات صلة' (a list of other headlines follows)."""
    return len(words(line)) <= 4 and _RELATED.search(line) is not None and not is_prose(line)


def is_related_link(line: str) -> bool:
    """A label with the linked headline after it: 'اقرأ أيضا: روسيا تحذر من التدخل الأجنبي'."""
    m = _RELATED_LINK.match(line)
    rest = line[m.end() :].strip(" :：-–—|»") if m else ""
    return bool(rest) and len(words(line)) <= 20 and not line.rstrip().endswith(".")


def byline(line: str) -> str | None:
    m = _BYLINE.match(line)
    return m.group(1).strip() if m else None


def source_credit(line: str) -> str | None:
    m = _SOURCE.match(line)
    return m.group(1).strip() if m else None
