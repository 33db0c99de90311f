"""A gold set of **partly parallel** English versions, and Gale–Church with a
per-document length ratio as its baseline.

The gold sets of :mod:`kzparallel.testing.bitext` are close, sentence-by-sentence
translations (about 1.22 English characters per Arabic character). Real English
versions are often freer: the translator leaves out whole Arabic passages, writes
a shorter sentence than the Arabic, and adds lines of their own. Each document of
:func:`partial_documents` is an article of the demo corpus's held-out sentences
(:attr:`ParallelCorpus.heldout`) with, written for this set:

* **Arabic-only passages** the English leaves out (1-0 links): quotations of
  witnesses (:data:`QUOTES`), chains of attribution (:data:`ATTRIBUTIONS`: "the
  agency quoted a source in the ministry who asked not to be named as saying …")
  inside paragraphs or as paragraphs of their own, and background paragraphs of
  two sentences (:data:`BACKGROUNDS`), with numbers and glossary names of their own;
* **condensed English**: a translated sentence's English is either the held-out
  reference, a shorter rendering written for its template (:data:`CONDENSED`,
  filled with the reference's own names), merged with the next sentence's
  condensed rendering (2-1), or left out (1-0);
* **English-only lines** (0-1): translator's and editor's notes (:data:`NOTES`);
* the English furniture of :func:`kzparallel.testing.bitext.assemble`.

A document is kept when its English has 0.45–0.7 characters per Arabic
character (:data:`RATIO_RANGE`; the next draw otherwise), far from the
corpus-wide 1.22 that a fixed length model assumes. :func:`galechurch_links`
is Gale–Church (the ``galechurch`` package) with its ratio taken from each
document's totals, the baseline the aligner has to beat on this set.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kzparallel.alignment.align import AlignParams, align_sentences
from kzparallel.alignment.confidence import labelled
from kzparallel.demo.corpus import Example
from kzparallel.demo.templates import TEMPLATES
from kzparallel.testing.bitext import (
    GoldDocument,
    GoldLink,
    Translated,
    Unit,
    arabic_sentences,
    assemble,
    check_gold,
    run_aligner,
)

RATIO_RANGE = (0.45, 0.7)  # English characters per Arabic character of a kept document
GC_VARIANCE = 3.6  # s² of the Gale–Church baseline (the aligner's corpus-wide figure)
MAX_DRAWS = 50

QUOTES = (
    "وقال أحد المحتجين في الساحة الرئيسية: «لم نخرج إلى الشوارع من أجل الغاز وحده، "
    "بل لأننا تعبنا من الوعود التي لا تتحقق».",
    "وأضافت امرأة في الخمسين من عمرها: «أعمل منذ 20 عاما في المصنع نفسه، وراتبي لا يكفي "
    "لشراء الخبز والدواء».",
    "وقال شاب رفض الكشف عن اسمه لمراسل الوكالة: «نريد أن يسمعنا أحد، لا أن تطلق علينا النار».",
    "وقال سائق سيارة أجرة: «ارتفع سعر الليتر من 60 إلى 120 تنغي في ليلة واحدة، فكيف نعيش؟».",
    "وختم المتحدث تصريحه بالقول: «سنبقى هنا ما دام الناس يحتاجون إلينا، ولن نغادر قبل أن "
    "يعود الهدوء».",
    "وكتب أحد المدونين: «هذه ليست احتجاجات على الأسعار فقط، إنها غضب تراكم على مدى 30 عاما».",
    "وقالت طالبة جامعية: «الوضع في المدينة هادئ الآن، لكن الناس ما زالوا خائفين من الخروج ليلا».",
    "وقال صاحب متجر في وسط المدينة: «خسرت كل شيء في ليلة واحدة، ولا أعرف من سيعوضني».",
)
ATTRIBUTIONS = (
    "ونقلت وكالة الأنباء الرسمية عن مصدر في وزارة الداخلية، طلب عدم الكشف عن هويته، قوله "
    "إن التحقيقات ما زالت جارية.",
    "وأكد مسؤول في الحكومة، في تصريحات أدلى بها لوسائل إعلام محلية ونقلتها وكالات أنباء "
    "روسية، أن الإجراءات ستستمر حتى إشعار آخر.",
    "وذكرت صحيفة محلية، نقلا عن شهود عيان تحدثوا إلى مراسليها في عدة مدن، أن حركة المرور "
    "توقفت بشكل شبه كامل.",
    "وبحسب ما أوردته قناة تلفزيونية خاصة نقلا عن مصادر أمنية، فإن عدد المعتقلين تجاوز 3000 شخص.",
    "وأفاد مراسل الوكالة، استنادا إلى روايات سكان محليين ومقاطع نشرت على مواقع التواصل، "
    "بأن أصوات إطلاق النار سمعت طوال الليل.",
    "ونقل موقع إخباري مستقل عن مصدرين مطلعين على المحادثات قولهما إن الاتصالات بين الجانبين "
    "لم تنقطع.",
    "وقال دبلوماسي غربي، تحدث شريطة عدم ذكر اسمه لأنه غير مخول بالتصريح لوسائل الإعلام، إن "
    "العواصم الأوروبية تتابع الوضع عن كثب.",
    "وأوضح بيان صادر عن مكتب المدعي العام، نشر على موقعه الرسمي مساء الأحد، أن 16 قضية "
    "جنائية فتحت حتى الآن.",
)
BACKGROUNDS = (
    (
        "يذكر أن كازاخستان نالت استقلالها عن الاتحاد السوفياتي عام 1991.",
        "وهي أكبر دولة في آسيا الوسطى من حيث المساحة، ويبلغ عدد سكانها نحو 19 مليون نسمة.",
    ),
    (
        "وكانت ألماتي عاصمة البلاد حتى عام 1997، عندما نقلت الحكومة مقرها إلى الشمال.",
        "ولا تزال المدينة المركز الاقتصادي والثقافي الأهم في البلاد.",
    ),
    (
        "وتعد البلاد من أكبر منتجي اليورانيوم في العالم، كما تصدر كميات كبيرة من النفط والغاز.",
        "وقد اجتذبت حقولها النفطية استثمارات أجنبية بمليارات الدولارات منذ تسعينيات القرن الماضي.",
    ),
    (
        "وتأسست منظمة معاهدة الأمن الجماعي عام 2002، وتضم ست دول كانت جزءا من الاتحاد السوفياتي.",
        "ولم يسبق للمنظمة أن أرسلت قوات إلى أي من أعضائها قبل هذه الأزمة.",
    ),
    (
        "وشهدت مدينة جاناوزين في غرب البلاد احتجاجات دامية عام 2011، قتل فيها 14 شخصا على الأقل.",
        "ولا يزال كثير من سكانها يتذكرون تلك الأحداث حتى اليوم.",
    ),
    (
        "ويستخدم الغاز المسال على نطاق واسع وقودا للسيارات في غرب البلاد، حيث يعد أرخص من البنزين.",
        "وكانت الحكومة قد رفعت القيود عن سعره في بداية العام.",
    ),
)
NOTES = (
    "[Translator's note: the Arabic original quotes several residents at length; their words "
    "are summarised here.]",
    "Translator's note: the tenge is the national currency of Kazakhstan.",
    "[Editor's note: the figures in this report could not be independently verified.]",
    "Translator's note: the original gives the names of the detained officials, left out here.",
    "[This paragraph has been shortened in translation.]",
    "Translator's note: Nur-Sultan has since been renamed Astana.",
)

# template id -> a shorter English of the same sentence (the slots of templates.py;
# {P1} is the person's name without the title that {P1.title} {P1} gives)
CONDENSED: dict[str, str] = {
    "said-control": "{P1} said {the L1} was under control.",
    "emergency": "{P1} declared an emergency in {the L1}.",
    "arrived-morning": "Peacekeepers reached {the L1}.",
    "arrived": "Peacekeepers in {the L1}",
    "spokesman-worry": "{The O1} is worried about {the L1}.",
    "agency-spread": "{M1}: protests reached {the L1}.",
    "met": "{P1} met {P2} in {the L1}.",
    "restraint": "{P1.sur} urged restraint and dialogue.",
    "phone": "{P1} phoned {P2}.",
    "killed": "Dozens died in {the L1} and {the L2}.",
    "government-concern": "The {A1} government is concerned about {the L1}.",
    "delegation": "The {A1} delegation visited {the L1}.",
    "sent-troops": "{The L1} sent troops to {the L2}.",
    "quoted": "{P1.sur} warned of a serious crisis.",
    "arrests": "{A1} authorities arrested hundreds.",
    "wrote": "{P1.sur} wrote on {X1} that only dialogue would work.",
    "curfew": "A curfew holds in {the L1} until January 19.",
    "calm-returned": "{The L1} is calm again.",
    "gathered": "Protesters gathered in {the L1}.",
    "reforms": "{P1} promised reforms.",
    "warned": "{P1.sur} warned against foreign meddling.",
    "according-injured": "Over a thousand were hurt in {the L1}.",
    "press-conference": "{P1.sur} said {the O1} stays out of internal affairs.",
    "internet": "The internet was cut in {the L1}.",
    "soldiers": "Troops from {the L1} and {the L2} joined the mission.",
    "agency-arrived": "{P1} arrived in {the L1}, {M1} said.",
    "limited-period": "{P1.sur} said {the O1} would not stay long in {the L1}.",
    "ministers-video": "Ministers of {the L1} and {the L2} held a video call.",
    "investigation": "{The O1} wants an independent inquiry.",
    "gas-prices": "Gas prices jumped in {the L1}.",
    "witnesses": "Witnesses said police fired on protesters.",
    "welcomed": "{P1} welcomed the move by {the O1}.",
    "accused": "{P1.sur} accused {the L1} of meddling in {the L2}.",
    "demonstrated": "Thousands protested prices in {the L1}.",
    "ready-help": "{P1.sur} said {the L1} could help {the L2}.",
    "ambassador": "{The L1}'s envoy to {the O1} backed dialogue.",
    "headline-calls": "{The L1} urges peace in {the L2}",
    "headline-stable": "{P1.sur}: {the L1} stable",
    "president-neighbours": "The {A1} president ruled out meddling with neighbours.",
    "president-stable": "The {A1} president called the situation stable.",
    "representatives": "{The O1} and {the O2} met in {the L1}.",
    "correspondent": "{M1} saw tanks in {the L1}.",
    "police": "Police said {the L1} was calm.",
    "banks": "Banks and shops shut in {the L1}.",
    "videos": "Videos from {the L1} spread online.",
    "people-streets": "Thousands of {N1} protested.",
    "economic-roots": "{P1.sur} said the crisis had economic roots.",
    "message": "{P1} got a message from {P2}.",
    "companies": "{A1} firms halted work in {the L1}.",
    "border": "{The L1} shut its border with {the L2}.",
    "visit": "{P1.sur} visits {the L1} next week.",
    "statement": "{The O1} called for a political solution in {the L1}.",
}

_SLOT = re.compile(r"\{(?P<the>the |The )?(?P<ref>[A-Z]\d)(?:\.(?P<attr>\w+))?\}")
_TITLED = re.compile(r"\{([A-Z]\d)\.title\} \{\1\}")
_TOKEN = re.compile(_SLOT.pattern + r"|\[(?P<m>[^|\]]*)\|(?P<f>[^:\]]*):[A-Z]\d\]")


def _slot_values(template_en: str, example: Example) -> dict[str, str] | None:
    """The English of each slot of ``template_en`` as ``example.en`` fills it
    (``P1`` the name, ``P1.title`` the title, ``L1`` with its "the"), or None when
    the sentence does not parse with names the example uses."""
    pattern, groups, pos = "", [], 0
    spec = _TITLED.sub(lambda m: "{" + m[1] + ".titled}", template_en)
    for m in _TOKEN.finditer(spec):
        pattern += re.escape(spec[pos : m.start()])
        pos = m.end()
        if m["ref"] is None:  # [his|her:P1]
            pattern += f"(?:{re.escape(m['m'])}|{re.escape(m['f'])})"
            continue
        groups.append((m["ref"], m["attr"] or ""))
        pattern += f"(?P<g{len(groups)}>.+?)"
    pattern += re.escape(spec[pos:])
    found = re.fullmatch(pattern, example.en, re.IGNORECASE)
    if found is None:
        return None
    used = {u.used for u in example.uses}
    values: dict[str, str] = {}
    for k, (ref, attr) in enumerate(groups, 1):
        text = found[f"g{k}"]
        if attr == "titled":
            names = [u for u in used if text == u or text.endswith(" " + u)]
            if not names:
                return None
            name = max(names, key=len)
            values[ref], values[ref + ".title"] = name, text[: -len(name)].strip()
            continue
        bare = re.sub(r"^the ", "", text, flags=re.IGNORECASE)
        if bare not in used:
            return None
        values[ref + (f".{attr}" if attr else "")] = text
    return values


def condensed(example: Example) -> str | None:
    """:data:`CONDENSED`'s English of ``example`` with its names (None without one)."""
    target = CONDENSED.get(example.template)
    original = next((en for t, _, en in TEMPLATES if t == example.template), None)
    if target is None or original is None:
        return None
    values = _slot_values(original, example)
    if values is None:
        return None

    def fill(m: re.Match[str]) -> str:
        key = m["ref"] + (f".{m['attr']}" if m["attr"] else "")
        text = values.get(key)
        if text is None:
            raise KeyError(key)
        bare = re.sub(r"^the ", "", text, flags=re.IGNORECASE)
        if m["the"] is None:
            return bare
        text = ("the " + bare) if text.lower().startswith("the ") else bare
        return text[:1].upper() + text[1:] if m["the"] == "The " else text

    try:
        out = _SLOT.sub(fill, target)
    except KeyError:
        return None
    return out[:1].upper() + out[1:]


