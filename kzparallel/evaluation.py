"""``kzparallel eval --hyp PATH --ref PATH [--glossary G]``: BLEU, chrF, TER + glossary.

Scores come from sacrebleu (corpus level) with their signatures. Hypotheses
and references are aligned:

* by ``id`` when both files are JSON lines whose records all have an ``id``;
* else by ``(doc_id, para)`` when both are JSON lines with those keys — the
  sentences of a paragraph in the hypotheses (e.g. a build's ``pairs.jsonl``)
  are joined with a space, so sentence-level output is scored against the
  paragraph-level references in ``seeds/references/``;
* else line by line (plain text files, one segment per line).

A reference without a hypothesis (or the other way round) is an error that
names the first missing key and how many there are; line-aligned files must
have the same number of lines. A reference directory (``seeds/references/``)
is read as the concatenation of its ``*.jsonl`` files in name order.

The glossary term success rate counts, over every glossary mention found in the
Arabic (``ar`` of the reference records), how many hypotheses contain the
glossary's English form (see :mod:`kzparallel.glossary`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kzparallel.errors import InputError, KzError

TEXT_KEYS = ("en", "hyp", "text", "translation")


@dataclass
class Segment:
    key: str
    text: str
    ar: str = ""


@dataclass
class EvalResult:
    n: int
    aligned_by: str  # "id", "doc_id+para" or "line"
    scores: dict[str, float]
    signatures: dict[str, str]
    glossary: dict[str, Any] | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "aligned_by": self.aligned_by,
            "scores": {k: round(v, 2) for k, v in self.scores.items()},
            "signatures": self.signatures,
            "glossary": self.glossary,
        }

    def lines(self) -> list[str]:
        out = [
            f"{name} = {self.scores[name]:.2f}  ({self.signatures[name]})"
            for name in ("BLEU", "chrF", "TER")
        ]
        if self.glossary is not None:
            g = self.glossary
            rate = "n/a" if g["rate"] is None else f"{100 * g['rate']:.1f}%"
            out.append(f"glossary terms = {rate}  ({g['found']}/{g['mentions']} mentions)")
        out.append(f"{self.n} segments aligned by {self.aligned_by}")
        return out


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(path.glob("*.jsonl"))
        if not files:
            raise InputError(str(path), "no *.jsonl files in the directory")
        return files
    if not path.is_file():
        raise InputError(str(path), "no such file")
    return [path]


def _text_of(rec: dict[str, Any], where: str) -> str:
    for k in TEXT_KEYS:
        v = rec.get(k)
        if isinstance(v, str):
            return v
        if isinstance(v, dict) and isinstance(v.get("en"), str):
            return str(v["en"])
    raise InputError(where, f"record has no English text (one of: {', '.join(TEXT_KEYS)})")


def read_records(path: str | Path) -> tuple[list[dict[str, Any]] | None, list[str]]:
    """(JSON records or None when the input is plain text, raw lines)."""
    p = Path(path)
    lines: list[str] = []
    for f in _files(p):
        try:
            lines += f.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError:
            raise InputError(str(f), "not UTF-8 text") from None
    if p.suffix != ".jsonl" and not p.is_dir():
        return None, lines
    records = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except ValueError:
            raise InputError(f"{p}:{n}", "not a JSON line") from None
        if not isinstance(rec, dict):
            raise InputError(f"{p}:{n}", "a JSON line must be an object")
        records.append(rec)
    return records, lines


def _keyed(records: list[dict[str, Any]], by: str, where: str) -> dict[str, Segment]:
    out: dict[str, Segment] = {}
    for rec in records:
        key = str(rec["id"]) if by == "id" else f"{rec['doc_id']}#{rec['para']}"
        text = _text_of(rec, where)
        ar = rec.get("ar") if isinstance(rec.get("ar"), str) else ""
        if key in out:  # sentences of one paragraph: join
            prev = out[key]
            out[key] = Segment(key, f"{prev.text} {text}".strip(), f"{prev.ar} {ar}".strip())
        else:
            out[key] = Segment(key, text, ar or "")
    return out


def align(hyp_path: str | Path, ref_path: str | Path) -> tuple[list[Segment], list[Segment], str]:
    """Aligned (hypotheses, references, how)."""
    hyp_recs, hyp_lines = read_records(hyp_path)
    ref_recs, ref_lines = read_records(ref_path)
    if hyp_recs is not None and ref_recs is not None:
        for by, keys in (("id", ("id",)), ("doc_id+para", ("doc_id", "para"))):
            if all(all(k in r for k in keys) for r in hyp_recs + ref_recs):
                hyps = _keyed(hyp_recs, by, str(hyp_path))
                refs = _keyed(ref_recs, by, str(ref_path))
                missing = [k for k in refs if k not in hyps]
                extra = [k for k in hyps if k not in refs]
                if missing:
                    raise KzError(
                        f"{hyp_path}: no hypothesis for {len(missing)} of {len(refs)} references "
                        f"(aligned by {by}; first missing: {missing[0]})"
                    )
                if extra:
                    raise KzError(
                        f"{ref_path}: no reference for {len(extra)} of {len(hyps)} hypotheses "
                        f"(aligned by {by}; first: {extra[0]})"
                    )
                keys_in_order = list(refs)
                return [hyps[k] for k in keys_in_order], [refs[k] for k in keys_in_order], by
    hyp_texts = (
        [_text_of(r, str(hyp_path)) for r in hyp_recs] if hyp_recs is not None else hyp_lines
    )
    ref_texts = (
        [_text_of(r, str(ref_path)) for r in ref_recs] if ref_recs is not None else ref_lines
    )
    ref_ar = [str(r.get("ar", "")) for r in ref_recs] if ref_recs is not None else []
    if len(hyp_texts) != len(ref_texts):
        raise KzError(
            f"{hyp_path} has {len(hyp_texts)} segments but {ref_path} has {len(ref_texts)}: "
            "give files with one segment per line, or JSON lines with id or doc_id and para"
        )
    hyps = [Segment(str(i), t) for i, t in enumerate(hyp_texts, 1)]
    refs = [Segment(str(i), t, ref_ar[i - 1] if ref_ar else "") for i, t in enumerate(ref_texts, 1)]
    return hyps, refs, "line"


def term_found(mention: Any, hyp: str) -> bool:
    """The mention's English form (or an accepted alternative) is in ``hyp``,
    checked exactly as the build's glossary verification does
    (:func:`kzparallel.glossary.enforce.find_form`)."""
    from kzparallel.glossary.enforce import accepted, find_form

    return find_form(hyp, accepted(mention)) is not None


def glossary_success(arabic: Iterable[str], hyps: Iterable[str], glossary: Any) -> dict[str, Any]:
    """Share of glossary mentions in the Arabic whose English form is in the hypothesis."""
    mentions = found = 0
    misses: list[str] = []
    for ar, hyp in zip(arabic, hyps, strict=True):
        for m in glossary.find(ar):
            mentions += 1
            if term_found(m, hyp):
                found += 1
            elif len(misses) < 20:
                misses.append(m.en)
    return {
        "mentions": mentions,
        "found": found,
        "rate": (found / mentions) if mentions else None,
        "first_misses": misses,
    }


def evaluate(hyp_path: str | Path, ref_path: str | Path, glossary: Any = None) -> EvalResult:
    """Score ``hyp_path`` against ``ref_path``; ``glossary`` adds the term success rate."""
    import sacrebleu

    hyps, refs, how = align(hyp_path, ref_path)
    if not refs:
        raise KzError(f"{ref_path}: no reference segments")
    sys_texts = [h.text for h in hyps]
    ref_texts = [[r.text for r in refs]]
    scores: dict[str, float] = {}
    sigs: dict[str, str] = {}
    for name, metric in (
        ("BLEU", sacrebleu.metrics.BLEU()),
        ("chrF", sacrebleu.metrics.CHRF()),
        ("TER", sacrebleu.metrics.TER()),
    ):
        scores[name] = float(metric.corpus_score(sys_texts, ref_texts).score)
        sigs[name] = str(metric.get_signature())
    gl = None
    if glossary is not None:
        arabic = [r.ar or h.ar for h, r in zip(hyps, refs, strict=True)]
        if not any(arabic):
            raise KzError(
                f"{ref_path}: the glossary check needs the Arabic source ('ar' in the JSON lines)"
            )
        gl = glossary_success(arabic, sys_texts, glossary)
    return EvalResult(n=len(refs), aligned_by=how, scores=scores, signatures=sigs, glossary=gl)
