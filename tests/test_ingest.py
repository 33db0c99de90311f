"""Ingestion: encodings, formats, directories, stdin and every kind of bad input."""

from __future__ import annotations

import codecs
import gzip
import io
import json
import sys
from pathlib import Path

import pytest

from kzparallel.errors import InputError
from kzparallel.ingest import (
    IngestStats,
    RecordError,
    decode_bytes,
    iter_input_files,
    read_documents,
)

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "004_4496b14b8fd8a434.txt"
SEED_TEXT = SEED.read_text(encoding="utf-8")


def read_one(path: Path | str) -> object:
    docs = list(read_documents([path]))
    assert len(docs) == 1
    return docs[0]


def errors_of(paths: list[Path | str]) -> tuple[list[str], list[str]]:
    errors: list[InputError] = []
    docs = list(read_documents(paths, on_error=errors.append))
    return [d.doc_id for d in docs], [str(e) for e in errors]


ENCODINGS = [
    ("utf-8", SEED_TEXT.encode("utf-8"), "utf-8"),
    ("utf-8 with BOM", codecs.BOM_UTF8 + SEED_TEXT.encode("utf-8"), "utf-8-sig"),
    ("utf-16 LE with BOM", SEED_TEXT.encode("utf-16"), "utf-16"),
    ("utf-16 BE with BOM", codecs.BOM_UTF16_BE + SEED_TEXT.encode("utf-16-be"), "utf-16"),
    ("utf-16 LE without BOM", SEED_TEXT.encode("utf-16-le"), "utf-16-le"),
    ("utf-16 BE without BOM", SEED_TEXT.encode("utf-16-be"), "utf-16-be"),
    ("windows-1256", SEED_TEXT.encode("cp1256"), "cp1256"),
    ("CRLF line ends", SEED_TEXT.replace("\n", "\r\n").encode("utf-8"), "utf-8"),
]


@pytest.mark.parametrize(("name", "data", "encoding"), ENCODINGS, ids=[e[0] for e in ENCODINGS])
def test_each_encoding_decodes_to_the_same_text(
    tmp_path: Path, name: str, data: bytes, encoding: str
) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(data)
    doc = read_one(path)
    assert doc.text == SEED_TEXT  # type: ignore[attr-defined]
    assert doc.encoding == encoding  # type: ignore[attr-defined]
    assert doc.doc_id == "article"  # type: ignore[attr-defined]


def test_invalid_utf8_bytes_in_a_utf8_file_are_replaced(tmp_path: Path) -> None:
    data = SEED_TEXT.encode("utf-8")
    cut = data.index("كازاخستان".encode())
    bad = data[:cut] + b"\xff\xfe" + data[cut:]
    path = tmp_path / "bad.txt"
    path.write_bytes(bad)
    doc = read_one(path)
    assert doc.encoding == "utf-8 (2 invalid bytes replaced)"  # type: ignore[attr-defined]
    assert doc.text.replace("\ufffd\ufffd", "") == SEED_TEXT  # type: ignore[attr-defined]


BAD_FILES = [
    ("empty", b"", "file is empty"),
    ("whitespace only", b" \n\n\t\n", "file is empty"),
    ("binary", bytes(range(256)) * 4, "binary file (not text)"),
    ("random bytes", bytes((i * 7919 + 13) % 256 for i in range(4000)), "binary file (not text)"),
    ("gzip", gzip.compress(SEED_TEXT.encode("utf-8")), "binary file (not text)"),
    ("png header", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40, "binary file (not text)"),
    (
        "english only",
        b"Leave a Reply\nYour email address will not be published.\n",
        "no Arabic text",
    ),
]


