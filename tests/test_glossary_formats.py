"""Glossary files: YAML load/save, the default glossary, CSV/TSV (DeepL,
Google/Amazon) and TBX round trips, TBX v2 reading, bad files, and lint."""

from __future__ import annotations

from pathlib import Path

import pytest

from kzparallel.errors import InputError
from kzparallel.glossary import Entry, Form, Glossary, load_glossary
from kzparallel.glossary import io as gio
from kzparallel.glossary.formats import export_glossary, export_table, read_tbx, write_tbx
from kzparallel.glossary.lint import lint_file, lint_text

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "glossary"
SHIPPED = ROOT / "glossary" / "kazakhstan-2022.yaml"

SENTENCES = [
    "وانتشرت المظاهرات في ألما آتا، أكبر مدينة في كازاخستان",
    "أعلن رئيس كازاخستان، قاسم جومارت توكايف، إقالة الحكومة",
    "وأردف برايس أن الولايات المتحدة مستعدة",
    "منظمة «معاهدة الأمن الجماعي» ترسل قوات حفظ سلام إلى كازخستان",
    "وأشار مراسل الميادين في موسكو",
]


@pytest.fixture(scope="module")
def shipped() -> Glossary:
    return load_glossary()


def _pairs(g: Glossary, text: str) -> list[tuple[str, str]]:
    return [(m.surface, m.en) for m in g.find(text)]


# -- YAML and the default ---------------------------------------------------------------


def test_default_glossary_is_the_shipped_file(shipped: Glossary) -> None:
    assert shipped.path == str(SHIPPED)  # the only .yaml in glossary/
    assert (shipped.name, shipped.version) == ("kazakhstan", "2025.1")
    assert len(shipped.hash) == 12
    assert shipped.hash == load_glossary(SHIPPED).hash
    assert lint_file(SHIPPED) == []