def _merge(first: str, second: str) -> str:
    """Two condensed sentences as one: ``"A." + "The b."`` -> ``"A; the b."``."""
    head, _, rest = second.partition(" ")
    if head in ("The", "A", "An"):
        second = head.lower() + " " + rest
    return first.rstrip(".") + "; " + second


@dataclass(frozen=True)
class Style:
    """How a translator treats the Arabic: the share of sentences given a condensed
    English, of pairs of sentences merged into one, of sentences left out, and how
    many quotations, attribution chains and background paragraphs (ranges)."""

    name: str
    condense: tuple[float, float]
    merge: float
    drop: float
    quotes: tuple[int, int]
    attributions: tuple[int, int]
    backgrounds: tuple[int, int]


STYLES = (
    # shorter sentences throughout, a few passages left out
    Style("terse", (0.85, 1.0), 0.3, 0.1, (0, 2), (1, 2), (0, 1)),
    # close translations of what is kept, whole passages left out
    Style("selective", (0.0, 0.4), 0.1, 0.25, (2, 3), (2, 3), (1, 2)),
)


def _draw(
    k: int, draw: int, headlines: list[Example], sentences: list[Example]
) -> tuple[str, list[Unit], dict[str, int]]:
    """One article and its gold units (draw ``draw`` of document ``k``; documents
    alternate between the :data:`STYLES`)."""
    rng = random.Random(f"partial-{k}-{draw}")
    style = STYLES[k % len(STYLES)]
    done: dict[str, int] = {style.name: 1}

    def count(what: str) -> None:
        done[what] = done.get(what, 0) + 1

    head = headlines[k % len(headlines)]
    body = rng.sample(sentences, rng.randint(12, 16))
    condense = rng.uniform(*style.condense)
    paragraphs: list[list[Example | str]] = []  # a held-out sentence or Arabic-only text
    while body:
        size = rng.randint(1, 3)
        paragraphs.append(list(body[:size]))
        body = body[size:]
    quotes = rng.sample(QUOTES, rng.randint(*style.quotes))
    attributions = rng.sample(ATTRIBUTIONS, rng.randint(*style.attributions))
    for text in quotes + attributions:  # inside a paragraph, or a paragraph of its own
        where = rng.randrange(len(paragraphs))
        if rng.random() < 0.5:
            paragraphs[where].insert(rng.randint(0, len(paragraphs[where])), text)
        else:
            paragraphs.insert(where + 1, [text])
        count("quotation" if text in quotes else "attribution")
    for pair in rng.sample(BACKGROUNDS, rng.randint(*style.backgrounds)):
        paragraphs.insert(rng.randrange(1, len(paragraphs) + 1), list(pair))
        count("background-paragraph")
    blocks = [" ".join(x if isinstance(x, str) else x.ar for x in p) for p in paragraphs]
    ar_text = "\n\n".join([head.ar, *blocks]) + "\n"
    units: list[Unit] = [Unit([0], [head.en], 0)]
    index = 1
    for para, items in enumerate(paragraphs, 1):
        pos = 0
        while pos < len(items):
            x = items[pos]
            nxt = items[pos + 1] if pos + 1 < len(items) else None
            if isinstance(x, str):
                units.append(Unit([index], [], para))
                index, pos = index + 1, pos + 1
                continue
            short = condensed(x)
            if short and isinstance(nxt, Example) and rng.random() < style.merge:
                units.append(
                    Unit([index, index + 1], [_merge(short, condensed(nxt) or nxt.en)], para)
                )
                count("merged")
                index, pos = index + 1, pos + 1
            elif rng.random() < style.drop:
                units.append(Unit([index], [], para))
                count("sentence-dropped")
            elif short and rng.random() < condense:
                units.append(Unit([index], [short], para))
                count("condensed")
            else:
                units.append(Unit([index], [x.en], para))
            index, pos = index + 1, pos + 1
    last = [  # the last English of each paragraph (pysbd does not split after "]")
        i
        for i, u in enumerate(units)
        if u.en and u.para > 0 and all(not w.en or w.para != u.para for w in units[i + 1 :])
    ]
    notes = rng.sample(NOTES, rng.randint(1, 2))
    for at, note in sorted(zip(rng.sample(last, len(notes)), notes, strict=True), reverse=True):
        own = rng.random() < 0.5  # a paragraph of its own, or the end of that paragraph
        units.insert(at + 1, Unit([], [note], units[at].para + (0.5 if own else 0.0)))
        count("note-added")
    return ar_text, units, done


