"""Partly parallel English versions (no model): the gold set of
:mod:`kzparallel.testing.partial_bitext` and its Gale–Church baseline."""

from __future__ import annotations

import contextlib
import io
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

# the gold set is made of the demo corpus, whose names are this glossary's
from kzparallel.demo.corpus import DEMO_GLOSSARY, Example, generate_corpus
from kzparallel.demo.templates import Use
from kzparallel.testing.bitext import GoldDocument
from kzparallel.testing.partial_bitext import (
    RATIO_RANGE,
    condensed,
    galechurch_links,
    length_ratio,
    partial_documents,
)


def _uses(*used: str) -> tuple[Use, ...]:
    return tuple(Use(f"k{i}", "", "name", "", u, u) for i, u in enumerate(used))


@pytest.mark.parametrize(
    ("template", "en", "uses", "short"),
    [
        # the title before the name is dropped ({P1.title} {P1} -> {P1})
        ("emergency", "Tajik President Emomali Rahmon declared a state of emergency in Taraz.",
         ("Tajik", "Emomali Rahmon", "Taraz"), "Emomali Rahmon declared an emergency in Taraz."),
        # "the" kept where the condensed sentence has {the L1}, capitalised for {The L1}
        ("spokesman-worry", "A spokesman for the CSTO said the situation in the West Bank was "
         "worrying.", ("CSTO", "West Bank"), "The CSTO is worried about the West Bank."),
        # and dropped where it has {L1}: "the Kazakh" stays "Kazakh" after "The"
        ("delegation", "The Kazakh delegation arrived in the United States on an official visit.",
         ("Kazakh", "United States"), "The Kazakh delegation visited the United States."),
        # a [his|her:P1] choice in the reference parses either way
        ("wrote", "Tsikhanouskaya wrote on her Telegram account that dialogue was the only way "
         "forward.", ("Tsikhanouskaya", "Telegram"),
         "Tsikhanouskaya wrote on Telegram that only dialogue would work."),
        # a name the example does not use: the reference does not parse
        ("visit", "Volodin will visit Aktau next week.", ("Volodin", "Atyrau"), None),
        # no condensed rendering for the template
        ("bare-person", "Karim Massimov", ("Karim Massimov",), None),
    ],
)  # fmt: skip
def test_condensed_english(
    template: str, en: str, uses: tuple[str, ...], short: str | None
) -> None:
    assert condensed(Example("", en, template, _uses(*uses))) == short


@pytest.fixture(scope="module")
def partial() -> list[GoldDocument]:
    return partial_documents(generate_corpus().heldout)


def test_partial_gold_set(partial: list[GoldDocument]) -> None:
    """12 documents (check_gold passed for each), every one 0.45–0.7 English
    characters per Arabic one, with every kind of omission and addition."""
    assert [d.name for d in partial] == [f"part{k:02d}" for k in range(12)]
    assert all(RATIO_RANGE[0] <= length_ratio(d) <= RATIO_RANGE[1] for d in partial)
    kinds: Counter[str] = Counter()
    done: Counter[str] = Counter()
    for doc in partial:
        kinds.update(doc.kinds())
        done.update(doc.perturbations)
    assert dict(kinds) == {"1-1": 119, "1-0": 90, "0-1": 19, "2-1": 18}
    assert dict(done) == {
        "terse": 6,
        "selective": 6,
        "quotation": 21,
        "attribution": 24,
        "background-paragraph": 12,
        "condensed": 54,
        "merged": 18,
        "sentence-dropped": 21,
        "note-added": 19,
    }
    # the English leaves out about half of the Arabic sentences
    arabic = sum(len(a) for d in partial for a, _ in d.links)
    english = sum(len(d.en_sentences) for d in partial)
    assert (arabic, english) == (245, 156)


@pytest.mark.parametrize(
    ("arabic", "english", "ratio", "links"),
    [
        # the document's own ratio (100 / 160 characters) gives three 1-1 links; the
        # corpus-wide 1.22 joins the first two sentences of each side
        ((40, 40, 80), (10, 40, 50), None, [([0], [0]), ([1], [1]), ([2], [2])]),
        ((40, 40, 80), (10, 40, 50), 1.22, [([0, 1], [0, 1]), ([2], [2])]),
        ((40, 40), (), None, [([0], []), ([1], [])]),
        ((), (30,), None, [([], [0])]),
    ],
)
def test_galechurch_with_the_documents_ratio(
    arabic: tuple[int, ...], english: tuple[int, ...], ratio: float | None, links: list
) -> None:
    ar = ["x" * n for n in arabic]
    en = ["y" * n for n in english]
    assert galechurch_links(ar, en, ratio) == links