def test_default_prefers_the_packaged_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In an installed wheel the glossary lives in kzparallel/data/glossary."""
    pkg = tmp_path / "kzparallel"
    (pkg / "data" / "glossary").mkdir(parents=True)
    (pkg / "data" / "glossary" / "x.yaml").write_text(
        "entries:\n  - {id: x, type: place, ar: [ألماتي], en: Almaty}\n", encoding="utf-8"
    )
    monkeypatch.setattr(gio.resources, "files", lambda name: pkg)
    g = load_glossary()
    assert g.path == str(pkg / "data" / "glossary" / "x.yaml")
    assert [e.id for e in g.entries] == ["x"]


def test_yaml_round_trip(shipped: Glossary, tmp_path: Path) -> None:
    gio.save_yaml(shipped, tmp_path / "g.yaml")
    again = load_glossary(tmp_path / "g.yaml")
    assert again.to_dict() == shipped.to_dict()
    assert again.hash == shipped.hash


def test_hash_ignores_comments_and_layout(tmp_path: Path) -> None:
    a = tmp_path / "a.yaml"
    b = tmp_path / "b.yaml"
    a.write_text("entries:\n  - {id: x, ar: [ألماتي], en: Almaty}\n", encoding="utf-8")
    b.write_text("# note\nentries:\n- id: x\n  ar:\n  - ألماتي\n  en: Almaty\n", encoding="utf-8")
    assert load_glossary(a).hash == load_glossary(b).hash


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("entries:\n  - {id: x, ar: [ألماتي]}\n", "line 2: entry 'x' has no 'en'"),
        ("entries:\n  - {ar: [ألماتي], en: Almaty}\n", "line 2: entry has no 'id'"),
        (
            "entries:\n  - id: x\n    type: city\n    ar: [ألماتي]\n    en: Almaty\n",
            "line 3: entry 'x' has unknown type 'city' (one of person, place, org, acronym, other)",
        ),
        (
            "entries:\n  - {id: x, ar: [أ], en: A}\n  - {id: x, ar: [ب], en: B}\n",
            "line 3: duplicate entry id 'x' (first at line 2)",
        ),
        (
            "entries:\n  - {id: x, ar: [أ], en: A, colour: red}\n",
            "line 2: unknown field 'colour' in an entry",
        ),
        (
            "entries: [\n",
            "line 2: not valid YAML (expected the node content, but found '<stream end>')",
        ),
    ],
)
def test_bad_yaml_glossary(tmp_path: Path, content: str, message: str) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_glossary(p)
    assert exc.value.message == f"{p}: {message}"


def test_missing_and_unknown_files(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        load_glossary(tmp_path / "nope.yaml")
    assert exc.value.message == f"{tmp_path / 'nope.yaml'}: no such file"
    (tmp_path / "g.docx").write_bytes(b"x")
    with pytest.raises(InputError) as exc:
        load_glossary(tmp_path / "g.docx")
    assert exc.value.message.endswith(
        "unknown glossary format '.docx' (use .yaml, .csv, .tsv or .tbx)"
    )


# -- tables ----------------------------------------------------------------------------


def test_deepl_and_terminology_shapes(shipped: Glossary) -> None:
    deepl = export_table(shipped, "deepl").splitlines()
    assert deepl[:2] == [
        "قاسم جومارت توكايف,Kassym-Jomart Tokayev",
        "قاسم جومارت توكاييف,Kassym-Jomart Tokayev",
    ]
    # one row per Arabic variant: the entry's own, then each form's, in glossary order
    tokayev = shipped["tokayev"]
    rows = [f"{ar},{f.en}" for f in tokayev.all_forms() for ar in f.ar]
    assert rows[len(tokayev.ar) : len(tokayev.ar) + 2] == ["توكايف,Tokayev", "توكاييف,Tokayev"]
    assert deepl[: len(rows)] == rows
    terminology = export_table(shipped, "terminology", "\t").splitlines()
    assert terminology[:2] == ["ar\ten", "قاسم جومارت توكايف\tKassym-Jomart Tokayev"]
    assert (
        len(deepl)
        == len(terminology) - 1
        == sum(len(f.ar) for e in shipped.entries for f in e.all_forms())
    )


@pytest.mark.parametrize("shape", ["deepl", "terminology"])
@pytest.mark.parametrize("ext", ["csv", "tsv"])
def test_table_round_trip(shipped: Glossary, tmp_path: Path, shape: str, ext: str) -> None:
    first = tmp_path / f"a.{ext}"
    export_glossary(shipped, first, shape)
    imported = load_glossary(first)
    second = tmp_path / f"b.{ext}"
    export_glossary(imported, second, shape)
    assert second.read_bytes() == first.read_bytes()
    # the imported glossary requires the same English (tables carry no adjective rule,
    # so the sentence with none is compared)
    for text in SENTENCES:
        assert _pairs(imported, text) == _pairs(shipped, text)


def test_table_with_quotes_and_commas(tmp_path: Path) -> None:
    g = Glossary([Entry("x", "org", ('منظمة "أ"، ب',), 'The "A, B" group')])
    export_glossary(g, tmp_path / "q.csv")
    assert (tmp_path / "q.csv").read_text(
        encoding="utf-8"
    ) == '"منظمة ""أ""، ب","The ""A, B"" group"\n'
    assert load_glossary(tmp_path / "q.csv").entries[0].ar == ('منظمة "أ"، ب',)


def test_deepl_four_columns(tmp_path: Path) -> None:
    p = tmp_path / "d.csv"
    p.write_text("ألماتي,Almaty,ar,en\nألما آتا,Almaty,ar,en\n", encoding="utf-8")
    (e,) = load_glossary(p).entries
    assert (e.id, e.ar, e.en) == ("almaty", ("ألماتي", "ألما آتا"), "Almaty")
    p.write_text("ألماتي,Almaty,en,ar\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_glossary(p)
    assert exc.value.message == f"{p}: line 1: languages en→ar, expected ar→en"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("en,fr\nA,B\n", "line 1: the header must name the columns 'ar' and 'en'"),
        ("ar,en\nألماتي\n", "line 2: expected an Arabic and an English column"),
        ("ألماتي,\n", "line 1: empty term"),
    ],
)
def test_bad_tables(tmp_path: Path, content: str, message: str) -> None:
    p = tmp_path / "t.csv"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_glossary(p)
    assert exc.value.message == f"{p}: {message}"


def test_table_not_utf8(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_bytes("ألماتي,Almaty\n".encode() + "ألما آتا,Almaty\n".encode("cp1256"))
    with pytest.raises(InputError) as exc:
        load_glossary(p)
    assert exc.value.message == f"{p}: line 2: not valid UTF-8 (byte 0xc3)"


# -- TBX ----------------------------------------------------------------------------------


def test_tbx_round_trip_is_lossless(shipped: Glossary, tmp_path: Path) -> None:
    export_glossary(shipped, tmp_path / "g.tbx")
    again = load_glossary(tmp_path / "g.tbx")
    assert again.to_dict() == shipped.to_dict()
    assert again.hash == shipped.hash


def test_tbx_basic_structure() -> None:
    g = Glossary(
        [
            Entry(
                "almaty",
                "place",
                ("ألماتي",),
                "Almaty",
                (),
                ("Alma-Ata",),
                (Form("adjective", ("ألماتي",), "Almaty"),),
                "Largest city.",
            )
        ],
        version="1",
        name="t",
    )
    assert write_tbx(g).decode() == (DATA / "almaty.tbx").read_text(encoding="utf-8")


def test_tbx_v2_martif() -> None:
    g = read_tbx(DATA / "martif-v2.tbx")
    assert g.name == "Names from a TBX v2 tool"
    almaty, csto = g.entries
    assert almaty == Entry(
        "c1",
        "place",
        ("ألماتي", "ألما آتا"),
        "Almaty",
        (),
        ("Alma-Ata",),
        (),
        "Largest city of Kazakhstan.",
    )
    assert (csto.id, csto.type, csto.ar, csto.en, csto.also) == (
        "c2",
        "other",  # "politics" is not one of our types
        ("منظمة معاهدة الأمن الجماعي",),
        "Collective Security Treaty Organization",
        ("Collective Security Treaty Organisation",),
    )
    assert csto.forms == (Form("acronym", ("CSTO",), "CSTO"),)
    assert _pairs(g, "في ألما آتا وقالت (CSTO)") == [("ألما آتا", "Almaty"), ("CSTO", "CSTO")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("<tbx><text>", "line 1: not valid XML (Premature end of data in tag text line 1)"),
        ("<glossary/>", "not a TBX file (root element <glossary>)"),
        (
            '<martif><text><body><termEntry id="z"><langSet xml:lang="ar"><tig><term>س</term></tig>'
            "</langSet></termEntry></body></text></martif>",
            "entry 'z' has no English term",
        ),
    ],
)
def test_bad_tbx(tmp_path: Path, content: str, message: str) -> None:
    p = tmp_path / "bad.tbx"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_glossary(p)
    assert exc.value.message == f"{p}: {message}"


# -- lint --------------------------------------------------------------------------------

LINT = """\
name: t
entries:
  - id: almaty
    type: place
    ar: [ألماتي, ألما آتا, آلماتي]
    en: Almaty
    forbidden: [Alma-Ata, Almaty, Alma-Ata]
  - id: almaty
    type: city
    ar: [الماتى]
    en: Alma Ata
  - id: empty
    ar: []
    en: ""
    forms:
      surname: {ar: [""], en: ""}
  - id: bad
    ar: [Ø§Ù„Ù…Ø§ØªÙŠ, ب\ufffd]
    en: Bad
    colour: red
