"""``kzparallel glossary lint``: problems in a YAML glossary, each with file and line.

Checks: bad encoding (bytes that are not UTF-8, U+FFFD, control characters,
mis-decoded UTF-8 such as ``Ø§Ù„``), YAML syntax, unknown fields, empty or
missing fields, unknown types, duplicate ids, duplicate Arabic variants
(compared after normalisation), one Arabic spelling mapped to two English
forms, duplicate or contradictory English variants.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kzparallel.errors import InputError
from kzparallel.glossary.arabic import normalize_text
from kzparallel.glossary.io import RawEntry, parse_yaml_text
from kzparallel.glossary.model import TYPES

_MOJIBAKE = re.compile(r"[ØÙÚÛ][\u0080-\u00ff]|Ã[\u0080-\u00bf]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def _key(variant: str) -> str:
    """Variants that the matcher cannot tell apart have the same key."""
    return " ".join(re.findall(r"[^\W_]+", normalize_text(variant)))


def _encoding_problems(text: str, path: str) -> list[Problem]:
    out = []
    for n, line in enumerate(text.split("\n"), 1):
        if "\ufffd" in line:
            out.append(Problem(path, n, "replacement character U+FFFD (text was mis-decoded)"))
        if m := _MOJIBAKE.search(line):
            out.append(
                Problem(path, n, f"mis-decoded UTF-8 ('{m.group()}…'): re-save the file as UTF-8")
            )
        if m := _CONTROL.search(line.rstrip("\r")):
            out.append(Problem(path, n, f"control character U+{ord(m.group()):04X}"))
    return out


class _Checker:
    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.arabic: dict[str, tuple[int, str, str]] = {}  # key -> (line, English, id)
        self.ids: dict[str, int] = {}

    def add(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def _english(self, raw: RawEntry, eid: str, what: str) -> str:
        en = raw.text("en").strip()
        if not en:
            line = raw.fields["en"].line if "en" in raw.fields else raw.line
            self.add(line, f"{what} of '{eid}' has an empty 'en'")
        seen: dict[str, int] = {}
        for key in ("also", "forbidden"):
            for value, line in raw.items(key):
                if not value.strip():
                    self.add(line, f"empty '{key}' variant in {what} of '{eid}'")
                elif value == en:
                    self.add(line, f"'{value}' is the required form and also listed in '{key}'")
                elif value in seen:
                    self.add(
                        line, f"duplicate English variant '{value}' (also at line {seen[value]})"
                    )
                else:
                    seen[value] = line
        return en

    def _arabic(self, raw: RawEntry, eid: str, en: str, what: str, required: bool) -> None:
        items = raw.items("ar")
        if required and not items:
            line = raw.fields["ar"].line if "ar" in raw.fields else raw.line
            self.add(line, f"{what} of '{eid}' has no Arabic variants")
        for value, line in items:
            key = _key(value)
            if not key:
                self.add(line, f"empty Arabic variant in {what} of '{eid}'")
                continue
            if key in self.arabic:
                first, other_en, other_id = self.arabic[key]
                if other_en == en:
                    self.add(line, f"duplicate Arabic variant '{value}' (also at line {first})")
                else:
                    self.add(
                        line,
                        f"Arabic '{value}' maps to '{en}' here and to '{other_en}' "
                        f"at line {first} ('{other_id}')",
                    )
                continue
            self.arabic[key] = (line, en, eid)

    def entry(self, raw: RawEntry) -> None:
        for line, problem in raw.problems:
            self.add(line, problem)
        eid = raw.text("id").strip()
        if not eid:
            line = raw.fields["id"].line if "id" in raw.fields else raw.line
            self.add(line, "entry has no 'id'")
            eid = "?"
        elif eid in self.ids:
            self.add(
                raw.fields["id"].line, f"duplicate entry id '{eid}' (first at line {self.ids[eid]})"
            )
        else:
            self.ids[eid] = raw.fields["id"].line
        if "type" in raw.fields and raw.text("type") not in TYPES:
            self.add(
                raw.fields["type"].line,
                f"unknown type '{raw.text('type')}' (one of {', '.join(TYPES)})",
            )
        en = self._english(raw, eid, "entry")
        self._arabic(raw, eid, en, "entry", required=True)
        for role, form in raw.forms.items():
            for line, problem in form.problems:
                self.add(line, problem)
            fen = self._english(form, eid, f"form '{role}'")
            self._arabic(form, eid, fen, f"form '{role}'", required=False)


def lint_text(text: str, path: str) -> list[Problem]:
    """Problems in glossary YAML ``text`` (``path`` names it in the messages)."""
    problems = _encoding_problems(text, path)
    try:
        raw = parse_yaml_text(text, path)
    except InputError as exc:
        m = re.match(r"line (\d+): (.*)", exc.reason)
        line, message = (int(m.group(1)), m.group(2)) if m else (1, exc.reason)
        return [*problems, Problem(path, line, message)]
    checker = _Checker(path)
    for line, problem in raw.problems:
        checker.add(line, problem)
    for entry in raw.entries:
        checker.entry(entry)
    return sorted([*problems, *checker.problems], key=lambda p: p.line)


def lint_file(path: str | Path) -> list[Problem]:
    """Problems in a YAML glossary file (bytes that are not UTF-8 included)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(str(p), exc.strerror or "cannot read the file") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return [Problem(str(p), line, f"not valid UTF-8 (byte 0x{data[exc.start]:02x})")]
    return lint_text(text, str(p))