@pytest.fixture(scope="module")
def partial_build(
    partial: list[GoldDocument], tiny_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """``build --english`` of two partly parallel documents with the random model
    (its MT gets no weight: the links come from length, numbers and names)."""
    from kzparallel.cli import main

    root = tmp_path_factory.mktemp("partial-build")
    for doc in partial[:2]:
        doc.write(root / "gold")
        (root / "ar").mkdir(exist_ok=True)
        (root / "en").mkdir(exist_ok=True)
        (root / "ar" / f"{doc.name}.ar.txt").write_text(doc.arabic, encoding="utf-8")
        (root / "en" / f"{doc.name}.en.txt").write_text(doc.english, encoding="utf-8")
    quiet = contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO())
    with quiet[0], quiet[1], contextlib.suppress(SystemExit):  # a split left empty: exit 2
        main(["build", str(root / "ar"), "--english", str(root / "en"),
              "--out", str(root / "out"), "--model", str(tiny_model),
              "--cache-dir", str(root / "cache"), "--glossary", str(DEMO_GLOSSARY)])  # fmt: skip
    return root / "out"


def test_build_records_each_documents_alignment(partial_build: Path) -> None:
    """links.jsonl and the manifest's documents carry what ``align_pair`` measured
    on the document (the same sentences and MT give the same summary)."""
    from kzparallel.alignment.align import align_pair
    from kzparallel.alignment.links import read_links
    from kzparallel.glossary import load_glossary

    glossary = load_glossary(DEMO_GLOSSARY)  # the build's

    manifest = json.loads((partial_build / "manifest.json").read_text())
    recorded = {d["doc_id"]: d.get("alignment") for d in manifest["documents"]}
    links = read_links(partial_build)
    assert sorted(recorded) == sorted(links) == ["part00.ar", "part01.ar"]
    for doc_id, doc in links.items():
        ar, mt, dates = [p.ar for p in doc.ar], [p.en for p in doc.ar], [p.date for p in doc.ar]
        again = align_pair(ar, doc.en, mt, glossary, dates=dates)
        expected = {"english": doc_id.replace(".ar", ".en"), **again.summary()}
        assert recorded[doc_id] == doc.alignment == expected
        assert [(a, e) for a, e in doc.links] == [(k.ar_sents, k.en_sents) for k in again.links]
    # part00 (a terse translator) gets its own ratio; part01 (a selective one, what it
    # keeps translated in full) keeps the corpus-wide model
    models = [recorded[d]["length_model"] for d in sorted(recorded)]
    assert models == [
        {"ratio": 1.045, "variance": 3.6, "source": "document",
         "reason": "fitted on 8 confident anchors", "anchors": 8, "fitted": 1.045},
        {"ratio": 1.22, "variance": 3.6, "source": "corpus",
         "reason": "fitted ratio 1.25 within 10% of 1.22", "anchors": 10, "fitted": 1.2457},
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("lengths", "ratio", "source", "reason"),
    [
        # three anchors are too few to measure anything
        ([(100, 70)] * 3, 1.22, "corpus", "3 confident anchor(s), fewer than 4"),
        # 1.30, shrunk to 1.28, is within 10 % of 1.22: the corpus-wide figures
        ([(100, 130)] * 6, 1.22, "corpus", "fitted ratio 1.28 within 10% of 1.22"),
        # six anchors at 0.7, shrunk by two pseudo-anchors at 1.22: 0.7^(6/8) × 1.22^(2/8)
        ([(100, 70)] * 6, 0.7**0.75 * 1.22**0.25, "document", "fitted on 6 confident anchors"),
        # the median: two wild anchors do not move it
        ([(100, 70)] * 5 + [(100, 300), (10, 200)], 0.7 ** (7 / 9) * 1.22 ** (2 / 9),
         "document", "fitted on 7 confident anchors"),
    ],
)  # fmt: skip
def test_fit_length_model(
    lengths: list[tuple[int, int]], ratio: float, source: str, reason: str
) -> None:
    from kzparallel.alignment.length_model import fit_length_model

    model = fit_length_model(lengths)
    assert (model.ratio, model.source, model.reason) == (pytest.approx(ratio), source, reason)
    assert model.variance == 3.6  # never below the corpus's s²
    assert model.anchors == len(lengths)


