"""Token-budget batching keeps input order and respects the budget."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kzparallel.translation.batching import make_batches, run_batched, windows


def test_windows() -> None:
    assert list(windows(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(windows([], 3)) == []
    with pytest.raises(ValueError):
        list(windows([1], 0))


def test_sorted_by_length_and_cut_by_padded_budget() -> None:
    items = ["a", "b", "c", "d", "e"]
    lengths = [5, 1, 3, 1, 4]
    batches = make_batches(items, lengths, batch_tokens=8)
    # sorted: b(1) d(1) c(3) e(4) a(5); padded size = n * longest <= 8
    assert [b.items for b in batches] == [["b", "d"], ["c", "e"], ["a"]]
    assert [b.indices for b in batches] == [[1, 3], [2, 4], [0]]
    assert [b.padded_tokens for b in batches] == [2, 8, 5]


def test_item_over_budget_gets_its_own_batch() -> None:
    batches = make_batches(["x", "y", "z"], [2, 50, 2], batch_tokens=10)
    assert [b.items for b in batches] == [["x", "z"], ["y"]]


def test_equal_lengths_keep_input_order() -> None:
    batches = make_batches(list("abcdef"), [2] * 6, batch_tokens=6)
    assert [b.items for b in batches] == [["a", "b", "c"], ["d", "e", "f"]]


@given(
    lengths=st.lists(st.integers(min_value=1, max_value=40), max_size=60),
    budget=st.integers(min_value=1, max_value=120),
    window=st.integers(min_value=1, max_value=25),
)
def test_run_batched_restores_order(lengths: list[int], budget: int, window: int) -> None:
    items = list(enumerate(lengths))
    calls: list[list[tuple[int, int]]] = []

    def run(batch: list[tuple[int, int]]) -> list[int]:
        calls.append(batch)
        return [i for i, _ in batch]

    out = list(run_batched(items, lambda x: x[1], run, batch_tokens=budget, window=window))
    assert out == list(range(len(lengths)))
    for batch in calls:
        longest = max(n for _, n in batch)
        assert len(batch) == 1 or len(batch) * longest <= budget
    assert sum(len(b) for b in calls) == len(lengths)
