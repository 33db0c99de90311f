"""Date-aware glossary forms: ``periods`` in YAML, lint, TBX/CSV, and the form
each date requires (the shipped capital: Astana, Nur-Sultan from 2019-03-20 with
Astana still accepted until the amendment was signed on 2019-03-23, Astana again
from 2022-09-17), on both sides of each change and without a date; the older
names (Akmola, Tselinograd, Akmolinsk) are history, their own entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from kzparallel.errors import InputError
from kzparallel.glossary import Glossary, load_glossary
from kzparallel.glossary.enforce import enforce_pair
from kzparallel.glossary.formats import export_glossary, read_tbx
from kzparallel.glossary.io import dump_yaml, glossary_from_raw, parse_yaml_text
from kzparallel.glossary.lint import lint_text

CAPITAL_AR = "بما فيها العاصمة نور سلطان."
ASTANA_AR = "وصل الوفد إلى أستانا."
ASTANA_TA_AR = "وصل الوفد إلى أستانة."  # the spelling with ta marbuta

DATED = """\
name: dated
entries:
  - id: capital
    type: place
    ar: [نور سلطان, أستانا]
    en: Nur-Sultan
    forbidden: [Nursultan]
    periods:
      - {until: 2019-03-19, en: Astana}
      - {from: 2019-03-20, until: 2022-09-16, en: Nur-Sultan, also: [Nur Sultan city]}
      - {from: 2022-09-17, en: Astana, forbidden: [Astanah]}