def test_fit_length_model_variance() -> None:
    """Anchors that spread more than the corpus's s² raise it (median δ² / 0.455,
    shrunk like the ratio)."""
    from kzparallel.alignment.length_model import fit_length_model, gale_church_delta

    lengths = [(100, 40), (100, 100), (100, 70), (100, 30), (100, 110), (100, 70)]
    model = fit_length_model(lengths)
    squares = sorted(gale_church_delta(a, e, model.ratio, 1.0) ** 2 for a, e in lengths)
    measured = (squares[2] + squares[3]) / 2 / 0.4549
    assert model.variance == pytest.approx(measured**0.75 * 3.6**0.25)
    assert model.variance > 3.6


def test_confident_anchors() -> None:
    """The best path of the evidence alone: a 2-1 link where the English merges two
    sentences (its evidence is higher than either half's), a 1-1 link below the
    minimum left out, a sentence without evidence skipped, crossing pairs never."""
    from kzparallel.alignment.length_model import confident_anchors

    table = {
        (0, 1, 0, 1): 1.0,
        (1, 1, 1, 1): 0.67,  # half of the merged sentence
        (2, 1, 1, 1): 0.67,
        (1, 2, 1, 1): 1.0,
        (3, 1, 2, 1): 0.5,  # below the minimum
        (4, 1, 3, 1): None,  # no numbers, no names
        (5, 1, 4, 1): 0.8,
        (5, 1, 0, 1): 0.9,  # far from the diagonal, crossing
    }

    def evidence(i: int, a: int, j: int, b: int) -> float | None:
        return table.get((i, a, j, b), 0.0)

    assert confident_anchors(6, 5, 2, evidence) == [(0, 1, 0, 1), (1, 2, 1, 1), (5, 1, 4, 1)]
    assert confident_anchors(0, 5, 2, evidence) == []


# Arabic with an English version that leaves out two short quotations and a passage
# of three sentences (my own sentences; the names are glossary entries)
PAIRS = [
    ("التقى توكاييف بوتين في موسكو.", "Tokayev met Putin in Moscow on Monday."),
    ("ودعت الأمم المتحدة إلى ضبط النفس.", "The United Nations called for restraint."),
    ("وأرسلت روسيا مظليين إلى نور سلطان.", "Russia sent paratroopers to Nur-Sultan."),
    ("وقال بلينكن إن واشنطن تراقب الوضع.", "Blinken said Washington was watching the situation."),
    ("وصلت القوات إلى ألماتي يوم 6 يناير.", "The troops reached Almaty on January 6."),
]
QUOTE, QUOTE2 = "وأضاف: «لن نتراجع».", "وتابع: «الوضع صعب»."
PASSAGE = [
    "وقال أحد السكان لمراسل الوكالة: «لم نر شيئا كهذا من قبل، والناس خائفون من الخروج».",
    "ونقلت صحيفة محلية عن مصدر مطلع على المحادثات أن الاجتماع استمر ساعتين كاملتين.",
    "وكانت البلاد قد شهدت احتجاجات مماثلة قبل عشر سنوات في مدن الغرب.",
]
ARABIC = [PAIRS[0][0], QUOTE, PAIRS[1][0], *PASSAGE, PAIRS[2][0], PAIRS[3][0], QUOTE2, PAIRS[4][0]]
ENGLISH = [en for _, en in PAIRS]
GOLD = [([0], [0]), ([1], []), ([2], [1]), ([3], []), ([4], []), ([5], []), ([6], [2]),
        ([7], [3]), ([8], []), ([9], [4])]  # fmt: skip


def test_arabic_only_passages_stay_one_sided() -> None:
    """Half of the Arabic has no English: with the document's costs each sentence
    left out is a 1-0 link and its neighbours keep their links; with the gold
    sets' costs (a 1-0 link earns nothing) the short quotations join the next and
    the previous link. The passage of three is reported as a long run."""
    from kzparallel.alignment.align import AlignParams, align_pair
    from kzparallel.glossary import load_glossary

    glossary = load_glossary(DEMO_GLOSSARY)
    found = align_pair(ARABIC, ENGLISH, None, glossary, AlignParams(method="anchors"))
    assert [(k.ar_sents, k.en_sents) for k in found.links] == GOLD
    assert found.summary()["long_runs"] == [{"side": "ar", "start": 3, "sentences": 3}]
    assert found.costs.arabic_only > 0 and found.costs.english_only == 0
    gold_costs = AlignParams(method="anchors", fit_costs=False)
    fixed = align_pair(ARABIC, ENGLISH, None, glossary, gold_costs)
    wrong = [(k.ar_sents, k.en_sents) for k in fixed.links if (k.ar_sents, k.en_sents) not in GOLD]
    assert wrong == [([0, 1], [0]), ([7, 8], [3])]