def length_ratio(doc: GoldDocument) -> float:
    """English characters per Arabic character of a gold document's sentences."""
    arabic = " ".join(t for _, t in arabic_sentences(doc.arabic))
    return len(" ".join(doc.en_sentences)) / max(1, len(arabic))


def partial_documents(examples: Sequence[Example], count: int = 12) -> list[GoldDocument]:
    """The partly parallel gold set (module doc): ``count`` documents named
    ``part00``…, each the first draw whose length ratio is in :data:`RATIO_RANGE`."""
    headlines = [e for e in examples if e.template.startswith("headline-")]
    sentences = [e for e in examples if e.en.rstrip().endswith(".") and e.ar.rstrip().endswith(".")]
    out = []
    for k in range(count):
        for draw in range(MAX_DRAWS):
            ar_text, units, done = _draw(k, draw, headlines, sentences)
            rng = random.Random(f"partial-{k}-{draw}-furniture")
            doc = assemble(f"part{k:02d}", ar_text, units, furniture=True, rng=rng)
            doc.perturbations = done
            if RATIO_RANGE[0] <= length_ratio(doc) <= RATIO_RANGE[1]:
                break
        else:
            raise AssertionError(f"part{k:02d}: no draw with a length ratio in {RATIO_RANGE}")
        check_gold(doc)
        out.append(doc)
    return out