"""


def test_lint_reports_each_problem_with_its_line(tmp_path: Path) -> None:
    p = tmp_path / "g.yaml"
    p.write_text(LINT, encoding="utf-8")
    assert [str(x) for x in lint_file(p)] == [
        f"{p}:5: duplicate Arabic variant 'آلماتي' (also at line 5)",
        f"{p}:7: 'Almaty' is the required form and also listed in 'forbidden'",
        f"{p}:7: duplicate English variant 'Alma-Ata' (also at line 7)",
        f"{p}:8: duplicate entry id 'almaty' (first at line 3)",
        f"{p}:9: unknown type 'city' (one of person, place, org, acronym, other)",
        f"{p}:10: Arabic 'الماتى' maps to 'Alma Ata' here and to 'Almaty' at line 5 ('almaty')",
        f"{p}:13: entry of 'empty' has no Arabic variants",
        f"{p}:14: entry of 'empty' has an empty 'en'",
        f"{p}:16: form 'surname' of 'empty' has an empty 'en'",
        f"{p}:16: empty Arabic variant in form 'surname' of 'empty'",
        f"{p}:18: replacement character U+FFFD (text was mis-decoded)",
        f"{p}:18: mis-decoded UTF-8 ('Ø§…'): re-save the file as UTF-8",
        f"{p}:20: unknown field 'colour' in an entry",
    ]


def test_lint_bad_bytes_and_syntax(tmp_path: Path) -> None:
    p = tmp_path / "g.yaml"
    p.write_bytes(b"entries:\n  - id: x\n    en: \xe9t\xe9\n")
    assert [str(x) for x in lint_file(p)] == [f"{p}:3: not valid UTF-8 (byte 0xe9)"]
    assert [str(x) for x in lint_text("entries:\n  - id: [x\n", "g.yaml")] == [
        "g.yaml:3: not valid YAML (expected ',' or ']', but got '<stream end>')"
    ]
    assert [str(x) for x in lint_text("entries:\n  - {id: x, ar: [\x07], en: A}\n", "g.yaml")] == [
        "g.yaml:2: control character U+0007",
        "g.yaml:2: not valid YAML (character U+0007 is not allowed)",
    ]


@pytest.mark.parametrize(
    ("second", "problems"),
    [
        ("أوبك+", []),  # the matcher requires the sign: another name
        ("أوبك#", []),
        ("أوبك", ["duplicate Arabic variant 'أوبك' (also at line 3)"]),
        ("اوبك", ["duplicate Arabic variant 'اوبك' (also at line 3)"]),  # one after normalising
    ],
)
def test_lint_tells_a_name_with_a_sign_from_the_name(
    tmp_path: Path, second: str, problems: list[str]
) -> None:
    p = tmp_path / "g.yaml"
    p.write_text(
        "entries:\n  - id: opec\n    ar: [أوبك]\n    en: OPEC\n"
        f"  - id: other\n    ar: [{second}]\n    en: OPEC\n",
        encoding="utf-8",
    )
    got = [str(x).removeprefix(f"{p}:") for x in lint_file(p)]
    assert got == [f"6: {m}" for m in problems]
