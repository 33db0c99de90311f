"""Re-linking the sentence alignment of an aligned document (``build --english``).

The build writes ``DIR/links.jsonl``: one line per aligned document with what a
new link structure needs — the Arabic sentences' machine-translated pairs (one per
sentence, in document order), the English sentences, the links the aligner made,
whether the build was ``--aligned-only``, and the ids of the pairs the build made
for the document (:func:`kzparallel.alignment.links.write_links`, called by
:func:`kzparallel.alignment.build.align_staged`).

A reviewer changes a document's links with one of :data:`OPERATIONS` on link ``k``
(:func:`relink`):

* ``merge``: link ``k`` and the next one become one link;
* ``split``: link ``k`` becomes two, after its first Arabic and first English
  sentence (``ar_at``/``en_at`` choose other points);
* ``ar-prev`` / ``en-prev``: the first Arabic / English sentence of link ``k``
  moves to the end of link ``k - 1``;
* ``ar-next`` / ``en-next``: the last Arabic / English sentence of link ``k``
  moves to the start of link ``k + 1``;
* ``unalign``: link ``k``'s sentences become 1-0 and 0-1 links.

Links left empty are dropped, and a link with sentences on one side only is one
link per sentence (1-0, 0-1). The decision (action ``relink``, about the pair id
``links:<doc_id>``) holds the operation, its link and the whole new structure
(``data["links"]``), so it is versioned and refused when stale like every
decision (:mod:`kzparallel.review.store`).

:func:`relinked` applies the documents' link states to a stream of build pairs:
a document whose pairs are the ones the build made gets one pair per new link,
a link the aligner made too keeps its pair unchanged; a new one is made as the
build makes them (:func:`kzparallel.alignment.links.link_pairs`; the build's
glossary checks the human English), with ``review_status`` ``edited`` and no
``link_score``. A document the build has changed since (other pair ids) keeps its
pairs: the decision no longer applies.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from kzparallel.alignment.links import AlignedDoc, Links, link_pairs, read_links
from kzparallel.records import Link, Pair
from kzparallel.review.state import Change, PairState

PREFIX = "links:"
OPERATIONS = ("merge", "split", "ar-prev", "ar-next", "en-prev", "en-next", "unalign")


def state_id(doc_id: str) -> str:
    """The decision log's ``pair_id`` of a document's link structure."""
    return PREFIX + doc_id


def kind(link: tuple[list[int], list[int]]) -> str:
    return f"{len(link[0])}-{len(link[1])}"


def describe(links: Links) -> str:
    """A link structure in one line: ``0:0 1,2:1 3:- -:2`` (Arabic:English)."""

    def side(s: list[int]) -> str:
        return ",".join(map(str, s)) or "-"

    return " ".join(f"{side(a)}:{side(e)}" for a, e in links)


def _normal(links: Links) -> Links:
    out: Links = []
    for a, e in links:
        if a and e:
            out.append((a, e))
        else:  # one side only (or none): one link per sentence
            out += [([i], []) for i in a] + [([], [j]) for j in e]
    return out


def _int(value: Any, default: int) -> int:
    try:
        return int(value) if value not in (None, "") else default
    except (TypeError, ValueError):
        raise ValueError(f"not a number: {value!r}") from None


def relink(links: Links, op: str, k: int, ar_at: int = 1, en_at: int = 1) -> Links:
    """``links`` after operation ``op`` on link ``k`` (module doc); ValueError if it
    cannot be done."""
    if op not in OPERATIONS:
        raise ValueError(f"unknown re-link operation {op!r} (choose {', '.join(OPERATIONS)})")
    if not 0 <= k < len(links):
        raise ValueError(f"there is no link {k} (the document has {len(links)})")
    new = [(list(a), list(e)) for a, e in links]
    a, e = new[k]
    if op == "merge":
        if k + 1 >= len(new):
            raise ValueError("the last link has no next link to merge with")
        na, ne = new.pop(k + 1)
        new[k] = (a + na, e + ne)
    elif op == "split":
        if not (0 <= ar_at <= len(a) and 0 <= en_at <= len(e)):
            raise ValueError(f"link {k} ({kind((a, e))}) cannot be split there")
        first, second = (a[:ar_at], e[:en_at]), (a[ar_at:], e[en_at:])
        if not (first[0] or first[1]) or not (second[0] or second[1]):
            raise ValueError(f"splitting link {k} ({kind((a, e))}) there leaves an empty link")
        new[k : k + 1] = [first, second]
    elif op == "unalign":
        if not (a and e):
            raise ValueError(f"link {k} ({kind((a, e))}) is not aligned")
        new[k] = (a, [])
        new.insert(k + 1, ([], e))
    else:
        side = 0 if op.startswith("ar") else 1
        sents = new[k][side]
        if not sents:
            raise ValueError(f"link {k} has no {'Arabic' if side == 0 else 'English'} sentence")
        if op.endswith("prev"):
            if k == 0:
                raise ValueError("the first link has no previous link")
            new[k - 1][side].append(sents.pop(0))
        else:
            if k + 1 >= len(new):
                raise ValueError("the last link has no next link")
            new[k + 1][side].insert(0, sents.pop())
    return _normal(new)


def allowed(links: Links, k: int) -> list[str]:
    """The operations :func:`relink` does on link ``k`` (default split points)."""
    a, e = links[k]
    last = k + 1 >= len(links)
    can = {
        "merge": not last,
        "split": bool(a and e and (len(a) > 1 or len(e) > 1)),
        "ar-prev": bool(a) and k > 0,
        "ar-next": bool(a) and not last,
        "en-prev": bool(e) and k > 0,
        "en-next": bool(e) and not last,
        "unalign": bool(a and e),
    }
    return [op for op in OPERATIONS if can[op]]


def relink_change(
    doc: AlignedDoc, st: PairState | None, version: int, op: str, field: dict[str, str]
) -> Change:
    """The ``relink`` decision of a form (``link``, optional ``ar_at``/``en_at``)."""
    current = current_links(doc, st)
    k = _int(field.get("link"), -1)
    new = relink(current, op, k, _int(field.get("ar_at"), 1), _int(field.get("en_at"), 1))
    data = {"op": op, "link": k, "links": [[a, e] for a, e in new]}
    for name in ("ar_at", "en_at") if op == "split" else ():
        if field.get(name):
            data[name] = _int(field[name], 1)
    return Change(state_id(doc.doc_id), version, "relink", describe(current), describe(new), data)


def current_links(doc: AlignedDoc, st: PairState | None) -> Links:
    if st is not None and st.links is not None:
        return [(list(a), list(e)) for a, e in st.links]
    return [(list(a), list(e)) for a, e in doc.links]


def _glossary(out_dir: Path) -> Any:
    """The build's glossary (manifest.json), None for a build without one."""
    from kzparallel.manifest import read_manifest

    manifest = read_manifest(out_dir) or {}
    info = manifest.get("glossary") or {}
    if not info or info.get("hash") in (None, "none"):
        return None
    from kzparallel.glossary import load_glossary

    return load_glossary(info.get("path"))