@pytest.mark.parametrize(
    ("arabic", "english", "ratio", "costs"),
    [
        # a close translation: the gold sets' costs
        (1000, 1220, 1.22, (0.0, 0.0, 0.0, 0.0, "at most 15% of either side without a counterpart")),
        (1000, 1100, 1.22, (0.0, 0.0, 0.0984, 0.0, "at most 15% of either side without a counterpart")),
        # half of the Arabic without English: 0.06 × (logit(0.5) − logit(0.15))
        (1000, 500, 1.0, (0.1041, 0.0, 0.5, 0.0, "about 50% of the Arabic without a counterpart")),
        # the English twice what the Arabic gives: half of it without Arabic
        (1000, 2000, 1.0, (0.0, 0.1041, 0.0, 0.5, "about 50% of the English without a counterpart")),
        # the share is capped at 0.9
        (1000, 10, 1.0, (0.2359, 0.0, 0.99, 0.0, "about 99% of the Arabic without a counterpart")),
        (0, 100, 1.22, (0.0, 0.0, 0.0, 0.0, "one side is empty")),
    ],
)  # fmt: skip
def test_link_costs_from_the_totals(
    arabic: int, english: int, ratio: float, costs: tuple[float, float, float, float, str]
) -> None:
    from kzparallel.alignment.link_costs import estimate_link_costs

    found = estimate_link_costs(arabic, english, ratio).to_dict()
    keys = ("arabic_only", "english_only", "ar_share", "en_share", "reason")
    assert tuple(found[k] for k in keys) == costs


@pytest.mark.parametrize(
    ("links", "runs"),
    [
        ([([0], [0]), ([1], []), ([2], []), ([3], []), ([4], [1])], [("ar", 1, 3)]),
        ([([0], []), ([1], []), ([], [0]), ([2], []), ([3], [1])], [("ar", 0, 3)]),
        ([([0], [0]), ([], [1]), ([], [2]), ([1], [3]), ([], [4]), ([], [5]), ([], [6])],
         [("en", 4, 3)]),
        ([([0], []), ([1], []), ([2], [0])], []),
        ([([0, 1], [0]), ([2], []), ([3], []), ([4], [])], [("ar", 2, 3)]),
    ],
)  # fmt: skip
def test_long_runs(links: list[tuple[list[int], list[int]]], runs: list[tuple]) -> None:
    from kzparallel.alignment.parallelism import long_runs
    from kzparallel.records import Link

    found = long_runs([Link("", "", a, e, f"{len(a)}-{len(e)}", 0.0) for a, e in links])
    assert [(r.side, r.start, r.sentences) for r in found] == runs


def test_build_reports_parallelism(partial_build: Path) -> None:
    """Both documents are flagged partial in the manifest and the report (about half
    of their Arabic has no English); the report lists the least parallel first."""
    manifest = json.loads((partial_build / "manifest.json").read_text())
    scores = {d["doc_id"]: d["alignment"]["parallelism"] for d in manifest["documents"]}
    assert scores == {
        "part00.ar": {"ar_covered": 0.6045, "en_covered": 1.0, "mean_link_score": 0.8749,
                      "score": 0.6045, "partial": True},
        "part01.ar": {"ar_covered": 0.5058, "en_covered": 1.0, "mean_link_score": 0.964,
                      "score": 0.5058, "partial": True},
    }  # fmt: skip
    report = (partial_build / "report.html").read_text()
    assert (
        "Aligned document pairs: 2, of which 2 partial translation(s) (less than 70 % of one "
        "side in two-sided links). Least parallel first:" in report
    )
    rows = re.findall(r"<tr><td>(part\d\d\.ar)</td><td>part\d\d\.en</td>", report)
    assert rows == ["part01.ar", "part00.ar"]
    assert '<td class="num">51 %</td><td class="num">100 %</td><td class="num">0.96</td>' in report


