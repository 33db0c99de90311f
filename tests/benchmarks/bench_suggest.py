"""How well ``glossary suggest`` finds the names a glossary lacks (issue 15).

Run with one command (a few minutes on 2 CPU cores the first time; run it
under the shared lock on a shared machine)::

    flock /tmp/kz-cpu.lock python tests/benchmarks/bench_suggest.py [--cache-dir DIR]

Three corpora, all from the demo model's recipe (``kzparallel.demo``),
whose ground truth knows every name:

* **held-out, translated**: the recipe's 400 held-out sentences (names in
  combinations never seen in training), 8 to an article, translated by the
  demo model with the cross-attention kept — what ``glossary suggest
  ARTICLES --model demo`` does; glossary: the shipped one;
* **training pairs, no attention**: 3000 of the recipe's training pairs, the
  English as the generator wrote it (the outside names with a second
  rendering use it in 30% of their sentences), read as pairs from another
  system: linked by sound only;
  the consistency report is compared with the outside names this sample
  really renders both ways;
* **seeds, glossary emptied**: the five seed articles translated by the demo
  model, with an empty glossary: how many of the shipped glossary's 74
  entries come back.

Figures: recall of the outside names (those with ``--min-count`` mentions or
more in the corpus), precision of the proposed entries (share that are a
name of the ground truth: an outside name, a glossary name or a title's fixed
name; anything else — a title word, a phrase, alignment noise — counts as
wrong), and the share of the proposals matched to an outside name whose
``en`` is the recipe's right rendering. A proposal matches a name when one of
its Arabic variants shares a word (normalised, proclitics off, organisation
words aside) with one of the name's.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kzparallel.arabic import normalize_text  # noqa: E402
from kzparallel.demo import demo_model  # noqa: E402
from kzparallel.glossary import load_glossary  # noqa: E402
from kzparallel.glossary.batch import enforce_records  # noqa: E402
from kzparallel.glossary.consistency import consistency  # noqa: E402
from kzparallel.glossary.model import Glossary  # noqa: E402
from kzparallel.glossary.namespans import ORG_WORDS, bare  # noqa: E402
from kzparallel.glossary.suggest import Concept, Suggestions, suggest  # noqa: E402
from kzparallel.suggest_input import suggest_records  # noqa: E402

TRAIN_PAIRS = 3000
PER_ARTICLE = 8


def _words(ar: str) -> set[str]:
    """Normalised words without proclitics or a final ة, organisation words
    aside unless there is nothing else."""
    words = {bare(w).removesuffix("ه") for w in normalize_text(ar).split()}
    words = {w for w in words if len(w) >= 3}
    names = {w for w in words if w not in ORG_WORDS and "ال" + w not in ORG_WORDS}
    return names or words


def _variants(c: Concept) -> list[str]:
    return [*c.keys, *(k for f in c.forms.values() for k in f.keys)]


def evaluate(found: Suggestions, names: list[Any], outside_counts: dict[str, int], min_count: int):
    """Recall, precision and right-en figures against the recipe's names."""
    name_words = {n.key: set().union(*(_words(a) for a in n.ar)) for n in names}
    matched: dict[int, list[Any]] = {}
    for i, c in enumerate(found.concepts):
        words = set().union(*(_words(v) for v in _variants(c)))
        matched[i] = [n for n in names if name_words[n.key] & words]
    real = sum(1 for hits in matched.values() if hits)
    outside = [n for n in names if not n.in_glossary and outside_counts.get(n.key, 0) >= min_count]
    recalled = [n for n in outside if any(n in hits for hits in matched.values())]
    right, judged = 0, 0
    wrong_en = []
    for i, hits in matched.items():
        c = found.concepts[i]
        out_hits = [n for n in hits if not n.in_glossary]
        if not out_hits:
            continue
        judged += 1
        if any(c.en == n.en for n in out_hits):
            right += 1
        else:
            wrong_en.append(f"{c.en} (recipe: {out_hits[0].en})")
    expected_type = {"person": "person", "surname": "person", "place": "place", "org": "org"}
    typed = []
    for i, hits in matched.items():  # proposals whose names have one type by their slot
        kinds = {expected_type.get(n.slot) for n in hits}
        if len(kinds) == 1 and None not in kinds:
            typed.append((found.concepts[i].type, kinds.pop()))
    return {
        "types_judged": len(typed),
        "types_right": sum(a == b for a, b in typed),
        "types_wrong": sorted(f"{a} for {b}" for a, b in typed if a != b),
        "proposed": len(found.concepts),
        "real_names": real,
        "precision": round(real / len(found.concepts), 3) if found.concepts else None,
        "outside_names": len(outside),
        "recalled": len(recalled),
        "recall": round(len(recalled) / len(outside), 3) if outside else None,
        "matched_outside": judged,
        "en_right": right,
        "en_right_share": round(right / judged, 3) if judged else None,
        "not_names": [c.en for i, c in enumerate(found.concepts) if not matched[i]],
        "missed": [n.en for n in outside if n not in recalled],
        "wrong_en": wrong_en,
        "linked": dict(found.how),
    }


