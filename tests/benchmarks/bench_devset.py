"""Development set from other sites: cleaning, sentence breaks, glossary mentions.

The development set is other sites' Arabic news pages judged by hand line by line
and sentence by sentence. The pages are the sites' copyright, so they are never in
git: they live in a local folder given with ``--dev-set DIR``::

    python tests/benchmarks/bench_devset.py --dev-set /path/to/devset [--glossary FILE] [-v]

``DIR/articles/<id>.txt`` holds a page's text as scraped (menus, captions, promos
and all) and ``DIR/gold/<id>.json`` its judgement (the format is written out in
``DIR/FORMAT.md``; in short: every non-empty line ``keep``/``drop`` with a role,
``kept_text`` when part of a kept line is furniture, the sentences of every body
line, ``joins`` of body lines that one sentence runs across, and every name in the
kept lines with its English concept).

What is measured, with the build's own stages (ingest, clean, segment, the glossary
matcher):

* **body kept**: gold ``keep`` lines the cleaner kept / all gold ``keep`` lines;
* **boilerplate dropped**: gold ``drop`` lines the cleaner dropped, plus furniture
  inside a kept line (a site or section name on the headline) that it removed,
  over both;
* **sentence breaks inside paragraphs**: the gold's breaks inside each paragraph
  (a body line, or body lines joined by ``joins``) against the segmenter's, by
  position in the text with white space removed. A break at the end of a paragraph
  is not counted when both make it; a paragraph end the segmenter runs across is a
  miss, a break where ``joins`` says a line continues is a false break;
* **glossary mentions**: gold names whose concept the glossary has (its entry's
  ``id`` or any of its English forms, dated forms included) against the matcher's
  mentions on the same kept lines (same line, overlapping span, same entry).
  Every matcher mention on a kept line that is not such a gold name is a false
  hit — the gold marks every name, so a country found inside a channel's name
  counts against precision;
* **dates**: the document's date (metadata, dateline or text) against the gold's.

``-v`` lists every error. The figures are in tests/benchmarks/README.md and the
README's development-set section.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kzparallel import cleaning_rules  # noqa: E402
from kzparallel.cleaning import clean_document  # noqa: E402
from kzparallel.glossary import Entry, Glossary, load_glossary  # noqa: E402
from kzparallel.ingest import read_documents  # noqa: E402
from kzparallel.line_joins import JOIN_RULES  # noqa: E402
from kzparallel.normalization import normalize_text  # noqa: E402
from kzparallel.records import Document  # noqa: E402
from kzparallel.segmentation import segment_document  # noqa: E402

_SPACE = re.compile(r"\s+")
# decision rules that edit a kept line (or join it to the line before) instead of dropping it
EDIT_RULES = frozenset(getattr(cleaning_rules, "EDIT_RULES", {"title-suffix"})) | set(JOIN_RULES)


def squeeze(text: str) -> str:
    """``text`` normalised as the cleaner does, white space removed."""
    return _SPACE.sub("", normalize_text(text))


@dataclass
class Ratio:
    hit: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.hit += ok
        self.total += 1

    def __str__(self) -> str:
        return f"{self.hit / self.total:.3f} ({self.hit}/{self.total})" if self.total else "-"


@dataclass
class PR:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def p(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def r(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def __str__(self) -> str:
        return f"P {self.p:.3f} R {self.r:.3f} (tp {self.tp}, fp {self.fp}, fn {self.fn})"


@dataclass
class Scores:
    body: Ratio = field(default_factory=Ratio)
    boilerplate: Ratio = field(default_factory=Ratio)
    breaks: PR = field(default_factory=PR)
    mentions: PR = field(default_factory=PR)
    dates: Ratio = field(default_factory=Ratio)
    roles_missed: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    skipped_paragraphs: int = 0


@dataclass
class Article:
    id: str
    path: Path
    gold: dict
    lines: list[str]  # the non-empty source lines; gold "n" is 1 + the index here
    source_numbers: list[int]  # their 1-based numbers among all lines (Decision.line)


def read_dev_set(folder: Path) -> Iterator[Article]:
    for gold_path in sorted((folder / "gold").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        path = folder / "articles" / f"{gold_path.stem}.txt"
        all_lines = path.read_text(encoding="utf-8").split("\n")
        numbered = [(i, ln) for i, ln in enumerate(all_lines, start=1) if ln.strip()]
        yield Article(
            gold_path.stem,
            path,
            gold,
            [ln for _, ln in numbered],
            [i for i, _ in numbered],
        )


# ---------------------------------------------------------------- cleaning


def score_cleaning(art: Article, doc: Document, s: Scores) -> None:
    dropped = {d.line for d in doc.decisions if d.rule not in EDIT_RULES}
    title = squeeze(doc.title or "")
    for g in art.gold["lines"]:
        n = g["n"]
        number = art.source_numbers[n - 1]
        raw = art.lines[n - 1]
        if not squeeze(raw):
            continue  # nothing the cleaner could keep or drop
        tool_dropped = number in dropped
        if g["label"] == "drop":
            s.boilerplate.add(tool_dropped)
            if not tool_dropped:
                s.roles_missed[g.get("role", "?")] += 1
                s.errors.append(f"{art.id}:{n}: furniture kept ({g.get('role')}): {raw[:80]}")
            continue
        s.body.add(not tool_dropped)
        if tool_dropped:
            s.errors.append(f"{art.id}:{n}: text dropped ({g.get('role')}): {raw[:80]}")
            continue
        kept_text = g.get("kept_text")
        if kept_text is not None and squeeze(kept_text) != squeeze(raw):
            if g.get("role") == "title":
                ok = title == squeeze(kept_text)
            else:  # a kept line must appear as the gold's kept text in some block
                ok = any(squeeze(kept_text) == squeeze(p) for p in doc.paragraphs)
            s.boilerplate.add(ok)
            if not ok:
                s.roles_missed["inline"] += 1
                s.errors.append(f"{art.id}:{n}: furniture left in the line: {raw[:80]}")


# ---------------------------------------------------------------- sentences


def join_groups(art: Article) -> dict[int, list[int]]:
    """First line -> all lines of each paragraph that ``joins`` makes of several lines
    (chained joins such as [3, 4], [4, 5] are one paragraph)."""
    head: dict[int, int] = {}
    groups: dict[int, list[int]] = {}
    for group in sorted(art.gold.get("joins", [])):
        first = head.get(group[0], group[0])
        members = groups.setdefault(first, [first])
        for n in group:
            if n not in members:
                members.append(n)
            head[n] = first
    return groups


def gold_paragraphs(art: Article) -> list[tuple[int, list[str]]]:
    """(first line n, sentences) per gold paragraph: a body line, or lines joined."""
    inside = {n for members in join_groups(art).values() for n in members[1:]}
    out = []
    for g in art.gold["lines"]:
        if g["label"] != "keep" or g.get("role") == "title" or g["n"] in inside:
            continue
        sentences = g.get("sentences") or [g.get("kept_text") or art.lines[g["n"] - 1]]
        out.append((g["n"], sentences))
    return out


def tool_breaks(doc: Document) -> tuple[str, set[int]]:
    """The body's segments as one string without white space, and the break offsets."""
    text, breaks = "", set()
    for seg in segment_document(doc):
        if seg.is_title:
            continue
        text += squeeze(seg.text)
        breaks.add(len(text))
    return text, breaks


