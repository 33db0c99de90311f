"""``glossary suggest``: candidate glossary entries for the names a corpus uses.

Over a corpus of pairs (:func:`suggest`):

1. every pair's name-like Arabic spans the glossary does not cover, with
   their English renderings (:func:`kzparallel.glossary.namespans.name_spans`:
   cross-attention links where the pairs have them, sound otherwise);
2. each span keyed by its normalised Arabic with the first word's proclitics
   (و ف ب ل ك ال) removed where the corpus shows the bare word;
3. keys grouped into concepts: keys whose most frequent renderings are the
   same spelling (as the repair compares spellings: :func:`.variants.same_units`)
   are spelling variants of one name (صدر جباروف, صادر جباروف → *Sadyr
   Japarov*); a one-word concept that is the last word of a person's name and
   renders the last word of its English becomes its ``surname`` form; a
   nisba of a place (أوزبكستان → أوزبكستاني) its ``adjective`` (or ``people``)
   form;
4. a ``type`` from context cues (:func:`guess_type`), ``en`` = the most
   frequent rendering, ``forbidden`` = the other renderings that are
   spellings of it (an unrelated rendering — alignment noise, or a
   different name — is listed in the ``note`` only: forbidding it would let
   the repair rewrite a right name), and a ``note`` with the counts and two
   example pairs.

Concepts seen fewer than ``min_count`` times are left out. The result is a
:class:`~kzparallel.glossary.model.Glossary` (``to_glossary``) that
``glossary lint`` accepts; every count is also kept for the consistency
report (:mod:`.consistency`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from kzparallel.glossary.matching import NISBA
from kzparallel.glossary.model import Entry, Form, Glossary
from kzparallel.glossary.namespans import (
    ORG_WORDS,
    PLACE_CUES,
    SOUND_MIN,
    SPEECH,
    TITLES,
    NameSpan,
    arabic_skeleton,
    bare,
    en_set,
    english_skeleton,
    english_words,
    is_initial,
    name_spans,
    skeleton_similarity,
    sound_similarity,
    stems,
)
from kzparallel.glossary.variants import distance, is_variant, same_units

MIN_COUNT = 2
NAME_SHARE = 0.5  # a word at the edge of a span stays if this share of its uses are in names
EXAMPLES = 2
ORG_EN = en_set(
    "Organisation Organization Union Fund International Agency Council Watch Cross Committee "
    "Party Bank News Novosti Ministry Alliance Front Movement Court Commission Forum"
)
_ORG_BEFORE = frozenset({"باسم", "بعثه", "ممثلو", "بيان"})
_PEOPLE_SUFFIXES = ("يين", "يون")


@dataclass
class Occurrence:
    """One rendering of a span in one pair."""

    pair: str
    doc: str
    en: str
    ar_text: str
    en_text: str


@dataclass
class Concept:
    """A suggested entry: its Arabic keys, renderings and the cues for its type."""

    keys: list[str]
    surfaces: dict[str, str]  # key -> the Arabic as most often written
    occurrences: list[Occurrence] = field(default_factory=list)
    cues: Counter[str] = field(default_factory=Counter)
    how: Counter[str] = field(default_factory=Counter)
    forms: dict[str, Concept] = field(default_factory=dict)  # surname, adjective, people
    type: str = "other"
    id: str = ""

    @property
    def renderings(self) -> Counter[str]:
        return Counter(o.en for o in self.occurrences)

    @property
    def en(self) -> str:
        return max(self.renderings.items(), key=lambda kv: (kv[1], kv[0] == kv[0].upper(), kv[0]))[
            0
        ]

    @property
    def count(self) -> int:
        return len(self.occurrences)

    def all_occurrences(self) -> list[Occurrence]:
        return [*self.occurrences, *(o for f in self.forms.values() for o in f.occurrences)]


@dataclass
class Suggestions:
    """What :func:`suggest` found."""

    concepts: list[Concept]
    pairs: int
    how: Counter[str]  # spans linked by attention / by sound

    def to_glossary(self, name: str = "suggested") -> Glossary:
        return Glossary([entry(c) for c in self.concepts], name=name)


# -- corpus passes ---------------------------------------------------------------------


def corpus_words(
    records: Sequence[dict[str, Any]],
) -> tuple[frozenset[str], frozenset[str], Counter[str]]:
    """The English words written in lower case anywhere, those capitalised inside
    a sentence, and the Arabic word counts."""
    from kzparallel.glossary.namespans import arabic_words

    lower: set[str] = set()
    upper: set[str] = set()
    arabic: Counter[str] = Counter()
    for rec in records:
        for text in {rec["en"], rec.get("en_mt") or rec["en"]}:
            for w in english_words(text):
                if w.text.islower():
                    lower.add(w.text)
                elif w.text[:1].isupper() and not is_initial(w, text):
                    upper.add(w.text)
        arabic.update(w.norm for w in arabic_words(rec["ar"]))
    return frozenset(lower), frozenset(upper), arabic


def _support(arabic: Counter[str]) -> Counter[str]:
    """How many words of the corpus each stem could be the bare form of."""
    support: Counter[str] = Counter()
    for word, n in arabic.items():
        for _prefix, stem in stems(word):
            support[stem] += n
    return support


def span_key(span: NameSpan, support: Counter[str], seen: Counter[str]) -> tuple[str, str]:
    """(key, Arabic as written) of a span with the first word's proclitics removed
    where a barer form is better supported by the corpus."""
    first = span.words[0]
    en = span.en.split()[0] if span.en.split() else span.en

    def rank(ps: tuple[str, str]) -> tuple[float, int, int]:
        # the stem that sounds most like the English (برلين keeps its ب), then
        # the one the corpus supports best; a bare و ف is a conjunction
        prefix, stem = ps
        if prefix.endswith(("ال", "لل")) and not seen[stem]:
            return -1.0, 0, 0  # an article is the name's own unless the corpus has it bare
        sound = round(skeleton_similarity(arabic_skeleton(stem), english_skeleton(en)), 2)
        return sound, support[stem], 1 if prefix in ("و", "ف") else -len(prefix)

    prefix, stem = max(stems(first), key=rank)
    key = " ".join((stem, *span.words[1:]))
    surface = span.surface
    if prefix:
        cut, letters = 0, 0
        while cut < len(surface) and letters < len(prefix):
            letters += unicodedata.category(surface[cut]) != "Mn"
            cut += 1
        while cut < len(surface) and unicodedata.category(surface[cut]) == "Mn":
            cut += 1
        surface = ("ال" if stem.startswith("ال") and not prefix.endswith("ال") else "") + surface[
            cut:
        ]
    return key, surface


def guess_type(concept: Concept, before: Iterable[tuple[str, ...]]) -> str:
    """person | place | org | acronym | other from the words before the mentions
    (titles and verbs of speech: a person; prepositions of place: a place;
    باسم, بعثة: an organisation), organisation words in the name, an
    all-capitals English (an acronym), a surname form (a person) or a nisba
    (a place)."""
    score: Counter[str] = Counter()
    for words in before:
        last = bare(words[-1]) if words else ""
        if last in TITLES or (words and words[-1] in TITLES):
            score["person"] += 2
        elif any(bare(w) in SPEECH or w in SPEECH for w in words):
            score["person"] += 1
        if last in PLACE_CUES or (words and words[-1] in PLACE_CUES):
            score["place"] += 1
        if last in _ORG_BEFORE or (words and words[-1] in _ORG_BEFORE):
            score["org"] += 2
    en = concept.en
    letters = re.sub(r"[^A-Za-z]", "", en)
    if len(letters) >= 2 and letters.isupper():
        return "acronym"
    if any(bare(k.split()[0]) in ORG_WORDS for k in concept.keys) or ORG_EN & set(en.split()):
        score["org"] += 3 * max(1, concept.count)
    if "surname" in concept.forms:
        score["person"] += concept.count
    if "adjective" in concept.forms or "people" in concept.forms:
        score["place"] += concept.count
    if not score:
        return "other"
    top = max(score.values())
    best = [t for t in ("person", "place", "org") if score[t] == top]
    return best[0] if len(best) == 1 else "other"


def suggest(
    records: Sequence[dict[str, Any]],
    glossary: Glossary,
    *,
    min_count: int = MIN_COUNT,
    use_attention: bool = True,
) -> Suggestions:
    """Candidate entries for the names in ``records`` (dicts with ``ar``, ``en``;
    optional ``id``, ``doc_id``, ``date``, ``terms``, and the attention links
    of ``build --alignment``) that ``glossary`` does not cover."""
    lower, upper, arabic = corpus_words(records)
    support = _support(arabic)
    found: list[tuple[int, NameSpan]] = []
    in_names: Counter[str] = Counter()
    for n, rec in enumerate(records):
        date = rec.get("date") if isinstance(rec.get("date"), str) else None
        mentions = glossary.find(rec["ar"], date=date) if len(glossary) else []
        for span in name_spans(rec, mentions, lower, upper, use_attention=use_attention):
            found.append((n, span))
            in_names.update(bare(w) for w in span.words)
    total: Counter[str] = Counter()
    for word, k in arabic.items():
        total[bare(word)] += k

    def named(word: str) -> bool:  # most of the word's uses are inside names
        return in_names[bare(word)] >= NAME_SHARE * total[bare(word)]

    by_key: dict[str, list[Occurrence]] = defaultdict(list)
    surfaces: dict[str, Counter[str]] = defaultdict(Counter)
    before: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    how_key: dict[str, Counter[str]] = defaultdict(Counter)
    how: Counter[str] = Counter()
    for n, span in found:
        span = trim(span, named)
        if span is None:
            continue
        rec = records[n]
        key, surface = span_key(span, support, arabic)
        en_text = rec.get("en_mt") if span.how == "attention" else rec["en"]
        by_key[key].append(
            Occurrence(
                str(rec.get("id") or n + 1),
                str(rec.get("doc_id", "")),
                span.en,
                rec["ar"],
                en_text or rec["en"],
            )
        )
        surfaces[key][surface] += 1
        before[key].append(span.before)
        how_key[key][span.how] += 1
        how[span.how] += 1
    for key in [k for k, occ in by_key.items() if not _trusted(k, occ)]:
        del by_key[key]
    concepts = _group(by_key, surfaces, how_key)
    _attach_forms(concepts, min_count)
    for c in concepts:
        _drop_subkeys(c)
    kept = [c for c in concepts if c.count >= min_count and _name_like(c, lower)]
    for c in kept:
        cues = [b for k in c.keys for b in before[k]]
        c.type = guess_type(c, cues)
    kept.sort(key=lambda c: (-c.count, c.en))
    used: set[str] = set()
    for c in kept:
        c.id = _unique_id(c.en, used)
    return Suggestions(kept, len(records), how)


def trim(span: NameSpan, named: Any) -> NameSpan | None:
    """``span`` without the words at its ends that are mostly not names in the
    corpus (بقرار in بقرار الصليب الأحمر: attention one word off); None when
    no word of it is mostly a name."""
    words = list(span.words)
    parts = span.surface.split()
    if len(parts) != len(words):
        return span if any(named(w) for w in words) else None
    lo, hi = 0, len(words)

    def keep(word: str) -> bool:
        return named(word) or bare(word) in ORG_WORDS

    while lo < hi and not keep(words[lo]):
        lo += 1
    while hi > lo and not keep(words[hi - 1]):
        hi -= 1
    if lo == hi or all(bare(w) in ORG_WORDS for w in words[lo:hi]):
        return None
    if (lo, hi) == (0, len(words)):
        return span
    before = (*span.before, *words[:lo])[-2:]
    return replace(span, words=tuple(words[lo:hi]), surface=" ".join(parts[lo:hi]), before=before)


def _trusted(key: str, occurrences: list[Occurrence]) -> bool:
    """A key is a name's spelling when it sounds like its rendering (a
    transliteration), or when the same rendering comes back for it at least
    twice (a name translated by its meaning); one attention link alone may be
    noise."""
    top = _top(occurrences)
    if sound_similarity(key.replace(" ", ""), top.replace(" ", "")) >= SOUND_MIN:
        return True
    return sum(o.en == top for o in occurrences) >= 2


def _top(occurrences: list[Occurrence]) -> str:
    counts = Counter(o.en for o in occurrences)
    return max(counts.items(), key=lambda kv: (kv[1], kv[0]))[0]


def _group(
    by_key: dict[str, list[Occurrence]],
    surfaces: dict[str, Counter[str]],
    how_key: dict[str, Counter[str]],
) -> list[Concept]:
    """Keys whose most frequent renderings are one spelling form one concept."""
    groups: dict[tuple[str, ...], Concept] = {}
    from kzparallel.glossary.variants import units

    for key in sorted(by_key, key=lambda k: (-len(by_key[k]), k)):
        occ = by_key[key]
        unit = units(_top(occ)) or (_top(occ),)
        c = groups.get(unit)
        if c is None:
            c = groups[unit] = Concept([], {})
        c.keys.append(key)
        c.surfaces[key] = max(surfaces[key].items(), key=lambda kv: (kv[1], kv[0]))[0]
        c.occurrences += occ
        c.how.update(how_key[key])
    return list(groups.values())


def _attach_forms(concepts: list[Concept], min_count: int) -> None:
    """Surnames to their people, nisbas to their places (in place)."""
    one_word = {k: c for c in concepts for k in c.keys if " " not in k}
    taken: set[int] = set()
    for c in sorted(concepts, key=lambda c: -c.count):
        if id(c) in taken:
            continue
        words = c.en.split()
        if len(words) >= 2:
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
                    c.forms[role].keys += a.keys
                    c.forms[role].surfaces.update(a.surfaces)
                    c.forms[role].occurrences += a.occurrences
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


def _drop_subkeys(c: Concept) -> None:
    """A key that is part of a longer key of the concept is a truncated
    alignment (هيومن رايتس beside هيومن رايتس ووتش): not listed as a variant."""
    padded = [f" {k} " for k in c.keys]
    c.keys = [k for k in c.keys if not any(f" {k} " in p and p != f" {k} " for p in padded)]


def _name_like(c: Concept, lower: frozenset[str]) -> bool:
    """Some word of the English is never written in lower case in the corpus."""
    words = [w.text for w in english_words(c.en)]
    return any(w.lower() not in lower for w in words if w[:1].isupper())


def _unique_id(en: str, used: set[str]) -> str:
    plain = unicodedata.normalize("NFKD", en).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "entry"
    ident, n = base, 2
    while ident in used:
        ident, n = f"{base}-{n}", n + 1
    used.add(ident)
    return ident


# -- entries ---------------------------------------------------------------------------


def spellings(c: Concept) -> tuple[list[str], list[str]]:
    """(forbidden, unrelated): the other renderings that are spellings of ``en``
    (as the repair compares them, one change allowed: the span is aligned),
    and the ones that are not."""
    forbidden, unrelated = [], []
    for r, _n in sorted(c.renderings.items(), key=lambda kv: (-kv[1], kv[0])):
        if r == c.en:
            continue
        d = distance(r, c.en)
        if is_variant(r, c.en, aligned=True) or same_units(r, c.en) or d.score >= 0.5:
            forbidden.append(r)
        else:
            unrelated.append(r)
    return forbidden, unrelated


def _counts(c: Concept) -> str:
    return ", ".join(f"{r} {n}" for r, n in sorted(c.renderings.items(), key=lambda kv: -kv[1]))


def note(c: Concept) -> str:
    """Counts per rendering (and per form) and two example pairs."""
    parts = [f"suggested from {c.count} mention(s): {_counts(c)}"]
    _forbidden, unrelated = spellings(c)
    if unrelated:
        parts.append(f"not forbidden (not a spelling of '{c.en}'): {', '.join(unrelated)}")
    for role, f in c.forms.items():
        parts.append(f"{role}: {_counts(f)}")
    chosen: list[Occurrence] = []
    others = [o for o in c.occurrences if o.en != c.en]
    for o in [next(o for o in c.occurrences if o.en == c.en), *others, *c.occurrences]:
        if o not in chosen and len(chosen) < EXAMPLES:
            chosen.append(o)
    for o in chosen:
        parts.append(f"e.g. {o.pair}: {o.ar_text} = {o.en_text}")
    return "; ".join(parts)


def _form(role: str, f: Concept) -> Form:
    forbidden, _ = spellings(f)
    return Form(role, tuple(f.surfaces[k] for k in f.keys), f.en, forbidden=tuple(forbidden))


def entry(c: Concept) -> Entry:
    forbidden, _ = spellings(c)
    return Entry(
        id=c.id,
        type=c.type,
        ar=tuple(c.surfaces[k] for k in c.keys),
        en=c.en,
        forbidden=tuple(forbidden),
        forms=tuple(_form(role, f) for role, f in c.forms.items()),
        note=note(c),
    )