def heldout(model: Any, work: Path, cache: str, min_count: int) -> dict[str, Any]:
    corpus = model.corpus
    path = work / "heldout.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for k in range(0, len(corpus.heldout), PER_ARTICLE):
            text = "\n\n".join(ex.ar for ex in corpus.heldout[k : k + PER_ARTICLE])
            fh.write(json.dumps({"id": f"h{k // PER_ARTICLE:03d}", "text": text}) + "\n")
    counts: dict[str, int] = {}
    for ex in corpus.heldout:
        for u in ex.uses:
            counts[u.key] = counts.get(u.key, 0) + 1
    t = time.perf_counter()
    records, _ = suggest_records(
        [str(path)], model="demo", glossary=None, cache_dir=cache, on_error=print
    )
    translated = time.perf_counter() - t
    t = time.perf_counter()
    found = suggest(records, load_glossary(), min_count=min_count)
    seconds = time.perf_counter() - t
    result = evaluate(found, corpus.names, counts, min_count)
    result.update(pairs=len(records), translate_s=round(translated, 1), suggest_s=round(seconds, 2))
    report = consistency(records, load_glossary(), min_count=min_count)
    result["consistency"] = {
        "concepts": report["concepts"],
        "inconsistent": report["inconsistent"],
        "items": {
            i["concept"]: {f["form"]: f["count"] for f in i["forms"]} for i in report["items"]
        },
    }
    return result


def training(model: Any, min_count: int) -> dict[str, Any]:
    corpus = model.corpus
    rng = random.Random(0)
    sample = rng.sample(corpus.train, TRAIN_PAIRS)
    records = [{"id": f"t{i}", "ar": ar, "en": en} for i, (ar, en) in enumerate(sample)]
    g = load_glossary()
    counts: dict[str, int] = {}
    for n in corpus.outside:
        counts[n.key] = sum(1 for ar, _ in sample if any(v in ar for v in n.ar))
    t = time.perf_counter()
    found = suggest(records, g, min_count=min_count)
    seconds = time.perf_counter() - t
    result = evaluate(found, corpus.names, counts, min_count)
    result.update(pairs=len(records), suggest_s=round(seconds, 2))
    result["consistency"] = two_ways(records, sample, corpus.outside, corpus.habits, g, min_count)
    return result


