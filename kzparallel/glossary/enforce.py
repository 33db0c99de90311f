"""Glossary enforcement in layers, recorded per pair.

:func:`enforce_pair` takes an Arabic sentence, its English translation and
(when it came from our decoder) the :class:`Translation` with its n-best list
and cross-attention:

a. **decoder / rerank** — the decoder was already steered by
   :meth:`Glossary.hints`; if the best hypothesis misses a term and another
   hypothesis of the n-best list satisfies more terms, that one is taken;
b. **repair** — forbidden variants of the terms found are replaced by the
   required form, also when written with other capitals, hyphens or spaces
   (*Alma-ata*, *Almaata* for *Alma-Ata*); a still-missing term is looked for
   among the name-like spans of the English: another transliteration of the
   required form or of a forbidden one (a misspelling the glossary does not
   list: *Tokaev*, *Janaozen*, *Kirghizstan*; see :mod:`.variants`),
   preferring the span the cross-attention aligns with the Arabic term, or,
   with a confident alignment and no look-alike, the aligned name itself. The
   span is replaced keeping a possessive ``'s`` and upper-case headlines.
   Text that renders another term, a derived form of a place (*Syrian*,
   *Kazakh*: see :mod:`.demonyms`), or that is not name-like (the noun
   *price* beside *Ned Price*), is never touched;
c. **verification** — every mention gets a record ``{term, surface, start,
   end, en, ok, layer, reason, found}`` and every failure a violation
   message. A translation that is already right comes back byte-identical.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from kzparallel.glossary.attention import aligned_span
from kzparallel.glossary.demonyms import is_demonym_of
from kzparallel.glossary.model import Glossary, Mention
from kzparallel.glossary.variants import distance, is_variant, units
from kzparallel.translation.base import Translation

ATTENTION_ONLY = 0.5  # attention mass needed to replace an aligned name by itself

_NAME_TOKEN = re.compile(r"[^\W\d_][\w]*(?:[-'’.][^\W\d_][\w]*)*\.?")
_POSSESSIVE = re.compile(r"['’][sS]?$")
_INFLECTIONS = ("s", "es", "d", "ed", "ing", "er", "ers", "ly")


@dataclass
class Enforced:
    """The English after enforcement, the per-mention records and violations;
    ``hypothesis``: the n-best index the rerank took (0: the decoder's best)."""

    en: str
    terms: list[dict[str, Any]] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    hypothesis: int = 0


@lru_cache(maxsize=4096)
def _form_re(form: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(form) + r"(?!\w)")


def find_form(text: str, forms: Sequence[str]) -> tuple[str, int, int] | None:
    """The first accepted form present in ``text`` (word boundaries; an
    all-capitals rendering of a form counts too)."""
    for form in forms:
        for variant in (form, form.upper()) if form.upper() != form else (form,):
            m = _form_re(variant).search(text)
            if m:
                return form, m.start(), m.end()
    return None


def accepted(m: Mention) -> list[str]:
    """The English forms that satisfy ``m``: its required form, the accepted
    alternatives, and for a place named as a noun its derived forms."""
    return [m.en, *m.also, *m.derived]


def similarity(a: str, b: str) -> float:
    """Spelling similarity in [0, 1] as transliterations (:mod:`.variants`):
    1.0 for the same sound units (*Nursultan* ~ *Nur-Sultan*)."""
    return distance(a, b).score


def _overlaps(s: int, e: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s < pe and ps < e for ps, pe in spans)


def _match_case(replacement: str, original: str) -> str:
    if len(original) > 1 and original.isupper() and not replacement.isupper():
        return replacement.upper()
    return replacement


@dataclass(frozen=True)
class _Edit:
    start: int
    end: int
    text: str
    old: str
    why: str  # "forbidden variant" | "similar spelling" | "attention"
    term: str


def _shift(pos: int, edits: Sequence[_Edit]) -> int:
    """Where offset ``pos`` of the text before ``edits`` is after them."""
    return pos + sum(len(e.text) - (e.end - e.start) for e in edits if e.end <= pos)


def _apply(text: str, edits: Sequence[_Edit]) -> str:
    out, pos = [], 0
    for e in sorted(edits, key=lambda e: e.start):
        out.append(text[pos : e.start])
        out.append(e.text)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)


# -- enforcement --------------------------------------------------------------------