"""


@pytest.fixture(scope="module")
def shipped() -> Glossary:
    return load_glossary()


@pytest.fixture(scope="module")
def dated() -> Glossary:
    return glossary_from_raw(parse_yaml_text(DATED, "dated.yaml"))


# (date, the form it requires); None: no date, the entry's own en
SIDES = [
    ("2019-03-19", "Astana"),
    ("2019-03-20", "Nur-Sultan"),
    ("2019-03-22", "Nur-Sultan"),
    ("2019-03-23", "Nur-Sultan"),
    ("2022-09-16", "Nur-Sultan"),
    ("2022-09-17", "Astana"),
    ("1997-12-10", "Astana"),
    ("2030-01-01", "Astana"),
    ("2022-01-11", "Nur-Sultan"),
    (None, "Nur-Sultan"),
]


# the shipped glossary's days from the vote (2019-03-20) to the signature (2019-03-23):
# Nur-Sultan is required and Astana, still the legal name, is accepted
TRANSITION = {"2019-03-20", "2019-03-22"}

SOURCES = [
    ("shipped", CAPITAL_AR),
    ("shipped", ASTANA_AR),
    ("shipped", ASTANA_TA_AR),
    ("dated", CAPITAL_AR),
    ("dated", ASTANA_AR),
]


@pytest.mark.parametrize(("which", "ar"), SOURCES, ids=[f"{w}-{a.split()[-1]}" for w, a in SOURCES])
@pytest.mark.parametrize(("day", "form"), SIDES, ids=[str(d) for d, _ in SIDES])
def test_the_date_chooses_the_form(
    shipped: Glossary, dated: Glossary, which: str, ar: str, day: str | None, form: str
) -> None:
    g = shipped if which == "shipped" else dated
    (m,) = g.find(ar, date=day)
    assert m.en == form
    hints = g.hints(ar, date=day)
    assert hints.prefer == [form]
    other = "Nur-Sultan" if form == "Astana" else "Astana"
    if which == "shipped" and day in TRANSITION:
        assert m.also == ("Astana",)
        assert other not in hints.forbid and other in hints.keep
    else:
        assert other in hints.forbid


@pytest.mark.parametrize(("day", "form"), SIDES, ids=[str(d) for d, _ in SIDES])
@pytest.mark.parametrize("written", ["Astana", "Nur-Sultan", "Akmola", "Tselinograd", "Nursultan"])
def test_the_other_periods_name_is_repaired(
    shipped: Glossary, day: str | None, form: str, written: str
) -> None:
    result = enforce_pair(CAPITAL_AR, f"including the capital {written}.", shipped, date=day)
    accepted = written == form or (day in TRANSITION and written == "Astana")
    assert result.en == f"including the capital {written if accepted else form}."
    assert result.violations == []
    layer = "decoder" if accepted else "repair"
    assert [(t["en"], t["ok"], t["layer"]) for t in result.terms] == [(form, True, layer)]


def test_a_periods_also_and_forbidden(dated: Glossary) -> None:
    r = enforce_pair(CAPITAL_AR, "the Nur Sultan city.", dated, date="2020-06-01")
    assert (r.en, r.violations) == ("the Nur Sultan city.", [])  # the period's also
    r = enforce_pair(CAPITAL_AR, "the Nur Sultan city.", dated, date="2023-06-01")
    assert r.en == "the Astana city."  # accepted only in its own period: Nur Sultan replaced
    r = enforce_pair(CAPITAL_AR, "in Astanah.", dated, date="2023-06-01")
    assert r.en == "in Astana."
    r = enforce_pair(CAPITAL_AR, "in Nursultan.", dated, date="2018-01-01")
    assert r.en == "in Astana."  # the entry's forbidden hold in every period


def test_views_are_shared_and_keep_the_hash(dated: Glossary) -> None:
    assert dated.on("2020-01-01") is dated.on("2021-05-05")
    assert dated.on("2020-01-01") is not dated.on("2023-01-01")
    assert dated.on(None).hash == dated.on("2023-01-01").hash == dated.hash
    assert dated.on("not a date") is dated.on(None)
    undated = glossary_from_raw(
        parse_yaml_text("entries: [{id: a, ar: [ألماتي], en: Almaty}]", "u")
    )
    assert undated.on("2020-01-01") is undated


def test_yaml_round_trip_keeps_the_periods(dated: Glossary, tmp_path: Path) -> None:
    again = glossary_from_raw(parse_yaml_text(dump_yaml(dated), "again.yaml"))
    assert again.to_dict() == dated.to_dict()
    assert again.hash == dated.hash
    assert dated.to_dict()["entries"][0]["periods"] == [
        {"until": "2019-03-19", "en": "Astana"},
        {
            "from": "2019-03-20",
            "until": "2022-09-16",
            "en": "Nur-Sultan",
            "also": ["Nur Sultan city"],
        },
        {"from": "2022-09-17", "en": "Astana", "forbidden": ["Astanah"]},
    ]


def test_tbx_carries_the_periods(dated: Glossary, tmp_path: Path) -> None:
    export_glossary(dated, tmp_path / "g.tbx")
    text = (tmp_path / "g.tbx").read_text(encoding="utf-8")
    assert "<note>period: ../2019-03-19</note>" in text
    assert "<note>period: 2022-09-17/..</note>" in text
    back = read_tbx(tmp_path / "g.tbx")
    assert [p.to_dict() for p in back.entries[0].periods] == [
        p.to_dict() for p in dated.entries[0].periods
    ]
    assert back.find(CAPITAL_AR, date="2023-01-01")[0].en == "Astana"


def test_tables_lose_the_periods(dated: Glossary, tmp_path: Path) -> None:
    """A CSV/TSV table holds pairs only: each Arabic variant with the undated form."""
    export_glossary(dated, tmp_path / "g.csv")
    assert (tmp_path / "g.csv").read_text(encoding="utf-8") == (
        "نور سلطان,Nur-Sultan\nأستانا,Nur-Sultan\n"
    )


def test_shipped_glossary_is_clean_and_dated(shipped: Glossary) -> None:
    entry = shipped["nur-sultan"]
    assert [(str(p.start), str(p.end), p.en, p.also) for p in entry.periods] == [
        ("None", "2019-03-19", "Astana", ()),
        ("2019-03-20", "2019-03-22", "Nur-Sultan", ("Astana",)),
        ("2019-03-23", "2022-09-16", "Nur-Sultan", ()),
        ("2022-09-17", "None", "Astana", ()),
    ]
    assert entry.en == "Nur-Sultan"  # no date: January 2022, like the seeds


# the older names tell history: their own entries, the same English on every day,
# and still forbidden where the Arabic names the capital
HISTORY = [
    ("وصل الوفد إلى أكمولا.", "akmola", "Akmola"),
    ("كانت المدينة تسمى تسيلينوغراد.", "tselinograd", "Tselinograd"),
    ("تأسست أكمولينسك في القرن التاسع عشر.", "akmolinsk", "Akmolinsk"),
]


HISTORY_DAYS = [(None, "Nur-Sultan"), ("2018-01-01", "Astana"), ("2020-06-01", "Nur-Sultan")]
HISTORY_DAYS += [("2023-06-01", "Astana")]


@pytest.mark.parametrize(("ar", "term", "en"), HISTORY, ids=[h[1] for h in HISTORY])
@pytest.mark.parametrize(("day", "capital"), HISTORY_DAYS, ids=[str(d) for d, _ in HISTORY_DAYS])
def test_older_names_are_history(
    shipped: Glossary, ar: str, term: str, en: str, day: str | None, capital: str
) -> None:
    (m,) = shipped.find(ar, date=day)
    assert (m.term, m.en) == (term, en)
    result = enforce_pair(ar, f"In {en}.", shipped, date=day)
    assert (result.en, result.violations) == (f"In {en}.", [])
    renamed = enforce_pair(CAPITAL_AR, f"including the capital {en}.", shipped, date=day)
    assert renamed.en == f"including the capital {capital}."


# -- load errors and lint --------------------------------------------------------------

BAD = [
    (
        "not a date",
        "      - {from: 2019-02-30, en: Nur-Sultan}\n",
        "'from: 2019-02-30' is not a date (YYYY-MM-DD)",
        "line 7: '2019-02-30' is not a date (YYYY-MM-DD)",
    ),
    (
        "ends before it starts",
        "      - {from: 2019-03-20, until: 2019-03-01, en: Nur-Sultan}\n",
        "period of 'c' ends (2019-03-01) before it starts (2019-03-20)",
        "line 7: period of 'c' ends before it starts",
    ),
    (
        "overlap",
        "      - {from: 2019-03-10, en: Nur-Sultan}\n",
        "periods of 'c' overlap (see line 6)",
        "line 7: periods of 'c' overlap (see line 6)",
    ),
    (
        "gap",
        "      - {from: 2019-04-01, en: Nur-Sultan}\n",
        "periods of 'c' leave a gap from 2019-03-19 to 2019-03-31 (see line 6)",
        None,
    ),
    (
        "en is the form of no period",
        "      - {from: 2019-03-20, en: Nursultan}\n",
        "'en' of 'c' ('Nur-Sultan') is the form of no period",
        None,
    ),
    (
        "a period without en",
        "      - {from: 2019-03-20}\n",
        "a period of 'c' has an empty 'en'",
        "line 7: a period of 'c' has no 'en'",
    ),
    (
        "unknown field",
        "      - {since: 2019-03-20, en: Nur-Sultan}\n",
        "unknown field 'since' in a period",
        "line 7: unknown field 'since' in a period",
    ),
]


def _with_period(second: str) -> str:
    return (
        "entries:\n"
        "  - id: c\n"
        "    ar: [نور سلطان]\n"
        "    en: Nur-Sultan\n"
        "    periods:\n"
        "      - {until: 2019-03-18, en: Astana}\n" + second
    )


@pytest.mark.parametrize(("second", "lint", "load"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_periods(second: str, lint: str, load: str | None) -> None:
    text = _with_period(second)
    problems = [p.message for p in lint_text(text, "g.yaml")]
    assert lint in problems
    if load is None:
        glossary_from_raw(parse_yaml_text(text, "g.yaml"))  # loads: only lint objects
    else:
        with pytest.raises(InputError) as exc:
            glossary_from_raw(parse_yaml_text(text, "g.yaml"))
        assert exc.value.reason == load


def test_unsorted_periods_are_a_lint_problem_and_load_sorted() -> None:
    text = (
        "entries:\n"
        "  - id: c\n"
        "    ar: [نور سلطان]\n"
        "    en: Nur-Sultan\n"
        "    periods:\n"
        "      - {from: 2019-03-20, en: Nur-Sultan}\n"
        "      - {until: 2019-03-19, en: Astana}\n"
    )
    assert [str(p) for p in lint_text(text, "g.yaml")] == [
        "g.yaml:7: periods of 'c' are not in time order (see line 6)"
    ]
    g = glossary_from_raw(parse_yaml_text(text, "g.yaml"))
    assert [p.en for p in g["c"].periods] == ["Astana", "Nur-Sultan"]


def test_the_shipped_glossary_lints_clean() -> None:
    from kzparallel.glossary.io import default_glossary_dir
    from kzparallel.glossary.lint import lint_file

    assert lint_file(default_glossary_dir() / "kazakhstan-2022.yaml") == []
