"""``kzparallel clean`` / ``segment``: exact output (golden files), stdin, errors, exit codes.

The golden files in tests/golden/text/ were produced by these commands and read
line by line against the seeds (see the README, "Reading, cleaning and segmenting articles").
"""

from __future__ import annotations

import codecs
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "text"
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
SEED = ROOT / "seeds" / "004_4496b14b8fd8a434.txt"


@pytest.fixture()
def seeds_copy(tmp_path: Path) -> Path:
    """The five seed articles alone in a directory."""
    d = tmp_path / "seeds"
    d.mkdir()
    for p in SEEDS:
        shutil.copy(p, d / p.name)
    return d


def golden(name: str) -> str:
    return (GOLDEN / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_clean_golden(cli, path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("clean", str(path)) == (0, golden(f"clean_{path.stem}.txt"), "")


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_clean_explain_golden(cli, path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("clean", "--explain", str(path)) == (
        0,
        golden(f"clean_{path.stem}.txt"),
        golden(f"clean_{path.stem}.explain"),
    )


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_segment_golden(cli, path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("segment", str(path)) == (0, golden(f"segment_{path.stem}.txt"), "")


def test_segment_directory_golden(cli, seeds_copy: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("segment", str(seeds_copy)) == (0, golden("segment_seeds.txt"), "")


def test_segment_the_seeds_directory_skips_its_references_folder(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("segment", str(ROOT / "seeds")) == (0, golden("segment_seeds.txt"), "")


@pytest.mark.parametrize(
    ("command", "name"), [("segment", "segment_seeds.jsonl"), ("clean", "clean_seeds.jsonl")]
)
def test_json_golden(cli, seeds_copy: Path, command: str, name: str) -> None:  # type: ignore[no-untyped-def]
    assert cli(command, "--format", "json", str(seeds_copy)) == (0, golden(name), "")


def test_json_keys_and_offsets(cli, seeds_copy: Path) -> None:  # type: ignore[no-untyped-def]
    _, seg_out, _ = cli("segment", "--format", "json", str(seeds_copy))
    _, clean_out, _ = cli("clean", "--format", "json", str(seeds_copy))
    paragraphs = [json.loads(line) for line in clean_out.splitlines()]
    assert all(list(p) == ["doc_id", "para", "text", "title"] for p in paragraphs)
    assert [p["para"] for p in paragraphs if p["title"]] == [0] * 5
    by_para = {(p["doc_id"], p["para"]): p["text"] for p in paragraphs}
    sentences = [json.loads(line) for line in seg_out.splitlines()]
    assert all(list(s) == ["doc_id", "para", "sent", "text", "start", "end"] for s in sentences)
    for s in sentences:
        assert by_para[s["doc_id"], s["para"]][s["start"] : s["end"]] == s["text"]
    # every paragraph is covered, and joining its sentences gives it back (modulo whitespace)
    for (doc_id, para), text in by_para.items():
        parts = [s["text"] for s in sentences if (s["doc_id"], s["para"]) == (doc_id, para)]
        assert " ".join(parts).split() == text.split()


def test_several_inputs_get_doc_id_headers(cli) -> None:  # type: ignore[no-untyped-def]
    a, b = SEEDS[3], SEEDS[4]
    code, out, err = cli("clean", str(a), str(b))
    assert (code, err) == (0, "")
    expected = (
        f"# {a.stem}\n"
        + golden(f"clean_{a.stem}.txt")
        + f"\n# {b.stem}\n"
        + golden(f"clean_{b.stem}.txt")
    )
    assert out == expected


def test_explain_with_several_inputs_names_each_document(cli) -> None:  # type: ignore[no-untyped-def]
    a, b = SEEDS[3], SEEDS[4]
    _, _, err = cli("clean", "--explain", str(a), str(b))
    assert err == f"# {a.stem}\n" + f"# {b.stem}\n" + golden(f"clean_{b.stem}.explain")


def test_segment_stdin(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("segment", "-", stdin=SEED.read_bytes()) == (
        0,
        golden(f"segment_{SEED.stem}.txt"),
        "",
    )


def test_segment_no_clean_treats_each_line_as_a_paragraph(cli) -> None:  # type: ignore[no-untyped-def]
    text = "عنوان بلا نقطة\n\n  • 31\nجملة أولى. جملة ثانية؟ نعم!\n"
    code, out, err = cli("segment", "--no-clean", "-", stdin=text.encode())
    assert (code, err) == (0, "")
    assert out == "عنوان بلا نقطة\n\n• 31\n\nجملة أولى.\nجملة ثانية؟\nنعم!\n"
    code, out, _ = cli("segment", "--no-clean", "--format", "json", "-", stdin=text.encode())
    assert [json.loads(line) for line in out.splitlines()][-1] == {
        "doc_id": "stdin",
        "para": 2,
        "sent": 2,
        "text": "نعم!",
        "start": 23,
        "end": 27,
    }


ENCODED = [
    ("utf-8-bom", lambda t: codecs.BOM_UTF8 + t.encode("utf-8")),
    ("utf-16", lambda t: t.encode("utf-16")),
    ("windows-1256", lambda t: t.encode("cp1256")),
]


@pytest.mark.parametrize(("name", "encode"), ENCODED, ids=[e[0] for e in ENCODED])
def test_segment_each_encoding(cli, tmp_path: Path, name: str, encode) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / f"{SEED.stem}.txt"
    path.write_bytes(encode(SEED.read_text(encoding="utf-8")))
    assert cli("segment", str(path)) == (0, golden(f"segment_{SEED.stem}.txt"), "")


BAD_INPUTS = [
    ("empty", b"", "file is empty"),
    ("binary", bytes(range(256)) * 8, "binary file (not text)"),
    (
        "no Arabic",
        b"Leave a Reply\n\nYour email address will not be published.\n",
        "no Arabic text",
    ),
    (
        "only boilerplate",
        "Leave a Reply\n• 31\nhttps://example.com\nمباشر\n".encode(),
        "no article text left after cleaning",
    ),
]


@pytest.mark.parametrize("command", ["clean", "segment"])
@pytest.mark.parametrize(("name", "data", "reason"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_single_bad_file_is_one_error_line_and_exit_1(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, command: str, name: str, data: bytes, reason: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    assert cli(command, str(path)) == (1, "", f"error: {path}: {reason}\n")


def test_missing_path_and_empty_directory(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "missing.txt"
    assert cli("clean", str(missing)) == (1, "", f"error: {missing}: no such file or directory\n")
    (tmp_path / "notes.md").write_text("x")
    assert cli("segment", str(tmp_path)) == (
        1,
        "",
        f"error: {tmp_path}: no supported files (.txt, .html, .jsonl)\n",
    )


def test_directory_with_bad_files_reports_skips_and_exits_3(cli, seeds_copy: Path) -> None:  # type: ignore[no-untyped-def]
    (seeds_copy / "0_empty.txt").write_bytes(b"")
    (seeds_copy / "zz_binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    code, out, err = cli("segment", str(seeds_copy))
    assert code == 3
    assert out == golden("segment_seeds.txt")
    assert err == (
        f"warning: skipped {seeds_copy / '0_empty.txt'}: file is empty\n"
        f"warning: skipped {seeds_copy / 'zz_binary.txt'}: binary file (not text)\n"
        "warning: 2 of 7 files skipped\n"
    )


def test_jsonl_bad_lines_are_reported_good_lines_printed(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "batch.jsonl"
    path.write_text(
        '{"id": "a", "title": "عنوان أول", "text": "جملة أولى. جملة ثانية."}\n'
        "{broken\n"
        '{"text": "نص بلا عنوان."}\n',
        encoding="utf-8",
    )
    code, out, err = cli("segment", str(path))
    assert code == 3
    assert out == "# a\nعنوان أول\n\nجملة أولى.\nجملة ثانية.\n\n# batch-3\nنص بلا عنوان.\n"
    assert err == (
        f"warning: skipped {path}: line 2: invalid JSON\nwarning: 1 of 3 JSONL records skipped\n"
    )


def test_stdin_not_utf8(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli("clean", "-", stdin=SEED.read_text(encoding="utf-8").encode("cp1256"))
    assert (code, out, err) == (
        1,
        "",
        "error: <stdin>: not UTF-8 text (invalid byte at offset 0)\n",
    )


@pytest.mark.parametrize("command", ["clean", "segment"])
def test_help(cli, command: str) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli(command, "--help")
    assert code == 0
    assert out.startswith(f"Usage: kzparallel {command} [OPTIONS] {{PATH}}...\n")
    assert "--format <text|json>" in out
    assert ("--explain" in out) == (command == "clean")
    assert ("--no-clean" in out) == (command == "segment")


def test_console_script_reads_stdin_pipe() -> None:
    """The real entry point in a subprocess: pipe in, exact output, no traceback on error."""
    env = {**os.environ, "COLUMNS": "100"}
    run = subprocess.run(
        [sys.executable, "-m", "kzparallel", "segment", "-"],
        input=SEED.read_bytes(),
        capture_output=True,
        env=env,
    )
    assert (run.returncode, run.stdout.decode(), run.stderr.decode()) == (
        0,
        golden(f"segment_{SEED.stem}.txt"),
        "",
    )
    run = subprocess.run(
        [sys.executable, "-m", "kzparallel", "clean", "/nonexistent/a.txt"],
        capture_output=True,
        env=env,
    )
    assert (run.returncode, run.stdout, run.stderr.decode()) == (
        1,
        b"",
        "error: /nonexistent/a.txt: no such file or directory\n",
    )


def test_clean_html_page_windows_1256(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from test_ingest import HTML

    path = tmp_path / "page.html"
    path.write_bytes(HTML.format(charset="windows-1256").encode("cp1256"))
    title = "منظمة «معاهدة الأمن الجماعي» ترسل قوات حفظ سلام إلى كازخستان"
    assert cli("clean", "--explain", str(path)) == (
        0,
        f"{title}\n\n"
        "يستمر الوضع الأمني بالتوتر في كازاخستان، على خلفية مظاهرات وأحداث شغب وعنف واشتباكات مع قوات الشرطة.\n\n"
        "وقالت وزارة الصحة الكازاخية إن هناك أكثر من 1000 شخص مصاب بينهم إصابات بليغة جراء أعمال الشغب.\n",
        f"# dropped 1: repeated-headline: {title} [same as the headline]\n",
    )


def test_invalid_utf8_bytes_are_replaced_with_a_warning(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = SEED.read_bytes()
    cut = data.index("كازاخستان".encode())
    path = tmp_path / f"{SEED.stem}.txt"
    path.write_bytes(data[:cut] + b"\xff" + data[cut:])
    code, out, err = cli("segment", str(path))
    assert (code, err) == (0, f"warning: {path}: invalid UTF-8, 1 bytes replaced with U+FFFD\n")
    assert out == golden(f"segment_{SEED.stem}.txt").replace("كازاخستان", "\ufffdكازاخستان", 1)


# -- clean --explain in a terminal: stdout and stderr interleaved on one pty ---------------

_ARTICLE = (
    "عنوان الخبر عن كازاخستان\n\n(@FahadShabbir)\n\nقال الرئيس إن الوضع مستقر.\n\nالمصدر: وكالات\n"
)
_DROPPED = (
    "# dropped 3: social-handle: (@FahadShabbir)\n# dropped 7: source-credit: المصدر: وكالات\n"
)
_BODY = "عنوان الخبر عن كازاخستان\n\nقال الرئيس إن الوضع مستقر.\n"


def _on_a_terminal(args: list[str], cwd: Path) -> str:
    """What a terminal shows when the CLI writes stdout and stderr to it."""
    import pty

    master, slave = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kzparallel", *args],
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
        cwd=cwd,
        env=env,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the other side is closed
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.wait(timeout=60) == 0
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


TERMINAL_CASES = [
    ("one article", ["a.txt"], _DROPPED + _BODY),
    (
        "two articles: the empty line between them comes before the second explanation",
        ["a.txt", "b.txt"],
        "# a\n" + _DROPPED + "# a\n" + _BODY + "\n# b\n" + _DROPPED + "# b\n" + _BODY,
    ),
    (
        "JSONL records",
        ["recs.jsonl"],
        "# r1\n# r1\n" + _BODY + "\n# r2\n# r2\n" + _BODY,
    ),
    (
        "json format",
        ["a.txt", "b.txt", "--format", "json"],
        "# a\n"
        + _DROPPED
        + '{"doc_id": "a", "para": 0, "text": "عنوان الخبر عن كازاخستان", "title": true}\n'
        + '{"doc_id": "a", "para": 1, "text": "قال الرئيس إن الوضع مستقر.", "title": false}\n'
        + "# b\n"
        + _DROPPED
        + '{"doc_id": "b", "para": 0, "text": "عنوان الخبر عن كازاخستان", "title": true}\n'
        + '{"doc_id": "b", "para": 1, "text": "قال الرئيس إن الوضع مستقر.", "title": false}\n',
    ),
]


@pytest.mark.parametrize(
    ("args", "shown"), [c[1:] for c in TERMINAL_CASES], ids=[c[0] for c in TERMINAL_CASES]
)
def test_clean_explain_on_a_terminal(tmp_path: Path, args: list[str], shown: str) -> None:
    """Each explanation starts on a line of its own: the article written so far
    (and the empty line that ends it) reaches the terminal before the explanation."""
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(_ARTICLE, encoding="utf-8")
    body = _ARTICLE.replace("(@FahadShabbir)\n\n", "").replace("\n\nالمصدر: وكالات", "")
    records = [
        {"id": f"r{i}", "text": body.split("\n\n", 1)[1], "title": body.split("\n")[0]}
        for i in (1, 2)
    ]
    (tmp_path / "recs.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    assert _on_a_terminal(["clean", "--explain", *args], tmp_path) == shown