def two_ways(
    records: list[dict[str, Any]],
    sample: list[tuple[str, str]],
    outside: list[Any],
    habits: dict[str, Any],
    glossary: Any,
    min_count: int,
) -> dict[str, Any]:
    """The consistency report against the names the sample renders both ways."""
    both = []
    for n in outside:
        if len(n.renderings) != 2:
            continue
        main, alt = n.renderings[0][0], n.renderings[1][0]
        mine = [en for ar, en in sample if any(v in ar for v in n.ar)]
        m = sum(bool(re.search(rf"(?<!\w){re.escape(main)}(?!\w)", en)) for en in mine)
        a = sum(bool(re.search(rf"(?<!\w){re.escape(alt)}(?!\w)", en)) for en in mine)
        if m and a and m + a >= min_count:
            both.append(n)
    checked = list(
        enforce_records(
            [json.dumps(r, ensure_ascii=False) for r in records],
            glossary,
            source="sample",
            fix=False,
            on_error=print,
        )
    )  # glossary check: the terms of each pair
    report = consistency(checked, glossary, min_count=min_count)
    items = [i for i in report["items"] if i["source"] == "suggested"]
    gloss = [i for i in report["items"] if i["source"] == "glossary"]
    hit_words = [set().union(*(_words(a) for a in i["ar"])) for i in items]
    found = [n for n in both if any(set().union(*(_words(a) for a in n.ar)) & w for w in hit_words)]
    matched_items = [
        i for i, w in zip(items, hit_words, strict=True)
        if any(set().union(*(_words(a) for a in n.ar)) & w for n in outside)
    ]  # fmt: skip
    return {
        "names_rendered_two_ways": len(both),
        "reported": len(found),
        "missed": sorted(n.en for n in both if n not in found),
        "suggested_items": len(items),
        "items_of_a_recipe_name": len(matched_items),
        "glossary_items": len(gloss),
        "glossary_items_of_a_habit": sum(
            1 for i in gloss if any(h.entry == i["concept"] for h in habits.values())
        ),
        "entries_with_a_habit_in_the_sample": len(
            {h.entry for h in habits.values() if any(v in ar for ar, _ in sample for v in h.ar)}
        ),
    }


def seeds(work: Path, cache: str, min_count: int) -> dict[str, Any]:
    empty = work / "empty.yaml"
    empty.write_text("name: empty\nentries: []\n", encoding="utf-8")
    records, _ = suggest_records(
        [str(ROOT / "seeds")], model="demo", glossary=str(empty), cache_dir=cache, on_error=print
    )
    found = suggest(records, Glossary([]), min_count=min_count)
    shipped = load_glossary()
    recovered: dict[str, bool] = {}
    for c in found.concepts:
        for part in (c, *c.forms.values()):
            for key in part.keys:
                variant = part.surfaces[key]
                for m in shipped.find(variant):
                    if 2 * (m.end - m.start) < len(variant):
                        continue  # the entry is only a small part of the proposed variant
                    right = shipped[m.term].form(m.role)
                    ok = right is not None and part.en in (right.en, *right.also)
                    recovered[m.term] = recovered.get(m.term, False) or ok
    mentioned: dict[str, int] = {}
    for rec in records:
        for m in shipped.find(rec["ar"]):
            mentioned[m.term] = mentioned.get(m.term, 0) + 1
    return {
        "pairs": len(records),
        "proposed": len(found.concepts),
        "entries": len(shipped),
        "entries_mentioned": len(mentioned),
        "entries_mentioned_min_count": sum(1 for n in mentioned.values() if n >= min_count),
        "recovered": len(recovered),
        "recovered_with_right_en": sum(recovered.values()),
        "recovered_ids": sorted(recovered),
        "not_recovered_min_count": sorted(
            t for t, n in mentioned.items() if n >= min_count and t not in recovered
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache-dir", default=None, help="translation cache (default: a temp dir)")
    parser.add_argument("--min-count", type=int, default=2)
    args = parser.parse_args()
    model = demo_model()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cache = args.cache_dir or str(work / "cache")
        report = {
            "heldout_translated": heldout(model, work, cache, args.min_count),
            "training_pairs_sound_only": training(model, args.min_count),
            "seeds_glossary_emptied": seeds(work, cache, args.min_count),
        }
    print(json.dumps(report, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
