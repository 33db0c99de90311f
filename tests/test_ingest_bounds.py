"""Bounded, typed reads (``kzparallel.input_files``, ``kzparallel.ingest``).

Only regular files are read: a FIFO, a device, a socket, a link to
``/dev/zero`` or a broken link is one line naming the file and its type, never
a hang or a ``MemoryError``. A file over ``--max-file-size`` is skipped unread.
A JSONL file is read a record at a time: memory does not grow with its size.
The FIFO cases run the real command in a subprocess with a timeout (a reader
that opened the FIFO would wait for a writer for ever).
"""

from __future__ import annotations

import codecs
import json
import os
import socket
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import Cli

from kzparallel.errors import InputError, KzError
from kzparallel.ingest import JSONL_SAMPLE, IngestStats, read_documents
from kzparallel.input_files import format_size, parse_size, read_input

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "004_4496b14b8fd8a434.txt"
SEED_TEXT = SEED.read_text(encoding="utf-8")
TIMEOUT_S = 60


def run(*args: str, stdin: bytes = b"") -> tuple[int, str, str]:
    """The real ``kzparallel`` command; a hang fails the test after TIMEOUT_S."""
    proc = subprocess.run(
        [sys.executable, "-m", "kzparallel", *args],
        input=stdin,
        capture_output=True,
        timeout=TIMEOUT_S,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


@pytest.fixture()
def odd_files(tmp_path: Path) -> Iterator[dict[str, tuple[Path, str]]]:
    """name -> (path, the reason it is not read), each a supported name."""
    d = tmp_path / "in"
    d.mkdir()
    os.mkfifo(d / "pipe.txt")
    (d / "zero.txt").symlink_to("/dev/zero")
    (d / "dangling.html").symlink_to(d / "missing.html")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(d / "sock.jsonl"))
    (d / "ok.txt").write_text(SEED_TEXT, encoding="utf-8")
    cases = {
        "fifo": (d / "pipe.txt", "not a regular file (a FIFO)"),
        "link to /dev/zero": (
            d / "zero.txt",
            "not a regular file (a symbolic link to a character device: /dev/zero)",
        ),
        "broken link": (d / "dangling.html", f"broken symbolic link (to {d / 'missing.html'})"),
        "socket": (d / "sock.jsonl", "not a regular file (a socket)"),
        "device": (Path("/dev/null"), "not a regular file (a character device)"),
    }
    yield cases
    sock.close()


@pytest.mark.parametrize("case", ["fifo", "link to /dev/zero", "broken link", "socket", "device"])
def test_one_path_that_is_not_a_regular_file(
    odd_files: dict[str, tuple[Path, str]], case: str
) -> None:
    path, reason = odd_files[case]
    assert run("clean", str(path)) == (1, "", f"error: {path}: {reason}\n")


def test_a_folder_with_odd_entries_skips_each_by_name(
    odd_files: dict[str, tuple[Path, str]],
) -> None:
    folder = odd_files["fifo"][0].parent
    code, out, err = run("clean", str(folder))
    assert code == 3
    assert out.startswith("# ok\n")
    assert err.splitlines() == [
        f"warning: skipped {odd_files['broken link'][0]}: {odd_files['broken link'][1]}",
        f"warning: skipped {odd_files['fifo'][0]}: {odd_files['fifo'][1]}",
        f"warning: skipped {odd_files['socket'][0]}: {odd_files['socket'][1]}",
        f"warning: skipped {odd_files['link to /dev/zero'][0]}: "
        f"{odd_files['link to /dev/zero'][1]}",
        "warning: 4 of 5 files skipped",
    ]


def test_library_reports_each_in_order(odd_files: dict[str, tuple[Path, str]]) -> None:
    errors: list[InputError] = []
    paths = [odd_files[k][0] for k in ("link to /dev/zero", "device", "socket")]
    docs = list(read_documents([*paths, SEED], on_error=errors.append))
    assert [d.doc_id for d in docs] == [SEED.stem]
    assert [(e.source, e.reason) for e in errors] == [
        (str(odd_files[k][0]), odd_files[k][1]) for k in ("link to /dev/zero", "device", "socket")
    ]


# -- the size limit ------------------------------------------------------------------