@dataclass
class _Context:
    glossary: Glossary
    mentions: list[Mention]
    known: frozenset[str]

    def is_known(self, text: str) -> bool:
        """``text`` is a form of some glossary term (or a place's derived form)."""
        return text.lower() in self.known

    def forbidden(self) -> list[tuple[str, str, str]]:
        """(variant, replacement, term) for the entries mentioned, longest first."""
        out: dict[str, tuple[str, str, str]] = {}
        for m in self.mentions:
            for variant, form in self.glossary[m.term].forbidden_all():
                out.setdefault(variant, (variant, form.en, m.term))
        return sorted(out.values(), key=lambda v: (-len(v[0]), v[0]))

    def protected(self, text: str, skip: Mention | None = None) -> list[tuple[int, int, str]]:
        """Occurrences of the accepted forms of the mentions (other than ``skip``'s term+role)."""
        spans = []
        for m in self.mentions:
            if skip is not None and (m.term, m.role) == (skip.term, skip.role):
                continue
            for form in accepted(m):
                spans += [(x.start(), x.end(), form) for x in _form_re(form).finditer(text)]
        return spans


def _known_forms(glossary: Glossary) -> frozenset[str]:
    """Every English form of the glossary (and every place's derived form), lower case."""
    cached = getattr(glossary, "_known_forms", None)
    if cached is None:
        from kzparallel.glossary.demonyms import derived_forms

        forms = {x for e in glossary.entries for f in e.all_forms() for x in (f.en, *f.also)}
        forms.update(x for e in glossary.entries for x in derived_forms(e))
        cached = frozenset(x.lower() for x in forms)
        glossary._known_forms = cached  # type: ignore[attr-defined]
    return cached


def _satisfied(text: str, mentions: Sequence[Mention]) -> list[tuple[str, int, int] | None]:
    return [find_form(text, accepted(m)) for m in mentions]


def _extra_writings(text: str, ctx: _Context) -> int:
    """How often ``text`` writes a mentioned term beyond its mentions: one
    accepted form written more often than the Arabic mentions the term
    (*assistance to Beijing Beijing*), and a look-alike beside a written form
    (*Lebanon accused Lebenon*). The decoder's stutters: the right form is
    there, so verification passes and the repair leaves them; the rerank
    prefers a hypothesis without them. Two different forms of a term are not
    a stutter (*United States of America*, *Kassym-Jomart Tokayev … Tokayev*),
    and a form inside a longer one of another term (*Kazakh* in *Kazakh Health
    Ministry*) is that term's."""
    by_term: dict[str, list[Mention]] = {}
    for m in ctx.mentions:
        by_term.setdefault(m.term, []).append(m)
    forms = {t: sorted({f for m in ms for f in accepted(m)}) for t, ms in by_term.items()}
    found = sorted(
        (
            (x.start(), x.end(), t, f.lower())
            for t, fs in forms.items()
            for f in fs
            for x in _form_re(f).finditer(text)
        ),
        key=lambda h: (h[0] - h[1], h[0]),
    )
    spans: list[tuple[int, int]] = []
    written: dict[str, Counter[str]] = {}
    for s, e, t, f in found:  # longest first; a shorter form inside a kept one is not counted
        if not _overlaps(s, e, spans):
            spans.append((s, e))
            written.setdefault(t, Counter())[f] += 1
    count = 0
    for t, per_form in written.items():
        count += max(0, max(per_form.values()) - len(by_term[t]))
        m = by_term[t][0]
        for s, e in _candidates(text, max(len(f.split()) for f in forms[t])):
            core = text[s:e]
            if _overlaps(s, e, spans) or ctx.is_known(core):
                continue
            if _inflected(core, forms[t]) or _derived(core, m):
                continue
            count += any(is_variant(core, f) for f in forms[t])
    return count


def extra_writings(text: str, glossary: Glossary, mentions: Sequence[Mention]) -> int:
    """How often the English ``text`` writes the terms ``mentions`` (of the
    Arabic, :meth:`Glossary.find`) beyond the mentions: see :func:`_extra_writings`."""
    return _extra_writings(text, _Context(glossary, list(mentions), _known_forms(glossary)))


