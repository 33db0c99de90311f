"""The native glossary format, YAML (see ``glossary/README.md``), read with
the line of every field (for ``glossary lint`` and for errors that name the
line) and written back::

    name: kazakhstan-2022
    version: "2022.01"
    entries:
      - id: almaty
        type: place
        ar: [ألماتي, ألما آتا]
        en: Almaty
        forbidden: [Alma-Ata]

:mod:`.io` loads any format (this one, :mod:`.formats`' exchange formats, a folder).
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kzparallel.atomic import atomic_write_text
from kzparallel.errors import InputError
from kzparallel.glossary.entries import TYPES, Entry, Form, Period
from kzparallel.glossary.model import Glossary

# -- reading YAML with line numbers ---------------------------------------------


def read_text(path: Path) -> str:
    """The file as UTF-8; a bad byte is reported with its line number."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), exc.strerror or "cannot read the file") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            str(path), f"line {line}: not valid UTF-8 (byte 0x{data[exc.start]:02x})"
        ) from None


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


@dataclass
class Field:
    """A scalar or list value from the file, with the line of each item."""

    value: Any
    line: int
    items: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class RawEntry:
    """An entry as written: every field with its line (for lint and load)."""

    line: int
    fields: dict[str, Field]
    forms: dict[str, RawEntry] = field(default_factory=dict)
    periods: list[RawEntry] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)

    def text(self, key: str) -> str:
        f = self.fields.get(key)
        return f.value if f is not None and isinstance(f.value, str) else ""

    def items(self, key: str) -> list[tuple[str, int]]:
        f = self.fields.get(key)
        return f.items if f is not None else []


_CONTEXT_KEYS = ("not_before", "not_after")  # words that rule a match out (.precedence)
_LIST_KEYS = ("ar", "also", "forbidden", *_CONTEXT_KEYS)
_ENTRY_KEYS = ("id", "type", "ar", "en", "also", "forbidden", "forms", "periods", "note")
_ENTRY_KEYS += _CONTEXT_KEYS
_FORM_KEYS = ("ar", "en", "also", "forbidden", *_CONTEXT_KEYS)
_PERIOD_KEYS = ("from", "until", "en", "also", "forbidden")


def _scalar(node: yaml.Node) -> str | None:
    if isinstance(node, yaml.ScalarNode):
        return str(node.value)
    return None


def _raw_mapping(node: yaml.MappingNode, keys: tuple[str, ...], what: str) -> RawEntry:
    raw = RawEntry(_line(node), {})
    for knode, vnode in node.value:
        key = _scalar(knode) or ""
        if key not in keys:
            raw.problems.append((_line(knode), f"unknown field '{key}' in {what}"))
            continue
        if key == "forms":
            if not isinstance(vnode, yaml.MappingNode):
                raw.problems.append((_line(vnode), "'forms' must map a role to {ar, en}"))
                continue
            for rnode, fnode in vnode.value:
                role = _scalar(rnode) or ""
                if not isinstance(fnode, yaml.MappingNode):
                    raw.problems.append((_line(fnode), f"form '{role}' must have ar and en"))
                    continue
                raw.forms[role] = _raw_mapping(fnode, _FORM_KEYS, f"form '{role}'")
            continue
        if key == "periods":
            if not isinstance(vnode, yaml.SequenceNode):
                raw.problems.append((_line(vnode), "'periods' must be a list of {from, until, en}"))
                continue
            for pnode in vnode.value:
                if not isinstance(pnode, yaml.MappingNode):
                    raw.problems.append((_line(pnode), "a period must have en, from and/or until"))
                    continue
                raw.periods.append(_raw_mapping(pnode, _PERIOD_KEYS, "a period"))
            continue
        if key in _LIST_KEYS:
            if isinstance(vnode, yaml.SequenceNode):
                items = [(_scalar(n) or "", _line(n)) for n in vnode.value]
            elif (s := _scalar(vnode)) is not None and s:
                items = [(s, _line(vnode))]
            else:
                items = []
            raw.fields[key] = Field([v for v, _ in items], _line(vnode), items)
        else:
            value = _scalar(vnode)
            if value is None:
                raw.problems.append((_line(vnode), f"'{key}' must be text"))
                value = ""
            raw.fields[key] = Field(value, _line(vnode))
    return raw


@dataclass
class RawGlossary:
    source: str
    name: str
    version: str
    entries: list[RawEntry]
    problems: list[tuple[int, str]] = field(default_factory=list)