def test_size_limit_per_file(cli: Cli, tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(SEED_TEXT.encode("utf-8")[:2048])
    assert cli("clean", str(big), "--max-file-size", "1K") == (
        1,
        "",
        f"error: {big}: larger than the size limit (2 KiB > 1 KiB; see --max-file-size)\n",
    )
    code, out, _ = cli("clean", str(big), "--max-file-size", "2K")  # exactly the limit: read
    assert (code, out.splitlines()[0]) == (0, SEED_TEXT.splitlines()[0])
    small = tmp_path / "small.txt"
    small.write_text("عنوان مقال قصير هنا\n\nقال الوزير إن الاجتماع سيعقد غدا.\n", "utf-8")
    code, out, err = cli("segment", str(big), str(small), "--max-file-size", "1.5k")
    assert (code, out) == (3, "# small\nعنوان مقال قصير هنا\n\nقال الوزير إن الاجتماع سيعقد غدا.\n")
    assert err == (
        f"warning: skipped {big}: larger than the size limit (2 KiB > 1.5 KiB; "
        "see --max-file-size)\nwarning: 1 of 2 files skipped\n"
    )


def test_size_limit_on_stdin(cli: Cli) -> None:
    assert cli("clean", "-", "--max-file-size", "1K", stdin=SEED_TEXT.encode()) == (
        1,
        "",
        "error: <stdin>: larger than the size limit (over 1 KiB; see --max-file-size)\n",
    )


def test_size_limit_per_jsonl_record(cli: Cli, tmp_path: Path) -> None:
    """A JSONL file may be any size; a record over the limit is skipped unread."""
    path = tmp_path / "batch.jsonl"
    lines = [
        {"id": "short-1", "text": "قال الوزير إن الاجتماع سيعقد غدا."},
        {"id": "long", "text": "جملة طويلة جدا. " * 200},
        {"id": "short-2", "text": "وأكد المتحدث ذلك."},
    ]
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8")
    size = len(json.dumps(lines[1], ensure_ascii=False).encode()) + 1
    assert size > 4096
    code, out, err = cli("clean", str(path), "--max-file-size", "4K")
    assert code == 3
    assert [line for line in out.splitlines() if line.startswith("# ")] == [
        "# short-1",
        "# short-2",
    ]
    assert err == (
        f"warning: skipped {path}: line 2: larger than the size limit "
        f"({format_size(size)} > 4 KiB; see --max-file-size)\n"
        "warning: 1 of 3 JSONL records skipped\n"
    )


@pytest.mark.parametrize(
    ("text", "size"),
    [("64M", 64 << 20), ("64MiB", 64 << 20), ("500k", 500 << 10), ("1G", 1 << 30),
     ("1048576", 1 << 20), ("1.5K", 1536), (" 2 mb ", 2 << 20)],
)  # fmt: skip
def test_parse_size(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "0", "-1K", "lots", "1T", "K"])
def test_bad_size_is_a_usage_error(cli: Cli, text: str) -> None:
    with pytest.raises(KzError):
        parse_size(text)
    code, out, err = cli("clean", str(SEED), "--max-file-size", text)
    assert (code, out) == (2, "")
    assert "Invalid value for '--max-file-size': give a size such as 64M" in err