def _rerank(
    ar: str, en: str, ctx: _Context, translation: Translation | None, repair: bool
) -> tuple[str, int | None]:
    """Layer a: the hypothesis satisfying most terms (ties: the decoder's order).

    With ``repair`` on, a hypothesis counts the terms it satisfies once
    repaired (a forbidden variant is as good as the form it is replaced by;
    ties: the terms satisfied before repair), so a plain hypothesis with a
    repairable wrong spelling beats a hinted one the decoder broke beyond
    repair (see :mod:`kzparallel.translation.hints`). Of hypotheses that
    satisfy as many terms, one that writes no term twice over
    (:func:`_extra_writings`) comes first: with ``repair``, before the terms
    satisfied without it (a stutter stays, a look-alike is repaired)."""
    if translation is None or len(translation.hypotheses) < 2 or translation.text != en:
        return en, None
    forb = [v for v, _, _ in ctx.forbidden()]
    n = len(ctx.mentions)

    def score(text: str) -> tuple[int, ...]:
        ok = sum(s is not None for s in _satisfied(text, ctx.mentions))
        bad = sum(1 for v in forb if _form_re(v).search(text))
        extra = -_extra_writings(text, ctx)
        if not repair:
            return ok, -bad, extra
        fixed = ok
        if ok < n:
            fixed = sum(
                s is not None for s in _satisfied(_repaired(ar, text, ctx)[0], ctx.mentions)
            )
        return fixed, extra, ok, -bad

    if (
        not any(s is None for s in _satisfied(en, ctx.mentions))
        and not any(_form_re(v).search(en) for v in forb)
        and not _extra_writings(en, ctx)
    ):
        return en, None  # nothing to gain
    scores = [score(h.text) for h in translation.hypotheses]
    best = max(range(len(scores)), key=lambda i: (scores[i], -i))
    if best == 0 or scores[best] <= scores[0]:
        return en, None
    return translation.hypotheses[best].text, best


def _forbidden_hits(text: str, ctx: _Context) -> list[tuple[int, int, str, str]]:
    """(start, end, replacement, term) of the forbidden variants in ``text``
    outside accepted forms: as listed, in capitals, or written with other
    capitals, hyphens or spaces (*Alma-ata*, *Almaata*), in text order."""
    forbidden = ctx.forbidden()
    if not forbidden:
        return []
    taken = [(s, e) for s, e, _ in ctx.protected(text)]
    hits: list[tuple[int, int, str, str]] = []

    def add(start: int, end: int, replacement: str, term: str) -> None:
        if not _overlaps(start, end, taken):
            taken.append((start, end))
            hits.append((start, end, replacement, term))

    for variant, replacement, term in forbidden:
        for form in (variant, variant.upper()) if variant.upper() != variant else (variant,):
            for x in _form_re(form).finditer(text):
                add(x.start(), x.end(), replacement, term)
    by_units: dict[tuple[str, ...], tuple[str, str]] = {}
    for variant, replacement, term in forbidden:
        by_units.setdefault(units(variant), (replacement, term))
    words = max(len(v.replace("-", " ").split()) for v, _, _ in forbidden)
    for s, e in _candidates(text, words + 1):
        hit = by_units.get(units(text[s:e]))
        if hit is not None and not ctx.is_known(text[s:e]):
            add(s, e, *hit)
    return sorted(hits)


def _forbidden_edits(text: str, ctx: _Context) -> list[_Edit]:
    return [
        _Edit(s, e, _match_case(rep, text[s:e]), text[s:e], "forbidden variant", term)
        for s, e, rep, term in _forbidden_hits(text, ctx)
    ]


def _forbidden_left(text: str, ctx: _Context) -> list[tuple[str, str]]:
    """(text, term) of forbidden variants still in ``text`` outside accepted forms."""
    left: list[tuple[str, str]] = []
    for s, e, _rep, term in _forbidden_hits(text, ctx):
        if (text[s:e], term) not in left:
            left.append((text[s:e], term))
    return left


def _candidates(text: str, max_tokens: int) -> list[tuple[int, int]]:
    """Runs of words that start with a name-like token (with a capital letter;
    *Nur sultan*, *Alma ata* go on in lower case), possessive excluded."""
    toks = list(_NAME_TOKEN.finditer(text))
    out: list[tuple[int, int]] = []
    for i in range(len(toks)):
        if not any(c.isupper() for c in toks[i].group()):
            continue
        for j in range(i, min(i + max_tokens, len(toks))):
            if j > i and text[toks[j - 1].end() : toks[j].start()] not in (" ", "-"):
                break
            s, e = toks[i].start(), toks[j].end()
            core = _POSSESSIVE.sub("", text[s:e])
            if core:
                out.append((s, s + len(core)))
    return out


def _inflected(core: str, forms: Sequence[str]) -> bool:
    """An English word built on the form (*Prices*, *Priced*): not a misspelling."""
    low = core.lower()
    return any(low == f.lower() + suffix for f in forms for suffix in _INFLECTIONS)


