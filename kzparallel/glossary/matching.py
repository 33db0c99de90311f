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
  hyphens may stand (منظمة «معاهدة الأمن الجماعي»); a variant that ends in
  + or # needs it in the text (أوبك+ is not أوبك);
* a word of a person's or place's name also matches its systematic spelling
  variants (توقاييف for توكاييف, نظربائيف for نزارباييف; :mod:`.spelling`),
  and the mention records which (``Mention.match``);
* which overlapping matches are the mentions — the words around them, one
  spelling for one entry, the longest match, the entry type — is
  :mod:`.precedence`; matches never overlap.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace

from kzparallel.arabic import normalize, normalize_text
from kzparallel.glossary.demonyms import derived_forms
from kzparallel.glossary.entries import NAME, Entry, Form, Mention
from kzparallel.glossary.precedence import choose
from kzparallel.glossary.spelling import Level, shape, variant_reason, word_level

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
    levels: tuple[Level, ...] = ()  # how far each word may vary (.spelling)
    mark: str = ""  # a sign the variant ends in, which the text must have (أوبك+)

    def same(self, k: int, word: str) -> str | None:
        """ "" when ``word`` is the variant's word ``k``, why when it is a spelling
        variant of it, None otherwise."""
        # an adjective's ي is its nisba: its ending never varies (أمريكي is not أمريكا)
        kind = "adjective" if self.form.role in ("adjective", "people") else self.entry.type
        return variant_reason(word, self.tokens[k], kind, self.levels[k])


@dataclass(frozen=True)
class _Candidate:
    first: int  # word indices, inclusive
    last: int
    start: int  # normalised character offsets
    end: int
    variant: _Variant
    role: str
    weight: int  # characters of the name itself in the text (longest match wins)
    affix: int  # characters of clitics and suffixes (fewer is better on a tie)
    why: tuple[str, ...] = ()  # how each word differs from the variant's (empty: exact)

    @property
    def entry(self) -> Entry:
        return self.variant.entry

    @property
    def form(self) -> Form:
        return self.variant.form


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
        self._loose: dict[str, list[_Variant]] = defaultdict(list)  # by first word's skeleton
        self._suffixes: set[str] = {""}
        self._derived = {e.id: derived_forms(e) for e in entries if e.type == "place"}
        variants: list[_Variant] = []
        for entry in entries:
            for form in entry.all_forms():
                for text in form.ar:
                    tokens = tuple(_WORD.findall(normalize_text(text)))
                    if not tokens:
                        continue
                    variants.append(
                        _Variant(
                            entry,
                            form,
                            text,
                            tokens,
                            text.startswith(_ARTICLE) and len(tokens[0]) > 2,
                            _suffix_roles(entry, form, text),
                            tuple(word_level(entry.type, t) for t in tokens),
                            _mark(normalize_text(text)),
                        )
                    )
        for v in _exact_where_they_collide(variants):
            self._first[v.tokens[0]].append(v)
            if v.levels[0] is not Level.EXACT:
                self._loose[shape(v.tokens[0]).skeleton].append(v)
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

    def _firsts(self, core: str) -> list[tuple[_Variant, str]]:
        """The variants whose first word ``core`` is, exactly ("") or as a
        spelling variant (why)."""
        out = [(v, "") for v in self._first.get(core, ())]
        for v in self._loose.get(shape(core).skeleton, ()):
            if v.tokens[0] != core and (why := v.same(0, core)):
                out.append((v, why))
        return out

    def _candidates(self, norm: str, words: list[re.Match[str]], i: int) -> list[_Candidate]:
        word = words[i].group()
        found: list[_Candidate] = []
        for stem, plen, need_article in self._stems(word):
            for suffix in self._suffixes:
                if suffix and (not stem.endswith(suffix) or len(stem) <= len(suffix)):
                    continue
                core = stem[: len(stem) - len(suffix)] if suffix else stem
                for v, why in self._firsts(core):
                    if need_article is not None and v.article_initial != need_article:
                        continue
                    cand = self._extend(norm, words, i, v, suffix, plen, core, why)
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
        core: str,
        first_why: str,
    ) -> _Candidate | None:
        n = len(v.tokens)
        roles = dict(v.suffixes)
        why = [_why(core, v.tokens[0], first_why)] if first_why else []
        if n == 1:
            if first_suffix not in roles:
                return None
            end = _marked_end(norm, words[i].end(), v.mark)
            if end is None:
                return None
            return _Candidate(
                i,
                i,
                words[i].start(),
                end,
                v,
                roles[first_suffix],
                len(core) + len(v.mark),
                plen + len(first_suffix),
                tuple(why),
            )
        if first_suffix or i + n > len(words):
            return None
        for k in range(1, n):
            if not _GAP.fullmatch(norm[words[i + k - 1].end() : words[i + k].start()]):
                return None
        weight = len(core)
        for k in range(1, n - 1):
            word = words[i + k].group()
            same = v.same(k, word)
            if same is None:
                return None
            if same:
                why.append(_why(word, v.tokens[k], same))
            weight += len(word)
        last = words[i + n - 1].group()
        found: tuple[str, str, str] | None = None  # tail, stem, why
        for tail in sorted(roles, key=len):
            if tail and (not last.endswith(tail) or len(last) <= len(tail)):
                continue
            stem = last[: len(last) - len(tail)] if tail else last
            same = v.same(n - 1, stem)
            if same == "":
                found = (tail, stem, same)
                break
            if same is not None and found is None:
                found = (tail, stem, same)
        if found is None:
            return None
        tail, stem, same = found
        if same:
            why.append(_why(stem, v.tokens[-1], same))
        end = _marked_end(norm, words[i + n - 1].end(), v.mark)
        if end is None:
            return None
        return _Candidate(
            i,
            i + n - 1,
            words[i].start(),
            end,
            v,
            roles[tail],
            weight + len(stem) + len(v.mark),
            plen + len(tail),
            tuple(why),
        )

    def find(self, text: str) -> list[Mention]:
        normed = normalize(text)
        norm = normed.text
        words = list(_WORD.finditer(norm))
        cands: list[_Candidate] = []
        for i in range(len(words)):
            cands.extend(self._candidates(norm, words, i))
        chosen = choose(cands, [w.group() for w in words])
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
                    f"variant of {c.variant.text}: {'; '.join(c.why)}" if c.why else "exact",
                )
            )
        return mentions


