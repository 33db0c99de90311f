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


class GlossaryMetrics:
    """:func:`glossary_metrics` as a stream: :meth:`add` each pair, then
    :meth:`result`. Memory is bounded by the glossary's size, not the corpus:
    per-document consistency is settled when the document changes (pairs come
    in document order; a document seen again counts as a new one)."""

    def __init__(self) -> None:
        self.pairs = self.with_terms = self.with_violations = 0
        self.with_forbidden = self.changed = self.mentions = self.ok = 0
        self.layers = dict.fromkeys((*LAYERS, "failed"), 0)
        self.per_entry: dict[str, dict[str, Any]] = {}
        self.variants: dict[str, int] = defaultdict(int)
        self.groups = 0
        self.inconsistent = 0
        self.inconsistent_examples: list[dict[str, Any]] = []
        self._doc: str | None = None
        self._forms: dict[tuple[str, str], set[str | None]] = defaultdict(set)

    def add(self, pair: Any) -> None:
        self.pairs += 1
        doc = str(_get(pair, "doc_id", ""))
        if doc != self._doc:
            self._settle()
            self._doc = doc
        terms = _get(pair, "terms") or []
        violations = _get(pair, "violations") or []
        en_mt = _get(pair, "en_mt")
        # changed by enforcement (an aligned pair's ``en`` is the human English)
        if en_mt is not None and en_mt != _get(pair, "en") and _get(pair, "origin") != "aligned":
            self.changed += 1
        if not terms:
            return
        self.with_terms += 1
        self.with_violations += bool(violations)
        forbidden = [v for v in violations if "forbidden variant" in v]
        self.with_forbidden += bool(forbidden)
        for v in forbidden:
            self.variants[v.split("'")[1] if "'" in v else v] += 1
        for t in terms:
            self.mentions += 1
            entry = self.per_entry.setdefault(
                t["term"], {"mentions": 0, "ok": 0, **dict.fromkeys((*LAYERS, "failed"), 0)}
            )
            entry["mentions"] += 1
            # right without a recorded layer: the translation already had it
            layer = (
                (t.get("layer") if t.get("layer") in LAYERS else "decoder") if t.get("ok") else None
            )
            if layer in LAYERS:
                self.ok += 1
                entry["ok"] += 1
                self.layers[layer] += 1
                entry[layer] += 1
            else:
                self.layers["failed"] += 1
                entry["failed"] += 1
            self._forms[(t["term"], t["en"])].add(t.get("found") if t.get("ok") else None)

    def _settle(self) -> None:
        """Consistency of the document just finished."""
        for (term, en), found in sorted(self._forms.items()):
            self.groups += 1
            if len(found) > 1 or None in found:
                self.inconsistent += 1
                if len(self.inconsistent_examples) < MAX_LISTED:
                    self.inconsistent_examples.append(
                        {
                            "doc_id": self._doc,
                            "term": term,
                            "en": en,
                            "forms": sorted(f or "(missing)" for f in found),
                        }
                    )
        self._forms.clear()

    def merge(self, other: GlossaryMetrics) -> None:
        """Add ``other``'s counts (the metrics of the pairs that come after this
        one's, whole documents each: a document is settled before merging)."""
        self._settle()
        other._settle()
        for name in ("pairs", "with_terms", "with_violations", "with_forbidden", "changed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.mentions += other.mentions
        self.ok += other.ok
        for k, v in other.layers.items():
            self.layers[k] = self.layers.get(k, 0) + v
        for term, entry in other.per_entry.items():
            mine = self.per_entry.setdefault(term, dict.fromkeys(entry, 0))
            for k, v in entry.items():
                mine[k] = mine.get(k, 0) + v
        for k, n in other.variants.items():
            self.variants[k] += n
        self.groups += other.groups
        self.inconsistent += other.inconsistent
        room = MAX_LISTED - len(self.inconsistent_examples)
        self.inconsistent_examples += other.inconsistent_examples[: max(0, room)]

    def result(self) -> dict[str, Any]:
        self._settle()
        entries = {}
        for term, entry in sorted(self.per_entry.items()):
            entries[term] = {**entry, "rate": _rate(entry["ok"], entry["mentions"])}
        consistent = self.groups - self.inconsistent
        return {
            "pairs": self.pairs,
            "pairs_with_terms": self.with_terms,
            "pairs_with_violations": self.with_violations,
            "pairs_changed": self.changed,
            "mentions": self.mentions,
            "ok": self.ok,
            "success_rate": _rate(self.ok, self.mentions),
            "layers": dict(self.layers),
            "layer_rates": {k: _rate(v, self.mentions) for k, v in self.layers.items()},
            "entries": entries,
            "forbidden": {
                "pairs": self.with_forbidden,
                "rate": _rate(self.with_forbidden, self.with_terms),
                "variants": dict(sorted(self.variants.items())),
            },
            "consistency": {
                "groups": self.groups,
                "consistent": consistent,
                "rate": _rate(consistent, self.groups),
                "inconsistent": list(self.inconsistent_examples),
            },
        }


def glossary_metrics(pairs: Iterable[Any]) -> dict[str, Any]:
    """Term success, layers, forbidden variants and consistency over ``pairs``
    (:class:`~kzparallel.records.Pair` objects or their dicts, in document order)."""
    metrics = GlossaryMetrics()
    for pair in pairs:
        metrics.add(pair)
    return metrics.result()
