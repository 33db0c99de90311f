"""A generated Arabic-English parallel corpus with a known ground truth.

:func:`generate_corpus` turns a :class:`CorpusRecipe` into a
:class:`ParallelCorpus`, deterministically for the recipe:

* **train** — sentences from :data:`~kzparallel.demo.templates.TEMPLATES`
  filled with every glossary name (all Arabic variants, all forms: surname,
  adjective, people) and names outside the glossary
  (:data:`~kzparallel.demo.names.OUTSIDE`), with English that has *habits
  like a real model's*: a share (``habit_names``) of the glossary's names is
  given a wrong English spelling (:class:`Habit`: one of the glossary's
  ``forbidden`` variants, a misspelling the glossary does not list, or
  another transliteration) that the training English uses in
  ``habit_strength`` of the sentences; the outside names with a second
  rendering use it in ``outside_alt_share`` of the sentences;
* **seed_pairs** — the seed articles' sentences with the English of
  ``seeds/references/`` (paragraphs split with the project's segmenter on both
  sides; a paragraph whose sentence counts differ stays one pair), with the
  same habits applied to the glossary names in that English;
* **heldout** — generated sentences whose Arabic and whose combination of
  template and names never occur in training, with the *right* English (the
  glossary's spellings): :class:`Example`, each listing the names it uses.

The ground truth is data: :attr:`ParallelCorpus.habits` (glossary name →
:class:`Habit`), :attr:`ParallelCorpus.outside` (outside names with their
Arabic variants, right English and renderings with shares),
:attr:`ParallelCorpus.heldout`, :meth:`ParallelCorpus.expected_break_rate`
and :meth:`ParallelCorpus.ground_truth` (all of it as JSON-able dicts).
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from kzparallel.cleaning import clean_document
from kzparallel.demo.generator import generator_hash
from kzparallel.demo.names import SLOTS, Name, glossary_names, outside_names
from kzparallel.demo.templates import _REF, TEMPLATES, Filler, Use
from kzparallel.evaluation import read_records
from kzparallel.glossary import load_glossary
from kzparallel.glossary.enforce import _form_re, find_form
from kzparallel.ingest import read_documents
from kzparallel.segmentation import segment_document, segment_text
from kzparallel.translation.bench import default_seeds_dir

# the January 2022 glossary (74 entries) the demo corpus is filled from
DEMO_GLOSSARY = Path(__file__).parent / "demo-glossary"

KINDS = ("forbidden", "misspelling", "transliteration")
BARE_WEIGHT = 0.3  # templates that are a name alone are drawn less often
HELDOUT_TRIES = 50  # draws per held-out sentence before giving up

# Systematic romanisation differences (another transliteration) and typing slips
# (a misspelling); each is applied once, at one place, inside a name word of 4+
# letters (not an ordinary English word such as "Ministry" or "Square").
_TRANSLITERATIONS = (
    ("kh", "h"), ("zh", "j"), ("j", "zh"), ("ya", "ia"), ("y", "i"), ("q", "k"),
    ("k", "q"), ("ou", "u"), ("u", "ou"), ("ch", "tch"), ("ts", "tz"), ("v", "w"),
    ("c", "k"), ("sh", "ch"), ("ph", "f"),
)  # fmt: skip
_WORD_INITIAL = frozenset({"kh", "zh", "j", "k", "q", "v"})  # may change a first letter
_VOWEL_SLIPS = {"a": "e", "e": "i", "i": "e", "o": "u", "u": "o"}
_VOWELS = "aeiouy"
ORDINARY_WORDS = frozenset(
    {
        "Bank", "Central", "Collective", "Commission", "Council", "Defence", "Defense",
        "Department", "Federation", "Foreign", "Health", "House", "Interior", "Ministry",
        "New", "Organisation", "Organization", "Republic", "Secretary", "Security", "Square",
        "State", "Strip", "Treaty", "Union", "United", "White",
    }
)  # fmt: skip


def _name_word(en: str, i: int) -> tuple[int, int] | None:
    """The span of the word around ``en[i]`` if it is a name word of 4+ letters."""
    s, e = i, i
    while s > 0 and en[s - 1].isalpha():
        s -= 1
    while e < len(en) and en[e].isalpha():
        e += 1
    if e - s < 4 or en[s:e] in ORDINARY_WORDS:
        return None
    return s, e


def _variants(en: str, rules: tuple[tuple[str, str], ...]) -> list[str]:
    out = []
    for old, new in rules:
        for m in re.finditer(re.escape(old), en, re.IGNORECASE):
            word = _name_word(en, m.start())
            if word is None or (m.start() == word[0] and old not in _WORD_INITIAL):
                continue
            rep = new.capitalize() if en[m.start()].isupper() else new
            out.append(en[: m.start()] + rep + en[m.end() :])
    return out


def _misspellings(en: str) -> list[str]:
    out = []
    for i in range(1, len(en) - 1):
        word = _name_word(en, i)
        if word is None or i == word[0]:  # keep the first letter of a word
            continue
        c, before, after = en[i], en[i - 1].lower(), en[i + 1].lower()
        if after == c:
            out.append(en[:i] + en[i + 1 :])  # a doubled letter written once
        elif c in _VOWEL_SLIPS and before not in _VOWELS and after not in _VOWELS:
            out.append(en[:i] + _VOWEL_SLIPS[c] + en[i + 1 :])
        elif c.islower() and c not in _VOWELS and before in _VOWELS and after in _VOWELS:
            out.append(en[:i] + c + c + en[i + 1 :])  # a single consonant doubled
    return out


@dataclass(frozen=True)
class CorpusRecipe:
    """What the corpus is made of. ``glossary``/``seeds`` ``None``: the shipped ones."""

    seed: int = 0
    train_sentences: int = 14000
    heldout_sentences: int = 400
    habit_names: float = 0.25  # share of glossary names given a wrong English habit
    habit_strength: float = 0.9  # share of their training sentences using it
    outside_alt_share: float = 0.3  # share of an outside name's uses with its 2nd rendering
    glossary: str | None = None
    seeds: str | None = None

    def glossary_path(self) -> Path:
        """The glossary whose names fill the corpus: by default
        :data:`DEMO_GLOSSARY`, a frozen copy of the glossary the demo model was
        made with, so that growing the shipped glossary does not retrain it."""
        return Path(self.glossary) if self.glossary else DEMO_GLOSSARY

    def seeds_path(self) -> Path:
        return Path(self.seeds) if self.seeds else default_seeds_dir()

    def fingerprint(self) -> dict[str, Any]:
        """The recipe as data: its parameters and hashes of the generator's code,
        the glossary's content and the seed articles and references."""
        seeds = self.seeds_path()
        h = hashlib.sha256()
        for p in [*sorted(seeds.glob("*.txt")), *sorted((seeds / "references").glob("*.jsonl"))]:
            h.update(f"{p.relative_to(seeds).as_posix()}\0".encode())
            h.update(p.read_bytes())
        params = asdict(self)
        del params["glossary"], params["seeds"]
        return {
            "generator": generator_hash(),
            **params,
            "glossary": load_glossary(self.glossary_path()).hash,
            "seeds": h.hexdigest()[:16],
        }