@pytest.mark.parametrize(
    ("links", "arabic", "english", "expected"),
    [
        # all linked: 1.0 on both sides
        ([([0], [0]), ([1, 2], [1])], (10, 20, 30), (40, 20), (1.0, 1.0, 0.9, 1.0, False)),
        # the Arabic's 20-character sentence without English: 40 of 60 Arabic characters
        ([([0], [0]), ([1], []), ([2], [1])], (10, 20, 30), (40, 20), (0.6667, 1.0, 0.9, 0.6667, True)),
        # an English note of its own: 60 of 70 English characters
        ([([0], [0]), ([], [1])], (50,), (60, 10), (1.0, 0.8571, 0.9, 0.8571, False)),
        # nothing two-sided
        ([([0], []), ([], [0])], (50,), (60,), (0.0, 0.0, 0.0, 0.0, True)),
        # one side empty: the other is not covered at all
        ([([0], [])], (50,), (), (0.0, 1.0, 0.0, 0.0, True)),
    ],
)  # fmt: skip
def test_parallelism_score(
    links: list[tuple[list[int], list[int]]],
    arabic: tuple[int, ...],
    english: tuple[int, ...],
    expected: tuple[float, float, float, float, bool],
) -> None:
    from kzparallel.alignment.parallelism import measure_parallelism
    from kzparallel.records import Link

    found = measure_parallelism(
        [Link("", "", a, e, f"{len(a)}-{len(e)}", 0.9 if a and e else 0.5) for a, e in links],
        ["x" * n for n in arabic],
        ["y" * n for n in english],
    ).to_dict()
    keys = ("ar_covered", "en_covered", "mean_link_score", "score", "partial")
    assert tuple(found[k] for k in keys) == expected


LONG_SENTENCE = "وقال المتحدث " + "إن الوضع في المدينة هادئ، " * 57 + "والناس عادوا إلى أعمالهم."


@pytest.mark.parametrize(
    ("arabic", "english"),
    [
        ([LONG_SENTENCE], ["The spokesman said the city was calm."]),  # one 1,500-character sentence
        ([LONG_SENTENCE], ["The city was calm."] * 5),
        ([], ["One sentence.", "Another one."]),  # one side empty
        (["جملة واحدة.", "جملة أخرى."], []),
        ([], []),
        (["جملة قصيرة."], [f"Sentence number {k}." for k in range(300)]),  # 1 against 300
        ([f"الجملة رقم {k}." for k in range(300)], ["One sentence."]),
    ],
)  # fmt: skip
@pytest.mark.parametrize("method", ["anchors", "length", "full"])
def test_every_input_gets_a_complete_alignment(
    arabic: list[str], english: list[str], method: str
) -> None:
    from kzparallel.alignment.align import AlignParams, align_pair

    mt = [f"machine translation {k}" for k in range(len(arabic))]
    found = align_pair(arabic, english, mt, None, AlignParams(method=method))
    assert [i for k in found.links for i in k.ar_sents] == list(range(len(arabic)))
    assert [j for k in found.links for j in k.en_sents] == list(range(len(english)))
    assert all(k.ar_sents or k.en_sents for k in found.links)
    assert 0.0 <= found.parallelism.score <= 1.0


@pytest.mark.parametrize(("n", "m"), [(1, 300), (300, 1), (1000, 1000), (1000, 120), (120, 1000)])
def test_dp_work_is_linear_in_the_band(n: int, m: int) -> None:
    """The cells the dynamic programming asks for grow with the length times the
    band (at most 40 each side), not with n × m, also far from a square table."""
    from kzparallel.alignment.dp import align_banded, first_width

    asked: set[tuple[int, int]] = set()

    def gain(i: int, a: int, j: int, b: int) -> float:
        asked.add((i, j))
        return 0.5 if (a, b) == (1, 1) else -0.1

    links = align_banded(n, m, gain)
    assert [i for i, a, _, _ in links for i in range(i, i + a)] == list(range(n))
    assert [j for _, _, j, b in links for j in range(j, j + b)] == list(range(m))
    assert len(asked) <= 3 * (n + m) * first_width(n, m)
    assert len(asked) < n * m or n * m < 1000


_GLOSSARY: list[Any] = []


def _glossary() -> Any:
    from kzparallel.glossary import load_glossary

    if not _GLOSSARY:
        _GLOSSARY.append(load_glossary(DEMO_GLOSSARY))
    return _GLOSSARY[0]


