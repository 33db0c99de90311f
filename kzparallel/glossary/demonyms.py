"""Regular English demonyms and place adjectives (*Syria* → *Syrian*, *Syrians*).

A glossary entry for a place may give its adjective (``forms: adjective``);
when it does not, the English of a sentence may still use the place as an
adjective (*Syrian forces* for قوات من سوريا). Such a derived form is a
correct rendering of the place and must never be "repaired" into the noun,
so the enforcement accepts the forms :func:`demonyms` makes and protects them
from the similarity repair.

No kept PyPI package gives demonyms for places in general (country-data
packages carry one demonym per country, some of them dated, such as
*Tadzhik*, and no cities), so this is a small rule set over the end of the
name, with the common irregular country adjectives as exceptions:

============  ===============================  ==============================
name ends in  forms made                       examples
============  ===============================  ==============================
-stan         the stem; the name + i           Kazakh, Kazakhstani; Tajik, Afghan
-ia           + n                              Syrian, Russian, Armenian
-a            + n; -a → -ese                   Gazan, Cuban; Chinese, Maltese
-e            + an; -e → -ian                  European; Ukrainian
-o            -o → -an; + an                   Mexican, Moroccan; Chicagoan
-i            + an                             Malian, Haitian
-on           -on → -ese                       Lebanese
-y            -y → -ian                        Italian, Hungarian
consonant     + i, + ian, + ese, + er          Iraqi, Israeli; Iranian, Parisian;
                                               Sudanese, Taiwanese; New Yorker
============  ===============================  ==============================

Every form also gets its plural with ``s`` (*Syrians*, *Iraqis*) unless it
ends in -ese or -sh. Over-generation is harmless: a made form is only ever
*accepted* where the text has it, never written into a translation.
"""

from __future__ import annotations

from functools import lru_cache

from kzparallel.glossary.entries import Entry

# Irregular adjectives/demonyms (the rules cannot make them). Keys are lower case.
EXCEPTIONS: dict[str, tuple[str, ...]] = {
    "britain": ("British", "Briton", "Britons"),
    "great britain": ("British", "Briton", "Britons"),
    "united kingdom": ("British", "Briton", "Britons"),
    "england": ("English",),
    "scotland": ("Scottish", "Scots"),
    "wales": ("Welsh",),
    "ireland": ("Irish",),
    "france": ("French",),
    "netherlands": ("Dutch",),
    "switzerland": ("Swiss",),
    "spain": ("Spanish", "Spaniard", "Spaniards"),
    "poland": ("Polish", "Pole", "Poles"),
    "denmark": ("Danish", "Dane", "Danes"),
    "sweden": ("Swedish", "Swede", "Swedes"),
    "finland": ("Finnish", "Finn", "Finns"),
    "turkey": ("Turkish", "Turk", "Turks"),
    "türkiye": ("Turkish", "Turk", "Turks"),
    "greece": ("Greek", "Greeks"),
    "germany": ("German", "Germans"),
    "iceland": ("Icelandic", "Icelander", "Icelanders"),
    "cyprus": ("Cypriot", "Cypriots"),
    "thailand": ("Thai", "Thais"),
    "philippines": ("Filipino", "Filipinos", "Philippine"),
    "saudi arabia": ("Saudi", "Saudis"),
    "united states": ("American", "Americans", "U.S.", "US"),
    "moscow": ("Muscovite", "Muscovites"),
    "peru": ("Peruvian", "Peruvians"),
    "madagascar": ("Malagasy",),
    "monaco": ("Monegasque", "Monegasques"),
}

_VOWELS = "aeiouy"


def _made(name: str) -> list[str]:
    low = name.lower()
    last = low[-1:]
    out: list[str] = []
    if low.endswith("stan"):
        stem = name[:-4]
        stem = stem[:-1] if stem.lower().endswith("i") else stem
        if len(stem) >= 4:
            out.append(stem)
        out.append(name + "i")
    elif low.endswith("ia"):
        out.append(name + "n")
    elif last == "a":
        out += [name + "n", name[:-1] + "ese"]
    elif last == "e":
        out += [name + "an", name[:-1] + "ian"]
    elif last == "o":
        out += [name[:-1] + "an", name + "an"]
    elif last == "i":
        out.append(name + "an")
    elif low.endswith("on"):
        out += [name[:-2] + "ese", name + "ese", name + "i", name + "ian"]
    elif last == "y":
        out.append(name[:-1] + "ian")
    elif last and last not in _VOWELS and last.isalpha():
        out += [name + "i", name + "ian", name + "ese", name + "er"]
    return out


@lru_cache(maxsize=4096)
def demonyms(name: str) -> tuple[str, ...]:
    """The regular demonym/adjective forms of place ``name`` and their plurals
    (the irregular ones from :data:`EXCEPTIONS`), in a fixed order."""
    name = name.strip()
    if not name:
        return ()
    forms = list(EXCEPTIONS.get(name.lower(), ())) or _made(name)
    out: list[str] = []
    for form in forms:
        for f in (form, form + "s"):
            if f == form + "s" and (form.endswith(("ese", "sh", "s", "ch")) or form.isupper()):
                continue
            if f != name and f not in out:
                out.append(f)
    return tuple(out)


def is_demonym_of(word: str, name: str) -> bool:
    """Whether ``word`` is a regular (or listed irregular) derived form of
    place ``name`` (case-insensitive)."""
    low = word.lower()
    return any(low == f.lower() for f in demonyms(name))


def derived_forms(entry: Entry) -> tuple[str, ...]:
    """The English forms a place may take when a sentence uses it as an
    adjective or for its people: the entry's own ``adjective`` and ``people``
    forms (with their ``also``) when it has them, else the regular demonyms of
    its English name and alternatives. Empty for anything but a place."""
    if entry.type != "place":
        return ()
    own = [x for f in entry.forms if f.role in ("adjective", "people") for x in (f.en, *f.also)]
    if entry.form("adjective") is None:
        own += [d for name in (entry.en, *entry.also) for d in demonyms(name)]
    return tuple(dict.fromkeys(x for x in own if x and x != entry.en and x not in entry.also))