def galechurch_links(
    arabic: Sequence[str], english: Sequence[str], ratio: float | None = None
) -> list[GoldLink]:
    """Gale–Church (the ``galechurch`` package) with the ratio ``ratio``, or (None)
    the document's own: its English characters per Arabic character (spaces not
    counted, as the package counts them); s² = :data:`GC_VARIANCE`."""
    import galechurch

    if not arabic or not english:
        return [([i], []) for i in range(len(arabic))] + [([], [j]) for j in range(len(english))]
    if ratio is None:
        ar = sum(len(s.replace(" ", "")) for s in arabic)
        en = sum(len(s.replace(" ", "")) for s in english)
        ratio = en / max(1, ar)
    result = galechurch.align(list(arabic), list(english), mean_xy=ratio, variance_xy=GC_VARIANCE)
    return [
        (list(range(b.source_start, b.source_end)), list(range(b.target_start, b.target_end)))
        for b in result.beads
    ]


def run_methods(
    docs: list[GoldDocument], translated: dict[str, Translated], glossary: Any, method: str
) -> list[tuple[list[GoldLink], list[GoldLink]]]:
    """(gold, test) links per document, as :func:`kzparallel.testing.bitext.run_aligner`
    gives them, with more methods: ``"galechurch-doc"`` (:func:`galechurch_links`
    with each document's own ratio) and ``"<method>-fixed"`` (the aligner with the
    corpus-wide length model and the gold sets' link costs, as before they were
    fitted to each document)."""
    if method == "galechurch-doc":
        return [
            (doc.links, galechurch_links(translated[doc.arabic].arabic, doc.en_sentences))
            for doc in docs
        ]
    if not method.endswith("-fixed"):
        return run_aligner(docs, translated, glossary, method)
    params = AlignParams(method=method.removesuffix("-fixed"), fit_length=False, fit_costs=False)
    out = []
    for doc in docs:
        tr = translated[doc.arabic]
        links = align_sentences(tr.arabic, doc.en_sentences, tr.mt, glossary, params, tr.dates)
        out.append((doc.links, [(k.ar_sents, k.en_sents) for k in links]))
    return out


def calibration_samples(
    docs: list[GoldDocument], translated: dict[str, Translated], glossary: Any
) -> list[list[tuple[str, float, bool]]]:
    """(kind, raw score, right) of every link ``kzparallel align`` makes, for each
    distinct Arabic article of ``docs`` (its documents of every level together),
    in the order of first appearance: what :mod:`kzparallel.alignment.confidence`
    is fitted on."""
    by_article: dict[str, list[tuple[str, float, bool]]] = {}
    for doc in docs:
        tr = translated[doc.arabic]
        links = align_sentences(tr.arabic, doc.en_sentences, tr.mt, glossary, dates=tr.dates)
        by_article.setdefault(doc.arabic, []).extend(labelled(doc.links, links))
    return list(by_article.values())


def halves(
    articles: list[list[tuple[str, float, bool]]],
) -> tuple[list[tuple[str, float, bool]], list[tuple[str, float, bool]]]:
    """The samples of the even-numbered articles and of the odd-numbered ones: fit on
    one half, check on the other (no article, at any level, in both)."""
    first = [s for k, a in enumerate(articles) if k % 2 == 0 for s in a]
    second = [s for k, a in enumerate(articles) if k % 2 == 1 for s in a]
    return first, second