def score_sentences(art: Article, doc: Document, s: Scores) -> None:
    text, breaks = tool_breaks(doc)
    at = 0
    for n, sentences in gold_paragraphs(art):
        parts = [squeeze(x) for x in sentences]
        whole = "".join(parts)
        if not whole:
            continue
        start = text.find(whole, at)
        if start < 0:
            s.skipped_paragraphs += 1  # dropped by the cleaner (counted above) or changed
            s.errors.append(f"{art.id}:{n}: paragraph not in the segments: {whole[:50]}…")
            continue
        at = start + len(whole)
        gold_inner, pos = set(), start
        for p in parts[:-1]:
            pos += len(p)
            gold_inner.add(pos)
        tool_inner = {b for b in breaks if start < b < at}
        for b in sorted(tool_inner | gold_inner):
            if b in tool_inner and b in gold_inner:
                s.breaks.tp += 1
            elif b in tool_inner:
                s.breaks.fp += 1
                s.errors.append(
                    f"{art.id}:{n}: false break: …{text[max(start, b - 25) : b]}|{text[b : b + 25]}…"
                )
            else:
                s.breaks.fn += 1
                s.errors.append(
                    f"{art.id}:{n}: missed break: …{text[max(start, b - 25) : b]}|{text[b : b + 25]}…"
                )
        if at not in breaks:
            s.breaks.fn += 1
            s.errors.append(
                f"{art.id}:{n}: paragraph end run across: …{text[at - 25 : at]}|{text[at : at + 25]}…"
            )


# ---------------------------------------------------------------- mentions


def concept_keys(entry: Entry) -> set[str]:
    keys = {entry.id.casefold(), entry.en.casefold()}
    keys |= {f.en.casefold() for f in entry.all_forms()}
    keys |= {a.casefold() for f in entry.all_forms() for a in f.also}
    keys |= {p.en.casefold() for p in entry.periods}
    return {_SPACE.sub(" ", k.replace("-", " ")).strip() for k in keys}


def _key(en: str) -> str:
    return _SPACE.sub(" ", en.casefold().replace("-", " ")).strip()