def doc_pairs(doc: AlignedDoc, links: Links, built: list[Pair], glossary: Any = None) -> list[Pair]:
    """The pairs of ``doc`` with ``links``: a link the build made keeps its pair of
    ``built``; a new one is made as the build makes them, ``edited``, without a score."""
    kept = {(tuple(p.ar_sents or ()), tuple(p.en_sents or ())): p for p in built}
    out: list[Pair] = []
    for a, e in links:
        old = kept.get((tuple(a), tuple(e)))
        if old is not None:
            out.append(old)
            continue
        link = Link(
            ar=" ".join(doc.ar[i].ar for i in a),
            en=" ".join(doc.en[j] for j in e),
            ar_sents=list(a),
            en_sents=list(e),
            kind=kind((a, e)),
            score=0.0,
        )
        partial = bool((doc.alignment.get("parallelism") or {}).get("partial"))
        for pair in link_pairs(doc.ar, [link], glossary, doc.aligned_only, partial):
            out.append(replace(pair, link_score=None, link_confidence=None, review_status="edited"))
    return out


def relinked(out_dir: Path, pairs: Iterable[Pair], states: dict[str, PairState]) -> Iterator[Pair]:
    """``pairs`` with the documents' re-linking applied (module doc)."""
    wanted = {k[len(PREFIX) :]: st for k, st in states.items() if k.startswith(PREFIX)}
    docs = read_links(out_dir) if wanted else {}
    if not docs:
        yield from pairs
        return
    glossary: list[Any] = []  # loaded once, when first needed
    group: list[Pair] = []

    def flush() -> list[Pair]:
        doc = docs.get(group[0].doc_id)
        st = wanted.get(group[0].doc_id)
        if doc is None or st is None or st.links is None or [p.id for p in group] != doc.ids:
            return group
        if not glossary:
            glossary.append(_glossary(out_dir))
        return doc_pairs(doc, current_links(doc, st), group, glossary[0])

    for pair in pairs:
        if group and pair.doc_id != group[0].doc_id:
            yield from flush()
            group = []
        group.append(pair)
    if group:
        yield from flush()
