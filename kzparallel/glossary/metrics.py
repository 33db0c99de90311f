"""Glossary numbers for the build report and ``eval``.

:func:`glossary_metrics` reads the ``terms``/``violations`` that
:func:`~kzparallel.glossary.enforce.enforce_pair` recorded on each pair:

* term success rate over all mentions, per entry and per layer (how many
  mentions the decoder got right, how many the n-best rerank and the repair
  fixed, how many still fail);
* forbidden-variant rate: share of pairs with glossary terms whose final
  English still has a forbidden variant;
* per-document consistency: for each document and required English form,
  whether every mention came out as one and the same English string.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from kzparallel.glossary.enforce import accepted, find_form
from kzparallel.glossary.model import Glossary, Mention

LAYERS = ("decoder", "rerank", "repair")
MAX_LISTED = 20


def term_found(mention: Mention, hyp: str, glossary: Glossary | None = None) -> bool:
    """Whether ``hyp`` has the English form (or an accepted alternative) ``mention`` requires."""
    return find_form(hyp, accepted(mention)) is not None


def _get(pair: Any, key: str, default: Any = None) -> Any:
    if isinstance(pair, Mapping):
        return pair.get(key, default)
    return getattr(pair, key, default)


def _rate(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def glossary_metrics(pairs: Iterable[Any]) -> dict[str, Any]:
    """Term success, layers, forbidden variants and consistency over ``pairs``
    (:class:`~kzparallel.records.Pair` objects or their dicts)."""
    n_pairs = with_terms = with_violations = with_forbidden = changed = 0
    mentions = ok = 0
    layers = dict.fromkeys((*LAYERS, "failed"), 0)
    per_entry: dict[str, dict[str, Any]] = {}
    variants: dict[str, int] = defaultdict(int)
    forms: dict[tuple[str, str, str], set[str | None]] = defaultdict(set)
    for pair in pairs:
        n_pairs += 1
        terms = _get(pair, "terms") or []
        violations = _get(pair, "violations") or []
        en_mt = _get(pair, "en_mt")
        if en_mt is not None and en_mt != _get(pair, "en"):
            changed += 1
        if not terms:
            continue
        with_terms += 1
        with_violations += bool(violations)
        forbidden = [v for v in violations if "forbidden variant" in v]
        with_forbidden += bool(forbidden)
        for v in forbidden:
            variants[v.split("'")[1] if "'" in v else v] += 1
        doc = str(_get(pair, "doc_id", ""))
        for t in terms:
            mentions += 1
            entry = per_entry.setdefault(
                t["term"], {"mentions": 0, "ok": 0, **dict.fromkeys((*LAYERS, "failed"), 0)}
            )
            entry["mentions"] += 1
            layer = t.get("layer") if t.get("ok") else None
            if layer in LAYERS:
                ok += 1
                entry["ok"] += 1
                layers[layer] += 1
                entry[layer] += 1
            else:
                layers["failed"] += 1
                entry["failed"] += 1
            forms[(doc, t["term"], t["en"])].add(t.get("found") if t.get("ok") else None)
    for entry in per_entry.values():
        entry["rate"] = _rate(entry["ok"], entry["mentions"])
    inconsistent = [
        {"doc_id": doc, "term": term, "en": en, "forms": sorted(f or "(missing)" for f in found)}
        for (doc, term, en), found in sorted(forms.items())
        if len(found) > 1 or None in found
    ]
    return {
        "pairs": n_pairs,
        "pairs_with_terms": with_terms,
        "pairs_with_violations": with_violations,
        "pairs_changed": changed,
        "mentions": mentions,
        "ok": ok,
        "success_rate": _rate(ok, mentions),
        "layers": layers,
        "layer_rates": {k: _rate(v, mentions) for k, v in layers.items()},
        "entries": dict(sorted(per_entry.items())),
        "forbidden": {
            "pairs": with_forbidden,
            "rate": _rate(with_forbidden, with_terms),
            "variants": dict(sorted(variants.items())),
        },
        "consistency": {
            "groups": len(forms),
            "consistent": len(forms) - len(inconsistent),
            "rate": _rate(len(forms) - len(inconsistent), len(forms)),
            "inconsistent": inconsistent[:MAX_LISTED],
        },
    }