def parse_yaml_text(text: str, source: str) -> RawGlossary:
    """Parse glossary YAML keeping line numbers; YAML syntax errors raise
    :class:`InputError` with the line."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        problem = f"not valid YAML (character U+{ord(char):04X} is not allowed)"
        raise InputError(source, f"line {line}: {problem}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(source, f"{where}not valid YAML ({problem})") from None
    raw = RawGlossary(source, "", "", [])
    if root is None:
        raw.problems.append((1, "the glossary is empty"))
        return raw
    entries_node: yaml.Node | None = root
    if isinstance(root, yaml.MappingNode):
        entries_node = None
        for knode, vnode in root.value:
            key = _scalar(knode)
            if key == "entries":
                entries_node = vnode
            elif key in ("name", "version"):
                setattr(raw, key, _scalar(vnode) or "")
            else:
                raw.problems.append((_line(knode), f"unknown top-level field '{key}'"))
    if not isinstance(entries_node, yaml.SequenceNode):
        line = _line(entries_node) if entries_node is not None else 1
        raw.problems.append((line, "expected a list of entries under 'entries'"))
        return raw
    for enode in entries_node.value:
        if not isinstance(enode, yaml.MappingNode):
            raw.problems.append((_line(enode), "an entry must be a mapping with id, ar, en"))
            continue
        raw.entries.append(_raw_mapping(enode, _ENTRY_KEYS, "an entry"))
    return raw


def _form(role: str, raw: RawEntry) -> Form:
    return Form(
        role,
        tuple(v for v, _ in raw.items("ar")),
        raw.text("en"),
        tuple(v for v, _ in raw.items("also")),
        tuple(v for v, _ in raw.items("forbidden")),
        raw.line,
        tuple(v for v, _ in raw.items("not_before")),
        tuple(v for v, _ in raw.items("not_after")),
    )


def parse_day(value: str) -> dt.date | None:
    """A period bound: an ISO date ``YYYY-MM-DD`` (None when it is not one)."""
    try:
        return dt.date.fromisoformat(value) if len(value.strip()) == 10 else None
    except ValueError:
        return None


def _period(raw: RawEntry, entry_id: str, source: str) -> Period:
    for line, problem in raw.problems:
        raise InputError(source, f"line {line}: {problem}")
    bounds: list[dt.date | None] = []
    for key in ("from", "until"):
        text = raw.text(key)
        day = parse_day(text) if key in raw.fields else None
        if key in raw.fields and day is None:
            line = raw.fields[key].line
            raise InputError(source, f"line {line}: '{text}' is not a date (YYYY-MM-DD)")
        bounds.append(day)
    start, end = bounds
    if not raw.text("en").strip():
        raise InputError(source, f"line {raw.line}: a period of '{entry_id}' has no 'en'")
    if start is not None and end is not None and start > end:
        raise InputError(source, f"line {raw.line}: period of '{entry_id}' ends before it starts")
    f = _form("period", raw)
    return Period(start, end, f.en, f.also, f.forbidden, raw.line)


def _periods(raw: RawEntry, entry_id: str, source: str) -> tuple[Period, ...]:
    """The entry's periods in time order; overlapping periods raise."""
    periods = sorted(
        (_period(p, entry_id, source) for p in raw.periods),
        key=lambda p: p.start or dt.date.min,
    )
    for before, after in itertools.pairwise(periods):
        if before.end is None or after.start is None or after.start <= before.end:
            raise InputError(
                source,
                f"line {after.line}: periods of '{entry_id}' overlap (see line {before.line})",
            )
    return tuple(periods)


def build_entry(raw: RawEntry, source: str) -> Entry:
    """An :class:`Entry` from its raw fields; a missing essential raises."""
    for line, problem in raw.problems:
        raise InputError(source, f"line {line}: {problem}")
    entry_id = raw.text("id").strip()
    if not entry_id:
        raise InputError(source, f"line {raw.line}: entry has no 'id'")
    if not raw.text("en").strip():
        raise InputError(source, f"line {raw.line}: entry '{entry_id}' has no 'en'")
    etype = raw.text("type") or "other"
    if etype not in TYPES:
        line = raw.fields["type"].line
        raise InputError(
            source,
            f"line {line}: entry '{entry_id}' has unknown type '{etype}' "
            f"(one of {', '.join(TYPES)})",
        )
    forms = []
    for role, fraw in raw.forms.items():
        if not fraw.text("en").strip():
            raise InputError(source, f"line {fraw.line}: form '{role}' of '{entry_id}' has no 'en'")
        forms.append(_form(role, fraw))
    name = _form("name", raw)
    return Entry(
        entry_id,
        etype,
        name.ar,
        name.en,
        name.also,
        name.forbidden,
        tuple(forms),
        raw.text("note"),
        raw.line,
        _periods(raw, entry_id, source),
        name.not_before,
        name.not_after,
    )


def glossary_from_raw(raw: RawGlossary, path: str | None = None) -> Glossary:
    for line, problem in raw.problems:
        raise InputError(raw.source, f"line {line}: {problem}")
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    for r in raw.entries:
        e = build_entry(r, raw.source)
        if e.id in seen:
            raise InputError(
                raw.source,
                f"line {e.line}: duplicate entry id '{e.id}' (first at line {seen[e.id]})",
            )
        seen[e.id] = e.line
        entries.append(e)
    return Glossary(entries, version=raw.version, name=raw.name, path=path)


def load_yaml(path: str | Path) -> Glossary:
    p = Path(path)
    return glossary_from_raw(parse_yaml_text(read_text(p), str(p)), str(p))


def dump_yaml(glossary: Glossary) -> str:
    return yaml.safe_dump(
        glossary.to_dict(), allow_unicode=True, sort_keys=False, width=1000, default_flow_style=None
    )


def save_yaml(glossary: Glossary, path: str | Path) -> None:
    atomic_write_text(path, dump_yaml(glossary))
