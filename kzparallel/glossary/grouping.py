"""Grouping the spans ``glossary suggest`` found into concepts (:mod:`.suggest`).

* keys written alike but for spaces (عشق آباد, عشقاباد) are one concept;
* a rendering that is part of a longer rendering of the concept, in
  sentences that have the longer one (*Jazeera* where the English says *Al
  Jazeera*), is counted as the longer one; so is a concept whose key is
  part of another's and whose sentences have the other's English;
* keys whose most frequent renderings are one spelling (the repair's sound
  units, :func:`.variants.units`: *Japarov* = *Zhaparov*) are one concept;
* a one-word concept that is the last word of a person's name and renders
  its last English word is the ``surname`` form; a nisba of a one-word place
  (:func:`nisba_keys`) its ``adjective`` (or ``people``) form;
* a key contained in a longer key of the concept is not listed.
"""

from __future__ import annotations

from kzparallel.glossary.concepts import EXAMPLES, Concept
from kzparallel.glossary.matching import NISBA
from kzparallel.glossary.variants import same_units, units

_PEOPLE_SUFFIXES = ("يين", "يون")


def _words_in(short: str, long: str) -> bool:
    """``short``'s words are a run of ``long``'s (and fewer)."""
    a, b = short.split(), long.split()
    return len(a) < len(b) and any(b[i : i + len(a)] == a for i in range(len(b) - len(a) + 1))


def _fold_truncated(c: Concept) -> None:
    """A rendering that is part of a longer rendering of the concept, in
    sentences that have the longer one there (*Jazeera* where the English
    says *Al Jazeera*: the attention linked one word less), is counted as the
    longer one."""
    for short in sorted(c.renderings, key=lambda r: len(r.split())):
        longer = [r for r in c.renderings if _words_in(short, r)]
        exs = c.examples.get(short, [])
        for long in sorted(longer, key=lambda r: -c.renderings[r]):
            if exs and all(long in e.en for e in exs):
                c.renderings[long] += c.renderings.pop(short)
                mine = c.examples.setdefault(long, [])
                mine += [e for e in exs if e not in mine][: max(0, EXAMPLES - len(mine))]
                del c.examples[short]
                for d in c.documents:
                    d["forms"][long] = d["forms"].get(long, 0) + d["forms"].pop(short, 0)
                c.documents = [d for d in c.documents if len(d["forms"]) > 1]
                break


def group(keys: list[Concept]) -> list[Concept]:
    """Keys written alike but for spaces (عشق آباد, عشقاباد), and keys whose
    most frequent renderings are one spelling, form one concept; a concept
    whose key is part of another's key and whose sentences have the other's
    English (النقد الدولي → *Monetary Fund* where the English says
    *International Monetary Fund*) is a truncated alignment of it."""
    joined: dict[str, Concept] = {}
    for c in sorted(keys, key=lambda c: (-c.count, c.keys[0])):
        spaceless = c.keys[0].replace(" ", "")
        if spaceless in joined:
            joined[spaceless].absorb(c)
        else:
            joined[spaceless] = c
    groups: dict[tuple[str, ...], Concept] = {}
    for c in joined.values():
        _fold_truncated(c)
        unit = units(c.en) or (c.en,)
        if unit in groups:
            groups[unit].absorb(c)
        else:
            groups[unit] = c
    out = sorted(groups.values(), key=lambda c: -c.count)
    for short in list(out):
        for long in out:
            if long is short or not any(
                f" {k} " in f" {lk} " and k != lk for k in short.keys for lk in long.keys
            ):
                continue
            exs = [e for es in short.examples.values() for e in es]
            if exs and all(long.en in e.en for e in exs) and _words_in(short.en, long.en):
                long.renderings[long.en] += short.count
                out.remove(short)
                break
    return out


def attach_forms(concepts: list[Concept]) -> None:
    """Surnames to their people, nisbas to their places (in place)."""
    one_word = {k: c for c in concepts for k in c.keys if " " not in k}
    taken: set[int] = set()
    for c in sorted(concepts, key=lambda c: -c.count):
        if id(c) in taken:
            continue
        words = c.en.split()
        if len(words) >= 2:
            if len(words[0]) < 3:
                continue  # "Al Jazeera": no first name
            for k in c.keys:
                s = one_word.get(k.split()[-1])
                if (
                    s is not None
                    and s is not c
                    and id(s) not in taken
                    and same_units(s.en, words[-1])
                ):
                    c.forms["surname"] = s
                    taken.add(id(s))
                    break
            continue
        for k in c.keys:
            for form_key, role in nisba_keys(k):
                a = one_word.get(form_key)
                if a is None or a is c or id(a) in taken:
                    continue
                if role in c.forms:
                    c.forms[role].absorb(a)
                else:
                    c.forms[role] = a
                taken.add(id(a))
    concepts[:] = [c for c in concepts if id(c) not in taken]


def nisba_keys(key: str) -> list[tuple[str, str]]:
    """The nisba adjectives (and people) of a one-word place name, with and
    without the article: أوزبكستان → أوزبكستاني, الأوزبكي …; منغوليا → منغولي …"""
    if " " in key:
        return []
    bases = [] if key.endswith(("ا", "ي", "ه")) else [key]
    if key.endswith("يا"):
        bases.append(key[:-1])
    if key.endswith("ستان") and len(key) > 6:
        bases.append(key[:-4])
    out = []
    for base in bases:
        suffixes = ("", "ه", "ين", "ون") if base.endswith("ي") else NISBA
        for suffix in suffixes:
            role = "people" if suffix in (*_PEOPLE_SUFFIXES, "ين", "ون") else "adjective"
            out += [(base + suffix, role), ("ال" + base + suffix, role)]
    return [(k, r) for k, r in out if k != key]


def drop_subkeys(c: Concept) -> None:
    """A key that is part of a longer key of the concept is a truncated
    alignment (هيومن رايتس beside هيومن رايتس ووتش): not listed as a variant."""
    padded = [f" {k} " for k in c.keys]
    c.keys = [k for k in c.keys if not any(f" {k} " in p and p != f" {k} " for p in padded)]