@dataclass(frozen=True)
class Habit:
    """The wrong English spelling the training data prefers for a glossary name."""

    entry: str
    role: str
    ar: tuple[str, ...]
    en: str  # the glossary's (right) English
    wrong: str
    kind: str  # "forbidden" (listed in the glossary) | "misspelling" | "transliteration"
    share: float  # share of the training sentences with this name that use ``wrong``

    @property
    def key(self) -> str:
        return f"{self.entry}:{self.role}"


@dataclass(frozen=True)
class Example:
    """A held-out sentence: Arabic, its right English, the names it uses."""

    ar: str
    en: str
    template: str
    uses: tuple[Use, ...]


@dataclass
class ParallelCorpus:
    recipe: CorpusRecipe
    names: list[Name]  # every name with its training renderings
    habits: dict[str, Habit]  # "entry:role" -> habit
    train: list[tuple[str, str]]  # generated (Arabic, English with habits)
    seed_pairs: list[tuple[str, str]]  # seed sentences with the references' English
    heldout: list[Example] = field(default_factory=list)

    @property
    def outside(self) -> list[Name]:
        """Names outside the glossary, with their renderings and shares."""
        return [n for n in self.names if not n.in_glossary]

    def habit_for(self, entry: str, role: str = "name") -> Habit | None:
        return self.habits.get(f"{entry}:{role}")

    def expected_break_rate(self, examples: list[Example] | None = None) -> float:
        """Share of the glossary names used in ``examples`` (default: the held-out
        set) that have a wrong habit: the raw model's expected glossary failure
        rate, if it learnt its habits and nothing else went wrong."""
        uses = [u for ex in (self.heldout if examples is None else examples) for u in ex.uses]
        in_glossary = [u for u in uses if u.entry]
        if not in_glossary:
            return 0.0
        return sum(u.key in self.habits for u in in_glossary) / len(in_glossary)

    def ground_truth(self) -> dict[str, Any]:
        """Habits, outside names and the held-out set as JSON-able data."""
        return {
            "recipe": self.recipe.fingerprint(),
            "habits": [asdict(h) for h in self.habits.values()],
            "outside": [n.to_dict() for n in self.outside],
            "heldout": [
                {
                    "ar": ex.ar,
                    "en": ex.en,
                    "template": ex.template,
                    "uses": [asdict(u) for u in ex.uses],
                }
                for ex in self.heldout
            ],
        }


