"""``glossary suggest``: candidate glossary entries for the names a corpus uses.

Over a corpus of pairs (:func:`suggest`):

1. every pair's name-like Arabic spans the glossary does not cover, with
   their English renderings (:func:`kzparallel.glossary.namespans.name_spans`:
   cross-attention links where the pairs have them, sound otherwise);
2. each span keyed by its normalised Arabic with the first word's proclitics
   (و ف ب ل ك ال) removed where the corpus shows the bare word;
3. keys grouped into concepts (:mod:`.grouping`): keys whose most frequent renderings are the
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

Concepts seen fewer than ``min_count`` times (all forms together) are left out. The result is a
:class:`~kzparallel.glossary.model.Glossary` (``to_glossary``) that
``glossary lint`` accepts; every count is also kept for the consistency
report (:mod:`.consistency`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from kzparallel.glossary.concepts import EXAMPLES, Concept, Example
from kzparallel.glossary.entries import Mention
from kzparallel.glossary.grouping import attach_forms, drop_subkeys, group
from kzparallel.glossary.model import Glossary
from kzparallel.glossary.namespans import (
    ORG_WORDS,
    PLACE_CUES,
    SOUND_MIN,
    SPEECH,
    TITLES,
    NameSpan,
    arabic_words,
    bare,
    en_set,
    english_words,
    is_initial,
    is_one_of,
    name_spans,
    sound_similarity,
    stems,
)
from kzparallel.glossary.sound import arabic_skeleton, english_skeleton, skeleton_similarity
from kzparallel.glossary.suggest_entries import entry

MIN_COUNT = 2
NAME_SHARE = 0.5  # a word at the edge of a span stays if this share of its uses are in names
MAX_DOCS = 20  # documents kept per key where it came out in more than one form
ORG_EN = en_set(
    "Organisation Organization Union Fund International Agency Council Watch Cross Committee "
    "Party Bank News Novosti Ministry Alliance Front Movement Court Commission Forum"
)
_ORG_BEFORE = frozenset({"باسم", "بعثه", "ممثلو", "بيان"})

Records = Callable[[], Iterable[dict[str, Any]]]


@dataclass
class Suggestions:
    """What :func:`suggest` found."""

    concepts: list[Concept]
    pairs: int
    how: Counter[str]  # name mentions linked by attention / by sound

    def to_glossary(self, name: str = "suggested") -> Glossary:
        return Glossary([entry(c) for c in self.concepts], name=name)


# -- the passes ------------------------------------------------------------------------


@dataclass
class _Corpus:
    lower: frozenset[str]
    upper: frozenset[str]
    arabic: Counter[str]
    pairs: int


def corpus_words(records: Iterable[dict[str, Any]]) -> _Corpus:
    """Pass 1: the English words written in lower case anywhere, those
    capitalised inside a sentence, and the Arabic word counts."""
    lower: set[str] = set()
    upper: set[str] = set()
    arabic: Counter[str] = Counter()
    pairs = 0
    for rec in records:
        pairs += 1
        for text in {rec["en"], rec.get("en_mt") or rec["en"]}:
            for w in english_words(text):
                if w.text.islower():
                    lower.add(w.text)
                elif w.text[:1].isupper() and not is_initial(w, text):
                    upper.add(w.text)
        arabic.update(w.norm for w in arabic_words(rec["ar"]))
    return _Corpus(frozenset(lower), frozenset(upper), arabic, pairs)


def recorded_mentions(rec: dict[str, Any]) -> list[Mention] | None:
    """The glossary mentions a pair's ``terms`` record (a build's, ``glossary
    check``'s), None when it has none."""
    terms = rec.get("terms")
    if not isinstance(terms, list):
        return None
    out = []
    for t in terms:
        if not isinstance(t, dict) or not isinstance(t.get("start"), int):
            return None
        found = t.get("found")
        also = (found,) if isinstance(found, str) and found else ()
        surface = rec["ar"][t["start"] : t.get("end", t["start"])]
        out.append(Mention(t["start"], t.get("end", t["start"]), surface, str(t.get("term")),
                           "name", str(t.get("en") or ""), also))  # fmt: skip
    return out