def test_read_input_limit(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_bytes(b"x" * 10)
    assert read_input(p, 10) == b"x" * 10
    with pytest.raises(InputError, match=r"larger than the size limit \(10 bytes > 9 bytes;"):
        read_input(p, 9)


def test_build_skips_odd_and_large_inputs(tiny_model: Path, tmp_path: Path) -> None:
    """``build`` reads through the same checks: the good article is built."""
    d = tmp_path / "in"
    d.mkdir()
    os.mkfifo(d / "a-pipe.txt")
    (d / "b-big.txt").write_bytes(SEED_TEXT.encode() * 3)
    (d / "c-ok.txt").write_text(SEED_TEXT, encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, err = run(
        "build", str(d), "--out", str(out), "--model", str(tiny_model), "--no-glossary",
        "--backend", "transformers", "--beam", "1", "--max-new-tokens", "8",
        "--cache-dir", str(tmp_path / "cache"), "--max-file-size", "10K",
    )  # fmt: skip
    assert code == 3, err
    big = len(SEED_TEXT.encode()) * 3
    assert [line for line in err.splitlines() if "skipped" in line] == [
        f"warning: skipped {d / 'a-pipe.txt'}: not a regular file (a FIFO)",
        f"warning: skipped {d / 'b-big.txt'}: larger than the size limit "
        f"({format_size(big)} > 10 KiB; see --max-file-size)",
        "warning: 2 of 3 inputs skipped",
    ]
    assert stdout.startswith("1 documents, ")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["settings"]["max_file_size"] == 10 * 1024
    assert [d["doc_id"] for d in manifest["documents"]] == ["c-ok"]


# -- JSONL, a record at a time -----------------------------------------------------

RECORDS = [
    {"id": "r1", "text": "قال الوزير إن الاجتماع سيعقد غدا."},
    {"id": "r2", "text": "وأكد المتحدث ذلك في بيان."},
]


def _jsonl(records: list[dict[str, str]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


JSONL_ENCODINGS = [
    ("utf-8", _jsonl(RECORDS).encode(), ["utf-8", "utf-8"]),
    ("utf-8 with BOM", codecs.BOM_UTF8 + _jsonl(RECORDS).encode(), ["utf-8", "utf-8"]),
    ("CRLF", _jsonl(RECORDS).replace("\n", "\r\n").encode(), ["utf-8", "utf-8"]),
    ("utf-16 with BOM", _jsonl(RECORDS).encode("utf-16"), ["utf-16", "utf-16"]),
    ("utf-16 LE without BOM", _jsonl(RECORDS).encode("utf-16-le"), ["utf-16-le"] * 2),
    ("windows-1256", _jsonl(RECORDS).encode("cp1256"), ["cp1256", "cp1256"]),
    (
        "a broken byte in one record",
        _jsonl(RECORDS).encode().replace("غدا".encode(), b"\xff" + "غدا".encode()),
        ["utf-8 (1 invalid bytes replaced)", "utf-8"],
    ),
]


@pytest.mark.parametrize(
    ("name", "data", "encodings"), JSONL_ENCODINGS, ids=[c[0] for c in JSONL_ENCODINGS]
)
def test_jsonl_encodings(tmp_path: Path, name: str, data: bytes, encodings: list[str]) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_bytes(data)
    docs = list(read_documents([path]))
    texts = [r["text"] for r in RECORDS]
    if name == "a broken byte in one record":
        texts[0] = texts[0].replace("غدا", "\ufffdغدا")
    assert [(d.doc_id, d.text, d.encoding) for d in docs] == list(
        zip(["r1", "r2"], texts, encodings, strict=True)
    )


@pytest.mark.parametrize("codec", ["utf-8", "utf-16-le", "cp1256"])
def test_jsonl_longer_than_the_sample(tmp_path: Path, codec: str) -> None:
    """The encoding is decided on the first JSONL_SAMPLE bytes; the rest streams."""
    records = [{"id": f"r{i}", "text": f"نص المقال رقم {i}."} for i in range(3000)]
    data = _jsonl(records).encode(codec)
    assert len(data) > 2 * JSONL_SAMPLE
    path = tmp_path / "many.jsonl"
    path.write_bytes(data)
    stats = IngestStats()
    docs = list(read_documents([path], stats=stats))
    assert [d.doc_id for d in docs] == [r["id"] for r in records]
    assert docs[-1].text == records[-1]["text"]
    assert (stats.records, stats.skipped_records) == (3000, 0)


def _peak(path: Path) -> int:
    tracemalloc.start()
    try:
        n = sum(1 for _ in read_documents([path]))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert n > 0
    return peak


def test_jsonl_memory_does_not_grow_with_the_file(tmp_path: Path) -> None:
    """Peak Python memory while reading 1 MB and 16 MB of records: the same, and
    far below the file (the whole file read at once peaks above twice its size)."""
    record = json.dumps({"text": "نص المقال. " * 40}, ensure_ascii=False) + "\n"
    peaks = {}
    for mb in (1, 16):
        path = tmp_path / f"{mb}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            fh.write(record * (mb * 2**20 // len(record.encode())))
        peaks[mb] = _peak(path)
    assert peaks[16] < 2 * 2**20, peaks
    assert peaks[16] < 1.5 * peaks[1] + 256 * 1024, peaks


# -- deep HTML -------------------------------------------------------------------------

DEEP_TITLE = "اجتماع الحكومة في العاصمة يوم الاثنين"
DEEP_BODY = [
    "قال المتحدث باسم الحكومة إن الاجتماع سيعقد في العاصمة يوم الاثنين المقبل لبحث الأوضاع.",
    "وأضاف أن الوزراء سيناقشون خطة جديدة للنقل العام في المدن الكبرى خلال العام الجاري.",
    "وأكد أن نتائج الاجتماع ستعلن في مؤتمر صحفي بعد انتهائه مباشرة في مقر الحكومة.",
]


def deep_page(depth: int, tag: str = "div") -> str:
    article = f"<article><h1>{DEEP_TITLE}</h1>" + "".join(f"<p>{p}</p>" for p in DEEP_BODY)
    return (
        f"<html><head><title>{DEEP_TITLE}</title></head><body>"
        + f"<{tag}>" * depth + article + "</article>" + f"</{tag}>" * depth
        + "</body></html>"
    )  # fmt: skip


@pytest.mark.parametrize(
    ("depth", "tag"), [(10, "div"), (254, "div"), (255, "div"), (300, "div"), (1000, "section"),
                       (2000, "div"), (600, "span")],
)  # fmt: skip
def test_deep_html_article_is_found(tmp_path: Path, depth: int, tag: str) -> None:
    path = tmp_path / "deep.html"
    path.write_text(deep_page(depth, tag), encoding="utf-8")
    (doc,) = read_documents([path])
    assert doc.title == DEEP_TITLE
    for paragraph in DEEP_BODY:
        assert paragraph in doc.text


def test_html_deeper_than_the_parser_can_go_says_so(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "deeper.html"
    path.write_text(deep_page(3000), encoding="utf-8")
    assert cli("clean", str(path)) == (
        1,
        "",
        f"error: {path}: HTML nested more than 2048 levels deep (the parser's limit): "
        "its article text cannot be found\n",
    )


def test_deep_english_html_for_align(tmp_path: Path) -> None:
    from kzparallel.alignment.english import read_english

    body = "".join(
        f"<p>The minister said the new plan for public transport starts next year, number {i}.</p>"
        for i in range(4)
    )
    page = ("<html><head><title>The new plan</title></head><body>" + "<div>" * 400
            + f"<article><h1>The new plan</h1>{body}</article>" + "</div>" * 400 + "</body></html>")  # fmt: skip
    path = tmp_path / "en.html"
    path.write_text(page, encoding="utf-8")
    (doc,) = read_english(path)
    assert "number 3" in doc.text
