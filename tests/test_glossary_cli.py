"""``kzparallel glossary find|check|fix|lint|import|export``: exact output and exit codes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from kzparallel.glossary import load_glossary
from kzparallel.glossary.io import dump_yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "glossary"
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


# -- find ------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_find_on_the_seeds(cli, seed: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli("glossary", "find", str(seed))
    assert (code, err) == (0, "")
    rows = [json.loads(line) for line in out.splitlines()]
    with open(DATA / f"{seed.stem}.mentions.tsv", encoding="utf-8") as fh:
        expected = [r for r in csv.reader(fh, delimiter="\t") if r and not r[0].startswith("#")]
    assert [
        [str(r[k]) for k in ("para", "sent", "start", "end", "surface", "term", "en")] for r in rows
    ] == expected
    assert all(
        list(r) == ["doc_id", "para", "sent", "start", "end", "surface", "term", "en"] for r in rows
    )
    assert {r["doc_id"] for r in rows} == {seed.stem}
    # para/sent/start/end address the sentences exactly as `segment --format json` prints them
    code, out, _ = cli("segment", "--format", "json", str(seed))
    sentences = {(s["para"], s["sent"]): s["text"] for s in map(json.loads, out.splitlines())}
    for r in rows:
        assert sentences[(r["para"], r["sent"])][r["start"] : r["end"]] == r["surface"]


def test_find_no_clean_from_stdin(cli) -> None:  # type: ignore[no-untyped-def]
    stdin = "مقدمة بلا أسماء\nوحذر توكايف. ثم وصل إلى ألماتي\n".encode()
    code, out, err = cli("glossary", "find", "--no-clean", "-", stdin=stdin)
    assert (code, err) == (0, "")
    assert out == (
        '{"doc_id": "stdin", "para": 1, "sent": 0, "start": 5, "end": 11, "surface": "توكايف", '
        '"term": "tokayev", "en": "Tokayev"}\n'
        '{"doc_id": "stdin", "para": 1, "sent": 1, "start": 11, "end": 17, "surface": "ألماتي", '
        '"term": "almaty", "en": "Almaty"}\n'
    )


def test_find_says_which_spelling_a_variant_is(cli) -> None:  # type: ignore[no-untyped-def]
    # a spelling the shipped glossary does not list (it lists توقاييف since it grew)
    code, out, err = cli("glossary", "find", "--no-clean", "-", stdin="وحذر توغاييف\n".encode())
    assert (code, err) == (0, "")
    assert out == (
        '{"doc_id": "stdin", "para": 0, "sent": 0, "start": 5, "end": 12, "surface": "توغاييف", '
        '"term": "tokayev", "en": "Tokayev", '
        '"match": "variant of توكاييف: توغاييف for توكاييف (غ for ك)"}\n'
    )


def test_find_with_another_glossary(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    g = tmp_path / "g.csv"
    g.write_text("ألماتي,Almaty City\n", encoding="utf-8")
    code, out, _ = cli(
        "glossary", "find", "--no-clean", "--glossary", str(g), "-", stdin="إلى ألماتي\n".encode()
    )
    assert code == 0
    assert json.loads(out)["en"] == "Almaty City"


def test_find_missing_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli("glossary", "find", str(tmp_path / "none.txt"))
    assert (code, out) == (1, "")
    assert err == f"error: {tmp_path / 'none.txt'}: no such file or directory\n"


# -- check / fix ----------------------------------------------------------------------------

PAIRS = [
    {
        "id": "p1",
        "ar": "وحذر توكايف من أن السلطات",
        "en": "Tokaev warned that the authorities",
        "src": "x",
    },
    {"id": "p2", "ar": "نيد برايس", "en": "Ned Price said the price rose"},
    {"id": "p3", "ar": "جوزيب بوريل", "en": "The EU foreign policy chief"},
    {"id": "p4", "ar": "لا شيء", "en": "Nothing, Alma-Ata aside"},
]


def _write(tmp_path: Path, rows: list[object], extra: str = "") -> Path:
    p = tmp_path / "pairs.jsonl"
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows) + extra
    p.write_text(text, encoding="utf-8")
    return p


def test_fix(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p = _write(tmp_path, PAIRS)
    code, out, err = cli("glossary", "fix", str(p))
    assert code == 0
    assert err == "4 pairs, 1 fixed, 1 still with violations\n"
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in rows] == ["p1", "p2", "p3", "p4"]
    assert list(rows[0]) == ["id", "ar", "en", "src", "en_original", "terms", "violations"]
    assert rows[0]["en"] == "Tokayev warned that the authorities"
    assert rows[0]["en_original"] == "Tokaev warned that the authorities"
    assert rows[0]["src"] == "x"
    assert rows[0]["terms"][0]["layer"] == "repair"
    assert rows[1]["en"] == PAIRS[1]["en"]  # already right: unchanged
    assert rows[1]["violations"] == []
    assert rows[2]["en"] == PAIRS[2]["en"]
    assert rows[2]["violations"] == ["borrell: missing 'Josep Borrell' for 'جوزيب بوريل'"]
    assert rows[3] == {**PAIRS[3], "en_original": PAIRS[3]["en"], "terms": [], "violations": []}


def test_fix_keeps_correct_lines_byte_identical(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    en = "Protests spread to Almaty,  Kazakhstan's largest city\u00a0(AP)"
    p = _write(tmp_path, [{"ar": "ألما آتا، أكبر مدينة في كازاخستان", "en": en}])
    code, out, _ = cli("glossary", "fix", str(p))
    assert code == 0
    assert json.loads(out)["en"] == en


def test_check_exits_1_and_changes_nothing(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p = _write(tmp_path, PAIRS)
    code, out, err = cli("glossary", "check", str(p), "--out", str(tmp_path / "checked.jsonl"))
    assert (code, out) == (1, "")
    assert err == "4 pairs, 2 with violations\n"
    rows = [
        json.loads(x) for x in (tmp_path / "checked.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert [r["en"] for r in rows] == [r["en"] for r in PAIRS]
    assert rows[0]["violations"] == [
        "tokayev: missing 'Tokayev' for 'توكايف'",
        "tokayev: forbidden variant 'Tokaev' in the English",
    ]


def test_check_clean_file_exits_0(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p = _write(tmp_path, [PAIRS[1], PAIRS[3]])
    code, _out, err = cli("glossary", "check", str(p))
    assert (code, err) == (0, "2 pairs, 0 with violations\n")


def test_fix_output_can_be_checked_again(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p = _write(tmp_path, PAIRS[:2])
    cli("glossary", "fix", str(p), "--out", str(tmp_path / "fixed.jsonl"))
    code, out, _ = cli("glossary", "check", str(tmp_path / "fixed.jsonl"))
    assert code == 0
    rows = [json.loads(x) for x in out.splitlines()]
    assert rows[0]["en_original"] == "Tokaev warned that the authorities"  # the first original kept


def test_malformed_lines_are_reported_and_skipped(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p = _write(tmp_path, [PAIRS[1], [1, 2], {"ar": "x"}, {"ar": "x", "en": 3}], extra="{oops\n\n")
    with open(p, "ab") as fh:
        fh.write(b'{"ar": "\xff", "en": "x"}\n')
    code, out, err = cli("glossary", "fix", str(p))
    assert code == 3
    assert len(out.splitlines()) == 1
    assert err.splitlines() == [
        f"warning: skipped {p}:2: expected a JSON object with 'ar' and 'en'",
        f"warning: skipped {p}:3: 'en' is missing",
        f"warning: skipped {p}:4: 'en' is not a string",
        f"warning: skipped {p}:5: not valid JSON (Expecting property name enclosed in double quotes at column 2)",
        f"warning: skipped {p}:7: not valid UTF-8",
        "1 pairs, 0 fixed, 0 still with violations, 5 of 6 lines skipped",
    ]


def test_fix_from_stdin(cli) -> None:  # type: ignore[no-untyped-def]
    stdin = (json.dumps(PAIRS[0], ensure_ascii=False) + "\n").encode()
    code, out, _ = cli("glossary", "fix", "-", stdin=stdin)
    assert code == 0
    assert json.loads(out)["en"] == "Tokayev warned that the authorities"


# -- lint / import / export ---------------------------------------------------------------


def test_lint_shipped_and_bad(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("glossary", "lint") == (0, "", "ok: 1 file(s), no problems\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "entries:\n  - {id: a, ar: [ألماتي], en: Almaty}\n  - {id: b, ar: [الماتي], en: Alma}\n",
        encoding="utf-8",
    )
    code, out, err = cli("glossary", "lint", str(bad))
    assert code == 1
    assert out == f"{bad}:3: Arabic 'الماتي' maps to 'Alma' here and to 'Almaty' at line 2 ('a')\n"
    assert err == "warning: 1 problem in 1 file(s)\n"


def test_export_import_round_trip(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    tbx = tmp_path / "g.tbx"
    code, out, err = cli("glossary", "export", str(tbx))
    n = len(load_glossary())
    assert (code, out, err) == (0, "", f"wrote {tbx} ({n} entries)\n")
    code, out, _ = cli("glossary", "import", str(tbx))
    assert code == 0
    assert out == dump_yaml(load_glossary())
    csv_path = tmp_path / "g.csv"
    assert cli("glossary", "export", str(csv_path), "--shape", "terminology")[0] == 0
    assert csv_path.read_text(encoding="utf-8").splitlines()[:2] == [
        "ar,en",
        "قاسم جومارت توكايف,Kassym-Jomart Tokayev",
    ]
    yml = tmp_path / "g.yaml"
    code, out, err = cli("glossary", "import", str(csv_path), "--out", str(yml))
    assert (code, out, err) == (0, "", f"wrote {yml} ({len(load_glossary(yml))} entries)\n")
    assert load_glossary(tmp_path / "g.yaml").find("ألماتي")[0].en == "Almaty"


def test_export_bad_shape(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = cli("glossary", "export", str(tmp_path / "g.csv"), "--shape", "excel")
    assert code == 2
    assert "Invalid value for --shape: one of deepl, terminology" in err
