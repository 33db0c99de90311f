"""A planted corpus of names rendered two ways (consistency report and review filter tests).

Three documents name Tashkent (طشقند) eleven times, nine times *Tashkent* and
twice *Toshkent*; a glossary entry (kazakhstan, required *Kazakh*) is found as
*Kazakh* five times and as *Kazakhstani* once.
"""

from __future__ import annotations

from kzparallel.records import Pair, pair_id

SENTENCES = [  # (document, Arabic, English, glossary form found or "")
    ("d1", "وصل الوفد إلى طشقند صباح اليوم.", "The delegation arrived in Tashkent this morning.", ""),
    ("d1", "وعاد الهدوء إلى طشقند.", "Calm returned to Toshkent.", ""),
    ("d1", "وأغلقت طشقند حدودها.", "Tashkent closed its border.", ""),
    ("d2", "وتظاهر آلاف الأشخاص في طشقند.", "Thousands of people demonstrated in Tashkent.", ""),
    ("d2", "وانقطعت خدمة الإنترنت في طشقند.", "Internet service was cut off in Tashkent.", ""),
    ("d2", "وفرضت السلطات حظر التجول في طشقند.", "The authorities imposed a curfew in Toshkent.", ""),
    ("d2", "وأغلقت البنوك في طشقند أبوابها.", "Banks in Tashkent closed their doors.", ""),
    ("d3", "وقالت الشرطة الكازاخستانية إن طشقند هادئة.", "The Kazakh police said Tashkent was calm.", "Kazakh"),
    ("d3", "وصل الوفد الكازاخستاني إلى طشقند.", "The Kazakh delegation arrived in Tashkent.", "Kazakh"),
    ("d3", "وأعلنت السلطات الكازاخستانية اعتقال مئات الأشخاص.", "The Kazakhstani authorities announced arrests.", "Kazakhstani"),
    ("d3", "وقال الرئيس الكازاخستاني إن الوضع مستقر.", "The Kazakh president said the situation was stable.", "Kazakh"),
    ("d3", "وأعربت الحكومة الكازاخستانية عن قلقها.", "The Kazakh government expressed concern.", "Kazakh"),
    ("d3", "وشاهد مراسل دبابات في شوارع طشقند.", "A correspondent saw tanks in the streets of Tashkent.", ""),
    ("d3", "وعاد الهدوء إلى شوارع طشقند.", "Calm returned to the streets of Tashkent.", "Kazakh"),
]  # fmt: skip
MINORITY = {1, 5, 9}  # Toshkent, Toshkent, Kazakhstani


def planted_pairs() -> list[Pair]:
    out = []
    for i, (doc, ar, en, found) in enumerate(SENTENCES):
        terms = (
            [{"term": "kazakhstan", "en": "Kazakh", "ok": True, "found": found}] if found else []
        )
        out.append(Pair(pair_id(doc, i, 0, ar), doc, i, 0, ar, en, en, terms=terms))
    return out
