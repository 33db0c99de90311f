"""An article's date (JSONL ``date``, HTML ``<meta>``, the dateline, none) and
how it reaches the segments, the pairs, the decoder hints and the enforcement:
articles on both sides of each change of the capital's name, for each source."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kzparallel.dating import find_dates, parse_date
from kzparallel.glossary import load_glossary
from kzparallel.pairs_file import pair_line, pair_record
from kzparallel.provenance import Signature
from kzparallel.records import Pair, Segment
from kzparallel.stages import BuildContext, document_segments, make_pair, prepared_documents
from kzparallel.translation.base import DecodingConfig, Hypothesis, Translation
from kzparallel.translation.model import ModelRef

AR_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

WRITTEN = [
    # (text, the first date in it)
    ("( أردو بوینت نتورك ۔ / سبوتنيك - 11 كانون الثاني 2022ء) أعلن", "2022-01-11"),
    ("الذي تم اتخاذه يوم 6 يناير/كانون الثاني 2022، تم إرسال", "2022-01-06"),
    ("اليوم الخميس 6-1-2022، أنه تم", "2022-01-06"),
    ("موسكو - ١٩ آذار ٢٠١٩ (رويترز)", "2019-03-19"),
    ("القاهرة في 20 مارس 2019", "2019-03-20"),
    ("الجزائر 17 سبتمبر 2022", "2022-09-17"),
    ("تونس 16 جوان 2022", "2022-06-16"),
    ("الرباط 3 جانفي 2022", "2022-01-03"),
    ("بيروت، 16 أيلول 2022", "2022-09-16"),
    ("بغداد 1 تشرين الأول 2021", "2021-10-01"),
    ("بغداد 1 تشرين الثاني 2021", "2021-11-01"),
    ("في 5 من شهر أغسطس عام 2020", "2020-08-05"),
    ("نشر في 2022/09/17 الساعة 10:00", "2022-09-17"),
    ("١٧-٠٩-٢٠٢٢", "2022-09-17"),
    ("في 31 شباط 2022", None),  # no such day
    ("في 6 يناير", None),  # no year
    ("العام 2022 كان صعبا", None),
    ("مارس الضغط في 2022", None),  # مارس the verb, no day
]


@pytest.mark.parametrize(("text", "iso"), WRITTEN, ids=[w[1] or w[0][:12] for w in WRITTEN])
def test_dates_written_in_arabic(text: str, iso: str | None) -> None:
    found = find_dates(text)
    assert (found[0][1].isoformat() if found else None) == iso


METADATA = [
    ("2019-03-20", "2019-03-20"),
    ("2019-03-19T23:30:00-05:00", "2019-03-19"),  # the publisher's own day
    ("2022-09-17T01:00:00Z", "2022-09-17"),
    ("Tue, 11 Jan 2022 10:00:00 GMT", "2022-01-11"),
    ("11 January 2022", "2022-01-11"),
    ("17 septembre 2022", "2022-09-17"),
    ("11 كانون الثاني 2022", "2022-01-11"),
    ("٢٠ مارس ٢٠١٩", "2019-03-20"),
    ("yesterday-ish", None),
    ("", None),
]


@pytest.mark.parametrize(("value", "iso"), METADATA, ids=[m[0] or "empty" for m in METADATA])
def test_metadata_dates(value: str, iso: str | None) -> None:
    assert parse_date(value) == iso


# -- the four sources, on both sides of each change -----------------------------------

BODY = "قال مسؤول إن الوفد وصل إلى العاصمة نور سلطان لإجراء محادثات مع الحكومة."
FILLER = "وأضاف المسؤول أن المحادثات ستتناول الوضع الأمني والاقتصادي في البلاد خلال الأيام المقبلة."
SIDES = [
    ("2019-03-19", "Astana"),
    ("2019-03-20", "Nur-Sultan"),
    ("2022-09-16", "Nur-Sultan"),
    ("2022-09-17", "Astana"),
]
MONTHS = {3: "آذار", 9: "أيلول"}  # Levantine names in the datelines
EGYPTIAN = {3: "مارس", 9: "سبتمبر"}


def _html(iso: str, meta: str) -> str:
    tags = {
        "article": f'<meta property="article:published_time" content="{iso}T09:00:00+06:00">',
        "og": f'<meta property="og:published_time" content="{iso}">',
        "itemprop": f'<meta itemprop="datePublished" content="{iso}">',
    }[meta]
    paragraphs = "".join(
        f"<p>{t}</p>" for t in (BODY, FILLER, FILLER.replace("الأيام", "الأسابيع"))
    )
    return (
        f"<html><head><title>خبر عن العاصمة</title>{tags}</head>"
        f"<body><article><h1>خبر عن العاصمة</h1>{paragraphs}</article></body></html>"
    )


def _dateline(iso: str, names: dict[int, str], digits: bool) -> str:
    y, m, d = (int(x) for x in iso.split("-"))
    when = f"{d} {names[m]} {y}"
    if digits:
        when = when.translate(AR_INDIC)
    return f"خبر عن العاصمة\n\n(أستانا - {when}) {BODY}\n\n{FILLER}\n"


def _articles(tmp: Path) -> dict[str, tuple[str | None, str]]:
    """Articles for every source and side: doc_id -> (date it must get, source)."""
    expected: dict[str, tuple[str | None, str]] = {}
    records = []
    for i, (iso, _) in enumerate(SIDES):
        records.append({"id": f"jsonl-{iso}", "title": "خبر", "text": BODY, "date": iso})
        expected[f"jsonl-{iso}"] = (iso, "jsonl")
        meta = ("article", "og", "itemprop")[i % 3]
        (tmp / f"html-{iso}.html").write_text(_html(iso, meta), encoding="utf-8")
        expected[f"html-{iso}"] = (iso, "html")
        names = MONTHS if i % 2 else EGYPTIAN
        (tmp / f"dateline-{iso}.txt").write_text(_dateline(iso, names, i == 0), encoding="utf-8")
        expected[f"dateline-{iso}"] = (iso, "dateline")
    records.append({"id": "jsonl-undated", "title": "خبر", "text": BODY})
    expected["jsonl-undated"] = (None, "")
    records.append({"id": "jsonl-bad-date", "title": "خبر", "text": BODY, "date": "soon"})
    expected["jsonl-bad-date"] = (None, "")
    (tmp / "records.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    (tmp / "undated.txt").write_text(f"خبر عن العاصمة\n\n{BODY}\n\n{FILLER}\n", encoding="utf-8")
    expected["undated"] = (None, "")
    return expected


@pytest.fixture(scope="module")
def articles(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, dict[str, tuple[str | None, str]]]:
    d = tmp_path_factory.mktemp("dated-articles")
    return d, _articles(d)


def _form(iso: str | None) -> str:
    return dict(SIDES).get(iso or "", "Nur-Sultan") if iso else "Nur-Sultan"


def test_every_source_dates_the_document_and_its_segments(
    articles: tuple[Path, dict[str, tuple[str | None, str]]],
) -> None:
    folder, expected = articles
    seen = {}
    for doc in prepared_documents([folder]):
        segs = document_segments(doc)
        assert {s.date for s in segs} == {doc.date}
        seen[doc.doc_id] = (doc.date, doc.meta.get("date_source", ""))
        if doc.doc_id == "jsonl-bad-date":
            assert doc.meta["date_raw"] == "soon"
    assert seen == expected


def _ctx() -> BuildContext:
    g = load_glossary()
    ref = ModelRef("test", "0" * 12, Path("."))
    return BuildContext(ref, "test", DecodingConfig(), Signature("test", "0", "test"), g, g.hash)


def test_hints_and_enforcement_follow_the_date(
    articles: tuple[Path, dict[str, tuple[str | None, str]]],
) -> None:
    """Each article's capital comes out as the name of its day: the decoder is
    told that form, and a translation with the other name is repaired."""
    folder, expected = articles
    ctx = _ctx()
    checked = set()
    for doc in prepared_documents([folder]):
        form = _form(doc.date)
        other = "Nur-Sultan" if form == "Astana" else "Astana"
        for seg in document_segments(doc):
            if "نور سلطان" not in seg.text:
                continue
            hints = ctx.hints(seg)
            assert hints is not None and form in hints.prefer and other in hints.forbid
            tr = Translation([Hypothesis(f"The delegation reached the capital {other}.", -1.0)])
            pair = make_pair(seg, tr, False, ctx)
            assert pair.en == f"The delegation reached the capital {form}."
            assert pair.date == doc.date
            terms = [t for t in pair.terms if t["term"] == "nur-sultan"]  # نور سلطان, أستانا
            assert {(t["en"], t["ok"], t["layer"]) for t in terms} == {(form, True, "repair")}
            checked.add(doc.doc_id)
    assert checked == set(expected)


def test_pairs_jsonl_carries_the_date_only_when_known() -> None:
    seg = Segment("d", 1, 0, "نص", 0, 3, date="2022-01-11")
    dated = Pair.from_segment(seg, en="text")
    assert pair_record(dated)["date"] == "2022-01-11"
    undated = Pair.from_segment(Segment("d", 1, 0, "نص", 0, 3), en="text")
    assert "date" not in pair_record(undated)
    # a pairs.jsonl line written before dates existed reads as an undated pair
    old = json.loads(pair_line(undated))
    assert Pair.from_dict(old).date is None
    assert Pair.from_dict(json.loads(pair_line(dated))).date == "2022-01-11"


def test_the_seeds_are_dated_and_keep_nur_sultan(seeds_dir: Path) -> None:
    """The seeds are from January 2022: Nur-Sultan, dated or not."""
    g = load_glossary()
    dates = {}
    for doc in prepared_documents([seeds_dir]):
        dates[doc.doc_id] = (doc.date, doc.meta.get("date_source"))
        for seg in document_segments(doc):
            for m in g.find(seg.text, date=seg.date):
                if m.term == "nur-sultan":
                    assert m.en == "Nur-Sultan"
    assert dates == {
        "000_2c12d225e0c03558": (None, None),
        "001_091792376c92b7db": ("2022-01-11", "dateline"),
        "002_0f918022c33d9c19": (None, None),
        "003_a7048d873e8d821e": (None, None),
        "004_4496b14b8fd8a434": ("2022-01-06", "dateline"),
    }


@pytest.mark.slow
def test_a_build_enforces_the_form_of_each_articles_day(
    articles: tuple[Path, dict[str, tuple[str | None, str]]],
    tiny_model: Path,
    tmp_path: Path,
) -> None:
    """End to end with the random-weight model: pairs.jsonl records each
    document's date, and the capital's mention requires the name of that day."""
    from kzparallel.builder import BuildSettings, build

    folder, expected = articles
    settings = BuildSettings(
        model=str(tiny_model),
        backend="transformers",
        beam=1,
        max_new_tokens=4,
        cache_dir=str(tmp_path / "cache"),
    )
    build([folder], tmp_path / "out", settings)
    pairs = [json.loads(x) for x in (tmp_path / "out" / "pairs.jsonl").read_text().splitlines()]
    found = {}
    for p in pairs:
        assert p.get("date") == expected[p["doc_id"]][0]
        for t in p["terms"]:
            if t["term"] == "nur-sultan":
                found[p["doc_id"]] = t["en"]
    assert found == {doc: _form(iso) for doc, (iso, _) in expected.items()}


DATELINES = [
    # (article text, the date it gets)
    ("خبر عن العاصمة\n\nآخر تحديث: 17 أيلول 2022\n\n" + BODY + "\n", "2022-09-17"),
    ("خبر عن العاصمة\n\nموسكو - 20 مارس 2019 (رويترز) - " + BODY + "\n", "2019-03-20"),
    ("خبر عن العاصمة\n\n" + BODY + "\n\n(سبوتنيك - 16 أيلول 2022) " + FILLER + "\n", "2022-09-16"),
    # a date further into a paragraph is an event's, not the article's
    ("خبر عن العاصمة\n\n" + BODY + " " + FILLER + " وذكر بأحداث 16 كانون الأول 1986.\n", None),
    # ... unless the article gives it as today's
    (
        "خبر عن العاصمة\n\n" + BODY + "\n\n" + FILLER + "\n\nوقال اليوم الجمعة 16-9-2022 إن\n",
        "2022-09-16",
    ),
    # the third paragraph is no dateline
    ("خبر\n\n" + BODY + "\n\n" + FILLER + "\n\n(سبوتنيك - 16 أيلول 2022) " + FILLER + "\n", None),
]


@pytest.mark.parametrize(
    ("text", "iso"), DATELINES, ids=[str(d[1]) + f"-{i}" for i, d in enumerate(DATELINES)]
)
def test_the_dateline(tmp_path: Path, text: str, iso: str | None) -> None:
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (doc,) = prepared_documents([tmp_path / "a.txt"])
    assert doc.date == iso
    assert doc.meta.get("date_source") == ("dateline" if iso else None)
