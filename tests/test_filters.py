"""The wrong-language and low-score filters."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kzparallel.errors import KzError
from kzparallel.langid import judged, pair_language_flag, probability, wrong_language
from kzparallel.scores import MIN_SCORED_PAIRS, ScoreStats, parse_min_score

REFERENCES = Path(__file__).resolve().parent.parent / "seeds" / "references"


def _references() -> tuple[list[str], list[str]]:
    ar: list[str] = []
    en: list[str] = []
    for path in sorted(REFERENCES.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            ar.append(rec["ar"])
            en += re.split(r"(?<=[.!?])\s+", rec["en"])
    return ar, en


def test_no_false_alarm_on_the_reference_translations() -> None:
    ar, en = _references()
    assert [t for t in ar if wrong_language(t, "ar")] == []
    assert [t for t in en if wrong_language(t, "en")] == []
    # most of them are long enough to be judged
    assert sum(map(judged, ar)) >= 80 and sum(map(judged, en)) >= 90


@pytest.mark.parametrize(
    ("ar", "en", "flag"),
    [
        (
            "وقالت وزارة الصحة إن هناك أكثر من ألف مصاب",
            "The health ministry said more than a thousand people were injured.",
            False,
        ),
        # Persian source, Russian or French "English", model gibberish
        ("وزارت بهداشت اعلام کرد که بیش از هزار نفر زخمی شده‌اند", "The ministry said so.", True),
        (
            "وقالت وزارة الصحة إن هناك أكثر من ألف مصاب",
            "Министерство здравоохранения заявило о тысяче раненых",
            True,
        ),
        (
            "وقالت وزارة الصحة إن هناك أكثر من ألف مصاب",
            "Le ministère de la santé a annoncé plus de mille blessés",
            True,
        ),
        (
            "وقالت وزارة الصحة إن هناك أكثر من ألف مصاب",
            "Wa Wa Wa Kazakhstan Kazakhstan Kazakhstan Kazakh Kazakh",
            True,
        ),
        # under five words: not judged
        ("فرنسا", "Франция", False),
        ("روسيا", "European Union", False),
    ],
)
def test_pair_language_flag(ar: str, en: str, flag: bool) -> None:
    assert pair_language_flag(ar, en) is flag


def test_probability_of_the_expected_language() -> None:
    assert (
        probability("The health ministry said more than a thousand people were hurt.", "en") > 0.9
    )
    assert probability("وقالت وزارة الصحة إن هناك أكثر من ألف مصاب", "ar") > 0.8


def _scores(values: list[float]) -> ScoreStats:
    stats = ScoreStats()
    for v in values:
        stats.add(v)
    return stats


def test_low_score_threshold_from_the_corpus() -> None:
    # scores -0.2 .. -0.8 in equal numbers (median -0.5, MAD 0.2), two outliers
    values = [-0.2, -0.3, -0.4, -0.5, -0.6, -0.7, -0.8] * 10 + [-3.0, -4.0]
    threshold = _scores(values).threshold()
    assert threshold.source == "corpus"
    # -0.5 - 3.5 * 1.4826 * 0.2
    assert threshold.value == round(-0.5 - 3.5 * 1.4826 * 0.2, 4)
    assert [v for v in values if threshold.low(v)] == [-3.0, -4.0]
    assert not threshold.low(None)


def test_low_score_threshold_at_least_log_1_6_below_the_median() -> None:
    threshold = _scores([-0.5] * 60).threshold()
    assert threshold.value == pytest.approx(-0.5 - 0.47, abs=0.001)


def test_low_score_threshold_settings() -> None:
    few = _scores([-0.5] * (MIN_SCORED_PAIRS - 1))
    assert (few.threshold().value, few.threshold().source) == (None, "too-few")
    assert few.threshold(-2.0).to_dict() == {"value": -2.0, "source": "fixed"}
    assert few.threshold("off").to_dict() == {"value": None, "source": "off"}
    assert few.threshold("off").describe() == "none (--min-score off)"
    assert few.threshold().describe() == "none: fewer than 50 scored pairs"


@pytest.mark.parametrize(
    ("text", "value"), [("auto", "auto"), (None, "auto"), ("off", "off"), ("-2.5", -2.5)]
)
def test_parse_min_score(text: str | None, value: object) -> None:
    assert parse_min_score(text) == value


@pytest.mark.parametrize("text", ["low", "nan", "inf"])
def test_parse_min_score_errors(text: str) -> None:
    with pytest.raises(KzError) as err:
        parse_min_score(text)
    assert str(err.value) == f"--min-score: give auto, off or a number (got '{text}')"


def test_score_histogram() -> None:
    stats = _scores([-0.01, -0.05, -0.12, -1.0])
    assert [(round(x, 2), n) for x, n in stats.histogram()] == [(-1.0, 1), (-0.2, 1), (-0.1, 2)]
