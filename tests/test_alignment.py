"""The aligner's parts without a model: English cleaning and segmentation, the
similarity pieces, the banded dynamic programming, the link scorer, and
``kzparallel align``'s errors for bad input."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sacrebleu.metrics import CHRF

from kzparallel.alignment.dp import ALL_KINDS, align_banded, best_path, diagonal_band
from kzparallel.alignment.english import clean_english, segment_english_text
from kzparallel.alignment.english_rules import RULES, line_rule
from kzparallel.alignment.scoring import score_alignments
from kzparallel.alignment.similarity import Scorer, chrf, length_agreement
from kzparallel.arabic import written_numbers
from kzparallel.records import Document

Run = Callable[..., tuple[int, str, str]]
SEED = Path(__file__).resolve().parent.parent / "seeds" / "001_091792376c92b7db.txt"


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("Home | World | Asia | Kazakhstan", "navigation"),
        ("Share this article", "navigation"),
        ("Facebook Twitter WhatsApp", "navigation"),
        ("Follow us on Telegram", "navigation"),
        ("Photo: Reuters", "photo-credit"),
        ("AP Photo/Vladimir Tretyakov", "photo-credit"),
        ("Troops at Almaty airport (Reuters)", "photo-credit"),
        ("Kazakh troops / Evan Vucci / AP", "photo-credit"),
        ("@FahadShabbir", "social-handle"),
        ("https://www.youtube.com/watch?v=abc", "url"),
        ("(More)", "marker"),
        ("(Continued)", "marker"),
        ("• 31", "counter"),
        ("كازاخستان تطلب المساعدة", "non-latin"),
        ("Source: agencies", "source-credit"),
        ("(Reporting by Olzhas Auyezov; Editing by Alex Richardson)", "source-credit"),
        ("Updated: January 6, 2022 10:50 GMT", "timestamp"),
        ("6 January 2022", "timestamp"),
        ("© 2022 Reuters. All rights reserved.", "footer"),
        ("Sign up for our newsletter", "footer"),
        ("By Olzhas Auyezov", "byline"),
        ("#Kazakhstan #Russia", "tags"),
        ("Tags: Kazakhstan, CSTO, Russia", "tags"),
        ("Kazakhstan's president asked a Russia-led alliance for help.", None),
        ("European Union", None),
        ("By the end of the week, calm had returned to Almaty.", None),
    ],
)
def test_english_line_rules(line: str, rule: str | None) -> None:
    found = line_rule(line)
    assert (found[0] if found else None) == rule
    assert rule is None or rule in RULES


ARTICLE = """Home | World | Asia
Kazakhstan asks Russia-led bloc for help as unrest spreads
By Olzhas Auyezov
Updated: January 6, 2022 10:50 GMT
Kazakhstan's president asked a Russia-led military alliance for help on Wednesday.
Photo: Reuters
Share this article
Security forces fought protesters in Almaty, the largest city.
Comments
Read more: Russia sends troops to Kazakhstan
(Reporting by Olzhas Auyezov; Editing by Alex Richardson)
© 2022 Reuters. All rights reserved.
"""


def test_clean_english_article() -> None:
    doc = clean_english(Document(doc_id="x", source="x", text=ARTICLE))
    assert doc.title == "Kazakhstan asks Russia-led bloc for help as unrest spreads"
    assert doc.paragraphs == [
        "Kazakhstan's president asked a Russia-led military alliance for help on Wednesday.",
        "Security forces fought protesters in Almaty, the largest city.",
    ]
    assert [(d.line, d.rule) for d in doc.decisions] == [
        (1, "navigation"),
        (3, "byline"),
        (4, "timestamp"),
        (6, "photo-credit"),
        (7, "navigation"),
        (9, "comments"),
        (10, "related-label"),
        (11, "source-credit"),
        (12, "footer"),
    ]
    assert {d.rule for d in doc.decisions} <= set(RULES)
    assert doc.meta == {
        "byline": "Olzhas Auyezov",
        "source_credit": "Reporting by Olzhas Auyezov; Editing by Alex Richardson",
    }


def test_english_segmentation_is_pysbd_with_offsets() -> None:
    text = (
        'Mr. Tokayev said on Jan. 7 that the U.S. had asked for "clarity. We are watching." '
        "Troops arrived at 9.30 a.m. in Almaty. Did they?"
    )
    segs = segment_english_text(text, "d", 3)
    assert [(s.text, s.start, s.end, s.para, s.sent) for s in segs] == [
        (
            'Mr. Tokayev said on Jan. 7 that the U.S. had asked for "clarity. We are watching."',
            0,
            82,
            3,
            0,
        ),
        ("Troops arrived at 9.30 a.m. in Almaty.", 83, 121, 3, 1),
        ("Did they?", 122, 131, 3, 2),
    ]
    assert all(text[s.start : s.end] == s.text for s in segs)
    title = segment_english_text("Unrest in Kazakhstan. What we know", is_title=True)
    assert [s.text for s in title] == ["Unrest in Kazakhstan. What we know"]


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("في 11 كانون الثاني 2022ء", {"11", "2022"}),
        ("قتل ٢٢٥ شخصا", {"225"}),
        ("1,200 people and 3.5% of 2,000", {"1200", "3.5", "2000"}),
        ("on January 11, 2022.", {"11", "2022"}),
        ("no numbers", set()),
    ],
)
def test_numbers(text: str, numbers: set[str]) -> None:
    assert written_numbers(text) == numbers


@pytest.mark.parametrize(
    ("hyp", "ref"),
    [
        ("The president said on Tuesday.", "The president said on Tuesday."),
        ("Tokayev asked the CSTO for help.", "President Tokayev asked the alliance for help."),
        ("Troops arrived in Almaty.", "Protests spread to the west of the country."),
        ("a", "completely different"),
    ],
)
def test_chrf_is_sacrebleus(hyp: str, ref: str) -> None:
    """chrF from the cached n-gram counts equals sacrebleu's sentence chrF (β = 1)."""
    scorer = Scorer([hyp], [ref], mt=[hyp], method="mt")
    expected = CHRF(beta=1).sentence_score(hyp, [ref]).score / 100
    assert math.isclose(chrf(scorer._src[(0, 1)], scorer._tgt[(0, 1)]), expected, abs_tol=1e-9)


