"""Names rendered more than one way: per document and for the whole corpus.

:func:`consistency` reads pairs (a build's, or ``glossary check``'s over any
pairs) and reports every concept whose mentions came out in more than one
English form:

* **glossary entries** — per entry and required form (a surname and a full
  name are different forms), the English each mention was found as
  (``terms[].found``: the required form, an accepted alternative, a place's
  adjective); mentions still missing are counted apart, they are not a form;
* **suggested concepts** — names the glossary does not cover, found and
  grouped as ``glossary suggest`` finds them (:mod:`.suggest`): every
  rendering of the same Arabic name.

Each inconsistent concept lists its forms with counts and up to
:data:`EXAMPLES` pair ids each, and the documents in which it came out in
more than one form, with their counts. The result is JSON-able (the build
writes it to ``consistency.json`` and lists it in ``report.html``).
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from kzparallel.glossary.model import Glossary

EXAMPLES = 3
_REPLACED = re.compile(r"replaced '([^']+)'")
CONSISTENCY_FILE = "consistency.json"


class _Tally:
    def __init__(self) -> None:
        self.forms: Counter[str] = Counter()
        self.pairs: dict[str, list[str]] = defaultdict(list)
        self.docs: dict[str, Counter[str]] = defaultdict(Counter)
        self.missing = 0

    def add(self, form: str, pair: str, doc: str) -> None:
        self.forms[form] += 1
        if len(self.pairs[form]) < EXAMPLES and pair not in self.pairs[form]:
            self.pairs[form].append(pair)
        self.docs[doc][form] += 1

    def item(self, concept: str, source: str, en: str) -> dict[str, Any]:
        forms = sorted(self.forms.items(), key=lambda kv: (-kv[1], kv[0]))
        return {
            "concept": concept,
            "source": source,
            "ar": [],
            "en": en,
            "mentions": sum(self.forms.values()) + self.missing,
            "missing": self.missing,
            "forms": [{"form": f, "count": n, "pairs": self.pairs[f]} for f, n in forms],
            "documents": [
                {"doc_id": d, "forms": dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))}
                for d, c in sorted(self.docs.items())
                if len(c) > 1
            ],
        }


def _pair_id(rec: dict[str, Any], n: int) -> str:
    return str(rec.get("id") or n + 1)


def _wrong_forms(rec: dict[str, Any], glossary: Glossary | None) -> dict[tuple[str, str], str]:
    """(entry id, required English) -> the English a failing mention came out as,
    where the repair layer can tell (what it would replace: *Tokaev*)."""
    if glossary is None or not isinstance(rec.get("ar"), str) or not isinstance(rec.get("en"), str):
        return {}
    from kzparallel.glossary.enforce import enforce_pair

    date = rec.get("date") if isinstance(rec.get("date"), str) else None
    out = {}
    for t in enforce_pair(rec["ar"], rec["en"], glossary, date=date).terms:
        m = _REPLACED.search(t.get("reason") or "")
        if t.get("layer") == "repair" and m:
            out.setdefault((t["term"], t["en"]), m.group(1))
    return out


def glossary_tallies(
    records: Iterable[dict[str, Any]], glossary: Glossary | None = None
) -> dict[tuple[str, str], _Tally]:
    """(entry id, required English) -> the forms its mentions came out as: the
    form found, or for a failing mention the look-alike the repair would
    replace (with ``glossary``), else it counts as missing."""
    tallies: dict[tuple[str, str], _Tally] = defaultdict(_Tally)
    for n, rec in enumerate(records):
        terms = [t for t in rec.get("terms") or [] if isinstance(t, dict) and "term" in t]
        failing = [t for t in terms if not (t.get("ok") and t.get("found"))]
        wrong = _wrong_forms(rec, glossary) if failing else {}
        for t in terms:
            key = (t["term"], t.get("en") or "")
            form = t.get("found") if t.get("ok") else wrong.get(key)
            if form:
                tallies[key].add(form, _pair_id(rec, n), str(rec.get("doc_id", "")))
            else:
                tallies[key].missing += 1
    return tallies


def suggested_item(name: str, c: Any) -> dict[str, Any]:
    """The report item of a suggested concept (:class:`.suggest.Concept`)."""
    forms = sorted(c.renderings.items(), key=lambda kv: (-kv[1], kv[0]))
    return {
        "concept": name,
        "source": "suggested",
        "ar": [c.surfaces[k] for k in c.keys],
        "en": c.en,
        "mentions": c.count,
        "missing": 0,
        "forms": [
            {"form": f, "count": n, "pairs": [e.pair for e in c.examples.get(f, [])]}
            for f, n in forms
        ],
        "documents": sorted(
            (
                {
                    "doc_id": d["doc_id"],
                    "forms": dict(sorted(d["forms"].items(), key=lambda kv: (-kv[1], kv[0]))),
                }
                for d in c.documents
            ),
            key=lambda d: d["doc_id"],
        ),
    }


def consistency(
    records: Callable[[], Iterable[dict[str, Any]]] | list[dict[str, Any]],
    glossary: Glossary | None = None,
    *,
    suggested: bool = True,
    min_count: int = 2,
) -> dict[str, Any]:
    """Concepts rendered more than one way in ``records`` (pair dicts with
    ``ar``, ``en``, ``terms`` as a build or ``glossary check`` writes them;
    ``doc_id`` and ``id`` for the documents and examples; a list, or a
    function returning a fresh iterator: the pairs are streamed, never held). ``suggested``:
    also the names ``glossary`` does not cover (:func:`.suggest.suggest`,
    seen ``min_count`` times or more)."""
    again = (lambda: records) if isinstance(records, list) else records
    items: list[dict[str, Any]] = []
    checked = 0
    for (term, en), tally in sorted(glossary_tallies(again(), glossary).items()):
        checked += 1
        if len(tally.forms) > 1:
            items.append(tally.item(term, "glossary", en))
    if suggested:
        from kzparallel.glossary.suggest import suggest

        found = suggest(again, glossary or Glossary([]), min_count=min_count, use_terms=True)
        for c in found.concepts:
            for role, part in [("", c), *c.forms.items()]:
                checked += 1
                if len(part.renderings) > 1:
                    name = f"{c.id}:{role}" if role else c.id
                    items.append(suggested_item(name, part))
    docs = {d["doc_id"] for item in items for d in item["documents"]}
    return {
        "concepts": checked,
        "inconsistent": len(items),
        "inconsistent_in_a_document": sum(1 for item in items if item["documents"]),
        "documents": len(docs),
        "items": items,
    }


def summary_line(report: dict[str, Any]) -> str:
    """``consistency: K of N concepts rendered more than one way (G glossary, S
    suggested), in one document for D of them``."""
    by = Counter(item["source"] for item in report["items"])
    return (
        f"consistency: {report['inconsistent']} of {report['concepts']} concepts rendered more "
        f"than one way ({by['glossary']} glossary, {by['suggested']} suggested), "
        f"{report['inconsistent_in_a_document']} of them within one document"
    )


def pair_records(path: str | Path) -> Iterator[dict[str, Any]]:
    """The records of a pairs file, streamed (blank lines skipped)."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