def _spans_of(
    records: Iterable[dict[str, Any]],
    glossary: Glossary,
    corpus: _Corpus,
    use_attention: bool,
    use_terms: bool = False,
) -> Iterable[tuple[int, dict[str, Any], NameSpan]]:
    for n, rec in enumerate(records):
        mentions = recorded_mentions(rec) if use_terms else None
        if mentions is None:
            date = rec.get("date") if isinstance(rec.get("date"), str) else None
            mentions = glossary.find(rec["ar"], date=date) if len(glossary) else []
        for span in name_spans(
            rec, mentions, corpus.lower, corpus.upper, use_attention=use_attention
        ):
            yield n, rec, span


def cue_score(before: tuple[str, ...]) -> Counter[str]:
    """Type cues of the word right before a mention: a title (person, 2), a
    verb of speech (person, 1), a preposition of place (place), باسم or بعثة
    (organisation, 2)."""
    score: Counter[str] = Counter()
    last = before[-1] if before else ""
    if is_one_of(last, TITLES):
        score["person"] += 2
    elif is_one_of(last, SPEECH):
        score["person"] += 1
    if is_one_of(last, PLACE_CUES):
        score["place"] += 1
    if is_one_of(last, _ORG_BEFORE):
        score["org"] += 2
    return score


def suggest(
    records: Records | list[dict[str, Any]],
    glossary: Glossary,
    *,
    min_count: int = MIN_COUNT,
    use_attention: bool = True,
    use_terms: bool = False,
) -> Suggestions:
    """Candidate entries for the names in ``records`` (dicts with ``ar``, ``en``;
    optional ``id``, ``doc_id``, ``date``, ``terms``, and the attention links
    of ``build --alignment``) that ``glossary`` does not cover.

    ``records`` is a list, or a function returning a fresh iterator over the
    pairs (read three times, never held: a build's ``pairs.jsonl`` of any
    size; pairs in document order for the per-document counts). Memory grows
    with the vocabulary and the names found, not the corpus. ``use_terms``:
    a pair's recorded ``terms`` stand for the glossary's mentions (the pairs
    were enforced with ``glossary``: a build, ``glossary check``), which saves
    matching the Arabic again."""
    again: Records = (lambda: records) if isinstance(records, list) else records
    corpus = corpus_words(again())
    support = _support(corpus.arabic)
    in_names: Counter[str] = Counter()
    for _n, _rec, span in _spans_of(again(), glossary, corpus, use_attention, use_terms):
        in_names.update(bare(w) for w in span.words)
    total: Counter[str] = Counter()
    for word, k in corpus.arabic.items():
        total[bare(word)] += k

    def named(word: str) -> bool:  # most of the word's uses are inside names
        return in_names[bare(word)] >= NAME_SHARE * total[bare(word)]

    keys: dict[str, Concept] = defaultdict(Concept)
    surfaces: dict[str, Counter[str]] = defaultdict(Counter)
    in_doc: dict[str, Counter[str]] = defaultdict(Counter)
    doc = None
    how: Counter[str] = Counter()

    def settle() -> None:  # the document just finished: keys rendered more than one way
        for key, forms in in_doc.items():
            if len(forms) > 1 and len(keys[key].documents) < MAX_DOCS:
                keys[key].documents.append({"doc_id": doc, "forms": dict(forms)})
        in_doc.clear()

    for n, rec, raw in _spans_of(again(), glossary, corpus, use_attention, use_terms):
        span = trim(raw, named)
        if span is None:
            continue
        d = str(rec.get("doc_id", ""))
        if d != doc:
            settle()
            doc = d
        key, surface = span_key(span, support, corpus.arabic)
        c = keys[key]
        c.renderings[span.en] += 1
        exs = c.examples.setdefault(span.en, [])
        pair = str(rec.get("id") or n + 1)
        if len(exs) < EXAMPLES and all(e.pair != pair for e in exs):
            en_text = (rec.get("en_mt") if span.how == "attention" else None) or rec["en"]
            exs.append(Example(pair, d, rec["ar"], en_text))
        surfaces[key][surface] += 1
        c.cues.update(cue_score(span.before))
        c.how[span.how] += 1
        in_doc[key][span.en] += 1
        how[span.how] += 1
    settle()
    for key, c in keys.items():
        c.keys = [key]
        c.surfaces = {key: max(surfaces[key].items(), key=lambda kv: (kv[1], kv[0]))[0]}
    concepts = group([c for k, c in keys.items() if _trusted(k, c)])
    attach_forms(concepts)
    for c in concepts:
        drop_subkeys(c)
    kept = [c for c in concepts if c.total >= min_count and _name_like(c, corpus.lower)]
    for c in kept:
        c.type = guess_type(c)
    kept.sort(key=lambda c: (-c.count, c.en))
    used: set[str] = set()
    for c in kept:
        c.id = _unique_id(c.en, used)
    return Suggestions(kept, corpus.pairs, how)


