"""``kzparallel glossary lint``: problems in a YAML glossary, each with file and line.

Checks: bad encoding (bytes that are not UTF-8, U+FFFD, control characters,
mis-decoded UTF-8 such as ``Ø§Ù„``), YAML syntax, unknown fields, empty or
missing fields, unknown types, duplicate ids, duplicate Arabic variants
(compared after normalisation), one Arabic spelling mapped to two English
forms, duplicate or contradictory English variants; ``periods`` that are not
dates (``YYYY-MM-DD``), end before they start, are out of order, overlap or
leave a gap, and an entry ``en`` that is the form of no period.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

from kzparallel.arabic import normalize_text
from kzparallel.errors import InputError
from kzparallel.glossary.entries import TYPES
from kzparallel.glossary.yaml_format import RawEntry, parse_day, parse_yaml_text

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
    """Variants that the matcher cannot tell apart have the same key: the words
    after normalisation, and the sign a variant ends in (أوبك+ is not أوبك: the
    matcher requires the sign, kzparallel.glossary.matching)."""
    norm = normalize_text(variant).rstrip()
    sign = re.search(r"[+#]+$", norm)
    return " ".join(re.findall(r"[^\W_]+", norm)) + (sign.group() if sign else "")


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
        if raw.periods:
            self._periods(raw, eid, en)

    def _bound(self, period: RawEntry, key: str) -> dt.date | None:
        if key not in period.fields:
            return None
        day = parse_day(period.text(key))
        if day is None:
            text = period.text(key)
            self.add(period.fields[key].line, f"'{key}: {text}' is not a date (YYYY-MM-DD)")
        return day

    def _periods(self, raw: RawEntry, eid: str, en: str) -> None:
        """Dates, order, overlaps and gaps of the periods; ``en`` among their forms."""
        spans: list[tuple[dt.date | None, dt.date | None, int]] = []
        for period in raw.periods:
            for line, problem in period.problems:
                self.add(line, problem)
            pen = self._english(period, eid, "a period")
            start, end = self._bound(period, "from"), self._bound(period, "until")
            if start is not None and end is not None and start > end:
                self.add(period.line, f"period of '{eid}' ends ({end}) before it starts ({start})")
                continue
            if pen in {v for v, _ in raw.items("forbidden")}:
                self.add(period.line, f"'{pen}' is the form of a period and listed in 'forbidden'")
            spans.append((start, end, period.line))
        for (s1, e1, l1), (s2, _e2, l2) in itertools.pairwise(spans):
            if s2 is None or (s1 is not None and s2 < s1):
                self.add(l2, f"periods of '{eid}' are not in time order (see line {l1})")
            elif e1 is None or s2 <= e1:
                self.add(l2, f"periods of '{eid}' overlap (see line {l1})")
            elif s2 - e1 > dt.timedelta(days=1):
                first, last = e1 + dt.timedelta(days=1), s2 - dt.timedelta(days=1)
                self.add(
                    l2, f"periods of '{eid}' leave a gap from {first} to {last} (see line {l1})"
                )
        forms = {p.text("en").strip() for p in raw.periods}
        if en and en not in forms:
            line = raw.fields["en"].line if "en" in raw.fields else raw.line
            self.add(line, f"'en' of '{eid}' ('{en}') is the form of no period")


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
