"""``kzparallel export DIR --format tmx|moses|csv|jsonl --out PATH``.

Reads a build's ``pairs.jsonl`` as a stream; when ``DIR/review.sqlite`` exists
the review decisions are applied first (rejected pairs left out, edited
English used, ``review_status`` set). Like the dataset, an export leaves out
the pairs whose Arabic repeats an earlier pair (``duplicate_of``), unless
``keep_duplicates`` (``--keep-duplicates``) or the build itself kept them.
Every format carries the build's provenance signature:

* ``tmx``: TMX 1.4b written incrementally with lxml (``srclang="ar"``,
  ``xml:lang`` on each ``tuv``, header with ``creationtool``,
  ``creationtoolversion``, ``segtype``, ``o-tmf``, ``adminlang``,
  ``datatype``, the signature as ``<prop type="x-signature">``);
* ``moses``: ``PATH.ar`` / ``PATH.en`` line-aligned plain text, plus
  ``PATH.ids`` (pair ids, same lines) and ``PATH.meta.json`` (signature, count);
* ``csv``: one row per pair with a header row, ``signature`` column;
* ``jsonl``: the pair records (as in ``pairs.jsonl``).

Every file is written atomically.
"""

from __future__ import annotations

import contextlib
import csv
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from kzparallel.atomic import atomic_open
from kzparallel.errors import KzError
from kzparallel.pairs_file import PAIRS_FILE, read_pairs, write_pairs
from kzparallel.records import Pair

FORMATS = ("tmx", "moses", "csv", "jsonl")
REVIEW_DB = "review.sqlite"
CSV_COLUMNS = (
    "id",
    "doc_id",
    "para",
    "sent",
    "ar",
    "en",
    "en_mt",
    "review_status",
    "qa_flags",
    "glossary_violations",
    "signature",
)
# characters XML 1.0 does not allow
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NEWLINES = re.compile(r"[\r\n\u2028\u2029]+")


def xml_text(text: str) -> str:
    return _XML_INVALID.sub("", text)


def one_line(text: str) -> str:
    return _NEWLINES.sub(" ", text)


def build_pairs(out_dir: str | Path, *, apply_review: bool = True) -> Iterator[Pair]:
    """The pairs of a build, with review decisions applied when there are any."""
    out = Path(out_dir)
    if not out.is_dir():
        raise KzError(f"{out}: no such build directory")
    if not (out / PAIRS_FILE).is_file():
        raise KzError(f"{out}: no {PAIRS_FILE} in it (run `kzparallel build` first)")
    pairs: Iterable[Pair] = read_pairs(out / PAIRS_FILE)
    if apply_review and (out / REVIEW_DB).is_file():
        from kzparallel.review.decisions import apply_review as apply

        pairs = apply(out, pairs)
    yield from pairs


def build_signature(out_dir: str | Path) -> str:
    """The signature of a build (manifest, else the first pair), "" if unknown."""
    out = Path(out_dir)
    with contextlib.suppress(OSError, ValueError):
        sig = json.loads((out / "manifest.json").read_text(encoding="utf-8")).get("signature")
        if sig:
            return str(sig)
    with contextlib.suppress(Exception):
        return next(iter(read_pairs(out / PAIRS_FILE))).signature
    return ""