Records = Callable[[], Iterable[dict[str, Any]]]


def write_consistency(
    out: str | Path, glossary: Glossary | None, wrap: Callable[[Records], Records] | None = None
) -> dict[str, Any]:
    """The consistency report of a build directory's ``pairs.jsonl``, written
    atomically to ``consistency.json`` next to it (and returned). ``wrap``: given
    the function that reads the records (once per pass), the one to use instead
    (the build's progress bar: :func:`kzparallel.progress.passes`)."""
    from kzparallel.atomic import atomic_write_text
    from kzparallel.pairs_file import PAIRS_FILE

    path = Path(out) / PAIRS_FILE
    records: Records = lambda: pair_records(path)  # noqa: E731
    report = consistency(wrap(records) if wrap is not None else records, glossary)
    text = json.dumps(report, ensure_ascii=False, indent=1) + "\n"
    atomic_write_text(Path(out) / CONSISTENCY_FILE, text)
    return report


class RenderingMarker:
    """Which pairs hold a name in a form other than its most frequent one, by
    a consistency report: a glossary mention found as a minority form, or the
    Arabic of a suggested concept with a minority form in the English
    (``en`` or ``en_mt``)."""

    def __init__(self, report: dict[str, Any]) -> None:
        from kzparallel.glossary.model import Entry

        self.glossary_forms: dict[tuple[str, str], set[str]] = {}
        self.minority: dict[str, list[str]] = {}
        entries = []
        for item in report.get("items", []):
            forms = [f["form"] for f in item.get("forms", [])][1:]
            if item.get("source") == "glossary":
                concept = str(item["concept"])
                self.glossary_forms[(concept, str(item.get("en", "")))] = set(forms)
            elif item.get("ar"):
                self.minority[item["concept"]] = forms
                ar = tuple(str(a) for a in item["ar"])
                entries.append(Entry(str(item["concept"]), "other", ar, str(item.get("en", ""))))
        self.suggested = Glossary(entries)

    def marks(self, rec: dict[str, Any]) -> bool:
        from kzparallel.glossary.enforce import find_form

        for t in rec.get("terms") or []:
            if isinstance(t, dict) and t.get("ok"):
                wrong = self.glossary_forms.get((t.get("term"), t.get("en")))
                if wrong and t.get("found") in wrong:
                    return True
        if not self.minority or not isinstance(rec.get("ar"), str):
            return False
        texts = [x for x in (rec.get("en"), rec.get("en_mt")) if isinstance(x, str)]
        for m in self.suggested.find(rec["ar"]):
            forms = self.minority.get(m.term) or []
            if any(find_form(text, forms) for text in texts):
                return True
        return False


def rendering_marker(path: str | Path) -> RenderingMarker | None:
    """The marker of a ``consistency.json`` (None when there is none or it is unreadable)."""
    try:
        report = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return RenderingMarker(report) if isinstance(report, dict) else None
