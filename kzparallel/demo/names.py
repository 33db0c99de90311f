"""The names the generated corpus is made of: every form of every glossary entry,
and names outside the glossary (with the Arabic spellings and English renderings
a news translator meets).

A :class:`Name` is one slot filler: its Arabic variants, the right English and
the English renderings the *training* data uses with their shares. For a
glossary name without a habit that is ``((en, 1.0),)``; the recipe
(:mod:`kzparallel.demo.corpus`) gives a share of glossary names a wrong
habit, and some outside names are rendered two ways (:data:`OUTSIDE`).

Every Arabic variant of a glossary name is checked with the project's own
matcher (:meth:`Glossary.find`): a variant the matcher does not read as that
entry and role is not used, so the ground truth always agrees with what
``kzparallel eval`` and the build count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

# Slot kinds and the letter templates use for them (P1, L2, ...).
SLOTS = {
    "P": "person",
    "S": "surname",
    "L": "place",
    "O": "org",
    "M": "media",
    "X": "platform",
    "A": "adjective",
    "N": "people",
}

# News organisations and platforms of the glossary: no "the" in English.
MEDIA_IDS = frozenset(
    {"eurasianet", "belta", "sputnik", "al-mayadeen", "reuters", "ap", "urdupoint"}
)
# The person's title (Arabic, English) for the glossary's people. A title is a
# small template: ``{=entry:role.agreement}`` is that glossary name (its
# English follows the recipe like any other name). Unknown entries get none.
TITLES: dict[str, tuple[str, str]] = {
    "tokayev": ("الرئيس {=kazakhstan:adjective.m}", "{=kazakhstan:adjective} President"),
    "nazarbayev": (
        "الرئيس {=kazakhstan:adjective.m} السابق",
        "former {=kazakhstan:adjective} President",
    ),
    "biden": ("الرئيس {=united-states:adjective.m}", "{=united-states:adjective} President"),
    "psaki": ("المتحدثة باسم {=white-house}", "{=white-house} press secretary"),
    "price": ("المتحدث باسم {=state-department}", "{=state-department} spokesman"),
    "blinken": (
        "وزير الخارجية {=united-states:adjective.m}",
        "{=united-states:adjective} Secretary of State",
    ),
    "tileuberdi": (
        "وزير الخارجية {=kazakhstan:adjective.m}",
        "{=kazakhstan:adjective} Foreign Minister",
    ),
    "volodin": ("رئيس {=state-duma}", "{=state-duma} speaker"),
    "zakharova": (
        "المتحدثة باسم {=russian-foreign-ministry}",
        "{=russian-foreign-ministry} spokeswoman",
    ),
    "jean-pierre": (
        "نائبة المتحدثة باسم {=white-house}",
        "deputy {=white-house} press secretary",
    ),
    "dujarric": ("المتحدث باسم {=united-nations}", "{=united-nations} spokesman"),
    "borrell": (
        "مسؤول السياسة الخارجية في {=european-union}",
        "{=european-union} foreign policy chief",
    ),
    "truss": ("وزيرة الخارجية {=britain:adjective.f}", "{=britain:adjective} Foreign Secretary"),
    "le-drian": ("وزير الخارجية {=france:adjective.m}", "{=france:adjective} Foreign Minister"),
    "wang-wenbin": (
        "المتحدث باسم الخارجية {=china:adjective.f}",
        "{=china:adjective} Foreign Ministry spokesman",
    ),
    "trump": (
        "الرئيس {=united-states:adjective.m} السابق",
        "former {=united-states:adjective} President",
    ),
    "evan-vucci": ("المصور", "photographer"),
}
FEMALE_IDS = frozenset({"psaki", "zakharova", "jean-pierre", "truss"})
_FEMININE_FIRST_WORDS = frozenset({"الأمم", "الولايات"})


@dataclass(frozen=True)
class Name:
    """One slot filler of the generated corpus.

    ``key`` is ``entry:role`` for a glossary form (``tokayev:surname``) and
    ``outside:<id>`` (``outside:<id>:surname``) for a name outside the
    glossary. ``renderings`` are the English spellings the training data uses
    and their shares (summing to 1); ``en`` is the right one.
    """

    key: str
    slot: str
    ar: tuple[str, ...]
    en: str
    renderings: tuple[tuple[str, float], ...]
    entry: str = ""  # glossary entry id; "" outside the glossary
    role: str = "name"
    the: bool = False  # English takes "the" (the United States, the CSTO)
    female: bool = False  # Arabic agreement
    title: tuple[str, str] = ("", "")
    surname: str = ""  # key of the surname form of a person

    @property
    def in_glossary(self) -> bool:
        return bool(self.entry)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "slot": self.slot,
            "ar": list(self.ar),
            "en": self.en,
            "renderings": [[en, share] for en, share in self.renderings],
            "entry": self.entry,
            "role": self.role,
        }


def _outside(
    key: str,
    slot: str,
    ar: tuple[str, ...],
    en: str,
    alt: str = "",
    *,
    the: bool = False,
    female: bool = False,
    title: tuple[str, str] = ("", ""),
    surname: tuple[tuple[str, ...], str, str] | None = None,
) -> list[Name]:
    """An outside name (and its surname form); ``alt`` is a second English
    rendering, whose share :func:`outside_names` sets."""
    rend = ((en, 1.0), (alt, 0.0)) if alt else ((en, 1.0),)
    names = [
        Name(
            f"outside:{key}",
            slot,
            ar,
            en,
            rend,
            the=the,
            female=female,
            title=title,
            surname=f"outside:{key}:surname" if surname else "",
        )
    ]
    if surname:
        s_ar, s_en, s_alt = surname
        s_rend = ((s_en, 1.0), (s_alt, 0.0)) if s_alt else ((s_en, 1.0),)
        names.append(Name(f"outside:{key}:surname", "surname", s_ar, s_en, s_rend, role="surname"))
    return names


# Names outside the shipped glossary: people, places, organisations and media of
# the region and beyond, with an Arabic spelling news sites use. Those with a
# second English spelling are rendered both ways in the training English.
OUTSIDE: list[Name] = [
    *_outside(
        "mirziyoyev",
        "person",
        ("شوكت ميرضيائيف",),
        "Shavkat Mirziyoyev",
        "Shavkat Mirziyoev",
        title=("الرئيس {=outside:uzbek.m}", "{=outside:uzbek} President"),
        surname=(("ميرضيائيف",), "Mirziyoyev", "Mirziyoev"),
    ),
    *_outside(
        "japarov",
        "person",
        ("صدر جباروف", "صادر جباروف"),
        "Sadyr Japarov",
        "Sadyr Zhaparov",
        title=("الرئيس {=kyrgyzstan:adjective.m}", "{=kyrgyzstan:adjective} President"),
        surname=(("جباروف",), "Japarov", "Zhaparov"),
    ),
    *_outside(
        "rahmon",
        "person",
        ("إمام علي رحمن", "إمام علي رحمون"),
        "Emomali Rahmon",
        title=("الرئيس {=tajikistan:adjective.m}", "{=tajikistan:adjective} President"),
        surname=(("رحمن", "رحمون"), "Rahmon", ""),
    ),
    *_outside(
        "lavrov",
        "person",
        ("سيرغي لافروف", "سيرجي لافروف"),
        "Sergei Lavrov",
        "Sergey Lavrov",
        title=("وزير الخارجية {=russia:adjective.m}", "{=russia:adjective} Foreign Minister"),
        surname=(("لافروف",), "Lavrov", ""),
    ),
    *_outside(
        "peskov",
        "person",
        ("ديمتري بيسكوف", "دميتري بيسكوف"),
        "Dmitry Peskov",
        "Dmitri Peskov",
        title=("المتحدث باسم الكرملين", "Kremlin spokesman"),
        surname=(("بيسكوف",), "Peskov", ""),
    ),
    *_outside(
        "lukashenko",
        "person",
        ("ألكسندر لوكاشينكو", "ألكسندر لوكاشنكو"),
        "Alexander Lukashenko",
        "Aleksandr Lukashenko",
        title=("الرئيس {=belarus:adjective.m}", "{=belarus:adjective} President"),
        surname=(("لوكاشينكو", "لوكاشنكو"), "Lukashenko", ""),
    ),
    *_outside(
        "guterres",
        "person",
        ("أنطونيو غوتيريش", "أنطونيو غوتيريس"),
        "Antonio Guterres",
        title=("الأمين العام {ل+=united-nations}", "{=united-nations} Secretary-General"),
        surname=(("غوتيريش", "غوتيريس"), "Guterres", ""),
    ),
    *_outside(
        "pashinyan",
        "person",
        ("نيكول باشينيان",),
        "Nikol Pashinyan",
        "Nikol Pashinian",
        title=("رئيس الوزراء {=armenia:adjective.m}", "{=armenia:adjective} Prime Minister"),
        surname=(("باشينيان",), "Pashinyan", "Pashinian"),
    ),
    *_outside(
        "erdogan",
        "person",
        ("رجب طيب أردوغان",),
        "Recep Tayyip Erdogan",
        title=("الرئيس {=outside:turkish.m}", "{=outside:turkish} President"),
        surname=(("أردوغان",), "Erdogan", ""),
    ),
    *_outside(
        "scholz",
        "person",
        ("أولاف شولتس", "أولاف شولتز"),
        "Olaf Scholz",
        title=("المستشار {=outside:german.m}", "{=outside:german} Chancellor"),
        surname=(("شولتس", "شولتز"), "Scholz", ""),
    ),
    *_outside(
        "smailov",
        "person",
        ("عليخان سمايلوف", "علي خان سمايلوف"),
        "Alikhan Smailov",
        title=("رئيس الوزراء {=kazakhstan:adjective.m}", "{=kazakhstan:adjective} Prime Minister"),
        surname=(("سمايلوف",), "Smailov", ""),
    ),
    *_outside(
        "massimov",
        "person",
        ("كريم ماسيموف",),
        "Karim Massimov",
        "Karim Masimov",
        title=("رئيس لجنة الأمن القومي السابق", "former national security chief"),
        surname=(("ماسيموف",), "Massimov", "Masimov"),
    ),
    *_outside(
        "tsikhanouskaya",
        "person",
        ("سفيتلانا تيخانوفسكايا",),
        "Sviatlana Tsikhanouskaya",
        "Svetlana Tikhanovskaya",
        female=True,
        title=("زعيمة المعارضة {=belarus:adjective.f}", "{=belarus:adjective} opposition leader"),
        surname=(("تيخانوفسكايا",), "Tsikhanouskaya", "Tikhanovskaya"),
    ),
    *_outside("tashkent", "place", ("طشقند",), "Tashkent", "Toshkent"),
    *_outside("bishkek", "place", ("بيشكيك", "بشكيك"), "Bishkek"),
    *_outside("dushanbe", "place", ("دوشنبه", "دوشانبي"), "Dushanbe"),
    *_outside("ashgabat", "place", ("عشق آباد", "عشقاباد"), "Ashgabat", "Ashkhabad"),
    *_outside("uzbekistan", "place", ("أوزبكستان", "أوزباكستان"), "Uzbekistan"),
    *_outside("turkmenistan", "place", ("تركمانستان",), "Turkmenistan"),
    *_outside("mongolia", "place", ("منغوليا",), "Mongolia"),
    *_outside("ankara", "place", ("أنقرة",), "Ankara"),
    *_outside("berlin", "place", ("برلين",), "Berlin"),
    *_outside("shymkent", "place", ("شيمكنت", "شمكنت"), "Shymkent", "Chimkent"),
    *_outside("karaganda", "place", ("قاراغاندا", "كاراغندا"), "Karaganda", "Qaraghandy"),
    *_outside("atyrau", "place", ("أتيراو",), "Atyrau"),
    *_outside("taraz", "place", ("طراز",), "Taraz"),
    *_outside("mangystau", "place", ("منطقة مانغيستاو",), "Mangystau region", "Mangistau region"),
    *_outside(
        "sco",
        "org",
        ("منظمة شنغهاي للتعاون",),
        "Shanghai Cooperation Organisation",
        "Shanghai Cooperation Organization",
        the=True,
        female=True,
    ),
    *_outside("nato", "org", ("حلف شمال الأطلسي", "حلف الناتو"), "NATO"),
    *_outside("eaeu", "org", ("الاتحاد الاقتصادي الأوراسي",), "Eurasian Economic Union", the=True),
    *_outside("imf", "org", ("صندوق النقد الدولي",), "International Monetary Fund", the=True),
    *_outside("amnesty", "org", ("منظمة العفو الدولية",), "Amnesty International", female=True),
    *_outside("hrw", "org", ("هيومن رايتس ووتش",), "Human Rights Watch", female=True),
    *_outside("red-cross", "org", ("الصليب الأحمر",), "Red Cross", the=True),
    *_outside("tass", "media", ("وكالة تاس", "تاس"), "TASS", "Tass"),
    *_outside("interfax", "media", ("وكالة إنترفاكس", "إنترفاكس"), "Interfax"),
    *_outside("kazinform", "media", ("وكالة كازينفورم", "كازينفورم"), "Kazinform", "KazInform"),
    *_outside("al-jazeera", "media", ("قناة الجزيرة", "الجزيرة"), "Al Jazeera", "Al-Jazeera"),
    *_outside("ria", "media", ("وكالة ريا نوفوستي", "ريا نوفوستي"), "RIA Novosti"),
    *_outside("instagram", "platform", ("إنستغرام", "انستغرام"), "Instagram"),
    *_outside("uzbeks", "people", ("الأوزبك",), "Uzbeks"),
    *_outside("germans", "people", ("الألمان",), "Germans"),
    *_outside("turks", "people", ("الأتراك",), "Turks"),
    *_outside("uzbek", "adjective", ("أوزبكي", "أوزبكستاني"), "Uzbek"),
    *_outside("turkish", "adjective", ("تركي",), "Turkish"),
    *_outside("german", "adjective", ("ألماني",), "German"),
    *_outside("turkmen", "adjective", ("تركماني",), "Turkmen", "Turkmenian"),
    *_outside("mongolian", "adjective", ("منغولي",), "Mongolian"),
]

_LATIN = re.compile(r"[A-Za-z]")
_VOWEL_END = ("ا", "ى", "ة", "و", "ي", "ه")


def is_latin(text: str) -> bool:
    return bool(_LATIN.search(text))


def _english_the(entry: Any, role: str) -> bool:
    en: str = entry.en if role == "name" else entry.form(role).en
    if entry.type == "place" and role == "name":
        return en.startswith("United ") or en.endswith((" Union", " Federation", " Bank"))
    return entry.type == "org" and entry.id not in MEDIA_IDS


def _feminine(ar: str) -> bool:
    first = ar.split()[0] if ar.split() else ""
    return first.endswith("ة") or first in _FEMININE_FIRST_WORDS


def _slot_of(entry: Any, role: str) -> str | None:
    if entry.type == "person":
        return "surname" if role == "surname" else ("person" if role == "name" else None)
    if entry.type == "place":
        return {"name": "place", "adjective": "adjective", "people": "people"}.get(role)
    if role != "name":
        return None
    if entry.id in MEDIA_IDS:
        return "media"
    return "platform" if entry.type == "other" else "org"


def _candidates(entry: Any, role: str) -> list[str]:
    """Arabic surfaces for a form, as a template writes them: an adjective as its
    masculine indefinite nisba (كازاخستاني), people as a definite plural."""
    form = entry.form(role)
    if role == "adjective":
        out = list(form.ar)
        for v in entry.ar:
            if " " not in v and not v.startswith("ال") and not v.endswith(_VOWEL_END):
                out.append(v + "ي")
        return out
    if role == "people":
        out = ["ال" + v for v in form.ar]
        adj = entry.form("adjective")
        for v in [*entry.ar, *(adj.ar if adj else ())]:
            if " " not in v and not v.startswith("ال") and not v.endswith(_VOWEL_END):
                out.append("ال" + v + "يين")
        return out
    return list(form.ar)


def _read_as(glossary: Any, surface: str, entry: str, role: str) -> bool:
    """The matcher reads the whole ``surface`` as one mention of ``entry``/``role``."""
    found = glossary.find(surface)
    return (
        len(found) == 1
        and found[0].term == entry
        and found[0].role == role
        and found[0].start == 0
        and found[0].end == len(surface)
    )


def glossary_names(glossary: Any) -> list[Name]:
    """One :class:`Name` per form of every glossary entry that a template slot
    can hold, with the Arabic variants the matcher reads as that form."""
    names: list[Name] = []
    for entry in glossary.entries:
        for form in entry.all_forms():
            slot = _slot_of(entry, form.role)
            if slot is None:
                continue
            ar: list[str] = []
            for cand in _candidates(entry, form.role):
                probe = cand
                if slot == "adjective":  # read as the masculine and feminine nisba
                    probe = "ال" + cand
                feminine_ok = slot != "adjective" or _read_as(
                    glossary, probe + "ة", entry.id, form.role
                )
                if (
                    cand not in ar
                    and _read_as(glossary, probe, entry.id, form.role)
                    and feminine_ok
                ):
                    ar.append(cand)
            if not ar:
                continue
            has_surname = slot == "person" and entry.form("surname") is not None
            names.append(
                Name(
                    key=f"{entry.id}:{form.role}",
                    slot=slot,
                    ar=tuple(ar),
                    en=form.en,
                    renderings=((form.en, 1.0),),
                    entry=entry.id,
                    role=form.role,
                    the=_english_the(entry, form.role),
                    female=entry.id in FEMALE_IDS
                    if entry.type == "person"
                    else (entry.type == "place" or _feminine(ar[0])),
                    title=TITLES.get(entry.id, ("", "")) if slot == "person" else ("", ""),
                    surname=f"{entry.id}:surname" if has_surname else "",
                )
            )
    return names


def outside_names(alt_share: float) -> list[Name]:
    """:data:`OUTSIDE` with the second rendering given ``alt_share`` of the uses."""
    out = []
    for n in OUTSIDE:
        if len(n.renderings) == 2:
            rend = ((n.en, round(1.0 - alt_share, 6)), (n.renderings[1][0], alt_share))
            n = replace(n, renderings=rend)
        out.append(n)
    return out