_MARK = re.compile(r"[+#]+$")


def _mark(norm: str) -> str:
    """The sign a normalised variant ends in (+ #: أوبك+ is not أوبك), or ""."""
    m = _MARK.search(norm)
    return m.group() if m else ""


def _marked_end(norm: str, end: int, mark: str) -> int | None:
    """The match's end with its ``mark`` (None: the text lacks it)."""
    if not mark:
        return end
    return end + len(mark) if norm.startswith(mark, end) else None


def _why(word: str, token: str, reason: str) -> str:
    return f"{word} for {token} ({reason})"


def _exact_where_they_collide(variants: list[_Variant]) -> list[_Variant]:
    """``variants`` with the words that could be two entries' spelling kept exact:
    where a variant of one entry is a spelling variant of another entry's, word
    by word, neither varies (:mod:`.spelling`)."""
    by_key: dict[tuple[str, ...], list[_Variant]] = defaultdict(list)
    for v in variants:
        if any(level is not Level.EXACT for level in v.levels):
            by_key[tuple(shape(t).skeleton for t in v.tokens)].append(v)
    clash: set[int] = set()
    for group in by_key.values():
        for a in group:
            for b in group:
                if a.entry.id != b.entry.id and all(
                    a.same(k, t) is not None or b.same(k, a.tokens[k]) is not None
                    for k, t in enumerate(b.tokens)
                ):
                    clash.update((id(a), id(b)))
    return [
        replace(v, levels=tuple(Level.EXACT for _ in v.tokens)) if id(v) in clash else v
        for v in variants
    ]