@pytest.mark.parametrize(("name", "data", "reason"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_raises_one_line_error(
    tmp_path: Path, name: str, data: bytes, reason: str
) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        list(read_documents([path]))
    assert str(info.value) == f"{path}: {reason}"


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        list(read_documents([tmp_path / "nope.txt"]))
    assert str(info.value) == f"{tmp_path / 'nope.txt'}: no such file or directory"


def test_directory_without_supported_files(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("نص عربي", encoding="utf-8")
    with pytest.raises(InputError) as info:
        list(read_documents([tmp_path]))
    assert str(info.value) == f"{tmp_path}: no supported files (.txt, .html, .jsonl)"


def test_directory_is_sorted_recursive_and_skips_bad_files(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text(SEED_TEXT, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text(SEED_TEXT, encoding="utf-8")
    (tmp_path / "a.txt").write_bytes(SEED_TEXT.encode("cp1256"))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")  # unsupported extension: not read
    (tmp_path / ".hidden.txt").write_bytes(b"")  # hidden: not read
    (tmp_path / "references").mkdir()  # evaluation references: not articles
    (tmp_path / "references" / "a.jsonl").write_text('{"ar": "نص", "en": "text"}\n')
    stats = IngestStats()
    errors: list[InputError] = []
    docs = list(read_documents([tmp_path], on_error=errors.append, stats=stats))
    assert [d.source for d in docs] == [
        str(tmp_path / "a.txt"),
        str(tmp_path / "b.txt"),
        str(tmp_path / "sub" / "a.txt"),
    ]
    assert [str(e) for e in errors] == [f"{tmp_path / 'empty.txt'}: file is empty"]
    assert stats.summary() == "1 of 4 files skipped"


@pytest.mark.parametrize(
    ("files", "read"),
    [
        ({"a.jsonl": '{"ar": "نص", "en": "text"}\n'}, False),  # evaluation references
        ({"a.txt": SEED_TEXT}, True),  # articles that happen to sit in references/
        ({"a.jsonl": '{"id": "x", "text": "نص المقال الأول."}\n'}, True),  # JSONL articles
        ({"a.jsonl": '{"ar": "نص", "en": "text"}\n', "b.txt": SEED_TEXT}, True),
    ],
)
def test_only_a_references_folder_of_references_is_left_out(
    tmp_path: Path, files: dict[str, str], read: bool
) -> None:
    (tmp_path / "article.txt").write_text(SEED_TEXT, encoding="utf-8")
    (tmp_path / "references").mkdir()
    for name, text in files.items():
        (tmp_path / "references" / name).write_text(text, encoding="utf-8")
    found = [p.relative_to(tmp_path).as_posix() for p in iter_input_files(tmp_path)]
    inside = sorted(f"references/{n}" for n in files)
    assert found == (["article.txt", *inside] if read else ["article.txt"])


def test_jsonl_records_ids_and_bad_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {
                "id": "kz-1",
                "text": "نص المقال الأول.",
                "title": "عنوان",
                "url": "https://x.example/1",
                "date": "2022-01-06",
            },
            ensure_ascii=False,
        ),
        "",
        "{not json",
        json.dumps({"text": "نص المقال الثاني."}, ensure_ascii=False),
        json.dumps({"title": "بلا نص"}, ensure_ascii=False),
        json.dumps({"text": "English only."}),
        json.dumps(["a", "list"]),
        json.dumps({"id": 7, "text": "نص ثالث."}, ensure_ascii=False),
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    stats = IngestStats()
    errors: list[InputError] = []
    docs = list(read_documents([path], on_error=errors.append, stats=stats))
    assert [(d.doc_id, d.source, d.title, d.text) for d in docs] == [
        ("kz-1", f"{path}:1", "عنوان", "نص المقال الأول."),
        ("batch-4", f"{path}:4", None, "نص المقال الثاني."),
        ("7", f"{path}:8", None, "نص ثالث."),
    ]
    assert (docs[0].url, docs[0].date) == ("https://x.example/1", "2022-01-06")
    assert [str(e) for e in errors] == [
        f"{path}: line 3: invalid JSON",
        f'{path}: line 5: no "text" field',
        f"{path}: line 6: no Arabic text",
        f"{path}: line 7: not a JSON object",
    ]
    assert all(isinstance(e, RecordError) for e in errors)
    assert stats.summary() == "4 of 7 JSONL records skipped"


def test_jsonl_without_on_error_raises_at_the_first_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "b.jsonl"
    path.write_text('{"text": "نص."}\n{oops\n', encoding="utf-8")
    with pytest.raises(RecordError) as info:
        list(read_documents([path]))
    assert str(info.value) == f"{path}: line 2: invalid JSON"


HTML = """<html><head><meta charset="{charset}"><title>منظمة ترسل قوات | موقع الأخبار</title></head>
<body><nav><ul><li><a href="/">الرئيسية</a></li><li><a href="/world">العالم</a></li></ul></nav>
<article><h1>منظمة «معاهدة الأمن الجماعي» ترسل قوات حفظ سلام إلى كازخستان</h1>
<p>يستمر الوضع الأمني بالتوتر في كازاخستان، على خلفية مظاهرات وأحداث شغب وعنف واشتباكات مع قوات الشرطة.</p>
<p>وقالت وزارة الصحة الكازاخية إن هناك أكثر من 1000 شخص مصاب بينهم إصابات بليغة جراء أعمال الشغب.</p>
</article><footer>جميع الحقوق محفوظة 2022</footer></body></html>"""


@pytest.mark.parametrize(("charset", "codec"), [("utf-8", "utf-8"), ("windows-1256", "cp1256")])
def test_html_article_text_is_extracted(tmp_path: Path, charset: str, codec: str) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(HTML.format(charset=charset).encode(codec))
    doc = read_one(path)
    assert doc.doc_id == "page"  # type: ignore[attr-defined]
    assert doc.title == "منظمة «معاهدة الأمن الجماعي» ترسل قوات حفظ سلام إلى كازخستان"  # type: ignore[attr-defined]
    lines = doc.text.split("\n")  # type: ignore[attr-defined]
    assert lines[-2:] == [
        "يستمر الوضع الأمني بالتوتر في كازاخستان، على خلفية مظاهرات وأحداث شغب وعنف واشتباكات مع قوات الشرطة.",
        "وقالت وزارة الصحة الكازاخية إن هناك أكثر من 1000 شخص مصاب بينهم إصابات بليغة جراء أعمال الشغب.",
    ]
    assert "الرئيسية" not in doc.text  # type: ignore[attr-defined]


def test_html_without_article_text(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text("<html><body><p>Hello world</p></body></html>", encoding="utf-8")
    with pytest.raises(InputError) as info:
        list(read_documents([path]))
    assert str(info.value) == f"{path}: no Arabic text"


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SEED_TEXT.encode("utf-8"))))
    doc = read_one("-")
    assert (doc.doc_id, doc.source, doc.text) == ("stdin", "<stdin>", SEED_TEXT)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "file is empty"),
        (SEED_TEXT.encode("cp1256"), "not UTF-8 text (invalid byte at offset 0)"),
        (b"plain English", "no Arabic text"),
    ],
)
def test_stdin_errors(monkeypatch: pytest.MonkeyPatch, data: bytes, reason: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    with pytest.raises(InputError) as info:
        list(read_documents(["-"]))
    assert str(info.value) == f"<stdin>: {reason}"


def test_five_megabyte_single_line_file(tmp_path: Path) -> None:
    line = ("وقالت وزارة الصحة الكازاخية إن هناك أكثر من 1000 شخص مصاب " * 60000)[
        : 5 * 1024 * 1024 // 2
    ]
    path = tmp_path / "huge.txt"
    path.write_text(line, encoding="utf-8")
    doc = read_one(path)
    assert len(doc.text) == len(line)  # type: ignore[attr-defined]


def test_decode_bytes_prefers_arabic_code_page() -> None:
    text, encoding = decode_bytes("مرحبا بكم في كازاخستان".encode("cp1256"), "x")
    assert (text, encoding) == ("مرحبا بكم في كازاخستان", "cp1256")
