"""Name-like spans of one Arabic-English pair and how the English renders them.

The first half of ``glossary suggest`` (:mod:`.suggest` is the corpus half):
for one pair, which Arabic words the glossary does not cover stand for a
name, and which capitalised English words render them.

* **Arabic words** are normalised as the matcher normalises them
  (:mod:`.arabic`); a word inside a glossary mention, a function word, a title
  (الرئيس, وزير …) or a verb of speech (قال, أعلن …) is never part of a name.
  Organisation words (منظمة, وكالة, حلف …) may be, but not alone.
* **English words** are name-like when capitalised and not a function word;
  a sentence-initial word only when the corpus never writes it in lower case
  (``lower``); the English forms of the glossary mentions are masked.
* **Links**: each name-like English word is linked to one Arabic word — the
  one whose consonant skeleton sounds like it (:func:`sound_similarity`,
  transliterated names), else the one the decoder's cross-attention points
  at most (argmax links, as ``build --alignment`` keeps them in
  ``pairs.jsonl``). Pairs without attention (another system's) are linked
  by sound alone.
* **Spans**: consecutive linked English words (connectors such as *of* may
  stand between them) whose Arabic words are adjacent form one name; the
  Arabic span runs from the first to the last linked word.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from kzparallel.arabic import normalize, normalize_text
from kzparallel.glossary.attention import _piece_spans
from kzparallel.glossary.enforce import accepted
from kzparallel.glossary.matching import PREFIXES
from kzparallel.glossary.sound import (
    arabic_skeleton,
    collapse,
    english_skeleton,
    skeleton_similarity,
)
from kzparallel.glossary.variants import is_variant

_AR_WORD = re.compile(r"[^\W_]+")
_EN_WORD = re.compile(r"[^\W\d_][\w]*(?:[-'’.][^\W\d_][\w]*)*")
_POSSESSIVE = re.compile(r"['’]s?$")
SOUND_MIN = 0.7  # skeleton similarity that links an English word to an Arabic word by sound
UNLINKED = -1  # a name-like English word linked to no eligible Arabic word


def en_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


def _norm_set(words: str) -> frozenset[str]:
    return frozenset(normalize_text(w) for w in words.split())


# Titles: what stands before a person's name (type cue; never part of a name).
TITLES = _norm_set(
    "الرئيس رئيس رئيسة وزير وزيرة الوزير الوزراء الخارجية الداخلية الدفاع المتحدث المتحدثة "
    "متحدث متحدثة نائب نائبة الأمين العام المستشار المستشارة السفير سفير سفيرة زعيم "
    "زعيمة مسؤول مسؤولة السابق السابقة الأسبق الملك الأمير الشيخ السيد السيدة الجنرال "
    "العقيد المبعوث مبعوث مدير المدير مديرة رئيسا رئيسي المصور مراسل المراسل الزعيم"
)
# Verbs of speech and action before a person (type cue; never part of a name).
SPEECH = _norm_set(
    "قال قالت أعلن أعلنت أكد أكدت أضاف أضافت أشار أشارت حذر حذرت دعا دعت صرح صرحت "
    "أوضح أوضحت تابع تابعت كتب كتبت نقل نقلت أعرب أعربت التقى التقت اتهم اتهمت طالب "
    "طالبت رحب رحبت تعهد تعهدت أجرى أجرت تلقى تلقت وصل وصلت يزور تزور زار زارت قوله قولها "
    "ذكر ذكرت أفاد أفادت شارك شاركت اجتمع عن"
)
# Prepositions and nouns before a place (type cue; never part of a name).
PLACE_CUES = _norm_set(
    "في إلى من مدينة منطقة عاصمة العاصمة إقليم ولاية شوارع ساحة حدود لدى أراضي بلدة"
)
# Organisation words: part of an organisation's name, never a name alone (type cue).
ORG_WORDS = _norm_set(
    "منظمة حلف صندوق اتحاد الاتحاد وكالة قناة لجنة مجلس وزارة حزب جمعية مؤسسة شركة بنك "
    "البنك محكمة جامعة هيئة الصليب الهلال صحيفة موقع إذاعة تلفزيون"
)
FUNCTION_WORDS = _norm_set(
    "في من إلى على عن مع أن إن لدى حتى بعد قبل عبر بين ضد حول خلال منذ عند أي كل جميع هذا "
    "هذه ذلك تلك التي الذي الذين ما لا لم لن قد كما أو ثم هو هي هم إنه إنها أنه أنها بأن "
    "وفي ومن وإلى الى اليوم أمس باسم"
)
NEVER_NAME = TITLES | SPEECH | PLACE_CUES | FUNCTION_WORDS
EN_FUNCTION = en_set(
    "The A An And Or But Of In On At To For By With From As Into After Before About Over "
    "Under His Her Its Their This That These Those It He She They We I Mr Mrs Ms Dr "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April "
    "May June July August September October November December"
)
# English titles: capitalised before a name, never part of it.
EN_TITLES = en_set(
    "President Minister Prime Foreign Secretary Chancellor Spokesman Spokeswoman Speaker "
    "General Secretary-General Ambassador King Prince Sheikh Deputy Chief Leader Former "
    "Vice Premier Governor Mayor Senator Director Commander Colonel"
)
EN_CONNECTORS = frozenset({"of", "the", "for", "al", "de", "du", "la", "le", "bin", "von"})


@dataclass(frozen=True)
class Word:
    """A word of a sentence: as written, normalised, and its character span."""

    text: str
    norm: str
    start: int
    end: int


def arabic_words(text: str) -> list[Word]:
    normed = normalize(text)
    out = []
    for m in _AR_WORD.finditer(normed.text):
        s, e = normed.original_span(m.start(), m.end())
        out.append(Word(text[s:e], m.group(), s, e))
    return out


def english_words(text: str) -> list[Word]:
    out = []
    for m in _EN_WORD.finditer(text):
        word = _POSSESSIVE.sub("", m.group()) if m.group().endswith(("'s", "’s")) else m.group()
        word = word.rstrip(".")
        if word:
            out.append(Word(word, word.lower(), m.start(), m.start() + len(word)))
    return out


def stems(word: str) -> list[tuple[str, str]]:
    """(prefix, stem) splits of a normalised Arabic word by its proclitics
    (و ف, ب ل ك, ال and their combinations; لل gives ال + stem), the word itself first."""
    out = [("", word)]
    for p in PREFIXES:
        if p.text and word.startswith(p.text) and len(word) - len(p.text) >= 2:
            rest = word[len(p.text) :]
            if p.elided:
                out.append((p.text, "ال" + rest))
            out.append((p.text, rest))
    return out


def bare(word: str) -> str:
    """``word`` without و ف ب ل ك and ال in front (for the stop lists)."""
    for prefix, stem in reversed(stems(word)):
        if prefix and len(stem) >= 2:
            return stem
    return word


def is_one_of(norm: str, words: frozenset[str]) -> bool:
    """``norm`` (a normalised word) is one of ``words``, with or without proclitics
    (والتقى is التقى)."""
    return any(stem in words for _prefix, stem in stems(norm))


def is_never_name(norm: str) -> bool:
    return norm.isdigit() or is_one_of(norm, NEVER_NAME)


# -- sound ---------------------------------------------------------------------------


def sound_similarity(arabic_norm: str, english: str) -> float:
    """How much a normalised Arabic word sounds like an English spelling, in
    [0, 1]: consonant skeletons in sound classes (s/z/sh/ch, t/d, k/g/q/kh,
    f/v, b/p; w dropped like the Arabic vowel letter و), aligned with an edit distance; the best over the word's
    clitic splits. Two consonants at least on each side, else 0."""
    en = english_skeleton(english)
    if len(en) < 2:
        return 0.0
    best = 0.0
    for _prefix, stem in stems(arabic_norm):
        ar = arabic_skeleton(stem)
        if len(ar) >= 2:
            best = max(best, skeleton_similarity(ar, en))
    return best


# -- one pair --------------------------------------------------------------------------


@dataclass(frozen=True)
class NameSpan:
    """One name-like Arabic span of a pair and its English rendering there."""

    words: tuple[str, ...]  # normalised Arabic words as written (clitics attached)
    surface: str  # the Arabic as written
    en: str  # the English rendering
    before: tuple[str, ...]  # up to two normalised Arabic words before the span
    how: str  # "attention" | "sound"


def _index(words: Sequence[Word], pos: int) -> int | None:
    """The word that contains character ``pos`` (None between words)."""
    i = bisect.bisect_right([w.start for w in words], pos) - 1
    return i if i >= 0 and pos < words[i].end else None


def attention_votes(
    record: dict[str, Any], ar_words: list[Word], en_words: list[Word], en: str
) -> list[Counter[int]] | None:
    """Per English word, how many of its pieces the attention links to each
    Arabic word (None when the record has no alignment)."""
    links = record.get("alignment")
    src, tgt = record.get("src_tokens"), record.get("tgt_tokens")
    if not links or not src or not tgt:
        return None
    src_spans = _piece_spans(src, record["ar"])
    tgt_spans = _piece_spans(tgt, en)
    votes: list[Counter[int]] = [Counter() for _ in en_words]
    for link in links:
        s, t = int(link[0]), int(link[1])
        if s >= len(src_spans) or t >= len(tgt_spans):
            continue
        if src_spans[s] is None or tgt_spans[t] is None:
            continue
        i = _index(ar_words, src_spans[s][0])  # type: ignore[index]
        j = _index(en_words, tgt_spans[t][0])  # type: ignore[index]
        if i is not None and j is not None:
            votes[j][i] += 1
    return votes


@lru_cache(maxsize=65536)
def _lookalike(word: str, form_word: str) -> bool:
    return is_variant(word, form_word, aligned=True)


def _masked_english(
    en: str, mentions: Sequence[Any], found: Sequence[str]
) -> list[tuple[int, int]]:
    from kzparallel.glossary.enforce import _form_re

    spans = []
    forms = {*(f for m in mentions for f in accepted(m)), *found} - {""}
    for form in forms:
        spans += [(x.start(), x.end()) for x in _form_re(form).finditer(en)]
    parts = {p for form in forms for p in form.replace("-", " ").split() if len(p) >= 4}
    for w in english_words(en):  # a misspelling of a glossary form is the glossary's
        if w.text[:1].isupper() and any(_lookalike(w.text, p) for p in parts):
            spans.append((w.start, w.end))
    return spans


def name_spans(
    record: dict[str, Any],
    mentions: Sequence[Any],
    lower: Collection[str],
    upper: Collection[str] = (),
    *,
    use_attention: bool = True,
) -> list[NameSpan]:
    """The name-like spans of one pair (see the module docstring).

    ``record`` has ``ar`` and ``en`` (and, from ``build --alignment``,
    ``en_mt``, ``alignment``, ``src_tokens``, ``tgt_tokens``: the attention
    links are those of ``en_mt``); ``mentions`` are the glossary's mentions in
    ``ar``; ``lower`` the English words the corpus writes in lower case,
    ``upper`` those it capitalises inside a sentence.
    """
    ar = record["ar"]
    has_links = use_attention and bool(record.get("alignment"))
    en = record.get("en_mt") or record["en"] if has_links else record["en"]
    ar_words = arabic_words(ar)
    en_words = english_words(en)
    if not ar_words or not en_words:
        return []
    covered = [(m.start, m.end) for m in mentions]
    eligible = [
        not is_never_name(w.norm)
        and not any(w.start < e and s < w.end for s, e in covered)
        and bool(arabic_skeleton(w.norm) or len(w.norm) > 2)
        for w in ar_words
    ]
    found = [t.get("found") or "" for t in record.get("terms") or [] if isinstance(t, dict)]
    masked = _masked_english(en, mentions, found)
    votes = attention_votes(record, ar_words, en_words, en) if has_links else None

    link: list[int | None] = []
    for j, w in enumerate(en_words):
        like = _name_like(w, en, lower, upper)
        if not like or any(w.start < e and s < w.end for s, e in masked):
            link.append(None)
            continue
        if like == "sound only":  # a sentence's first word: only a transliteration counts
            linked = _link(w, j, ar_words, eligible, None)
            link.append(None if linked == UNLINKED else linked)
            continue
        link.append(_link(w, j, ar_words, eligible, votes))
    return _spans(ar, en, ar_words, en_words, link, eligible, "attention" if votes else "sound")


def is_initial(w: Word, en: str) -> bool:
    """``w`` starts the sentence (or a quotation, or follows a colon)."""
    return not en[: w.start].strip() or en[: w.start].rstrip()[-1:] in '.:!?"«“'


def _name_like(w: Word, en: str, lower: Collection[str], upper: Collection[str]) -> str:
    """ "yes" for a capitalised word that is not a function word or a title; at
    the start of a sentence only when the corpus capitalises it elsewhere too
    and never writes it in lower case ("sound only" when it never writes it in
    lower case but never capitalises it inside a sentence either); "" otherwise."""
    if not w.text[:1].isupper() or w.text in EN_FUNCTION or w.text in EN_TITLES:
        return ""
    if not is_initial(w, en):
        return "yes"
    if w.norm in lower:
        return ""
    return "yes" if w.text in upper else "sound only"


def _link(
    w: Word, j: int, ar_words: list[Word], eligible: list[bool], votes: list[Counter[int]] | None
) -> int | None:
    by_sound = max(
        ((sound_similarity(a.norm, w.text), i) for i, a in enumerate(ar_words) if eligible[i]),
        default=(0.0, -1),
    )
    if by_sound[0] >= SOUND_MIN:
        return by_sound[1]
    if votes is None or not votes[j]:
        return UNLINKED
    best = max(votes[j].items(), key=lambda kv: (kv[1], -kv[0]))[0]
    return best if eligible[best] else UNLINKED


def _spans(
    ar: str,
    en: str,
    ar_words: list[Word],
    en_words: list[Word],
    link: list[int | None],
    eligible: list[bool],
    how: str,
) -> list[NameSpan]:
    out: list[NameSpan] = []
    run: list[int] = []  # English word indices of the current name

    def close() -> None:
        if not run:
            return
        linked = sorted({link[j] for j in run if link[j] is not None})  # type: ignore[misc]
        lo, hi = linked[0], linked[-1]
        while (
            run[0] - 1 in unlinked and en[en_words[run[0] - 1].end : en_words[run[0]].start] == " "
        ):
            cand = next(
                (
                    c
                    for c in (lo - 1, hi + 1)
                    if 0 <= c < len(ar_words) and eligible[c] and c not in used
                ),
                None,
            )
            if cand is None:
                break
            run.insert(0, run[0] - 1)  # "Amnesty" before the linked "International"
            link[run[0]] = cand
            used.add(cand)
            unlinked.discard(run[0])
            lo, hi = min(lo, cand), max(hi, cand)
        others = {link[k] for k in range(len(link)) if k not in run and link[k] is not None}
        en_text = en[en_words[run[0]].start : en_words[run[-1]].end]
        if hi + 1 < len(ar_words) and eligible[hi + 1] and hi + 1 not in used:
            now = _span_sound(ar_words[lo : hi + 1], en_text)
            if _span_sound(ar_words[lo : hi + 2], en_text) > now + 0.1:
                hi += 1  # a name written as two words: عشق آباد for Ashgabat
        words = ar_words[lo : hi + 1]
        if (
            all(eligible[i] for i in range(lo, hi + 1))
            and not others & set(range(lo, hi + 1))
            and not all(bare(w.norm) in ORG_WORDS for w in words)
        ):
            first, last = en_words[run[0]], en_words[run[-1]]
            before = tuple(w.norm for w in ar_words[max(0, lo - 2) : lo])
            out.append(
                NameSpan(
                    tuple(w.norm for w in words),
                    ar[words[0].start : words[-1].end],
                    en[first.start : last.end],
                    before,
                    how,
                )
            )
        run.clear()

    used = {x for x in link if x is not None and x >= 0}
    unlinked = {j for j, x in enumerate(link) if x == UNLINKED}
    for j in range(len(en_words)):
        if link[j] == UNLINKED:
            link[j] = None
            if run and en[en_words[run[-1]].end : en_words[j].start].strip() in ("", "-"):
                linked = [link[k] for k in run if link[k] is not None]
                for cand in (max(linked) + 1, min(linked) - 1):  # type: ignore[type-var]
                    if 0 <= cand < len(ar_words) and eligible[cand] and cand not in used:
                        link[j] = cand  # the next Arabic word of a name: "Human Rights Watch"
                        used.add(cand)
                        break
        if link[j] is None:
            if run and en_words[j].norm in EN_CONNECTORS and _continues(j, link, en_words):
                continue  # "Secretary of State": the connector joins the name
            close()
            continue
        if run:
            prev = max(link[k] for k in run if link[k] is not None)  # type: ignore[type-var]
            lo = min(link[k] for k in run if link[k] is not None)  # type: ignore[type-var]
            gap = en[en_words[run[-1]].end : en_words[j].start]
            adjacent = lo - 1 <= link[j] <= prev + 1  # type: ignore[operator]
            joined = gap.strip() in ("", "-") or en_words[j - 1].norm in EN_CONNECTORS
            if not (adjacent and joined):
                close()
        run.append(j)
    close()
    return out


def _span_sound(words: Sequence[Word], en: str) -> float:
    ar = collapse(list("".join(arabic_skeleton(bare(w.norm)) for w in words)))
    return skeleton_similarity(ar, english_skeleton(en))


def _continues(j: int, link: list[int | None], en_words: list[Word]) -> bool:
    """The connector at ``j`` is followed by a linked name word."""
    return j + 1 < len(en_words) and link[j + 1] not in (None, UNLINKED)
