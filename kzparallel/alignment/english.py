"""English versions of articles: reading, cleaning and sentence segmentation.

* :func:`read_english` reads one file (``.txt``, ``.html``/``.htm`` through
  trafilatura, ``.jsonl`` with ``text`` and optional ``id``/``title``/``date``),
  in any encoding the Arabic reader accepts (:func:`kzparallel.ingest.decode_bytes`),
  and refuses a file that is not English (mostly Arabic letters) with one line.
* :func:`clean_english` is the English twin of :func:`kzparallel.cleaning.clean_document`:
  one non-empty line is one candidate paragraph, kept whole or dropped with a
  rule (:data:`english_rules.RULES`: the same kinds of furniture as the Arabic
  cleaner's), the headline found the same way.
* :func:`segment_english` splits paragraphs into sentences with pysbd (a kept
  segmenter, no hand-written English rules); the headline is one sentence.
  The sentences are :class:`~kzparallel.records.Segment` records (offsets into the
  cleaned paragraph), numbered in document order by :func:`sentence_index`.
"""

from __future__ import annotations

import json
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from kzparallel import cleaning_rules as R
from kzparallel.alignment import english_rules as E
from kzparallel.cleaning import (
    SourceLine,
    drop_after_labels,
    drop_repeats,
    keep_bullets_inside_the_body,
)
from kzparallel.dating import metadata_date
from kzparallel.errors import InputError
from kzparallel.html_article import extract_html
from kzparallel.ingest import decode_bytes
from kzparallel.input_files import read_input
from kzparallel.normalization import normalize_text
from kzparallel.records import Decision, Document, Segment

MIN_TITLE_WORDS = 3
ARABIC_SHARE = 0.5  # more Arabic than this share of the letters: not an English file


# -- reading ---------------------------------------------------------------------------


def read_english(path: str | Path) -> list[Document]:
    """The English article(s) of one file (a JSONL file may hold several)."""
    source = str(path)
    p = Path(path)
    if p.is_dir():
        raise InputError(source, "is a directory (give one English article file)")
    data = read_input(p)  # a regular file of at most 64 MiB (kzparallel.input_files)
    if not data.strip():
        raise InputError(source, "file is empty")
    text, encoding = decode_bytes(data, source)
    if not text.strip("\ufeff \t\n\x0b\x0c"):
        raise InputError(source, "file is empty")
    suffix = p.suffix.lower()
    if suffix == ".jsonl":
        docs = _jsonl_documents(p, text, encoding)
    elif suffix in (".html", ".htm"):
        docs = [_html_document(p, text, encoding)]
    else:
        docs = [Document(doc_id=p.stem, source=source, text=text, encoding=encoding)]
    for doc in docs:
        check_english(doc.source, (doc.title or "") + "\n" + doc.text)
    return docs


def check_english(source: str, text: str) -> None:
    """Raise :class:`InputError` unless ``text`` is English: not mostly Arabic letters,
    and English to py3langid (offline, :mod:`kzparallel.langid`) when it has 5+ words."""
    latin, arabic = E.latin_letters(text), E.arabic_letters(text)
    if arabic > ARABIC_SHARE * (latin + arabic):
        share = round(100 * arabic / (latin + arabic))
        raise InputError(source, f"not English text ({share} % of its letters are Arabic)")
    if latin == 0:
        raise InputError(source, "no English text")
    from kzparallel import langid

    if langid.judged(text) and langid.probability(text, "en") < langid.MIN_PROBABILITY:
        raise InputError(source, f"not English text (py3langid says '{langid.language(text)}')")


def _jsonl_documents(path: Path, text: str, encoding: str) -> list[Document]:
    docs = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            raise InputError(str(path), f"line {number}: invalid JSON") from None
        body = record.get("text") if isinstance(record, dict) else None
        if not isinstance(body, str) or not body.strip():
            raise InputError(str(path), f'line {number}: no "text" field')
        rid = record.get("id")
        title = record.get("title")
        doc = Document(
            doc_id=str(rid) if isinstance(rid, (str, int)) else f"{path.stem}-{number}",
            source=f"{path}:{number}",
            text=body,
            title=title.strip() if isinstance(title, str) and title.strip() else None,
            encoding=encoding,
            meta={"format": "jsonl", "line": number},
        )
        docs.append(metadata_date(doc, record.get("date"), "jsonl"))
    if not docs:
        raise InputError(str(path), "file is empty")
    return docs


def _html_document(path: Path, html: str, encoding: str) -> Document:
    result = extract_html(html, str(path))  # deep markup too (huge_tree)
    if result is None:
        raise InputError(str(path), "no article text found in the HTML")
    doc = Document(
        doc_id=path.stem,
        source=str(path),
        text=result["text"],
        title=(result.get("title") or "").strip() or None,
        url=result.get("url") or None,
        encoding=encoding,
        meta={"format": "html"},
    )
    return metadata_date(doc, result.get("date"), "html")