_WORDS = ["توكاييف", "ألماتي", "روسيا", "قال", "إن", "الوضع", "هادئ", "2022", "6", "في"]
_EN_WORDS = ["Tokayev", "Almaty", "Russia", "said", "the", "situation", "calm", "2022", "6", "in"]


@given(
    arabic=st.lists(st.lists(st.sampled_from(_WORDS), max_size=60), max_size=40),
    english=st.lists(st.lists(st.sampled_from(_EN_WORDS), max_size=60), max_size=40),
    method=st.sampled_from(["anchors", "length", "full"]),
)
@settings(max_examples=40, deadline=None)
def test_every_sentence_is_in_exactly_one_link(
    arabic: list[list[str]], english: list[list[str]], method: str
) -> None:
    """Any lengths on either side (empty sentences too): every sentence of both
    documents is in exactly one link, in order, and no link is empty."""
    from kzparallel.alignment.align import AlignParams, align_pair

    ar = [" ".join(words) + "." if words else "" for words in arabic]
    en = [" ".join(words) + "." if words else "" for words in english]
    mt = [" ".join(_EN_WORDS[_WORDS.index(w)] for w in words) for words in arabic]
    found = align_pair(ar, en, mt, _glossary(), AlignParams(method=method))
    assert [i for k in found.links for i in k.ar_sents] == list(range(len(ar)))
    assert [j for k in found.links for j in k.en_sents] == list(range(len(en)))
    assert all((k.ar_sents or k.en_sents) and 0 <= k.score <= 1 for k in found.links)
    assert found.parallelism.partial == (found.parallelism.score < 0.7)


def test_aligned_only_leaves_partial_documents_out(
    partial: list[GoldDocument], tiny_model: Path, seeds_dir: Path, tmp_path: Path
) -> None:
    """``build --english --aligned-only`` of a partly parallel document (flagged
    partial) and a close translation (not flagged), random model: every pair of the
    partial document stays in pairs.jsonl marked ``partial-document`` and is left out
    of the dataset; the close one's aligned pairs stay in."""
    from kzparallel.alignment.links import read_links
    from kzparallel.cli import main
    from kzparallel.testing.bitext import gold_documents

    close = next(
        d for d in gold_documents(seeds_dir, generate_corpus().heldout, generated=1)
        if d.name == "gen00-p0"
    )  # fmt: skip
    (tmp_path / "ar").mkdir()
    (tmp_path / "en").mkdir()
    for doc in (partial[0], close):
        (tmp_path / "ar" / f"{doc.name}.ar.txt").write_text(doc.arabic, encoding="utf-8")
        (tmp_path / "en" / f"{doc.name}.en.txt").write_text(doc.english, encoding="utf-8")
    out = tmp_path / "out"
    quiet = contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO())
    with quiet[0], quiet[1], contextlib.suppress(SystemExit):  # a split left empty
        main(["build", str(tmp_path / "ar"), "--english", str(tmp_path / "en"), "--aligned-only",
              "--out", str(out), "--model", str(tiny_model),
              "--cache-dir", str(tmp_path / "cache")])  # fmt: skip
    flags = {d: doc.alignment["parallelism"]["partial"] for d, doc in read_links(out).items()}
    assert flags == {"part00.ar": True, "gen00-p0.ar": False}
    pairs = [json.loads(line) for line in (out / "pairs.jsonl").open(encoding="utf-8")]
    marks = Counter((p["doc_id"], p["origin"], p.get("left_out")) for p in pairs)
    assert {k for k in marks if k[0] == "part00.ar"} == {
        ("part00.ar", "aligned", "partial-document"),
        ("part00.ar", "mt", "partial-document"),
    }
    assert ("gen00-p0.ar", "aligned", None) in marks
    assert all(k[2] in (None, "no-english") for k in marks if k[0] == "gen00-p0.ar")
    left = json.loads((out / "manifest.json").read_text())["counts"]["bitext"]["left_out"]
    assert left["partial-document"] == sum(n for k, n in marks.items() if k[0] == "part00.ar")
    in_dataset = []
    for path in sorted((out / "dataset").rglob("*.parquet")):
        in_dataset += pq.read_table(path).column("doc_id").to_pylist()
    assert in_dataset and set(in_dataset) == {"gen00-p0.ar"}