def test_length_agreement() -> None:
    assert length_agreement(100, 122, 1.22, 3.6) == pytest.approx(1.0)
    shorter = [length_agreement(100, k, 1.22, 3.6) for k in (122, 100, 60, 30)]
    assert shorter == sorted(shorter, reverse=True) and shorter[-1] < 0.2


def _table_gain(table: dict[tuple[int, int, int, int], float]) -> Callable[..., float]:
    def gain(i: int, a: int, j: int, b: int) -> float:
        if not a or not b:
            return 0.0
        return table.get((i, a, j, b), -1.0)

    return gain


@pytest.mark.parametrize(
    ("n", "m", "good", "links"),
    [
        (3, 3, [(0, 1, 0, 1), (1, 1, 1, 1), (2, 1, 2, 1)], None),
        (3, 2, [(0, 1, 0, 1), (1, 2, 1, 1)], None),
        (2, 3, [(0, 1, 0, 2), (1, 1, 2, 1)], None),
        (4, 2, [(0, 3, 0, 1), (3, 1, 1, 1)], None),
        (2, 4, [(0, 1, 0, 3), (1, 1, 3, 1)], None),
        (3, 3, [(0, 2, 0, 2), (2, 1, 2, 1)], None),
        (3, 2, [(0, 1, 0, 1), (2, 1, 1, 1)], [(0, 1, 0, 1), (1, 1, 1, 0), (2, 1, 1, 1)]),
        (2, 3, [(0, 1, 0, 1), (1, 1, 2, 1)], [(0, 1, 0, 1), (1, 0, 1, 1), (1, 1, 2, 1)]),
    ],
)
def test_dp_finds_each_link_kind(
    n: int, m: int, good: list[tuple[int, int, int, int]], links: list | None
) -> None:
    gain = _table_gain({g: 1.0 for g in good})
    assert align_banded(n, m, gain) == (links or good)
    assert best_path(n, m, gain, diagonal_band(n, m, 5), ALL_KINDS) == (links or good)


