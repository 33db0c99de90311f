"""Word shapes that tell page furniture from article text, for
:mod:`kzparallel.cleaning_furniture`.

Everything here looks at one line, matched on its folded form
(:func:`kzparallel.arabic.normalize_text`: alef forms, ``ى``/``ي``, ``ة``/``ه``,
diacritics and tatweel folded), so a pattern written once covers the spellings
sites use. The vocabularies are of kinds of things, the same on every site: news
agencies, the names of news sections and media labels, the social networks and apps
of promos, the verbs of news prose. None of them lists one site's menu.

* :func:`has_clause_shape` — does the line read like a clause (a verb, or a word
  that only a clause has)? When in doubt it says yes: the furniture rules drop
  only lines that do not.
* :func:`ends_like_a_sentence` — a full stop at the end (closing quotes and a
  trailing agency credit in parentheses aside).
* :func:`is_sentence` — the guard of every furniture rule: a line of 12+ words
  ending in a full stop, or of 25+ words, is article text whatever its first words.
"""

from __future__ import annotations

import re

from kzparallel.arabic import normalize_text as fold
from kzparallel.dating import MONTHS, find_dates

GUARD_WORDS = 12  # a line this long that ends with a full stop is never furniture
LONG_LINE = 25  # a line this long is never furniture


def _fa(pattern: str) -> str:
    """A pattern written in ordinary spelling, folded as the lines it is matched
    against are (its ASCII regex syntax untouched)."""
    return "".join(fold(c) if ord(c) > 127 else c for c in pattern)