# -- cleaning --------------------------------------------------------------------------


def clean_english(doc: Document) -> Document:
    """A copy of ``doc`` with ``title``, ``paragraphs`` and ``decisions`` (English rules)."""
    lines = [
        SourceLine(i, raw, normalize_text(raw))
        for i, raw in enumerate(doc.text.split("\n"), start=1)
        if raw.strip()
    ]
    lines = [ln for ln in lines if ln.text]
    meta = dict(doc.meta)
    for ln in lines:
        found = E.line_rule(ln.text)
        if found is None:
            continue
        ln.drop(*found)
        if found[0] == "source-credit":
            meta.setdefault("source_credit", E.source_credit(ln.text))
        elif found[0] == "byline":
            meta.setdefault("byline", E.byline(ln.text))
    keep_bullets_inside_the_body(lines, E)
    drop_repeats(lines)
    title_line: SourceLine | None = None
    title = normalize_text(doc.title) if doc.title else None
    decisions: list[Decision] = []
    if title is None:
        title_line = _find_title(lines)
        if title_line is not None:
            title = title_line.text
            for ln in lines:
                if ln is title_line:
                    break
                if ln.kept:
                    ln.drop("navigation", "before the headline")
    if title:
        head, suffix = R.split_title_suffix(title)
        head, symbols = R.strip_trailing_symbols(head)
        removed = " ".join(x for x in (suffix, symbols) if x)
        if removed:
            number = title_line.number if title_line else 0
            decisions.append(Decision(number, "title-suffix", removed, "removed from the headline"))
        title = head
        key = R.headline_key(title)
        for ln in lines:
            same = ln is not title_line and R.headline_key(ln.text) == key
            if same and (ln.kept or ln.rule == "duplicate"):
                ln.drop("repeated-headline", "same as the headline")
    body = [ln for ln in lines if ln is not title_line]
    drop_after_labels(body, E)
    _drop_copies(body)
    decisions += [
        Decision(ln.number, ln.rule, ln.raw.strip(), ln.detail) for ln in lines if ln.rule
    ]
    decisions.sort(key=lambda d: d.line)
    return replace(
        doc,
        title=title or None,
        paragraphs=[ln.text for ln in body if ln.kept],
        decisions=decisions,
        meta=meta,
    )


def _find_title(lines: list[SourceLine]) -> SourceLine | None:
    start = next((i for i, ln in enumerate(lines) if ln.kept and E.is_prose(ln.text)), len(lines))
    candidates = [ln for ln in lines[:start] if ln.kept]
    if not candidates:
        return None
    for ln in candidates:
        if len(E.words(ln.text)) >= MIN_TITLE_WORDS:
            return ln
    return candidates[-1]


def _drop_copies(body: list[SourceLine]) -> None:
    kept = [ln for ln in body if ln.kept]
    for ln in kept:
        m = R.ELLIPSIS.search(ln.text)
        if not m:
            continue
        prefix = ln.text[: m.start()].rstrip().rpartition(" ")[0].rstrip()
        if len(E.words(prefix)) < 3:
            continue
        for other in kept:
            longer = other.text.startswith(prefix) and len(other.text) > len(prefix)
            if other is not ln and other.kept and longer:
                ln.drop("truncated-copy", f"cut-off copy of line {other.number}")
                break


# -- segmentation ----------------------------------------------------------------------


@lru_cache(maxsize=1)
def _segmenter() -> Any:
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def segment_english_text(
    text: str, doc_id: str = "-", para: int = 0, *, is_title: bool = False
) -> list[Segment]:
    """One paragraph's sentences (pysbd), with offsets into ``text``."""
    stripped = text.strip()
    if not stripped:
        return []
    pieces = [stripped] if is_title else [p.strip() for p in _segmenter().segment(text)]
    out: list[Segment] = []
    pos = 0
    for piece in pieces:
        if not piece:
            continue
        start = text.find(piece, pos)
        if start < 0:  # pysbd changed the text (it should not with clean=False)
            start = pos
        end = start + len(piece)
        out.append(Segment(doc_id, para, len(out), text[start:end], start, end, is_title))
        pos = end
    return out


def segment_english(doc: Document) -> list[Segment]:
    """The sentences of a cleaned English document (title = paragraph 0)."""
    out: list[Segment] = []
    for para, block in enumerate(doc.blocks()):
        is_title = bool(doc.title) and para == 0
        out += segment_english_text(block, doc.doc_id, para, is_title=is_title)
    return out


def prepared_english(path: str | Path) -> list[tuple[Document, list[Segment]]]:
    """Read, clean and segment the English article(s) of one file; an article with
    nothing left after cleaning is an :class:`InputError`."""
    out = []
    for doc in read_english(path):
        cleaned = clean_english(doc)
        if not cleaned.blocks():
            raise InputError(doc.source, "no article text left after cleaning")
        out.append((cleaned, segment_english(cleaned)))
    return out
