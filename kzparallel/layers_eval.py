"""What each glossary layer does, measured on sentences with their right English.

:func:`measure_layers` decodes every Arabic sentence twice per backend — without
hints and with the glossary's hints, each time with an n-best list as long as
the beam — and gives the English of five rows (:data:`ROWS`):

* ``raw`` — no glossary (the best hypothesis of the plain decode);
* ``hints`` — decoder hints only (the best hypothesis of the hinted decode);
* ``+ rerank`` — and the n-best rerank (:func:`enforce_pair`, ``repair=False``);
* ``+ repair`` — every layer;
* ``rerank + repair, no hints`` — the rerank and repair of the plain decode.

The row of the layers a build runs by default
(:data:`kzparallel.glossary.layers.DEFAULT_LAYERS`) is marked ``default``.

For each row: **term success** (glossary mentions in the Arabic whose required
form or an accepted alternative is in the English, as the build verifies),
**wrong spellings** (mentions whose English still has a wrong spelling of
their entry outside the accepted forms: one of the glossary's forbidden
variants, or a spelling the caller knows the model has, ``habits``), **chrF**
and **BLEU** against the right English (sacrebleu, with signatures), and
**collateral edits**: characters the repair layer changed outside the spans of
the terms (a character diff of the row's English against the hypothesis it was
made from, counting only changes that are not inside an accepted form of a
mention in the row's English), and what the **rerank** did: the sentences
where it took another hypothesis than the decoder's best, and the characters
outside the term spans in which that hypothesis differs from the best one (a
whole other decoder output, judged by chrF and BLEU, not an edit).

:func:`heldout_cases` makes the cases and habits from the ground truth of a
trained test model's corpus (:class:`kzparallel.demo.ParallelCorpus`);
any JSON lines with ``ar`` and ``en`` do as well (:func:`read_cases`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kzparallel.demo import ParallelCorpus, demo_model
from kzparallel.errors import KzError
from kzparallel.evaluation import read_records
from kzparallel.glossary import load_glossary
from kzparallel.glossary.enforce import _form_re, accepted, enforce_pair, find_form
from kzparallel.glossary.layers import DEFAULT_LAYERS, LAYERS, layers_label
from kzparallel.glossary.model import Glossary, Mention
from kzparallel.translation import prepare_translator
from kzparallel.translation.base import DecodingConfig, Translation, Translator
from kzparallel.translation.hints import translate_with_fallback
from kzparallel.translation.model import DEMO_MODEL

# (row name, layers on); the rows without "hints" are made from the plain decode
ROWS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("raw", ()),
    ("hints", ("hints",)),
    ("+ rerank", ("hints", "rerank")),
    ("+ repair", LAYERS),
    ("rerank + repair, no hints", DEFAULT_LAYERS),
)
BACKENDS = ("ctranslate2", "transformers")
BATCH = 32  # sentences per translate call


@dataclass(frozen=True)
class Case:
    """An Arabic sentence and its right English."""

    ar: str
    en: str


@dataclass
class Row:
    """One backend with one set of layers."""

    backend: str
    name: str
    layers: tuple[str, ...]
    mentions: int
    found: int
    wrong: int
    chrf: float
    bleu: float
    collateral: int | None  # repair's edits outside term spans; None: repair off
    reranked: int | None = None  # sentences given another hypothesis; None: rerank off
    rerank_chars: int = 0  # characters outside term spans in which those differ
    english: list[str] = field(default_factory=list, repr=False)
    default: bool = False  # these are the layers a build runs by default

    @property
    def success(self) -> float:
        return self.found / self.mentions if self.mentions else 1.0

    @property
    def wrong_rate(self) -> float:
        return self.wrong / self.mentions if self.mentions else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "backend": self.backend,
            "row": self.name,
            "layers": layers_label(self.layers),
            "mentions": self.mentions,
            "found": self.found,
            "term_success": round(100 * self.success, 2),
            "wrong": self.wrong,
            "wrong_rate": round(100 * self.wrong_rate, 2),
            "chrF": round(self.chrf, 2),
            "BLEU": round(self.bleu, 2),
            "collateral_chars": self.collateral,
            "reranked": self.reranked,
            "rerank_chars": self.rerank_chars,
            "default": self.default,
        }


@dataclass
class LayersReport:
    """The rows of every backend, the sentence count and the metric signatures."""

    rows: list[Row]
    sentences: int
    signatures: dict[str, str]

    def row(self, backend: str, name: str) -> Row:
        for r in self.rows:
            if r.backend == backend and r.name == name:
                return r
        raise KeyError((backend, name))

    def table(self) -> list[str]:
        """A Markdown table: one line per backend and row."""
        out = [
            "| backend | layers | term success | wrong spellings | chrF | BLEU "
            "| collateral chars | other hypothesis taken |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for r in self.rows:
            coll = "-" if r.collateral is None else str(r.collateral)
            rer = "-" if r.reranked is None else f"{r.reranked} ({r.rerank_chars} chars)"
            name = f"**{r.name}** (default)" if r.default else r.name
            out.append(
                f"| {r.backend} | {name} | {100 * r.success:.1f} % ({r.found}/{r.mentions}) "
                f"| {100 * r.wrong_rate:.1f} % ({r.wrong}) | {r.chrf:.1f} | {r.bleu:.1f} "
                f"| {coll} | {rer} |"
            )
        return out

    def lines(self) -> list[str]:
        return [
            *self.table(),
            f"{self.sentences} sentences; " + "; ".join(self.signatures.values()),
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "sentences": self.sentences,
            "signatures": self.signatures,
            "rows": [r.to_dict() for r in self.rows],
        }


# -- cases ------------------------------------------------------------------------


def heldout_cases(
    corpus: ParallelCorpus, limit: int | None = None
) -> tuple[list[Case], dict[str, list[str]]]:
    """The held-out sentences of a generated corpus (``corpus.heldout``: never
    in training, with the glossary's spellings) and its habits (``"entry:role"``
    → the wrong spellings the model was taught)."""
    examples = list(corpus.heldout)[:limit]
    habits: dict[str, list[str]] = {}
    for key, habit in corpus.habits.items():
        habits.setdefault(key, []).append(habit.wrong)
    return [Case(ex.ar, ex.en) for ex in examples], habits


def read_cases(path: str | Path, limit: int | None = None) -> list[Case]:
    """Cases from JSON lines (or a directory of them) with ``ar`` and ``en``."""
    records, _ = read_records(path)
    if records is None:
        raise KzError(f"{path}: the layer measurement needs JSON lines with 'ar' and 'en'")
    cases = []
    for n, rec in enumerate(records, 1):
        ar, en = rec.get("ar"), rec.get("en")
        if not isinstance(ar, str) or not isinstance(en, str):
            raise KzError(f"{path}: record {n} has no 'ar' and 'en' strings")
        cases.append(Case(ar, en))
    if not cases:
        raise KzError(f"{path}: no records")
    return cases[:limit]


# -- the English of a set of layers -------------------------------------------------


def english_with_layers(
    ar: str, translation: Translation, glossary: Glossary, layers: Sequence[str]
) -> tuple[str, int]:
    """The English a build with ``layers`` gives for ``ar`` decoded as
    ``translation`` (decoded with the glossary's hints when ``hints`` is on),
    and the index of the n-best hypothesis it was made from."""
    rerank, repair = "rerank" in layers, "repair" in layers
    if not (rerank or repair):
        return translation.text, 0
    done = enforce_pair(ar, translation.text, glossary, translation, repair=repair, rerank=rerank)
    return done.en, done.hypothesis


# -- metrics ------------------------------------------------------------------------


def _accepted_spans(text: str, mentions: Sequence[Mention]) -> list[tuple[int, int]]:
    spans = []
    for m in mentions:
        for form in accepted(m):
            for variant in {form, form.upper()}:
                spans += [(x.start(), x.end()) for x in _form_re(variant).finditer(text)]
    return spans


def wrong_spelling(
    text: str,
    m: Mention,
    mentions: Sequence[Mention],
    glossary: Glossary,
    habits: Mapping[str, Sequence[str]],
) -> str | None:
    """A wrong spelling of ``m``'s entry in ``text`` outside the accepted forms
    of ``mentions`` (a forbidden variant, or a habit of ``m``'s form), or None."""
    wrongs = [v for v, _form in glossary[m.term].forbidden_all()]
    wrongs += habits.get(f"{m.term}:{m.role}", ())
    taken = _accepted_spans(text, mentions)
    for w in wrongs:
        for variant in {w, w.upper()}:
            for x in _form_re(variant).finditer(text):
                if not any(x.start() < e and s < x.end() for s, e in taken):
                    return x.group()
    return None


_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def collateral_chars(before: str, after: str, mentions: Sequence[Mention]) -> int:
    """Characters changed from ``before`` to ``after`` outside the accepted
    forms of ``mentions`` in ``after``. The texts are compared word by word
    (words, spaces and punctuation as tokens); a change whose new text, spaces
    at its ends aside, lies inside such a span, or a deletion at a span's edge,
    is the term's; any other change counts its longer side's characters."""
    spans = _accepted_spans(after, mentions)
    old, new = _tokens(before), _tokens(after)
    matcher = difflib.SequenceMatcher(
        None, [t for t, _, _ in old], [t for t, _, _ in new], autojunk=False
    )
    changed = 0
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        removed = sum(len(t) for t, _, _ in old[i1:i2])
        added = [t for t in new[j1:j2] if not t[0].isspace()]
        at = new[j1][1] if j1 < len(new) else len(after)
        a, b = (added[0][1], added[-1][2]) if added else (at, at)
        if any(s <= a and b <= e for s, e in spans):
            continue
        changed += max(removed, sum(len(t) for t, _, _ in new[j1:j2]))
    return changed


def _row(
    backend: str,
    name: str,
    layers: tuple[str, ...],
    cases: Sequence[Case],
    decoded: Sequence[Translation],
    glossary: Glossary,
    habits: Mapping[str, Sequence[str]],
) -> Row:
    mentions = found = wrong = 0
    collateral = 0 if "repair" in layers else None
    reranked = 0 if "rerank" in layers else None
    rerank_chars = 0
    english = []
    for case, tr in zip(cases, decoded, strict=True):
        en, k = english_with_layers(case.ar, tr, glossary, layers)
        english.append(en)
        ms = glossary.find(case.ar)
        for m in ms:
            mentions += 1
            found += find_form(en, accepted(m)) is not None
            wrong += wrong_spelling(en, m, ms, glossary, habits) is not None
        taken = tr.hypotheses[k].text
        if collateral is not None:
            collateral += collateral_chars(taken, en, ms)
        if reranked is not None and k:
            reranked += 1
            rerank_chars += collateral_chars(tr.text, taken, ms)
    chrf, bleu, _ = scores(english, [c.en for c in cases])
    return Row(
        backend,
        name,
        layers,
        mentions,
        found,
        wrong,
        chrf,
        bleu,
        collateral,
        reranked,
        rerank_chars,
        english=english,
    )


def scores(hyps: Sequence[str], refs: Sequence[str]) -> tuple[float, float, dict[str, str]]:
    """(chrF, BLEU, their sacrebleu signatures) of ``hyps`` against ``refs``."""
    import sacrebleu

    chrf, bleu = sacrebleu.metrics.CHRF(), sacrebleu.metrics.BLEU()
    c = chrf.corpus_score(list(hyps), [list(refs)]).score
    b = bleu.corpus_score(list(hyps), [list(refs)]).score
    return c, b, {"chrF": str(chrf.get_signature()), "BLEU": str(bleu.get_signature())}


def _decode(
    translator: Translator,
    texts: Sequence[str],
    config: DecodingConfig,
    glossary: Glossary | None,
) -> list[Translation]:
    out: list[Translation] = []
    for i in range(0, len(texts), BATCH):
        chunk = list(texts[i : i + BATCH])
        hints = [glossary.hints(t) or None for t in chunk] if glossary is not None else None
        out += translate_with_fallback(translator, chunk, config, hints)
    return out


def measure_backend(
    translator: Translator,
    cases: Sequence[Case],
    glossary: Glossary,
    habits: Mapping[str, Sequence[str]] | None = None,
    *,
    beam: int = 4,
    rows: Sequence[tuple[str, tuple[str, ...]]] = ROWS,
    backend: str | None = None,
) -> list[Row]:
    """The rows of one loaded translator (see the module docstring)."""
    habits = habits or {}
    config = DecodingConfig(beam=beam, nbest=beam)
    arabic = [c.ar for c in cases]
    plain = _decode(translator, arabic, config, None)
    hinted = _decode(translator, arabic, config, glossary)
    label = backend or translator.backend_label
    out = []
    for name, layers in rows:
        decoded = hinted if "hints" in layers else plain
        out.append(_row(label, name, layers, cases, decoded, glossary, habits))
        out[-1].default = layers == DEFAULT_LAYERS
    return out


def measure_layers(
    model: str,
    cases: Sequence[Case],
    glossary: Glossary,
    habits: Mapping[str, Sequence[str]] | None = None,
    *,
    backends: Sequence[str] = BACKENDS,
    beam: int = 4,
    device: str = "cpu",
    rows: Sequence[tuple[str, tuple[str, ...]]] = ROWS,
    on_backend: Callable[[str], None] | None = None,
) -> LayersReport:
    """Every row of :data:`ROWS` for every backend (``model``: a directory, a
    Hub id or ``demo``). ``on_backend(label)`` is called before each backend."""
    if not cases:
        raise KzError("no sentences to measure")
    out: list[Row] = []
    for backend in backends:
        spec = prepare_translator(model, backend, device, workers=1)
        if on_backend is not None:
            on_backend(spec.label)
        out += measure_backend(
            spec.load(), cases, glossary, habits, beam=beam, rows=rows, backend=spec.label
        )
    _, _, signatures = scores([c.en for c in cases], [c.en for c in cases])
    return LayersReport(out, len(cases), signatures)


def layers_eval(
    model: str,
    ref: str | Path | None = None,
    glossary: str | Path | None = None,
    *,
    backends: Sequence[str] = BACKENDS,
    limit: int | None = None,
    beam: int = 4,
    device: str = "cpu",
    on_backend: Callable[[str], None] | None = None,
) -> LayersReport:
    """``kzparallel eval --layers``: the rows of ``model`` on ``ref`` (JSON lines
    with ``ar`` and ``en``), or for ``model="demo"`` without ``ref`` on the demo
    model's held-out sentences, with its habits counted as wrong spellings."""
    habits: dict[str, list[str]] = {}
    if ref is not None:
        cases = read_cases(ref, limit)
    elif model == DEMO_MODEL:
        cases, habits = heldout_cases(demo_model().corpus, limit)
    else:
        raise KzError(
            "--layers needs --ref FILE (JSON lines with 'ar' and 'en') for a model other than demo"
        )
    return measure_layers(
        model,
        cases,
        load_glossary(glossary),
        habits,
        backends=backends,
        beam=beam,
        device=device,
        on_backend=on_backend,
    )