def test_dp_band_is_near_linear() -> None:
    """A 600-sentence diagonal: only cells near the diagonal are asked for."""
    asked: set[tuple[int, int]] = set()

    def gain(i: int, a: int, j: int, b: int) -> float:
        asked.add((i, j))
        return 1.0 if (a, b) == (1, 1) and i == j else -1.0

    links = align_banded(600, 600, gain)
    assert links == [(i, 1, i, 1) for i in range(600)]
    assert max(abs(i - j) for i, j in asked) <= 600 // 8 + 3
    assert len(asked) < 600 * (2 * (600 // 8) + 8)


def test_scoring_strict_and_lax() -> None:
    gold = [([0], [0]), ([1, 2], [1]), ([3], []), ([], [2])]
    test = [([0], [0]), ([1], [1]), ([2], []), ([3], []), ([], [2])]
    s = score_alignments([(gold, test)])
    # precision over all 5 test links: 3 exact ([0]-[0], [3]-[], []-[2]); lax adds [1]-[1]
    assert (s.precision, s.lax_precision) == (3 / 5, 4 / 5)
    # recall over the gold links without 1-0/0-1: [0]-[0] exact, [1,2]-[1] only lax
    assert (s.recall, s.lax_recall) == (1 / 2, 1.0)
    assert s.f1 == pytest.approx(2 * 0.6 * 0.5 / 1.1)


@pytest.mark.parametrize(
    ("ar", "en", "message"),
    [
        (None, None, "error: {en}: not English text (99 % of its letters are Arabic)"),
        (None, "", "error: {en}: file is empty"),
        (
            None,
            "Le président du Kazakhstan a demandé l'aide de la Russie mercredi soir.",
            "error: {en}: not English text (py3langid says 'fr')",
        ),
        (None, "missing", "error: {en}: no such file or directory"),
        (None, b"\x00\x01\x02binary\x00", "error: {en}: binary file (not text)"),
        ("", "Kazakhstan asked for help.", "error: {ar}: file is empty"),
        ("Kazakhstan asked for help.", "Kazakhstan asked for help.", "error: {ar}: no Arabic text"),
    ],
)
def test_bad_input_is_one_line(
    cli: Run, tmp_path: Path, ar: str | None, en: str | bytes | None, message: str
) -> None:
    ar_path, en_path = SEED, SEED
    if ar is not None:
        ar_path = tmp_path / "ar.txt"
        ar_path.write_text(ar, encoding="utf-8")
    if en == "missing":
        en_path = tmp_path / "missing.txt"
    elif isinstance(en, bytes):
        en_path = tmp_path / "en.txt"
        en_path.write_bytes(en)
    elif en is not None:
        en_path = tmp_path / "en.txt"
        en_path.write_text(en, encoding="utf-8")
    code, out, err = cli("align", str(ar_path), str(en_path), "--model", str(tmp_path / "none"))
    assert (code, out) == (1, "")
    assert err == message.format(ar=ar_path, en=en_path) + "\n"


def test_document_pairing_by_name_and_date() -> None:
    from kzparallel.alignment.pairing import Candidate, name_key, pair_documents

    assert [name_key(n) for n in ("001.ar", "story_en", "x-eng", "plain")] == [
        "001",
        "story",
        "x",
        "plain",
    ]
    same = "Kazakhstan asked the CSTO for help as protests spread to Almaty."
    arabic = [
        Candidate("a1", "001.ar", "anything at all"),
        Candidate("a2", "a2", same, date="2022-01-06"),
    ]
    english = [
        Candidate("e1", "001.en", "something else"),
        Candidate("e2", "e2", same, date="2022-03-01"),  # too far apart
    ]
    result = pair_documents(arabic, english)
    assert [(p.arabic, p.english, p.how, p.score) for p in result.pairs] == [
        ("a1", "e1", "name", 1.0)
    ]
    assert (result.unmatched_arabic, result.unmatched_english) == (["a2"], ["e2"])


def _all_paths(n: int, m: int) -> list[list[tuple[int, int, int, int]]]:
    """Every sequence of links covering n Arabic and m English sentences in order."""
    if n == 0 and m == 0:
        return [[]]
    out = []
    for a, b in ALL_KINDS:
        if a <= n and b <= m:
            out += [[*rest, (n - a, a, m - b, b)] for rest in _all_paths(n - a, m - b)]
    return out


@given(
    n=st.integers(0, 4),
    m=st.integers(0, 4),
    values=st.lists(st.floats(-1, 1, allow_nan=False), min_size=200, max_size=200),
)
@settings(max_examples=60, deadline=None)
def test_dp_is_optimal_and_covers_both_documents(n: int, m: int, values: list[float]) -> None:
    """The dynamic programming over the whole table finds the best total (checked
    against every possible path); the banded aligner's links cover both documents
    once, in order."""

    def gain(i: int, a: int, j: int, b: int) -> float:
        if not a or not b:
            return 0.0
        return values[(i * 7 + a * 3 + j * 11 + b * 5) % len(values)]

    def total(path: list[tuple[int, int, int, int]]) -> float:
        return sum(gain(*link) for link in path)

    links = align_banded(n, m, gain)
    assert [i for i, a, _, _ in links for i in range(i, i + a)] == list(range(n))
    assert [j for _, _, j, b in links for j in range(j, j + b)] == list(range(m))
    if n and m:
        full = best_path(n, m, gain, diagonal_band(n, m, max(n, m)), ALL_KINDS)
        assert total(full) == pytest.approx(max(total(p) for p in _all_paths(n, m)))


def test_read_english_jsonl_and_html(tmp_path: Path) -> None:
    from kzparallel.alignment.english import prepared_english

    jsonl = tmp_path / "story.jsonl"
    jsonl.write_text(
        '{"id": "s1", "title": "Troops arrive in Almaty", "date": "2022-01-07", '
        '"text": "Russian troops arrived in Almaty on Friday. Calm returned."}\n',
        encoding="utf-8",
    )
    [(doc, segs)] = prepared_english(jsonl)
    assert (doc.doc_id, doc.date, doc.title) == ("s1", "2022-01-07", "Troops arrive in Almaty")
    assert [s.text for s in segs] == [
        "Troops arrive in Almaty",
        "Russian troops arrived in Almaty on Friday.",
        "Calm returned.",
    ]
    html = tmp_path / "story.html"
    html.write_text(
        "<html><head><title>Troops arrive in Almaty</title></head><body><article>"
        "<h1>Troops arrive in Almaty</h1><p>Russian troops arrived in Almaty on Friday, "
        "the defence ministry in Moscow said in a statement.</p>"
        "<p>Calm returned to the streets of the city after a week of unrest.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    [(doc, segs)] = prepared_english(html)
    assert [s.text for s in segs] == [
        "Troops arrive in Almaty",
        "Russian troops arrived in Almaty on Friday, the defence ministry in Moscow said in a "
        "statement.",
        "Calm returned to the streets of the city after a week of unrest.",
    ]