# -- habits -----------------------------------------------------------------------------


def _habit(name: Name, kind: str, glossary: Any, known: set[str], rng: random.Random) -> str:
    """A wrong spelling of ``name`` of ``kind``, or "" if it has none."""
    form = glossary[name.entry].form(name.role)
    accepted = [form.en, *form.also]
    listed = {v.lower() for v in form.forbidden}
    if kind == "forbidden":
        cands = list(form.forbidden)
    else:
        raw = (
            _misspellings(name.en)
            if kind == "misspelling"
            else _variants(name.en, _TRANSLITERATIONS)
        )
        cands = [c for c in raw if c.lower() not in listed and c not in known]
    cands = sorted({c for c in cands if c != name.en and find_form(c, accepted) is None})
    return rng.choice(cands) if cands else ""


def choose_habits(names: list[Name], glossary: Any, recipe: CorpusRecipe) -> dict[str, Habit]:
    """Give ``recipe.habit_names`` of the glossary names a wrong habit, a third
    of them of each kind (forbidden, misspelling, transliteration) as far as
    the names allow."""
    rng = random.Random(f"habits-{recipe.seed}")
    known = {x for e in glossary.entries for f in e.all_forms() for x in (f.en, *f.also)}
    pool = sorted((n for n in names if n.in_glossary), key=lambda n: n.key)
    rng.shuffle(pool)
    want = round(recipe.habit_names * len(pool))
    habits: dict[str, Habit] = {}
    for i, kind in enumerate(KINDS):
        quota = (want - len(habits)) // (len(KINDS) - i)
        chosen = 0
        for name in pool:
            if chosen >= quota:
                break
            if name.key in habits:
                continue
            wrong = _habit(name, kind, glossary, known, rng)
            if wrong:
                habits[name.key] = Habit(
                    name.entry, name.role, name.ar, name.en, wrong, kind, recipe.habit_strength
                )
                chosen += 1
    return dict(sorted(habits.items()))


def _with_habits(names: list[Name], habits: dict[str, Habit]) -> list[Name]:
    out = []
    for n in names:
        h = habits.get(n.key)
        if h is not None:
            n = replace(n, renderings=((h.wrong, h.share), (n.en, round(1.0 - h.share, 6))))
        out.append(n)
    return out


def _render(name: Name, rng: random.Random) -> str:
    r = rng.random()
    for en, share in name.renderings:
        r -= share
        if r < 0:
            return en
    return name.renderings[0][0]


def _right(name: Name, rng: random.Random) -> str:
    return name.en


# -- seed sentences ---------------------------------------------------------------------


def seed_sentence_pairs(seeds: Path) -> list[tuple[str, str]]:
    """The seed articles' sentences (cleaned and segmented as a build does) with
    the English of ``seeds/references/`` split into as many sentences; a
    paragraph whose counts differ is one pair."""
    arabic: dict[tuple[str, int], list[str]] = defaultdict(list)
    for doc in read_documents([str(p) for p in sorted(seeds.glob("*.txt"))]):
        for seg in segment_document(clean_document(doc)):
            arabic[(seg.doc_id, seg.para)].append(seg.text)
    records, _ = read_records(seeds / "references")
    pairs = []
    for rec in records or []:
        ar = arabic.get((rec["doc_id"], rec["para"])) or [rec["ar"]]
        if rec["para"] == 0:
            en = [rec["en"]]
        else:
            en = [s.text for s in segment_text(rec["en"], doc_id=rec["doc_id"], para=rec["para"])]
        if len(ar) == len(en):
            pairs += zip(ar, en, strict=True)
        else:
            pairs.append((" ".join(ar), rec["en"]))
    return pairs


