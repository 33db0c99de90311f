"""Arabic news sentence templates with their English, and how a slot is filled.

A template is a pair of strings in the register of the seed articles (statements,
visits, clashes, agencies quoting officials). Slots:

* ``{P1}`` a person (``{P1.title}`` their title, ``{P1.sur}`` their surname),
  ``{L1}`` a place, ``{O1}`` an organisation, ``{M1}`` a news agency, ``{X1}`` a
  platform, ``{N1}`` a people (الكازاخ), ``{A1.m}`` / ``{A1.f}`` / ``{A1.mi}`` /
  ``{A1.fi}`` a place adjective (nisba: definite/indefinite, masculine/feminine);
* ``{=entry:role}`` a fixed glossary name (in titles), ``{=outside:id}`` a fixed
  outside name;
* Arabic proclitics are written ``{و+L1}``, ``{ل+O1}`` (ل + ال is written لل);
* ``{the L1}`` / ``{The L1}`` in English: "the" only for names that take it;
* ``[قال|قالت:P1]`` picks the masculine or feminine word by the name's gender.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from kzparallel.demo.names import SLOTS, Name, is_latin

_REF = re.compile(
    r"\{(?:(?P<pre>[^{}+\s]+)\+)?(?P<the>the |The )?(?P<ref>=[\w:-]+|[A-Z]\d)(?:\.(?P<attr>\w+))?\}"
)
_CHOICE = re.compile(r"\[(?P<m>[^|\]]*)\|(?P<f>[^:\]]*):(?P<ref>[A-Z]\d)\]")
_SPACES = re.compile(r"\s+")

# (id, Arabic, English). Sentence-final punctuation as in the seeds; the
# headline-style ones have none.
TEMPLATES: list[tuple[str, str, str]] = [
    ("said-control", "[قال|قالت:P1] {P1.title} {P1} إن الوضع في {L1} تحت السيطرة.",
     "{P1.title} {P1} said the situation in {the L1} was under control."),
    ("emergency", "[أعلن|أعلنت:P1] {P1.title} {P1} حالة الطوارئ في {L1}.",
     "{P1.title} {P1} declared a state of emergency in {the L1}."),
    ("arrived-morning", "وصلت قوات حفظ السلام إلى {L1} صباح اليوم.",
     "Peacekeeping forces arrived in {the L1} this morning."),
    ("arrived", "وصلت قوات حفظ السلام إلى {L1}",
     "Peacekeeping forces arrived in {the L1}"),
    ("spokesman-worry", "وقال متحدث باسم {O1} إن الوضع في {L1} يثير القلق.",
     "A spokesman for {the O1} said the situation in {the L1} was worrying."),
    ("agency-spread", "ذكرت {M1} أن الاحتجاجات امتدت إلى {L1}.",
     "{M1} reported that the protests had spread to {the L1}."),
    ("met", "[التقى|التقت:P1] {P1.title} {P1} {P2.title} {P2} في {L1}.",
     "{P1.title} {P1} met {P2.title} {P2} in {the L1}."),
    ("restraint", "[دعا|دعت:P1] {P1.sur} جميع الأطراف إلى ضبط النفس والحوار.",
     "{P1.sur} called on all parties to show restraint and to hold a dialogue."),
    ("phone", "[أجرى|أجرت:P1] {P1.title} {P1} اتصالا هاتفيا مع {P2.title} {P2}.",
     "{P1.title} {P1} held a phone call with {P2.title} {P2}."),
    ("killed", "قتل عشرات الأشخاص في اشتباكات في {L1} {و+L2}.",
     "Dozens of people were killed in clashes in {the L1} and {the L2}."),
    ("government-concern", "أعربت الحكومة {A1.f} عن قلقها إزاء الأحداث في {L1}.",
     "The {A1} government expressed concern about the events in {the L1}."),
    ("delegation", "وصل الوفد {A1.m} إلى {L1} في زيارة رسمية.",
     "The {A1} delegation arrived in {the L1} on an official visit."),
    ("sent-troops", "أرسلت {L1} قوات إلى {L2} في إطار بعثة {O1}.",
     "{The L1} sent troops to {the L2} as part of the mission of {the O1}."),
    ("quoted", "نقلت {M1} عن {P1.sur} [قوله|قولها:P1] إن البلاد تواجه أزمة خطيرة.",
     "{M1} quoted {P1.sur} as saying that the country was facing a serious crisis."),
    ("arrests", "وأعلنت السلطات {A1.f} اعتقال مئات الأشخاص.",
     "The {A1} authorities announced the arrest of hundreds of people."),
    ("wrote", "[وكتب|وكتبت:P1] {P1.sur} على [حسابه|حسابها:P1] في {X1} أن الحوار هو الطريق الوحيد.",
     "{P1.sur} wrote on [his|her:P1] {X1} account that dialogue was the only way forward."),
    ("curfew", "وفرضت السلطات حظر التجول في {L1} حتى 19 يناير.",
     "The authorities imposed a curfew in {the L1} until January 19."),
    ("calm-returned", "عاد الهدوء إلى شوارع {L1} بعد أيام من الاضطرابات.",
     "Calm returned to the streets of {the L1} after days of unrest."),
    ("gathered", "وفي {L1}، تجمع المحتجون في الساحة الرئيسية.",
     "In {the L1}, protesters gathered in the main square."),
    ("reforms", "[تعهد|تعهدت:P1] {P1.title} {P1} بإجراء إصلاحات سياسية واقتصادية.",
     "{P1.title} {P1} pledged political and economic reforms."),
    ("warned", "[وحذر|وحذرت:P1] {P1.sur} من أي تدخل أجنبي في شؤون {L1}.",
     "{P1.sur} warned against any foreign interference in the affairs of {the L1}."),
    ("according-injured", "وبحسب {O1}، فإن أكثر من ألف شخص أصيبوا في {L1}.",
     "According to {the O1}, more than a thousand people were injured in {the L1}."),
    ("press-conference", "[وقال|وقالت:P1] {P1.sur} في مؤتمر صحفي في {L1} إن {O1} [لا يتدخل|لا تتدخل:O1] في الشؤون الداخلية.",
     "{P1.sur} told a press conference in {the L1} that {the O1} did not interfere in internal affairs."),
    ("internet", "وانقطعت خدمة الإنترنت في {L1} لعدة أيام.",
     "Internet service was cut off in {the L1} for several days."),
    ("soldiers", "وشارك جنود من {L1} {و+L2} في بعثة حفظ السلام.",
     "Soldiers from {the L1} and {the L2} took part in the peacekeeping mission."),
    ("agency-arrived", "وقالت {M1} إن {P1.title} {P1} [وصل|وصلت:P1] إلى {L1}.",
     "{M1} said that {P1.title} {P1} had arrived in {the L1}."),
    ("limited-period", "[وأشار|وأشارت:P1] {P1.sur} إلى أن قوات {O1} ستبقى في {L1} لفترة محدودة.",
     "{P1.sur} noted that the forces of {the O1} would stay in {the L1} for a limited period."),
    ("ministers-video", "ناقش وزراء خارجية {L1} {و+L2} الأزمة في اجتماع عبر الفيديو.",
     "The foreign ministers of {the L1} and {the L2} discussed the crisis in a video meeting."),
    ("investigation", "[وطالب|وطالبت:O1] {O1} بإجراء تحقيق مستقل في أعمال العنف.",
     "{The O1} called for an independent investigation into the violence."),
    ("gas-prices", "وارتفعت أسعار الغاز المسال في {L1} بشكل حاد مطلع العام.",
     "Liquefied gas prices rose sharply in {the L1} at the beginning of the year."),
    ("witnesses", "وقال شهود إن قوات الأمن أطلقت النار على المتظاهرين في {L1}.",
     "Witnesses said that security forces opened fire on protesters in {the L1}."),
    ("welcomed", "[ورحب|ورحبت:P1] {P1.title} {P1} بقرار {O1}.",
     "{P1.title} {P1} welcomed the decision of {the O1}."),
    ("accused", "[واتهم|واتهمت:P1] {P1.sur} {L1} بالسعي إلى زعزعة الاستقرار في {L2}.",
     "{P1.sur} accused {the L1} of seeking to destabilise {the L2}."),
    ("demonstrated", "وتظاهر آلاف الأشخاص في {L1} احتجاجا على ارتفاع الأسعار.",
     "Thousands of people demonstrated in {the L1} against rising prices."),
    ("ready-help", "[وأضاف|وأضافت:P1] {P1.sur} أن {L1} مستعدة لتقديم المساعدة إلى {L2}.",
     "{P1.sur} added that {the L1} was ready to provide assistance to {the L2}."),
    ("ambassador", "وقال سفير {L1} لدى {O1} إن بلاده تدعم الحوار.",
     "The ambassador of {the L1} to {the O1} said that his country supported dialogue."),
    ("headline-calls", "{L1} تدعو إلى حل سلمي للأزمة في {L2}",
     "{The L1} calls for a peaceful solution to the crisis in {the L2}"),
    ("headline-stable", "{P1.sur}: الوضع في {L1} مستقر",
     "{P1.sur}: the situation in {the L1} is stable"),
    ("president-neighbours", "وقال الرئيس {A1.m} إن بلاده لن تتدخل في شؤون جيرانها.",
     "The {A1} president said that his country would not interfere in the affairs of its neighbours."),
    ("president-stable", "قال الرئيس {A1.m} إن الوضع مستقر.",
     "The {A1} president said the situation was stable."),
    ("representatives", "واجتمع ممثلو {O1} {و+O2} في {L1}.",
     "Representatives of {the O1} and {the O2} met in {the L1}."),
    ("correspondent", "وشاهد مراسل {M1} دبابات في شوارع {L1}.",
     "A correspondent for {M1} saw tanks in the streets of {the L1}."),
    ("police", "وقالت الشرطة {A1.f} إن الهدوء عاد إلى {L1}.",
     "The {A1} police said that calm had returned to {the L1}."),
    ("banks", "وأغلقت البنوك والمتاجر في {L1} أبوابها.",
     "Banks and shops in {the L1} closed their doors."),
    ("videos", "وانتشرت على {X1} مقاطع فيديو من {L1}.",
     "Videos from {the L1} spread on {X1}."),
    ("people-streets", "وخرج آلاف من {N1} إلى الشوارع.",
     "Thousands of {N1} took to the streets."),
    ("economic-roots", "[وتابع|وتابعت:P1] {P1.sur} أن للأزمة في {L1} جذورا اقتصادية.",
     "{P1.sur} went on to say that the crisis in {the L1} had economic roots."),
    ("message", "[وتلقى|وتلقت:P1] {P1.title} {P1} رسالة من {P2.title} {P2}.",
     "{P1.title} {P1} received a message from {P2.title} {P2}."),
    ("companies", "وأعلنت شركات {A1.fi} تعليق عملها في {L1}.",
     "{A1} companies announced that they were suspending their work in {the L1}."),
    ("border", "وأغلقت {L1} حدودها مع {L2}.",
     "{The L1} closed its border with {the L2}."),
    ("visit", "[ويزور|وتزور:P1] {P1.sur} {L1} الأسبوع المقبل.",
     "{P1.sur} will visit {the L1} next week."),
    ("statement", "وجاء في بيان {ل+O1} أن الوضع في {L1} يتطلب حلا سياسيا.",
     "A statement by {the O1} said that the situation in {the L1} required a political solution."),
    ("bare-place", "{L1}", "{L1}"),
    ("bare-person", "{P1}", "{P1}"),
    ("bare-org", "{O1}", "{O1}"),
]  # fmt: skip


@dataclass(frozen=True)
class Use:
    """One name as used in one generated sentence: its Arabic as written, the
    right English and the English the sentence actually has."""

    key: str
    entry: str
    role: str
    ar: str
    en: str
    used: str


def _join(prefix: str, word: str) -> str:
    if not prefix:
        return word
    if prefix.endswith("ل") and word.startswith("ال"):
        return prefix + word[1:]
    return prefix + word


class Filler:
    """Fills one template: picks names for its slots (distinct within the
    sentence), an Arabic variant per occurrence and one English per name."""

    def __init__(
        self,
        by_key: dict[str, Name],
        pools: dict[str, list[Name]],
        english: Callable[[Name, random.Random], str],
        rng: random.Random,
    ) -> None:
        self.by_key = by_key
        self.pools = pools
        self.english = english
        self.rng = rng

    def fill(self, ar_t: str, en_t: str) -> tuple[str, str, list[Use]]:
        chosen: dict[str, Name] = {}
        for m in _REF.finditer(ar_t):
            ref = m["ref"]
            if ref.startswith("=") or ref in chosen:
                continue
            pool = self.pools[SLOTS[ref[0]]]
            taken = {n.entry or n.key for n in chosen.values()}
            name = self.rng.choice([n for n in pool if (n.entry or n.key) not in taken])
            chosen[ref] = name
        self._en_cache: dict[str, str] = {}
        self._uses: list[Use] = []
        ar = self._expand(ar_t, chosen, arabic=True)
        en = self._expand(en_t, chosen, arabic=False)
        ar = _SPACES.sub(" ", ar).strip().replace(" ،", "،")
        en = _SPACES.sub(" ", en).strip()
        return ar, en[:1].upper() + en[1:], self._uses

    def _english_of(self, name: Name) -> str:
        if name.key not in self._en_cache:
            self._en_cache[name.key] = self.english(name, self.rng)
        return self._en_cache[name.key]

    def _expand(self, text: str, chosen: dict[str, Name], *, arabic: bool) -> str:
        def choice(m: re.Match[str]) -> str:
            return m["f"] if chosen[m["ref"]].female else m["m"]

        def ref(m: re.Match[str]) -> str:
            r, attr = m["ref"], m["attr"] or ""
            name = self.by_key[r[1:]] if r.startswith("=") else chosen[r]
            if attr == "title":
                return self._expand(name.title[0 if arabic else 1], chosen, arabic=arabic)
            if attr == "sur" and name.surname:
                name = self.by_key[name.surname]
            if not arabic:
                en = self._english_of(name)
                the = m["the"] or ""
                return f"{the}{en}" if name.the and the else en
            variants = [v for v in name.ar if not (m["pre"] and is_latin(v))] or list(name.ar)
            variant = self.rng.choice(variants)
            word = variant
            if name.slot == "adjective":
                word = {
                    "m": "ال" + variant,
                    "f": "ال" + variant + "ة",
                    "mi": variant,
                    "fi": variant + "ة",
                }[attr or "mi"]
            surface = _join(m["pre"] or "", word) if not is_latin(word) else word
            if m["pre"] and is_latin(word):
                surface = f"{m['pre']} {word}"
            self._uses.append(
                Use(name.key, name.entry, name.role, word, name.en, self._english_of(name))
            )
            return surface

        return _REF.sub(ref, _CHOICE.sub(choice, text))
