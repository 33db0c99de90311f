"""Reading articles: files, directories, standard input; any encoding; .txt/.html/.jsonl.

:func:`read_documents` yields one :class:`~kzparallel.records.Document` per
article (``text`` = decoded source, ``paragraphs`` still empty). Problems with
one input are :class:`~kzparallel.errors.InputError` (``<path>: <reason>``):
passed to ``on_error`` and the input skipped, or raised when ``on_error`` is None.

Bounded reads (:mod:`kzparallel.input_files`): only regular files are opened
(a FIFO, device, socket or a link to one is skipped with its type named), a
``.txt``/``.html`` file or standard input larger than ``max_file_size`` is
skipped unread, and a ``.jsonl`` file is read a line at a time — any number of
records, each at most ``max_file_size`` — so memory does not grow with its size.
"""

from __future__ import annotations

import codecs
import io
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from kzparallel.arabic import has_arabic
from kzparallel.dating import metadata_date
from kzparallel.errors import InputError
from kzparallel.html_article import extract_html
from kzparallel.input_files import DEFAULT_MAX_FILE_SIZE, open_input, read_input, too_large
from kzparallel.records import Document

SUPPORTED = (".txt", ".html", ".htm", ".jsonl")
NO_SUPPORTED_FILES = "no supported files (.txt, .html, .jsonl)"
STDIN = "<stdin>"
REFERENCES_DIR = "references"  # reference translations next to the articles, not articles

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters that never occur in text (tab, newlines, form feed excepted).
_BINARY_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")

OnError = Callable[[InputError], None]


class RecordError(InputError):
    """A problem with one JSONL line (``<path>: line N: <reason>``); the other lines are kept."""

    def __init__(self, source: str, line: int, reason: str) -> None:
        self.line = line
        super().__init__(source, f"line {line}: {reason}")


@dataclass
class IngestStats:
    """Counts for the summary line of a batch (files and JSONL records)."""

    files: int = 0
    skipped_files: int = 0
    records: int = 0
    skipped_records: int = 0

    def summary(self) -> str:
        parts = []
        if self.skipped_files:
            parts.append(f"{self.skipped_files} of {self.files} files skipped")
        if self.skipped_records:
            parts.append(f"{self.skipped_records} of {self.records} JSONL records skipped")
        return "; ".join(parts)


def decode_bytes(data: bytes, source: str) -> tuple[str, str]:
    """Decode a whole file; return ``(text, encoding)``.

    BOMs first (UTF-8, UTF-16, UTF-32), then strict UTF-8, then a mostly-UTF-8
    file with a few invalid bytes (replaced by U+FFFD, encoding
    ``"utf-8 (N invalid bytes replaced)"``), then charset-normalizer's best guess
    (Windows-1256, ISO-8859-6, BOM-less UTF-16, ...). Raises :class:`InputError`
    for binary data.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return _check_text(data.decode(name), source), name
            except UnicodeDecodeError:
                raise InputError(source, f"invalid {name.upper()} text") from None
    if b"\x00" in data:
        # before strict UTF-8: UTF-16 of Arabic letters and ASCII is valid UTF-8 bytes too
        utf16 = _bomless_utf16(data)
        if utf16 is not None:
            return utf16
    try:
        return _check_text(data.decode("utf-8"), source), "utf-8"
    except UnicodeDecodeError:
        pass
    # mostly valid UTF-8: multi-byte sequences decode, only a few bytes are bad
    replaced = data.decode("utf-8", errors="replace")
    bad = replaced.count("\ufffd")
    multibyte = sum(1 for ch in replaced if ch >= "\u0080" and ch != "\ufffd")
    if b"\x00" not in data and multibyte >= 20 * bad:
        return _check_text(replaced, source), f"utf-8 ({bad} invalid bytes replaced)"
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError(source, "binary file (not text)")
    text = str(best)
    if not has_arabic(text):
        # a legacy single-byte guess that is not Arabic: try the Arabic code pages
        for name in ("cp1256", "iso8859_6"):
            try:
                candidate = data.decode(name)
            except UnicodeDecodeError:
                continue
            if has_arabic(candidate):
                return _check_text(candidate, source), name
    return _check_text(text, source), best.encoding


def _bomless_utf16(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a BOM: accept it when nearly every character is Arabic, Latin
    text, punctuation or whitespace (binary data decodes to noise)."""
    if len(data) % 2:
        return None
    for name in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        plain = sum(1 for ch in text if ch.isspace() or ch.isprintable())
        if has_arabic(text) and "\x00" not in text and plain >= 0.98 * len(text):
            return text.replace("\r\n", "\n").replace("\r", "\n"), name
    return None


