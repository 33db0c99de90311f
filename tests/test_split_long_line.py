"""A line of any length without punctuation: cut into model-sized pieces (split,
never truncated), in linear time.

The token counter here is a stand-in (one token per word plus one per 6
characters of a word, plus EOS: monotone, like a real tokenizer on these
texts) that records what it is asked to count, so the tests count the
characters it reads, never the time (tests/benchmarks/bench_long_line.py
times the real tokenizer and model).
"""

from __future__ import annotations

import importlib.util
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from test_translation_pipeline import REF, FakeTranslator

from kzparallel.records import Segment
from kzparallel.segmentation import covering, split_long
from kzparallel.translation.base import DecodingConfig
from kzparallel.translation.pipeline import translate_segments

# words of our own, with و-words (conjunction cut points) among them
TEXT = (
    "المدينة الجديدة شهدت اليوم اجتماعا طويلا للمجلس البلدي وناقش الأعضاء خطة النقل "
    "العام ثم عرضت اللجنة أرقام الميزانية بينما انتظر السكان القرار حيث تأخرت الطرق "
    "والمدارس والحدائق في الأحياء الشرقية منذ سنوات"
)
WORDS = TEXT.split()
LIMIT = 120


class Counter:
    """Tokens of a text, and what was read to count them."""

    def __init__(self) -> None:
        self.calls = 0
        self.chars = 0

    def __call__(self, text: str) -> int:
        self.calls += 1
        self.chars += len(text)
        return sum(1 + len(w) // 6 for w in text.split()) + 1


def words_line(n: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    out: list[str] = []
    size = 0
    while size < n:
        out.append(rng.choice(WORDS))
        size += len(out[-1]) + 1
    return " ".join(out)[:n]


# shapes of a 200 KB line: words only; one run of letters without a space (cut
# between characters); words with a comma now and then (clause cuts first)
LINES: dict[str, Callable[[int], str]] = {
    "words": words_line,
    "no spaces": lambda n: words_line(n).replace(" ", ""),
    "rare commas": lambda n: "، ".join(words_line(n // 40, seed=k) for k in range(40)),
}


def char_counter(text: str) -> int:  # for the no-space line: a token per 4 characters
    return len(text) // 4 + 1


@pytest.mark.parametrize("shape", list(LINES))
def test_the_pieces_cover_a_200kb_line_exactly(shape: str) -> None:
    text = LINES[shape](200_000)
    count = Counter() if shape != "no spaces" else char_counter
    spans = split_long(text, count, LIMIT)
    assert covering(spans, len(text))  # contiguous, from 0 to the end
    assert "".join(text[s:e] for s, e in spans) == text  # no character lost
    assert all(count(text[s:e]) <= LIMIT for s, e in spans)
    assert len(spans) > 100
    if shape == "words":  # a piece ends between words, its space kept at its end
        assert all(text[e - 1] == " " and text[e] != " " for _, e in spans[:-1])


def _read_per_char(n: int) -> tuple[float, float]:
    text = words_line(n)
    count = Counter()
    spans = split_long(text, count, LIMIT)
    return count.chars / n, count.calls / len(spans)


def test_splitting_reads_each_character_a_bounded_number_of_times() -> None:
    """Before the galloping search, a piece's binary search began with half the
    rest of the line: 55 characters read per character at 50 KB, 208 at 200 KB
    (quadratic); now 8 at both."""
    small, small_calls = _read_per_char(50_000)
    big, big_calls = _read_per_char(200_000)
    assert small <= 10 and big <= 10
    assert big <= small * 1.1  # flat: linear in the length of the line
    assert small_calls <= 16 and big_calls <= 16  # count calls per piece: a constant


def _reference(text: str, count: Callable[[str], int], limit: int) -> list[tuple[int, int]]:
    """The greedy cut by linear scan over the same cut points (for a monotone counter
    the longest run that fits is what the search must find)."""
    from kzparallel.segmentation import _LEVELS

    def cut(lo: int, hi: int, level: int) -> list[tuple[int, int]]:
        if hi - lo <= 1 or level >= len(_LEVELS) or count(text[lo:hi]) <= limit:
            return [(lo, hi)]
        bounds = [lo, *_LEVELS[level](text, lo, hi), hi]
        if len(bounds) == 2:
            return cut(lo, hi, level + 1)
        out: list[tuple[int, int]] = []
        i = 0
        while i < len(bounds) - 1:
            if count(text[bounds[i] : bounds[i + 1]]) > limit:
                out += cut(bounds[i], bounds[i + 1], level + 1)
                i += 1
                continue
            j = i + 1
            while j + 1 < len(bounds) and count(text[bounds[i] : bounds[j + 1]]) <= limit:
                j += 1
            out.append((bounds[i], bounds[j]))
            i = j
        return out

    return cut(0, len(text), 0)


@pytest.mark.parametrize("limit", [3, 8, 25, 120])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_search_finds_the_longest_piece_that_fits(limit: int, seed: int) -> None:
    text = "، ".join(words_line(600, seed=seed + k) for k in range(3)) + " " + "ب" * 200
    assert split_long(text, Counter(), limit) == _reference(text, Counter(), limit)


def test_a_200kb_line_is_translated_whole_in_pieces() -> None:
    """Through the translation pipeline (the fake model: EN[<piece>]): every word
    of the line is in the English, in order, each piece within the model's limit."""
    text = words_line(200_000)
    fake = FakeTranslator()
    ((_, tr, _),) = list(
        translate_segments(
            [Segment("d", 0, 0, text, 0, len(text))],
            translator=lambda: fake,
            model_ref=REF,
            backend_label="fake",
            config=DecodingConfig(beam=1),
            cache=None,
            max_segment_tokens=64,
        )
    )
    pieces = [t for call in fake.calls for t in call]
    assert len(pieces) > 500
    assert all(fake.count_tokens(p) <= 64 for p in pieces)
    in_order = [text[s:e].strip() for s, e in split_long(text, fake.count_tokens, 64)]
    assert sorted(pieces) == sorted(in_order)  # each piece translated once
    assert tr.text == " ".join(f"EN[{p}]" for p in in_order)  # re-joined in order
    assert " ".join(in_order).split() == text.split()  # every word, none dropped


def test_the_benchmark_line_has_no_punctuation() -> None:
    path = Path(__file__).parent / "benchmarks" / "bench_long_line.py"
    spec = importlib.util.spec_from_file_location("bench_long_line", path)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    line = bench.long_line(20_000)
    assert 19_000 < len(line) <= 20_000
    assert all(c == " " or "\u0621" <= c <= "\u064a" for c in line)
