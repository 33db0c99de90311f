"""Find glossary terms in Arabic text.

Text and variants are normalised alike (:mod:`.arabic`), then matched word by
word:

* the first word may carry proclitics: و ف (conjunctions), ب ل ك
  (prepositions), the article ال, and their combinations (وبال, فلل …);
  ل + ال is written لل, also before a name that itself starts with ال
  (الميادين → للميادين);
* the last word may carry a nisba suffix (ي ية يين يون يان) when the entry
  has an adjective form; the adjective form's own variants (روسي) take
  ة, ين, ون, ان;
* a variant is always matched whole: nothing that belongs to the name is
  taken for a clitic (ألماتي keeps its ال, كازاخستان its ك);
* between the words of a multi-word variant only spaces, quotes and
  hyphens may stand (منظمة «معاهدة الأمن الجماعي»);
* the longest match wins and matches never overlap.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from kzparallel.arabic import normalize, normalize_text
from kzparallel.glossary.demonyms import derived_forms
from kzparallel.glossary.entries import NAME, Entry, Form, Mention

_WORD = re.compile(r"[^\W_]+")
_GAP = re.compile(r"[\s«»\"“”'‘’\-]+")
_ARTICLE = "ال"

NISBA = ("ي", "يه", "يين", "يون", "يان")  # after a place name (ة is normalised to ه)
ADJ_SUFFIXES = ("", "ه", "ين", "ون", "ان")  # after an adjective variant ending in ي
PEOPLE_SUFFIXES = ("يين", "يون", "ين", "ون")


@dataclass(frozen=True)
class _Prefix:
    text: str
    article: bool  # the prefix contains the article
    elided: bool  # ل + ال written لل


def _prefixes() -> list[_Prefix]:
    out: dict[str, _Prefix] = {}
    for conj in ("", "و", "ف"):
        for prep in ("", "ب", "ل", "ك"):
            for art in ("", _ARTICLE):
                if prep == "ل" and art:
                    p = _Prefix(conj + "لل", True, True)
                else:
                    p = _Prefix(conj + prep + art, bool(art), False)
                out[p.text] = p
    return sorted(out.values(), key=lambda p: len(p.text))


PREFIXES = _prefixes()


@dataclass(frozen=True)
class _Variant:
    entry: Entry
    form: Form
    text: str  # the glossary variant as written
    tokens: tuple[str, ...]  # normalised words
    article_initial: bool  # starts with a bare ال (an article belonging to the name)
    suffixes: tuple[tuple[str, str], ...]  # (suffix, role it gives)


@dataclass(frozen=True)
class _Candidate:
    first: int  # word indices, inclusive
    last: int
    start: int  # normalised character offsets
    end: int
    variant: _Variant
    role: str
    weight: int  # characters of the variant itself (longest match wins)
    affix: int  # characters of clitics and suffixes (fewer is better on a tie)


def _suffix_roles(entry: Entry, form: Form, text: str) -> tuple[tuple[str, str], ...]:
    """Which suffixes the last word of ``text`` may carry, and the role each gives."""
    adjective = entry.form("adjective")
    people = entry.form("people")
    norm = normalize_text(text)
    if form.role == "adjective" and norm.endswith("ي"):
        roles = [(s, "adjective") for s in ADJ_SUFFIXES]
        if people is not None:
            roles = [(s, "people" if s in ("ين", "ون") else r) for s, r in roles]
        return tuple(roles)
    if form.role == NAME and entry.type == "place" and adjective is not None:
        if norm[-1:] in ("ا", "ي", "ه"):  # nisba of these needs its own variant
            return (("", NAME),)
        roles = [("", NAME)]
        for s in NISBA:
            roles.append(
                (s, "people" if people is not None and s in PEOPLE_SUFFIXES else "adjective")
            )
        return tuple(roles)
    return (("", form.role),)


def _sibling(entry: Entry, form: Form) -> tuple[str, ...]:
    """An adjective mention may come out as the people form and the other way
    round: a plural nisba (الكازاخستانيين) is as often "Kazakh" (citizens) as
    "Kazakhstanis"."""
    pair = {"adjective": "people", "people": "adjective"}
    other = entry.form(pair[form.role]) if form.role in pair else None
    return (other.en, *other.also) if other is not None else ()


class Matcher:
    """Compiled lookup for a list of entries."""

    def __init__(self, entries: list[Entry]) -> None:
        self._first: dict[str, list[_Variant]] = defaultdict(list)
        self._suffixes: set[str] = {""}
        self._derived = {e.id: derived_forms(e) for e in entries if e.type == "place"}
        for entry in entries:
            for form in entry.all_forms():
                for text in form.ar:
                    tokens = tuple(_WORD.findall(normalize_text(text)))
                    if not tokens:
                        continue
                    v = _Variant(
                        entry,
                        form,
                        text,
                        tokens,
                        text.startswith(_ARTICLE) and len(tokens[0]) > 2,
                        _suffix_roles(entry, form, text),
                    )
                    self._first[tokens[0]].append(v)
                    self._suffixes.update(s for s, _ in v.suffixes)

    def _stems(self, word: str) -> list[tuple[str, int, bool | None]]:
        """(stem, prefix length, article-initial requirement) splits of ``word``."""
        out: list[tuple[str, int, bool | None]] = []
        for p in PREFIXES:
            if not word.startswith(p.text) or len(word) <= len(p.text):
                continue
            rest = word[len(p.text) :]
            if p.elided:
                out.append((_ARTICLE + rest, len(p.text), True))  # للميادين
                out.append((rest, len(p.text), False))  # للكازاخستانيين
            elif p.article:
                out.append((rest, len(p.text), False))
            else:
                out.append((rest, len(p.text), None))
        return out

    def _candidates(self, norm: str, words: list[re.Match[str]], i: int) -> list[_Candidate]:
        word = words[i].group()
        found: list[_Candidate] = []
        for stem, plen, need_article in self._stems(word):
            for suffix in self._suffixes:
                if suffix and (not stem.endswith(suffix) or len(stem) <= len(suffix)):
                    continue
                core = stem[: len(stem) - len(suffix)] if suffix else stem
                for v in self._first.get(core, ()):
                    if need_article is not None and v.article_initial != need_article:
                        continue
                    cand = self._extend(norm, words, i, v, suffix, plen)
                    if cand is not None:
                        found.append(cand)
        return found

    def _extend(
        self,
        norm: str,
        words: list[re.Match[str]],
        i: int,
        v: _Variant,
        first_suffix: str,
        plen: int,
    ) -> _Candidate | None:
        n = len(v.tokens)
        roles = dict(v.suffixes)
        if n == 1:
            if first_suffix not in roles:
                return None
            return _Candidate(
                i,
                i,
                words[i].start(),
                words[i].end(),
                v,
                roles[first_suffix],
                len(v.tokens[0]),
                plen + len(first_suffix),
            )
        if first_suffix or i + n > len(words):
            return None
        for k in range(1, n):
            if not _GAP.fullmatch(norm[words[i + k - 1].end() : words[i + k].start()]):
                return None
        for k in range(1, n - 1):
            if words[i + k].group() != v.tokens[k]:
                return None
        last = words[i + n - 1].group()
        tail = last[len(v.tokens[-1]) :] if last.startswith(v.tokens[-1]) else None
        if tail is None or tail not in roles:
            return None
        return _Candidate(
            i,
            i + n - 1,
            words[i].start(),
            words[i + n - 1].end(),
            v,
            roles[tail],
            sum(len(t) for t in v.tokens),
            plen + len(tail),
        )

    def find(self, text: str) -> list[Mention]:
        normed = normalize(text)
        norm = normed.text
        words = list(_WORD.finditer(norm))
        cands: list[_Candidate] = []
        for i in range(len(words)):
            cands.extend(self._candidates(norm, words, i))
        cands.sort(key=lambda c: (-c.weight, c.affix, c.first, c.variant.entry.id))
        taken: set[int] = set()
        chosen: list[_Candidate] = []
        for c in cands:
            span = set(range(c.first, c.last + 1))
            if span & taken:
                continue
            taken |= span
            chosen.append(c)
        chosen.sort(key=lambda c: c.first)
        mentions = []
        for c in chosen:
            start, end = normed.original_span(c.start, c.end)
            entry = c.variant.entry
            form = entry.form(c.role) or c.variant.form
            derived = (
                self._derived.get(entry.id, ()) if form.role == NAME else _sibling(entry, form)
            )
            mentions.append(
                Mention(
                    start,
                    end,
                    text[start:end],
                    entry.id,
                    form.role,
                    form.en,
                    form.also,
                    c.variant.text,
                    derived,
                )
            )
        return mentions