def _habits_in_reference(
    ar: str, en: str, glossary: Any, habits: dict[str, Habit], rng: random.Random
) -> str:
    """``en`` with the habits of the glossary names in ``ar`` applied (each name
    takes its wrong spelling with the habit's share)."""
    spans: list[tuple[int, int, str]] = []
    for m in glossary.find(ar):
        key = f"{m.term}:{m.role}"
        spans += [(x.start(), x.end(), key) for x in _form_re(m.en).finditer(en)]
    spans.sort(key=lambda s: (-(s[1] - s[0]), s[0]))
    taken: list[tuple[int, int, str]] = []
    for s, e, key in spans:
        if all(e <= ts or te <= s for ts, te, _ in taken):
            taken.append((s, e, key))
    wrong_for: dict[str, str] = {}
    for s, e, key in sorted(taken, reverse=True):
        h = habits.get(key)
        if h is None:
            continue
        if key not in wrong_for:
            wrong_for[key] = h.wrong if rng.random() < h.share else h.en
        en = en[:s] + wrong_for[key] + en[e:]
    return en


# -- the corpus -------------------------------------------------------------------------


def _resolvable(names: list[Name]) -> list[Name]:
    """Drop titles that name something the corpus does not have."""
    keys = {n.key for n in names}
    out = []
    for n in names:
        refs = [m["ref"][1:] for t in n.title for m in _REF.finditer(t)]
        if any(r not in keys for r in refs):
            n = replace(n, title=("", ""))
        out.append(n)
    return out


def generate_corpus(recipe: CorpusRecipe | None = None) -> ParallelCorpus:
    """The corpus of ``recipe`` (default :class:`CorpusRecipe`); deterministic."""
    recipe = recipe or CorpusRecipe()
    glossary = load_glossary(recipe.glossary_path())
    plain = _resolvable(glossary_names(glossary) + outside_names(recipe.outside_alt_share))
    habits = choose_habits(plain, glossary, recipe)
    names = _with_habits(plain, habits)
    by_key = {n.key: n for n in names}
    pools: dict[str, list[Name]] = defaultdict(list)
    for n in names:
        pools[n.slot].append(n)
    templates = [t for t in TEMPLATES if _fillable(t[1], pools)]
    weights = [BARE_WEIGHT if t[0].startswith("bare-") else 1.0 for t in templates]

    rng = random.Random(f"train-{recipe.seed}")
    train_filler = Filler(by_key, pools, _render, rng)
    train: list[tuple[str, str]] = []
    seen_ar: set[str] = set()
    seen_combo: set[tuple[str, ...]] = set()
    for _ in range(recipe.train_sentences):
        tid, ar_t, en_t = rng.choices(templates, weights)[0]
        ar, en, uses = train_filler.fill(ar_t, en_t)
        train.append((ar, en))
        seen_ar.add(ar)
        seen_combo.add((tid, *sorted(u.key for u in uses)))

    rng_seeds = random.Random(f"seeds-{recipe.seed}")
    seed_pairs = [
        (ar, _habits_in_reference(ar, en, glossary, habits, rng_seeds))
        for ar, en in seed_sentence_pairs(recipe.seeds_path())
    ]

    rng_held = random.Random(f"heldout-{recipe.seed}")
    held_filler = Filler(by_key, pools, _right, rng_held)
    heldout: list[Example] = []
    held_ar: set[str] = set()
    for _ in range(recipe.heldout_sentences * HELDOUT_TRIES):
        if len(heldout) >= recipe.heldout_sentences:
            break
        tid, ar_t, en_t = rng_held.choices(templates, weights)[0]
        ar, en, uses = held_filler.fill(ar_t, en_t)
        combo = (tid, *sorted(u.key for u in uses))
        if ar in seen_ar or ar in held_ar or combo in seen_combo:
            continue
        held_ar.add(ar)
        heldout.append(Example(ar, en, tid, tuple(uses)))
    return ParallelCorpus(recipe, names, habits, train, seed_pairs, heldout)


def _fillable(ar_template: str, pools: dict[str, list[Name]]) -> bool:
    """Every slot kind has at least as many names as the template has slots of it."""
    refs = {m["ref"] for m in _REF.finditer(ar_template) if not m["ref"].startswith("=")}
    need = defaultdict(int)
    for ref in refs:
        need[SLOTS[ref[0]]] += 1
    return all(len(pools.get(kind, [])) >= n for kind, n in need.items())


def corpus_hash(corpus: ParallelCorpus) -> str:
    """SHA-256 (16 hex digits) of everything the model is trained on."""
    h = hashlib.sha256()
    for ar, en in [*corpus.train, *corpus.seed_pairs]:
        h.update(json.dumps([ar, en], ensure_ascii=False).encode())
    return h.hexdigest()[:16]