def _forbidden_of(ctx: _Context, m: Mention) -> tuple[str, ...]:
    """The forbidden variants of the form ``m`` requires (old names, known misspellings)."""
    form = ctx.glossary[m.term].form(m.role)
    return form.forbidden if form is not None else ()


def _derived(core: str, m: Mention) -> bool:
    """``core`` is an adjective or demonym of the place ``m`` names (*Syrian*):
    a correct rendering, never a misspelling of the noun."""
    return any(is_demonym_of(core, f) for f in (m.en, *m.also))


def _short_forms(ctx: _Context, m: Mention) -> set[str]:
    """The surname forms of a person mentioned by full name (to be expanded)."""
    entry = ctx.glossary[m.term]
    if m.role != "name" or entry.type != "person":
        return set()
    return {x for f in entry.forms if f.role == "surname" for x in (f.en, *f.also)}


def _given_start(
    text: str, s: int, m: Mention, ctx: _Context, protected: Sequence[tuple[int, int, str]]
) -> int:
    """Where a broken rendering of the given name before the surname at ``s``
    starts (*Lise Tr* Truss, *Kassym-Zhart* Tokayev for Liz Truss,
    Kassym-Jomart Tokayev), so that expanding the surname replaces it instead of
    leaving it in front: the farthest of up to (given-name words + 1)
    capitalised words right before ``s`` that begins with the given name's
    first two letters, with no glossary form among them; else ``s``."""
    given = m.en.split()[:-1]
    if not given or len(given[0]) < 2:
        return s
    chain: list[re.Match[str]] = []
    pos = s
    for tok in reversed(list(_NAME_TOKEN.finditer(text, 0, s))):
        word = tok.group()
        if len(chain) > len(given) or text[tok.end() : pos] != " " or not word[0].isupper():
            break
        if ctx.is_known(word) or _overlaps(
            tok.start(), tok.end(), [(a, b) for a, b, _ in protected]
        ):
            break
        chain.append(tok)
        pos = tok.start()
    for tok in reversed(chain):
        if tok.group()[:2].lower() == given[0][:2].lower():
            return tok.start()
    return s


def _repair_mention(
    text: str,
    m: Mention,
    count: int,
    ctx: _Context,
    taken: list[_Edit],
    aligned: tuple[int, int, float] | None,
) -> list[_Edit]:
    """Edits that put ``m.en`` where a look-alike (or the aligned name) stands."""
    protected = ctx.protected(text, skip=m)
    blocked = [(e.start, e.end) for e in taken]
    scored: list[tuple[float, int, int, str]] = []
    short = _short_forms(ctx, m)
    for s, e in _candidates(text, len(m.en.split()) + 1):
        core = text[s:e]
        if _overlaps(s, e, blocked):
            continue
        if any(
            s < pe and ps < e and not (s <= ps and pe <= e and find_form(m.en, [form]))
            for ps, pe, form in protected
        ):
            continue
        on_alignment = aligned is not None and s < aligned[1] and aligned[0] < e
        if core in short:  # "Tokayev" where the Arabic has the full name
            s = _given_start(text, s, m, ctx, protected)
            scored.append((0.8 + (0.2 if on_alignment else 0.0), s, e, "expanded surname"))
            continue
        if ctx.is_known(core) or _inflected(core, accepted(m)) or _derived(core, m):
            continue
        like = [f for f in accepted(m) if is_variant(core, f, aligned=on_alignment)]
        like += [f for f in _forbidden_of(ctx, m) if is_variant(core, f)]
        if like:
            sim = max(similarity(core, f) for f in like)
            scored.append((sim + (0.2 if on_alignment else 0.0), s, e, "similar spelling"))
    if not scored and aligned is not None and aligned[2] >= ATTENTION_ONLY:
        s, e = aligned[0], aligned[1]
        core = _POSSESSIVE.sub("", text[s:e])
        e = s + len(core)
        toks = core.split()
        if (
            toks
            and all(t[0].isupper() for t in toks)
            and not ctx.is_known(core)
            and not _derived(core, m)
            and not _overlaps(s, e, blocked + [(ps, pe) for ps, pe, _ in protected])
        ):
            scored.append((aligned[2], s, e, "attention"))
    edits: list[_Edit] = []
    for _score, s, e, why in sorted(scored, key=lambda x: (-x[0], x[1])):
        if len(edits) >= count:
            break
        if _overlaps(s, e, [(x.start, x.end) for x in edits] + blocked):
            continue
        edits.append(_Edit(s, e, _match_case(m.en, text[s:e]), text[s:e], why, m.term))
    return edits