def mention_groups(art: Article) -> list[list[int]]:
    """The kept lines the matcher reads as one text: a line, or the lines of a join."""
    joins = join_groups(art)
    inside = {n for group in joins.values() for n in group[1:]}
    return [
        joins.get(g["n"], [g["n"]])
        for g in art.gold["lines"]
        if g["label"] == "keep" and g["n"] not in inside
    ]


def gold_spans(
    text: str, starts: dict[int, int], mentions: list[dict], owner: dict[str, str]
) -> tuple[list[tuple[int, int, str | None, dict]], list[dict]]:
    """Each gold mention's span in ``text``: longest names first, each at the first
    occurrence from its line on that no longer name took (a surname inside the full
    name is not the surname's occurrence). Returns the spans and the mentions not found."""
    taken: list[tuple[int, int]] = []
    spans, lost = [], []
    for m in sorted(mentions, key=lambda m: -len(m["ar"])):
        i = text.find(m["ar"], starts[m["n"]])
        while i >= 0 and any(a < i + len(m["ar"]) and i < b for a, b in taken):
            i = text.find(m["ar"], i + 1)
        if i < 0:
            lost.append(m)
            continue
        taken.append((i, i + len(m["ar"])))
        spans.append((i, i + len(m["ar"]), owner.get(_key(m["en"])), m))
    return spans, lost


def score_mentions(art: Article, glossary: Glossary, owner: dict[str, str], s: Scores) -> None:
    by_line: dict[int, list[dict]] = {}
    for m in art.gold.get("mentions", []):
        by_line.setdefault(m["n"], []).append(m)
    for group in mention_groups(art):
        starts, text = {}, ""
        for n in group:
            starts[n] = len(text) + (1 if text else 0)
            text = f"{text} {art.lines[n - 1]}" if text else art.lines[n - 1]
        n = group[0]
        gold, lost = gold_spans(text, starts, [m for k in group for m in by_line.get(k, [])], owner)
        for m in lost:
            s.errors.append(f"{art.id}:{m['n']}: gold mention not in the line: {m['ar']}")
        used: set[int] = set()
        for mention in glossary.find(text, art.gold.get("date")):
            match = next(
                (
                    i
                    for i, (a, b, term, _) in enumerate(gold)
                    if i not in used
                    and term == mention.term
                    and a < mention.end
                    and mention.start < b
                ),
                None,
            )
            if match is None:
                s.mentions.fp += 1
                s.errors.append(f"{art.id}:{n}: false mention {mention.term}: {mention.surface}")
            else:
                used.add(match)
                s.mentions.tp += 1
        for i, (_a, _b, term, m) in enumerate(gold):
            if term is not None and i not in used:
                s.mentions.fn += 1
                s.errors.append(f"{art.id}:{m['n']}: missed mention {term}: {m['ar']}")


# ---------------------------------------------------------------- main


def evaluate(folder: Path, glossary: Glossary) -> tuple[Scores, int, set[str]]:
    owner: dict[str, str] = {}
    for entry in glossary.entries:
        for k in concept_keys(entry):
            owner.setdefault(k, entry.id)
    s = Scores()
    articles, sites = 0, set()
    for art in read_dev_set(folder):
        articles += 1
        sites.add(art.gold.get("site", art.id))
        (doc,) = list(read_documents([art.path]))
        doc = clean_document(doc)
        score_cleaning(art, doc, s)
        score_sentences(art, doc, s)
        score_mentions(art, glossary, owner, s)
        if "date" in art.gold:
            ok = doc.date == art.gold["date"]
            s.dates.add(ok)
            if not ok:
                s.errors.append(
                    f"{art.id}: date {doc.date} ({doc.meta.get('date_source')}), gold {art.gold['date']}"
                )
    return s, articles, sites


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dev-set", type=Path, required=True, help="folder with articles/ and gold/")
    ap.add_argument("--glossary", type=Path, default=None, help="default: the shipped glossary")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every error")
    args = ap.parse_args(argv)
    if not (args.dev_set / "gold").is_dir():
        print(f"error: {args.dev_set}: no gold/ folder", file=sys.stderr)
        return 1
    glossary = load_glossary(args.glossary)
    s, articles, sites = evaluate(args.dev_set, glossary)
    print(f"development set: {articles} articles from {len(sites)} sites")
    print(f"body lines kept        {s.body}")
    print(f"boilerplate dropped    {s.boilerplate}")
    print(f"sentence breaks        {s.breaks}")
    print(f"glossary mentions      {s.mentions}")
    print(f"dates                  {s.dates}")
    if s.roles_missed:
        print(
            "furniture kept, by role: "
            + ", ".join(f"{k} {v}" for k, v in s.roles_missed.most_common())
        )
    if s.skipped_paragraphs:
        print(f"paragraphs not found in the segments (cleaning errors): {s.skipped_paragraphs}")
    if args.verbose:
        print("\n".join(s.errors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