def _check_text(text: str, source: str) -> str:
    controls = len(_BINARY_CONTROL.findall(text))
    if "\x00" in text or controls > max(2, len(text) // 100):
        raise InputError(source, "binary file (not text)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode_file(data: bytes, source: str) -> tuple[str, str]:
    if not data.strip():
        raise InputError(source, "file is empty")
    text, encoding = decode_bytes(data, source)
    if not text.strip("\ufeff \t\n\x0b\x0c"):
        raise InputError(source, "file is empty")
    return text, encoding


def is_reference_folder(folder: Path) -> bool:
    """A ``references/`` folder of evaluation references (``seeds/references/``):
    only ``.jsonl`` files whose records have ``ar`` and ``en`` and no ``text``.
    A ``references/`` folder of articles is read like any other folder."""
    if folder.name != REFERENCES_DIR:
        return False
    files = [p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED]
    if not files or any(p.suffix.lower() != ".jsonl" for p in files):
        return False
    for p in files:
        try:
            with p.open(encoding="utf-8") as fh:
                first = next((line for line in fh if line.strip()), "")
            record = json.loads(first)
        except (OSError, UnicodeDecodeError, ValueError):
            return False
        if not isinstance(record, dict) or "text" in record or not {"ar", "en"} <= set(record):
            return False
    return True


def iter_input_files(path: Path) -> list[Path]:
    """Supported files under a directory, recursively, in sorted order.

    Hidden files/folders are skipped, and so is a folder of evaluation
    references (:func:`is_reference_folder`): they are not articles. Entries
    with a supported name that are not regular files (a FIFO, a device, a link
    to one) are listed too, so that reading them reports them.
    """
    skipped = {d for d in path.rglob(REFERENCES_DIR) if d.is_dir() and is_reference_folder(d)}
    found = [
        p
        for p in path.rglob("*")
        if p.suffix.lower() in SUPPORTED
        and not p.is_dir()
        and not any(part.startswith(".") for part in p.relative_to(path).parts)
        and not any(parent in skipped for parent in p.parents)
    ]
    return sorted(found, key=lambda p: p.relative_to(path).as_posix())


def read_documents(
    paths: Iterable[str | Path],
    on_error: OnError | None = None,
    stats: IngestStats | None = None,
    max_file_size: int = DEFAULT_MAX_FILE_SIZE,
) -> Iterator[Document]:
    """Yield the documents of files, directories (recursive) and ``"-"`` (stdin, UTF-8).

    ``max_file_size``: bytes per file (per record for JSONL); larger ones are skipped."""
    stats = stats if stats is not None else IngestStats()

    def report(err: InputError) -> None:
        if on_error is None:
            raise err
        on_error(err)

    for raw in paths:
        if str(raw) == "-":
            stats.files += 1
            try:
                yield from _read_stdin(max_file_size)
            except InputError as err:
                stats.skipped_files += 1
                report(err)
            continue
        path = Path(raw)
        if path.is_dir():
            files = iter_input_files(path)
            if not files:
                report(InputError(str(path), NO_SUPPORTED_FILES))
                continue
        elif path.exists() or path.is_symlink():  # a broken link: reading says so
            files = [path]
        else:
            stats.files += 1
            stats.skipped_files += 1
            report(InputError(str(path), "no such file or directory"))
            continue
        for file in files:
            stats.files += 1
            try:
                yield from _read_file(file, report, stats, max_file_size)
            except InputError as err:
                stats.skipped_files += 1
                report(err)


def _read_stdin(max_bytes: int) -> Iterator[Document]:
    data = sys.stdin.buffer.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(STDIN, too_large(len(data), max_bytes, unread=True))
    if not data.strip():
        raise InputError(STDIN, "file is empty")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(STDIN, f"not UTF-8 text (invalid byte at offset {exc.start})") from None
    text = _check_text(text, STDIN)
    if not has_arabic(text):
        raise InputError(STDIN, "no Arabic text")
    yield Document(doc_id="stdin", source=STDIN, text=text, encoding="utf-8")


def _read_file(
    path: Path, report: OnError, stats: IngestStats, max_bytes: int
) -> Iterator[Document]:
    source = str(path)
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        with open_input(path, None) as fh:  # streamed: the limit is per record
            yield from _read_jsonl(path, fh, report, stats, max_bytes)
        return
    text, encoding = _decode_file(read_input(path, max_bytes), source)
    if suffix in (".html", ".htm"):
        doc = _from_html(path, text, encoding)
    else:
        doc = Document(doc_id=path.stem, source=source, text=text, encoding=encoding)
    if not has_arabic(doc.text) and not has_arabic(doc.title or ""):
        raise InputError(source, "no Arabic text")
    yield doc


def replaced_bytes(doc: Document) -> int:
    """How many undecodable bytes were replaced by U+FFFD when reading ``doc`` (0 if none)."""
    m = re.match(r"utf-8 \((\d+) invalid bytes replaced\)", doc.encoding or "")
    return int(m.group(1)) if m else 0


def _from_html(path: Path, html: str, encoding: str) -> Document:
    source = str(path)
    result = extract_html(html, source)
    if result is None:
        if not has_arabic(html):
            raise InputError(source, "no Arabic text")
        raise InputError(source, "no article text found in the HTML")
    title = (result.get("title") or "").strip() or None
    doc = Document(
        doc_id=path.stem,
        source=source,
        text=result["text"],
        title=title,
        url=result.get("url") or None,
        encoding=encoding,
        meta={"format": "html"},
    )
    # the publication date trafilatura's metadata extraction found (<meta>, JSON-LD)
    return metadata_date(doc, result.get("date"), "html")


JSONL_SAMPLE = 1 << 16  # bytes that decide a JSONL file's encoding


def _sample(head: bytes, whole: bool) -> bytes:
    """The start of a file to detect its encoding on: whole lines, whole characters."""
    if whole:
        return head
    i = head.rfind(b"\n")
    if i < 0:  # one long first line: drop a character cut at the end
        for k in range(4):
            try:
                head[: len(head) - k].decode("utf-8")
            except UnicodeDecodeError:
                continue
            return head[: len(head) - k]
        return head
    cut = head[: i + 1]
    if b"\x00" in cut and len(cut) % 2:  # UTF-16 LE: the newline's second byte
        cut = head[: i + 2]
    return cut


def _skip_line(fh: BinaryIO | io.TextIOBase, size: int) -> int:
    """Read past the rest of an over-long line; its whole size."""
    while chunk := fh.readline(1 << 20):
        size += len(chunk)
        if chunk.endswith(b"\n" if isinstance(chunk, bytes) else "\n"):
            break
    return size


def jsonl_lines(
    fh: BinaryIO, source: str, max_bytes: int
) -> Iterator[tuple[int, str | None, str, int]]:
    """``(line number, text or None when too long, encoding, size)`` of each line,
    read a line at a time. The encoding is detected on the first
    :data:`JSONL_SAMPLE` bytes (as :func:`decode_bytes`); UTF-8 lines with a few
    broken bytes get them replaced (that line's encoding says how many)."""
    head = fh.read(JSONL_SAMPLE)
    _, encoding = decode_bytes(_sample(head, len(head) < JSONL_SAMPLE), source)
    fh.seek(0)
    if encoding.startswith("utf-8"):
        number = 0
        while raw := fh.readline(max_bytes + 1):
            number += 1
            if len(raw) > max_bytes and not raw.endswith(b"\n"):
                yield number, None, encoding, _skip_line(fh, len(raw))
                continue
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            try:
                yield number, raw.decode("utf-8"), "utf-8", len(raw)
            except UnicodeDecodeError:
                text = raw.decode("utf-8", errors="replace")
                bad = text.count("\ufffd") - raw.decode("utf-8", "ignore").count("\ufffd")
                yield number, text, f"utf-8 ({bad} invalid bytes replaced)", len(raw)
        return
    text_fh = io.TextIOWrapper(fh, encoding=encoding, errors="strict", newline=None)
    number = 0
    try:
        while line := text_fh.readline(max_bytes + 1):
            number += 1
            if len(line) > max_bytes and not line.endswith("\n"):
                yield number, None, encoding, _skip_line(text_fh, len(line))
                continue
            yield number, line, encoding, len(line)
    except UnicodeDecodeError:
        raise InputError(source, f"invalid {encoding} text after line {number}") from None
    finally:
        text_fh.detach()


def _read_jsonl(
    path: Path, fh: BinaryIO, report: OnError, stats: IngestStats, max_bytes: int
) -> Iterator[Document]:
    source = str(path)
    records = 0
    for number, line, encoding, size in jsonl_lines(fh, source, max_bytes):
        if line is not None and not line.strip():
            continue
        records += 1
        stats.records += 1
        try:
            if line is None:
                raise RecordError(source, number, too_large(size, max_bytes))
            doc = _jsonl_record(path, number, line, encoding)
        except InputError as err:
            stats.skipped_records += 1
            report(err)
            continue
        yield doc
    if records == 0:
        raise InputError(source, "file is empty")


def _jsonl_record(path: Path, number: int, line: str, encoding: str) -> Document:
    source = str(path)
    try:
        record = json.loads(line)
    except ValueError:
        raise RecordError(source, number, "invalid JSON") from None
    if not isinstance(record, dict):
        raise RecordError(source, number, "not a JSON object")
    body = record.get("text")
    if not isinstance(body, str) or not body.strip():
        raise RecordError(source, number, 'no "text" field')
    title = record.get("title")
    title = title.strip() if isinstance(title, str) and title.strip() else None
    if not has_arabic(body) and not has_arabic(title or ""):
        raise RecordError(source, number, "no Arabic text")
    rid = record.get("id")
    doc_id = (
        str(rid) if isinstance(rid, (str, int)) and str(rid).strip() else f"{path.stem}-{number}"
    )
    doc = Document(
        doc_id=doc_id,
        source=f"{source}:{number}",
        text=body.replace("\r\n", "\n"),
        title=title,
        url=record.get("url") if isinstance(record.get("url"), str) else None,
        encoding=encoding,
        meta={"format": "jsonl", "line": number},
    )
    return metadata_date(doc, record.get("date"), "jsonl")