def _repaired(
    ar: str, text: str, ctx: _Context, translation: Translation | None = None
) -> tuple[str, list[_Edit]]:
    """Layer b on ``text``: forbidden variants, then look-alikes of the terms
    still missing (with ``translation``'s cross-attention, when given, which
    must be that of ``text``)."""
    edits = _forbidden_edits(text, ctx)
    final = _apply(text, edits)
    groups: dict[tuple[str, str], list[Mention]] = {}
    for m, ok in zip(ctx.mentions, _satisfied(final, ctx.mentions), strict=True):
        if ok is None:
            groups.setdefault((m.term, m.en), []).append(m)
    more: list[_Edit] = []
    for group in groups.values():
        m = group[0]
        aligned = None
        if translation is not None:
            hit = aligned_span(translation, ar, text, m)
            if hit is not None:
                aligned = (_shift(hit[0], edits), _shift(hit[1], edits), hit[2])
        more += _repair_mention(final, m, len(group), ctx, more, aligned)
    if more:
        final = _apply(final, more)
        edits += more
    return final, edits


def _record(
    m: Mention, ok: tuple[str, int, int] | None, layer: str | None, reason: str
) -> dict[str, Any]:
    record = {
        "term": m.term,
        "surface": m.surface,
        "start": m.start,
        "end": m.end,
        "en": m.en,
        "ok": ok is not None,
        "layer": layer,
        "reason": reason,
        "found": ok[0] if ok is not None else None,
    }
    if m.match != "exact":  # a spelling variant says which (an exact match: no key)
        record["match"] = m.match
    return record


def enforce_pair(
    ar: str,
    en: str,
    glossary: Glossary,
    translation: Translation | None = None,
    *,
    repair: bool = True,
    rerank: bool | None = None,
    date: str | None = None,
) -> Enforced:
    """Rerank, repair and verify one pair (see the module docstring).

    ``repair=False`` only verifies (and does not rerank): ``en`` is returned
    unchanged with the verdicts (``glossary check``). ``rerank`` (default: as
    ``repair``) turns the n-best rerank on or off on its own, so the layers can
    run one at a time (:data:`kzparallel.glossary.layers.LAYERS`). ``date``
    (ISO, the article's) chooses the forms of dated entries (:meth:`Glossary.on`).
    """
    glossary = glossary.on(date)
    mentions = glossary.find(ar)
    if not mentions:
        return Enforced(en, [], [])
    ctx = _Context(glossary, mentions, _known_forms(glossary))
    before = _satisfied(en, mentions)
    text, chosen = (en, None)
    if repair if rerank is None else rerank:
        text, chosen = _rerank(ar, en, ctx, translation, repair)
    after_rerank = _satisfied(text, mentions) if chosen is not None else before
    edits: list[_Edit] = []
    final = text
    if repair:
        use_attention = translation is not None and chosen is None and translation.text == en
        final, edits = _repaired(ar, text, ctx, translation if use_attention else None)
    result = _satisfied(final, mentions) if edits else after_rerank
    terms: list[dict[str, Any]] = []
    violations: list[str] = []
    for m, ok0, ok1, ok2 in zip(mentions, before, after_rerank, result, strict=True):
        if ok2 is None:
            terms.append(_record(m, None, None, f"missing: no '{m.en}' in the English"))
            violations.append(f"{m.term}: missing '{m.en}' for '{m.surface}'")
        elif ok0 is not None:
            terms.append(_record(m, ok2, "decoder", f"found '{ok0[0]}'"))
        elif ok1 is not None:
            n = len(translation.hypotheses) if translation else 0
            why = f"hypothesis {(chosen or 0) + 1} of {n} has '{ok1[0]}'"
            terms.append(_record(m, ok2, "rerank", why))
        else:
            done = [e for e in edits if e.term == m.term] or edits
            how = "; ".join(f"replaced '{e.old}' ({e.why})" for e in done)
            if chosen is not None:
                n = len(translation.hypotheses) if translation else 0
                how = f"hypothesis {chosen + 1} of {n}; {how}"
            terms.append(_record(m, ok2, "repair", how))
    for variant in _forbidden_left(final, ctx):
        violations.append(f"{variant[1]}: forbidden variant '{variant[0]}' in the English")
    return Enforced(final, terms, violations, chosen or 0)