def _support(arabic: Counter[str]) -> Counter[str]:
    """How many words of the corpus each stem could be the bare form of."""
    support: Counter[str] = Counter()
    for word, n in arabic.items():
        for _prefix, stem in stems(word):
            support[stem] += n
    return support


def span_key(span: NameSpan, support: Counter[str], seen: Counter[str]) -> tuple[str, str]:
    """(key, Arabic as written) of a span with the first word's proclitics removed
    where the corpus has the bare word too: of those, the stem that sounds
    most like the English (برلين keeps its ب), then the best supported (a
    و or ف alone is a conjunction)."""
    first = span.words[0]
    en = span.en.split()[0] if span.en.split() else span.en

    def rank(ps: tuple[str, str]) -> tuple[float, int, int]:
        # the stem that sounds most like the English (برلين keeps its ب), then
        # the one the corpus supports best; a bare و ف is a conjunction
        prefix, stem = ps
        if prefix and not seen[stem]:
            return -1.0, 0, 0  # a proclitic is the name's own unless the corpus has it bare
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


def guess_type(c: Concept) -> str:
    """person | place | org | acronym | other: an all-capitals English is an
    acronym; else the context cues of the mentions (:func:`cue_score`),
    organisation words in the name (Arabic or English), a surname form (a
    person) or a nisba (a place); a tie or no cue: other."""
    letters = re.sub(r"[^A-Za-z]", "", c.en)
    if len(letters) >= 2 and letters.isupper():
        return "acronym"
    score = Counter(c.cues)
    if any(bare(k.split()[0]) in ORG_WORDS for k in c.keys) or ORG_EN & set(c.en.split()):
        score["org"] += 3 * max(1, c.count)
    if "surname" in c.forms:
        score["person"] += c.count
    if "adjective" in c.forms or "people" in c.forms:
        score["place"] += c.count
    if not score:
        return "other"
    top = max(score.values())
    best = [t for t in ("person", "place", "org") if score[t] == top]
    return best[0] if len(best) == 1 else "other"


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


def _trusted(key: str, c: Concept) -> bool:
    """A key is a name's spelling when it sounds like its rendering (a
    transliteration), or when the same rendering comes back for it at least
    twice (a name translated by its meaning); one attention link alone may be
    noise."""
    top = c.en
    if sound_similarity(key.replace(" ", ""), top.replace(" ", "")) >= SOUND_MIN:
        return True
    return c.renderings[top] >= 2


def _name_like(c: Concept, lower: frozenset[str]) -> bool:
    """Some capitalised word of the English is never written in lower case in the corpus."""
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