def write_tmx(pairs: Iterable[Pair], path: str | Path, signature: str) -> int:
    """Stream ``pairs`` into a TMX 1.4b file."""
    from lxml import etree

    from kzparallel.version import __version__

    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    n = 0
    with atomic_open(path, "wb") as fh, etree.xmlfile(fh, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("tmx", version="1.4"):
            header = etree.Element(
                "header",
                creationtool="kzparallel",
                creationtoolversion=__version__,
                segtype="sentence",
                datatype="plaintext",
                adminlang="en",
                srclang="ar",
            )
            header.set("o-tmf", "kzparallel-pairs-jsonl")
            prop = etree.SubElement(header, "prop", type="x-signature")
            prop.text = xml_text(signature)
            xf.write(header, pretty_print=True)
            with xf.element("body"):
                for pair in pairs:
                    tu = etree.Element("tu", tuid=pair.id)
                    for name, value in (
                        ("x-doc_id", pair.doc_id),
                        ("x-para", str(pair.para)),
                        ("x-sent", str(pair.sent)),
                        ("x-review_status", pair.review_status),
                        ("x-qa", " ".join(pair.qa)),
                    ):
                        p = etree.SubElement(tu, "prop", type=name)
                        p.text = xml_text(value)
                    for lang, text in (("ar", pair.ar), ("en", pair.en)):
                        tuv = etree.SubElement(tu, "tuv")
                        tuv.set(xml_lang, lang)
                        etree.SubElement(tuv, "seg").text = xml_text(text)
                    xf.write(tu, pretty_print=True)
                    n += 1
    return n


def moses_paths(path: str | Path) -> dict[str, Path]:
    p = Path(path)
    return {ext: p.with_name(f"{p.name}.{ext}") for ext in ("ar", "en", "ids", "meta.json")}


def write_moses(pairs: Iterable[Pair], path: str | Path, signature: str) -> int:
    """``PATH.ar``/``PATH.en`` (one sentence per line), ``PATH.ids``, ``PATH.meta.json``."""
    paths = moses_paths(path)
    n = 0
    with (
        atomic_open(paths["ar"]) as ar,
        atomic_open(paths["en"]) as en,
        atomic_open(paths["ids"]) as ids,
    ):
        for pair in pairs:
            ar.write(one_line(pair.ar) + "\n")
            en.write(one_line(pair.en) + "\n")
            ids.write(pair.id + "\n")
            n += 1
    with atomic_open(paths["meta.json"]) as fh:
        json.dump({"signature": signature, "pairs": n}, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
    return n


def write_csv(pairs: Iterable[Pair], path: str | Path) -> int:
    n = 0
    with atomic_open(path) as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for p in pairs:
            writer.writerow(
                [
                    p.id,
                    p.doc_id,
                    p.para,
                    p.sent,
                    p.ar,
                    p.en,
                    p.en_mt,
                    p.review_status,
                    " ".join(p.qa),
                    "; ".join(p.violations),
                    p.signature,
                ]
            )
            n += 1
    return n


def build_keeps_duplicates(out_dir: str | Path) -> bool:
    """Whether the build was made with ``--keep-duplicates`` (its manifest says)."""
    from kzparallel.manifest import read_manifest

    manifest = read_manifest(Path(out_dir)) or {}
    return bool((manifest.get("settings") or {}).get("keep_duplicates", False))


def export(
    out_dir: str | Path,
    fmt: str,
    path: str | Path,
    *,
    apply_review: bool = True,
    keep_duplicates: bool | None = None,
) -> int:
    """Export a build; return the number of pairs written. ``keep_duplicates``
    None: as the build's dataset (repeats left out unless it kept them)."""
    if fmt not in FORMATS:
        raise KzError(f"unknown export format '{fmt}' (choose {', '.join(FORMATS)})")
    target = Path(path)
    if target.is_dir():
        raise KzError(f"{target}: is a directory; give a file path for --out")
    if keep_duplicates is None:
        keep_duplicates = build_keeps_duplicates(out_dir)
    pairs: Iterable[Pair] = build_pairs(out_dir, apply_review=apply_review)
    pairs = (p for p in pairs if not p.left_out)  # build --aligned-only
    if not keep_duplicates:
        pairs = (p for p in pairs if not p.duplicate_of)
    signature = build_signature(out_dir)
    try:
        if fmt == "tmx":
            return write_tmx(pairs, target, signature)
        if fmt == "moses":
            return write_moses(pairs, target, signature)
        if fmt == "csv":
            return write_csv(pairs, target)
        return write_pairs(pairs, target)
    except OSError as exc:
        raise KzError(f"{target}: cannot write ({exc.strerror})") from None
