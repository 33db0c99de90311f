"""Exchange formats: CSV/TSV tables (DeepL, Google/Amazon) and TBX.

Tables carry one row per Arabic variant → English form:

* ``deepl`` — no header, ``source,target`` (DeepL's CSV; its TSV is the same
  with a tab). On import an optional third and fourth column
  (``source_lang,target_lang``, e.g. ``ar,en``) are accepted and checked;
* ``terminology`` — a header row of language codes (``ar,en``), then one row
  per term: the shape of Amazon Translate custom terminology and of Google
  Cloud Translation's equivalent-term-set glossaries.

Tables hold only pairs, so an import groups rows by English form into
``other`` entries (ids from the English); roles, forbidden variants, notes,
types and periods are lost (an export writes each Arabic variant with the
entry's own, undated ``en``). TBX keeps everything:

* write: TBX-Basic in the ISO 30042:2019 (TBX v3) DCA style — one
  ``conceptEntry`` per entry, ``subjectField`` = type, ``note`` = note; in
  each ``termSec`` an ``administrativeStatus`` (preferred → the required
  form, admitted → ``also``, deprecated → ``forbidden``), a ``termType``
  and a ``note`` ``role: <role>`` for forms other than the name; the forms
  of a dated entry's periods are English terms (``termSec``) with a ``note``
  ``period: <from>/<until>`` (ISO 8601 interval, ``..`` for an open end);
* read: that, and TBX v2 (ISO 30042:2008) ``martif`` files (``termEntry`` /
  ``langSet`` / ``tig`` or ``ntig``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

from lxml import etree

from kzparallel.atomic import atomic_write_bytes, atomic_write_text
from kzparallel.errors import InputError
from kzparallel.glossary.entries import NAME, TYPES, Entry, Form, Period
from kzparallel.glossary.model import Glossary
from kzparallel.glossary.yaml_format import parse_day, read_text, save_yaml

SHAPES = ("deepl", "terminology")
TBX_NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_ROLE_TERM_TYPE = {NAME: "fullForm", "surname": "shortForm", "acronym": "acronym"}
_STATUS = {
    "preferred": "preferredTerm-admn-sts",
    "also": "admittedTerm-admn-sts",
    "forbidden": "deprecatedTerm-admn-sts",
}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "term"


def _unique_id(base: str, seen: set[str]) -> str:
    cand, n = base, 2
    while cand in seen:
        cand, n = f"{base}-{n}", n + 1
    seen.add(cand)
    return cand


# -- tables ------------------------------------------------------------------------------


def table_rows(glossary: Glossary) -> list[tuple[str, str]]:
    """(Arabic variant, English form) for every variant of every form, in file order."""
    rows: list[tuple[str, str]] = []
    for e in glossary.entries:
        for f in e.all_forms():
            rows += [(ar, f.en) for ar in f.ar]
    return rows


def export_table(glossary: Glossary, shape: str = "deepl", delimiter: str = ",") -> str:
    if shape not in SHAPES:
        raise ValueError(f"unknown table shape {shape!r} (one of {', '.join(SHAPES)})")
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    if shape == "terminology":
        writer.writerow(["ar", "en"])
    writer.writerows(table_rows(glossary))
    return buf.getvalue()


def _is_lang(cell: str) -> bool:
    return bool(re.fullmatch(r"[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?", cell.strip()))


def import_table(path: str | Path, delimiter: str | None = None) -> Glossary:
    """A glossary from a DeepL or Google/Amazon table (shape detected from the
    first row; delimiter from the extension: ``.tsv`` = tab)."""
    p = Path(path)
    text = read_text(p)
    delim = delimiter or ("\t" if p.suffix.lower() == ".tsv" else ",")
    rows = list(csv.reader(io.StringIO(text), delimiter=delim))
    src_col, tgt_col, start = 0, 1, 0
    if rows and len(rows[0]) >= 2 and all(_is_lang(c) for c in rows[0]):
        header = [c.strip().lower()[:2] for c in rows[0]]
        if "ar" not in header or "en" not in header:
            raise InputError(str(p), "line 1: the header must name the columns 'ar' and 'en'")
        src_col, tgt_col, start = header.index("ar"), header.index("en"), 1
    by_en: dict[str, list[str]] = {}
    for n, row in enumerate(rows[start:], start + 1):
        if not row or not any(c.strip() for c in row):
            continue
        if len(row) <= max(src_col, tgt_col):
            raise InputError(str(p), f"line {n}: expected an Arabic and an English column")
        if start == 0 and len(row) >= 4 and (row[2].strip(), row[3].strip()) != ("ar", "en"):
            raise InputError(str(p), f"line {n}: languages {row[2]}→{row[3]}, expected ar→en")
        ar, en = row[src_col].strip(), row[tgt_col].strip()
        if not ar or not en:
            raise InputError(str(p), f"line {n}: empty term")
        variants = by_en.setdefault(en, [])
        if ar not in variants:
            variants.append(ar)
    seen: set[str] = set()
    entries = [
        Entry(_unique_id(_slug(en), seen), "other", tuple(ars), en) for en, ars in by_en.items()
    ]
    return Glossary(entries, name=p.stem, path=str(p))


# -- TBX --------------------------------------------------------------------------------


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, f"{{{TBX_NS}}}{tag}", **attrs)
    if text is not None:
        el.text = text
    return el


def _interval(period: Period) -> str:
    start = period.start.isoformat() if period.start else ".."
    end = period.end.isoformat() if period.end else ".."
    return f"{start}/{end}"


def _term_sec(
    lang_sec: etree._Element, term: str, role: str, status: str | None, period: str = ""
) -> None:
    sec = _sub(lang_sec, "termSec")
    _sub(sec, "term", term)
    if status is not None:
        _sub(sec, "termNote", _STATUS[status], type="administrativeStatus")
    if role in _ROLE_TERM_TYPE:
        _sub(sec, "termNote", _ROLE_TERM_TYPE[role], type="termType")
    if role == "adjective":
        _sub(sec, "termNote", "adjective", type="partOfSpeech")
    if role != NAME:
        _sub(sec, "note", f"role: {role}")
    if period:
        _sub(sec, "note", f"period: {period}")


def write_tbx(glossary: Glossary) -> bytes:
    """The glossary as TBX-Basic (TBX v3, DCA style)."""
    nsmap = {None: TBX_NS}
    root = etree.Element(f"{{{TBX_NS}}}tbx", nsmap=nsmap, type="TBX-Basic", style="dca")
    root.set(XML_LANG, "en")
    header = _sub(root, "tbxHeader")
    file_desc = _sub(header, "fileDesc")
    _sub(_sub(file_desc, "titleStmt"), "title", glossary.name or "glossary")
    source = _sub(file_desc, "sourceDesc")
    _sub(source, "p", f"version: {glossary.version}" if glossary.version else "kzparallel")
    body = _sub(_sub(root, "text"), "body")
    for e in glossary.entries:
        ce = _sub(body, "conceptEntry", id=e.id)
        _sub(ce, "descrip", e.type, type="subjectField")
        if e.note:
            _sub(ce, "note", e.note)
        ar = _sub(ce, "langSec")
        ar.set(XML_LANG, "ar")
        en = _sub(ce, "langSec")
        en.set(XML_LANG, "en")
        for f in e.all_forms():
            for variant in f.ar:
                _term_sec(ar, variant, f.role, None)
            _term_sec(en, f.en, f.role, "preferred")
            for variant in f.also:
                _term_sec(en, variant, f.role, "also")
            for variant in f.forbidden:
                _term_sec(en, variant, f.role, "forbidden")
        for period in e.periods:
            when = _interval(period)
            _term_sec(en, period.en, NAME, "preferred", when)
            for variant in period.also:
                _term_sec(en, variant, NAME, "also", when)
            for variant in period.forbidden:
                _term_sec(en, variant, NAME, "forbidden", when)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _children(el: etree._Element, *names: str) -> list[etree._Element]:
    return [c for c in el if _local(c) in names]


def _descendants(el: etree._Element, name: str) -> list[etree._Element]:
    return [d for d in el.iter() if _local(d) == name]


def _period_of(term_group: etree._Element) -> str:
    """The ``period: <from>/<until>`` note of a termSec ("" when none)."""
    for note in _descendants(term_group, "note"):
        text = (note.text or "").strip()
        if text.startswith("period:"):
            return text[len("period:") :].strip()
    return ""


def _parse_interval(text: str, source: str, cid: str) -> tuple[Any, Any]:
    start, _, end = text.partition("/")
    bounds = []
    for bound in (start.strip(), end.strip()):
        day = None if bound in ("", "..") else parse_day(bound)
        if bound not in ("", "..") and day is None:
            raise InputError(source, f"entry '{cid}': period '{text}' is not <from>/<until>")
        bounds.append(day)
    return bounds[0], bounds[1]


def _role_of(term_group: etree._Element) -> tuple[str, str | None]:
    """(role, status) of a termSec / tig / ntig."""
    role, status = NAME, None
    notes = {n.get("type"): (n.text or "").strip() for n in _descendants(term_group, "termNote")}
    term_type = notes.get("termType", "")
    if term_type == "acronym":
        role = "acronym"
    elif term_type in ("shortForm", "abbreviation"):
        role = "surname"
    if notes.get("partOfSpeech") == "adjective":
        role = "adjective"
    for note in _descendants(term_group, "note"):
        text = (note.text or "").strip()
        if text.startswith("role:"):
            role = text[5:].strip() or NAME
    adm = notes.get("administrativeStatus", "")
    if adm.startswith(("deprecated", "superseded")):
        status = "forbidden"
    elif adm.startswith("admitted"):
        status = "also"
    elif adm.startswith("preferred"):
        status = "preferred"
    return role, status


def _entry_from(concept: etree._Element, source: str, seen: set[str]) -> Entry:
    forms: dict[str, dict[str, list[str]]] = {}
    periods: dict[str, dict[str, list[str]]] = {}
    lang_secs = _children(concept, "langSec", "langSet")
    lang_secs.sort(key=lambda ls: (ls.get(XML_LANG) or "").lower()[:2] != "en")  # roles in order
    for lang_sec in lang_secs:
        lang = (lang_sec.get(XML_LANG) or "").lower()[:2]
        for group in _children(lang_sec, "termSec", "tig", "ntig"):
            terms = _descendants(group, "term")
            text = "".join(terms[0].itertext()).strip() if terms else ""
            if not text:
                continue
            role, status = _role_of(group)
            when = _period_of(group) if lang == "en" else ""
            if when:
                slot = periods.setdefault(when, {"preferred": [], "also": [], "forbidden": []})
                slot[status or "preferred"].append(text)
                continue
            slot = forms.setdefault(role, {"ar": [], "preferred": [], "also": [], "forbidden": []})
            if lang == "ar":
                slot["ar"].append(text)
            elif lang == "en":
                slot[status or "preferred"].append(text)
    built: dict[str, Form] = {}
    for role, slot in forms.items():
        preferred = slot["preferred"] or slot["also"][:1]
        if not preferred:
            continue
        also = [a for a in slot["preferred"][1:] + slot["also"] if a != preferred[0]]
        built[role] = Form(
            role, tuple(slot["ar"]), preferred[0], tuple(also), tuple(slot["forbidden"])
        )
    name = built.pop(NAME, None)
    if name is None:
        if not built:
            cid = concept.get("id") or "?"
            raise InputError(source, f"entry '{cid}' has no English term")
        name = built.pop(next(iter(built)))
    subject = [
        (d.text or "").strip()
        for d in _children(concept, "descrip")
        if d.get("type") == "subjectField"
    ]
    etype = subject[0] if subject and subject[0] in TYPES else "other"
    notes = [(n.text or "").strip() for n in _children(concept, "note")]
    entry_id = _unique_id(concept.get("id") or _slug(name.en), seen)
    dated = []
    for when, slot in periods.items():
        if not slot["preferred"]:
            raise InputError(source, f"entry '{entry_id}': period {when} has no preferred term")
        start, end = _parse_interval(when, source, entry_id)
        dated.append(
            Period(start, end, slot["preferred"][0], tuple(slot["also"]), tuple(slot["forbidden"]))
        )
    return Entry(
        entry_id,
        etype,
        name.ar,
        name.en,
        name.also,
        name.forbidden,
        tuple(built.values()),
        "\n".join(n for n in notes if n),
        periods=tuple(sorted(dated, key=lambda p: p.start or dt.date.min)),
    )


def read_tbx(path: str | Path) -> Glossary:
    """A glossary from TBX-Basic (v3 ``tbx``) or TBX v2 (``martif``)."""
    p = Path(path)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.parse(str(p), parser).getroot()
    except OSError as exc:
        raise InputError(str(p), str(exc)) from None
    except etree.XMLSyntaxError as exc:
        msg = re.sub(r", line \d+, column \d+$", "", exc.msg)
        raise InputError(str(p), f"line {exc.lineno}: not valid XML ({msg})") from None
    if _local(root) not in ("tbx", "martif"):
        raise InputError(str(p), f"not a TBX file (root element <{_local(root)}>)")
    seen: set[str] = set()
    concepts = [c for c in root.iter() if _local(c) in ("conceptEntry", "termEntry")]
    entries = [_entry_from(c, str(p), seen) for c in concepts]
    titles = _descendants(root, "title")
    version = ""
    for para in _descendants(root, "p"):
        if (para.text or "").startswith("version: "):
            version = para.text[len("version: ") :].strip()  # type: ignore[index]
    name = (titles[0].text or "").strip() if titles else p.stem
    return Glossary(entries, version=version, name=name, path=str(p))


# -- dispatch ---------------------------------------------------------------------------


def export_glossary(glossary: Glossary, path: str | Path, shape: str | None = None) -> None:
    """Write ``glossary`` in the format named by ``path``'s extension:
    ``.tbx`` (TBX-Basic), ``.csv``/``.tsv`` (``shape``: deepl or terminology),
    ``.yaml`` (native)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".tbx":
        atomic_write_bytes(p, write_tbx(glossary))
    elif suffix in (".csv", ".tsv"):
        text = export_table(glossary, shape or "deepl", "\t" if suffix == ".tsv" else ",")
        atomic_write_text(p, text)
    elif suffix in (".yaml", ".yml"):
        save_yaml(glossary, p)
    else:
        raise InputError(
            str(p), f"unknown glossary format '{suffix}' (use .yaml, .csv, .tsv or .tbx)"
        )