def _re(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(_fa(pattern), flags)


def light_fold(text: str) -> str:
    """:func:`fold` that keeps ``ة`` (a noun's ending, which ``ه`` is not always)."""
    return fold(text.replace("ة", "\ue000")).replace("\ue000", "ة")


_CLOSERS = "\"'”’»)\\]}"
FULL_STOP = re.compile(rf"[.۔!…][{_CLOSERS}]*$")
# any end punctuation of a line that says "more follows or this is a sentence"
TERMINAL = re.compile(rf"[.۔:!?؟…][{_CLOSERS}]*$")
_TRAILING_CREDIT = re.compile(r"\s*[(\[][^()\[\]]{1,30}[)\]]\s*$")
_DIGIT = re.compile(r"\d")
_LETTERS = re.compile(r"[^\W\d_]+")


def words(line: str) -> list[str]:
    return line.split()


def folded_words(line: str) -> list[str]:
    """The line's words, folded, without the punctuation around them."""
    return _LETTERS.findall(fold(line))


def ends_like_a_sentence(line: str) -> bool:
    """A full stop at the end; a credit in parentheses after it does not count
    (``... المقبل. (رويترز)`` ends like a sentence)."""
    return FULL_STOP.search(_TRAILING_CREDIT.sub("", line)) is not None


def is_sentence(line: str) -> bool:
    """Article text by its length: 12+ words and a final full stop, or 25+ words."""
    n = len(words(line))
    return (n >= GUARD_WORDS and ends_like_a_sentence(line)) or n >= LONG_LINE


def has_digit(line: str) -> bool:
    return _DIGIT.search(line) is not None


def _folded_set(text: str) -> frozenset[str]:
    return frozenset(fold(w) for w in text.split())


# Words only a clause has: particles before a verb or a sentence, relative pronouns,
# auxiliaries, question words.
CLAUSE_WORDS = _folded_set(
    "إن أن أنه أنها إنه إنها لأن قد لقد لم لن سوف كان كانت كانوا يكون تكون تم يتم "
    "ليس ليست هناك الذي التي الذين اللذين اللتين حيث عندما بينما إذا لكن كي لكي "
    "ماذا لماذا كيف هل هو هي هم"
)
# Frequent verbs of news prose in the past tense (forms with ت/ا/وا/تا/ن are accepted).
PAST_VERBS = _folded_set(
    "قال أعلن أكد أشار دعا وصل بدأ قرر زار شارك التقى استقبل اعتبر كشف نفى طالب "
    "رفض وافق حذر اتهم شهد جاء عاد صرح أضاف أوضح أفاد ذكر نقل بحث وقع فاز خسر قتل "
    "أصيب توفي أعرب أبدى أجرى عقد ترأس غادر اتفق ناقش اجتمع انطلق اندلع تظاهر هاجم "
    "اعتقل نشر بث ظهر أظهر أصدر منح فرض ألغى رحب ندد أدان طلب أرسل سحب انسحب دخل "
    "خرج تولى استقال أقال عين انتخب فقد حقق سجل أطلق تلقى قدم أعاد بلغ ارتفع انخفض "
    "تراجع صعد هبط سقط وقعت أصبح صار ظل بات حمل وجه أمر أجاب رد واصل تابع أبلغ أشاد "
    "انتقد حث تعهد أقر اقترح قاد ضم شمل أنهى أنشأ أسس افتتح دشن شن نفذ سيطر استعاد "
    "حرر أسقط دمر اغتال خطف أفرج سلم تسلم اشترك انضم أكمل كتب"
)
_PAST_SUFFIXES = ("", "ت", "ا", "وا", "تا", "ن", "نا")
_MONTHS = _folded_set("يناير يونيو يونيه يوليو يوليه نوفمبر نيسان تموز تشرين")
_MONTH_WORDS = frozenset(w for name in MONTHS for w in name.split())
# an imperfect verb: (و|ف)? (س)? ي/ت/ن + at least two letters
_IMPERFECT = re.compile(r"^[وف]?س?[يتن][^\W\d_]{2,}$")
# endings of nouns, not verbs (ة kept by light_fold): -ة (-ية), -ات, names in -يف/-وف
_NOUN_ENDINGS = ("ة", "ات", "يف", "وف")


def _is_verb(word: str) -> bool:
    """``word``: one word folded by :func:`light_fold`."""
    full = word.replace("ة", "ه")
    bare = word[1:] if word[:1] in "وف" and len(word) > 3 else word
    bare_full = bare.replace("ة", "ه")
    if any(bare_full == v + s or full == v + s for v in PAST_VERBS for s in _PAST_SUFFIXES):
        return True
    if bare.startswith("ال") or bare_full in _MONTHS or len(bare) > 8:
        return False
    if _IMPERFECT.match(word) and not bare.endswith(_NOUN_ENDINGS):
        return True
    # a past verb with the feminine -ت (أقرت، وصلت; not -ات plurals)
    if 4 <= len(bare) <= 6 and bare.endswith("ت") and not bare.endswith("ات"):
        return True
    # استفعل (استقال، استقبل; not استقرار, استقالة)
    return (
        bare.startswith("است") and 5 <= len(bare) <= 7 and not bare.endswith((*_NOUN_ENDINGS, "ار"))
    )


_INNER_STOP = re.compile(r"(?<![.])[.؟?!](?![.])\s+\S")


def has_inner_stop(line: str) -> bool:
    """A sentence ends inside the line (``..`` and ``…`` are separators, not stops)."""
    return _INNER_STOP.search(line) is not None


def has_clause_shape(line: str) -> bool:
    """Does the line read like a clause? A clause word, a verb-shaped word, or an
    inner full stop (``... الخميس. وقال ...``). When in doubt: yes."""
    if has_inner_stop(line):
        return True
    tokens = _LETTERS.findall(light_fold(line))
    return any(t.replace("ة", "ه") in CLAUSE_WORDS or _is_verb(t) for t in tokens)


def starts_with_and_verb(line: str) -> bool:
    """The line opens with 'and/so' + a verb (``وأكد``, ``وتستمر``, ``فقال``): it
    goes on with the article; a headline does not start so."""
    tokens = _LETTERS.findall(light_fold(line))
    return bool(tokens) and tokens[0][:1] in "وف" and len(tokens[0]) > 3 and _is_verb(tokens[0])


def _alternatives(names: str) -> str:
    """A regex alternation of ``|``-separated names, folded, longest first, with any
    run of spaces or dots between letters of an abbreviation (``أ ف ب``, ``د.ب.أ``)."""
    out = set()
    for name in names.split("|"):
        name = fold(name.strip())
        if not name:
            continue
        parts = re.split(r"[\s.]+", name)
        out.add(r"[\s.]*".join(re.escape(p) for p in parts if p))
    return "|".join(sorted(out, key=len, reverse=True))


# News agencies and wire labels (their usual Arabic and Latin names).
AGENCIES = _alternatives(
    "واس|قنا|وام|كونا|بنا|سانا|سبأ|أ ش أ|أ ف ب|د ب أ|رويترز|سبوتنيك|تاس|نوفوستي|"
    "ريا نوفوستي|إنترفاكس|الأناضول|وكالة الأناضول|شينخوا|إرنا|فارس|تسنيم|أسوشيتد برس|"
    "أسوشييتد برس|يونايتد برس|فرانس برس|الفرنسية|وكالات|الوكالات|مراسلنا|مراسلها|"
    "بترا|العمانية|وفا|معا|كازينفورم|قدس برس|يونهاب|كيودو|و م ع|واج|تونس إفريقيا للأنباء|"
    "AFP|AP|Reuters|DPA|Xinhua|TASS|Sputnik|Anadolu|Interfax|IRNA|WAM|SPA|QNA|KUNA|MENA"
)
AGENCY_LINE = re.compile(rf"^[(\[{{«]?\s*(?:{AGENCIES})\s*[)\]}}»]?\s*[.:]?$", re.IGNORECASE)
# a place: one to three words of letters
_PLACE = r"[^\W\d_]+(?:[\s-][^\W\d_]+){0,2}"
_DAY = r"(?:[\s،,]*\d{1,2}(?:\s+[^\W\d_]+){1,2}(?:\s+\d{4})?)?"
_CODE = r"[a-z]{2,8}"  # an agency code in Latin letters (folded to lower case): (AFP)
DATELINE = re.compile(
    rf"^{_PLACE}{_DAY}\s*(?:[-–—/،,:]+\s*(?:{AGENCIES})|[(\[{{«]\s*(?:{AGENCIES}|{_CODE})\s*[)\]}}»])"
    rf"\s*[-–—:.]?$"
    rf"|^(?:{AGENCIES})\s*[(\[]\s*{_PLACE}\s*[)\]]\s*[-–—:]?$",
    re.IGNORECASE,
)
# "PLACE - NAME" before the body (a dateline with the reporter's or the site's name)
DATELINE_WITH_NAME = re.compile(rf"^[^\W\d_]+\s*[-–—]\s*{_PLACE}$")

# Names of news sections and media labels (folded, with their ال and و forms).
_SECTION_BASE = (
    "أخبار خبر سياسة سياسي سياسية اقتصاد اقتصادي اقتصادية رياضة رياضي رياضية ثقافة "
    "ثقافي ثقافية فن فنون منوعات مجتمع محليات محلي محلية عربي عربية دولي دولية عالمي "
    "عالمية عالم تكنولوجيا تقنية علوم صحة تقارير تحقيقات مقالات مقال رأي آراء حوارات "
    "ملفات عاجل فيديو صور إنفوجراف انفوجرافيك فيديوجراف مال أعمال بورصة طاقة سياحة "
    "سفر تعليم شؤون شئون حوادث قضايا برلمان متابعات تحليلات ملف خاص حصري مباشر آخر "
    "أحدث الأخيرة عرب"
)
SECTION_WORDS = frozenset(
    form
    for w in _folded_set(_SECTION_BASE)
    for form in (w, "ال" + w, "و" + w, "وال" + w, "ب" + w, "بال" + w)
)
# labels of a kind of item put before a headline ("فيديو.. ", "عاجل: ")
MEDIA_WORDS = _folded_set(
    "فيديو بالفيديو صور بالصور شاهد عاجل إنفوجراف انفوجرافيك فيديوجراف مباشر حصري خاص تحديث"
)


# words of site names that are not Arabic words ("المدينة نيوز", "العربية نت")
SITE_WORDS = _folded_set("نيوز تايمز بوست نت برس بريس تودي ميديا أونلاين انفو إنفو تي في")


def is_name(text: str) -> bool:
    """A name rather than a clause: no clause shape once site-name words are left out."""
    tokens = [w for w in words(text) if fold(w) not in SITE_WORDS]
    return not has_clause_shape(" ".join(tokens))


def is_section_label(line: str) -> bool:
    """At most four words, every one the name of a news section (``أخبار سياسة``,
    ``عربي ودولي``), and nothing else on the line."""
    if has_digit(line) or (TERMINAL.search(line) and not line.rstrip().endswith(":")):
        return False
    tokens = folded_words(line)
    return (
        0 < len(tokens) <= 4
        and len(tokens) == len(words(line.rstrip(":")))
        and all(t in SECTION_WORDS for t in tokens)
    )


# Social networks, apps and channels named by promos.
CHANNELS = _alternatives(
    "تيليجرام|تيليغرام|تليجرام|تلغرام|تلجرام|telegram|يوتيوب|youtube|واتساب|واتس اب|"
    "الواتس اب|الواتساب|whatsapp|فيسبوك|فيس بوك|facebook|تويتر|twitter|إكس|انستغرام|"
    "إنستغرام|انستجرام|انستقرام|instagram|تيك توك|tiktok|جوجل نيوز|غوغل نيوز|google news|"
    "أخبار جوجل|نبض|سناب شات|snapchat|قناتنا|قناة|قنواتنا|صفحتنا|صفحاتنا|حسابنا|حساباتنا|"
    "منصاتنا|تطبيق|التطبيق|تطبيقنا|متجر|الفيديو المرفق|الفيديو|google play|app store"
)
_CHANNEL = _re(rf"(?:^|[\s/(«\"]|ال|و|ب|ل)(?:{CHANNELS})(?:$|[\s/)»\".,:،])", re.IGNORECASE)
# the call to action that starts a promo: follow, join, subscribe, download
# the call to action that starts a promo: follow, join, subscribe, download (forms
# that are only imperatives or purpose phrases, within the first three words)
_CALL = _re(
    r"^(?:[^\W\d_]+\s+){0,2}?(?:تابعونا|تابعوا|تابعنا|تابعي|انضموا|انضمي|اشتركوا|اشتركي|"
    r"للاشتراك|حملوا|نزلوا|لتحميل|لتنزيل|قم بتحميل|اضغط|انقر|لمتابعه|ليصلك|لتصلك|ليصلكم|"
    r"شاهدوا)(?:$|[\s:])",
)
# a form that is also a past verb ('تابع' followed, 'حمل' carried, 'اشترك' took part):
# a call only as the first word and followed by the channel or by 'the latest news'
_WEAK_CALL = _re(
    r"^(?:تابع|انضم|اشترك|حمل|نزل|شاهد|تصفح|اكتشف|فعل)\s+(?:(?:في|الى|على|عبر)\s+)?"
    rf"(?:(?:{CHANNELS})(?:$|\s)|(?:اخر|احدث|اهم|جميع|كل|المزيد)\s)",
    re.IGNORECASE,
)


def is_channel_promo(line: str) -> bool:
    """'follow us on / subscribe to / download the app': a call to action at the start
    and a network, channel or app named in the line."""
    text = fold(line)
    return (
        len(words(line)) <= 20
        and (_CALL.search(text) is not None or _WEAK_CALL.search(text) is not None)
        and _CHANNEL.search(text) is not None
    )


_NEWSLETTER = _re(
    r"النشره (?:البريديه|الاخباريه|اليوميه)|نشرتنا|بريدك الالكتروني|اشترك في النشره|"
    r"سجل (?:في|ل)\S* النشره|newsletter|subscribe",
    re.IGNORECASE,
)


def is_newsletter_prompt(line: str) -> bool:
    return len(words(line)) <= 15 and _NEWSLETTER.search(fold(line)) is not None


# share, copy the link, print, font size, rate the article, search box
_PAGE_TOOL = _re(
    r"^(?:شارك|شاركوا|شاركي|انشر|مشاركه)\s*(?:هذا|هذه|الخبر|المقال|المقاله|الموضوع|"
    r"الصفحه|الرابط|عبر|على|من خلال|مع|لصديق)"
    r"|^(?:انسخ|نسخ|تم نسخ)(?:\s*/\s*لصق)?\s+(?:ال)?رابط|^(?:ال)?رابط (?:ال)?مختصر"
    r"|^(?:ارسل|اطبع|طباعه|حفظ|احفظ)\s+(?:الخبر|المقال|المقاله|الموضوع|الصفحه|لصديق)"
    r"|^(?:تكبير|تصغير|حجم) الخط|^هل (?:اعجبتك|اعجبك) (?:المقاله|المقال|الخبر|الموضوع)"
    r"|^(?:\(\d+\)\s*)?هل (?:اعجبتك|اعجبك)|(?:ادخل|اكتب) (?:كلمات|كلمه) البحث"
    r"|^(?:العوده|الرجوع|عوده|انتقل) (?:الى|إلى|الي) (?:اعلى|أعلى|اعلي)"
)


def is_page_tool(line: str) -> bool:
    """Share, copy-link, print, font-size, rating, search-box and back-to-top widgets."""
    return len(words(line)) <= 10 and _PAGE_TOOL.search(fold(line)) is not None


_COMMENT_WIDGET = _re(
    r"(?:اضف|اكتب|اترك|ارسل|شارك|ادل)\s+(?:ب)?(?:تعليق|تعليقا|تعليقك|رايك|برايك)"
    r"|لا (?:توجد|يوجد) تعليقات|تعليقات القراء|عدد التعليقات|^التعليقات\s+\S+\s+\S+|تعليقات حول"
    r"|تم (?:اضافه|ارسال) تعليقك|لارسال تعليق|(?:اضافه|ارسال) تعليق"
)


def is_comment_widget(line: str) -> bool:
    """A comment box's text: 'add a comment', 'no comments yet', 'comments are closed'."""
    return len(words(line)) <= 10 and _COMMENT_WIDGET.search(fold(line)) is not None


_MASTHEAD = _re(
    r"^(?:رئيس|رئيسه|مدير|مديره|نائب رئيس) (?:مجلس|مجلسي|التحرير|الادارة|الاداره|التحرير التنفيذي)"
    r"|^(?:المدير العام|مدير التحرير|رئيس التحرير|المشرف العام)"
)


def is_masthead(line: str) -> bool:
    """The site's masthead: 'رئيس التحرير', 'رئيس مجلسي الإدارة والتحرير' (+ a name)."""
    return (
        len(words(line)) <= 8
        and not TERMINAL.search(line)
        and bool(_MASTHEAD.search(fold(line)))
        and not has_clause_shape(line)
    )


# bylines: "كتب - فلان", "بقلم: فلان", "إعداد وتقديم: فلان", "بواسطة فلان"
_BYLINE_SEP = _re(
    r"^(?:كتب|كتبت|كتبه|كتبها|بقلم|اعداد|تحرير|متابعه|حوار|بواسطه|الكاتب|الكاتبه|المحرر|"
    r"تقديم|اعداد وتقديم|ترجمه|تقرير|by)\s*[-–—:|]\s*(\S.{0,50})$",
    re.IGNORECASE,
)
# 'كتب سامي الخطيب': a name (its first word without ال) and no preposition in it
_BYLINE_BARE = _re(r"^(?:بقلم|بواسطه|كتب|كتبت)\s+((?!ال)\S+(?:\s+\S+){1,3})$")
_CORRESPONDENT = _re(r"(?:^|\s|ال|و|ب|ل)مراسل(?:ه|نا|ها|و|ي|ين|ون)?(?:\s|$)")


def byline_name(line: str, bare: bool = False) -> str | None:
    """The author's name of a byline line (``bare``: also 'كتب فلان' without a colon,
    which only outside the body is a byline), else None."""
    if TERMINAL.search(line) and not line.rstrip().endswith(":"):
        return None
    text = fold(line)
    m = _BYLINE_SEP.match(text)
    if m and len(words(m.group(1))) <= 6:
        return re.split(r"[-–—:|]", line, maxsplit=1)[-1].strip(" |:")
    m = _BYLINE_BARE.match(text) if bare else None
    if m is None or any(w in CONTINUING_WORDS for w in words(m.group(1))):
        return None
    return line.split(maxsplit=1)[1].strip()


def is_correspondent_line(line: str) -> bool:
    """A name line with 'مراسل': 'سعيد حامد - مراسل الموقع في موسكو'."""
    return (
        len(words(line)) <= 8
        and not TERMINAL.search(line)
        and _CORRESPONDENT.search(fold(line)) is not None
        and not has_clause_shape(line)
    )


_NUMERIC_DATE = r"\d{1,4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,4}"
_PUBLISHED = _re(
    r"(?:نشر|تاريخ النشر|اخر تحديث|تحديث|محدث|published|updated)\s*(?:في|بتاريخ|on)?\s*[:：]?\s*"
    rf"(?:{_NUMERIC_DATE}|\d{{1,2}}\s+[^\W\d_]+\s+\d{{4}}|[^\W\d_]+\s+\d{{1,2}}\s+[^\W\d_]+\s+\d{{4}})",
    re.IGNORECASE,
)
_BARE_DATE = re.compile(
    rf"^[\W_]*{_NUMERIC_DATE}(?:\s*[,،-]?\s*\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?[\W_]*$"
)


def is_published_line(line: str) -> bool:
    """A short line with 'published on <date>' among site or agency names."""
    return (
        len(words(line)) <= 14
        and not FULL_STOP.search(line)
        and bool(_PUBLISHED.search(fold(line)))
    )


_TIME = re.compile(r"(?<!\d)\d{1,2}:\d{2}(?!\d)")


def is_date_and_time(line: str) -> bool:
    """A short line with a written date and a time of day and no clause: a page's
    'published' stamp among labels ('<section> 08 إبريل 2025 09:51')."""
    return (
        len(words(line)) <= 10
        and _TIME.search(line) is not None
        and bool(find_dates(line))
        and not has_clause_shape(line)
    )


_DATELINE_DATE = re.compile(r"^[^\W\d_]+(?:\s[^\W\d_]+)?\s*[،,-]")


def is_dated_dateline(line: str) -> bool:
    """'بيشكيك، 08 أبريل 2025. / قابار/': a place, a date, at most an agency's name."""
    dates = find_dates(line)
    if not dates or len(words(line)) > 8 or not _DATELINE_DATE.match(line):
        return False
    place = _DATELINE_DATE.match(line)
    assert place is not None
    rest = re.sub(r"\d+|[^\w\s]", " ", line[place.end() :])
    rest_words = [w for w in rest.split() if fold(w) not in _MONTH_WORDS]
    # the place's own name may look like a verb (تونس): only the rest is looked at
    return len(rest_words) <= 3 and not has_clause_shape(" ".join(rest_words))


def is_bare_date(line: str) -> bool:
    """A line that is only a numeric date (and time): ``07/01/2022``, ``2019-06-10 09:12``."""
    return _BARE_DATE.match(line) is not None


_CREDIT_TAIL = _re(
    r"(?:تصوير|عدسه|الصوره|صوره|photo|copyright|©)\s*[:：/]?\s*[^\s:：]+(?:\s+[^\s:：]+){0,3}$",
    re.IGNORECASE,
)


def has_credit_tail(line: str) -> bool:
    """A caption that ends in its photographer's or agency's credit:
    '... تصوير: فلان', '... Copyright AP'."""
    return (
        len(words(line)) <= 25
        and not FULL_STOP.search(line)
        and _CREDIT_TAIL.search(fold(line)) is not None
    )


_EXCLUSIVE = _re(r"^خاص\s*(?:ب|ل|لـ)\s*\S+(?:\s+\S+)?$")


def is_exclusive_label(line: str) -> bool:
    """'خاص بـ<site>' ('exclusive to ...') on a line of its own."""
    return _EXCLUSIVE.match(fold(line)) is not None


# a line ending in one of these words goes on in the next line (a hard wrap)
CONTINUING_WORDS = _folded_set(
    "في من على إلى الى عن مع و أو أن إن التي الذي الذين بين حول بعد قبل منذ خلال عند "
    "لدى ضد نحو عبر حتى ثم كما لكن بل"
)


def continues(line: str) -> bool:
    """Does the line stop in the middle of a sentence (a hard-wrapped line)?"""
    tokens = words(fold(line))
    return bool(tokens) and (tokens[-1] in CONTINUING_WORDS or line.rstrip().endswith(("،", ",")))
