"""Token-budget batching keeps input order and respects the budget."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kzparallel.translation.batching import make_batches, padded_length, run_batched, windows


def test_windows() -> None:
    assert list(windows(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(windows([], 3)) == []
    with pytest.raises(ValueError):
        list(windows([1], 0))


@pytest.mark.parametrize(
    ("n", "padded"), [(0, 8), (1, 8), (7, 8), (8, 8), (9, 16), (16, 16), (17, 24), (100, 104)]
)
def test_padded_length_is_the_next_multiple_of_the_step(n: int, padded: int) -> None:
    assert padded_length(n) == padded


def test_one_bucket_per_batch_shortest_first_cut_by_budget() -> None:
    items = ["a", "b", "c", "d", "e", "f", "g"]
    lengths = [20, 1, 12, 8, 9, 16, 3]
    batches = make_batches(items, lengths, batch_tokens=40)
    # bucket 8: b d g (40 // 8 = 5 fit); bucket 16: c e f, 40 // 16 = 2 per batch; bucket 24: a
    assert [b.items for b in batches] == [["b", "d", "g"], ["c", "e"], ["f"], ["a"]]
    assert [b.indices for b in batches] == [[1, 3, 6], [2, 4], [5], [0]]
    assert [b.pad_to for b in batches] == [8, 16, 16, 24]
    assert [b.padded_tokens for b in batches] == [24, 32, 16, 24]


def test_item_over_budget_gets_its_own_batch() -> None:
    batches = make_batches(["x", "y", "z"], [2, 50, 2], batch_tokens=10)
    assert [b.items for b in batches] == [["x"], ["z"], ["y"]]  # 10 // 8: one per batch
    batches = make_batches(["x", "y", "z"], [2, 50, 2], batch_tokens=16)
    assert [b.items for b in batches] == [["x", "z"], ["y"]]


def test_one_bucket_keeps_input_order_and_max_batch_size() -> None:
    batches = make_batches(list("abcdef"), [2] * 6, batch_tokens=24)
    assert [b.items for b in batches] == [["a", "b", "c"], ["d", "e", "f"]]
    batches = make_batches(list("abcde"), [2] * 5, batch_tokens=100, max_batch_size=2)
    assert [b.items for b in batches] == [["a", "b"], ["c", "d"], ["e"]]


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
        assert len({padded_length(n) for _, n in batch}) == 1  # one bucket
        assert len(batch) == 1 or len(batch) * padded_length(batch[0][1]) <= budget
    assert sum(len(b) for b in calls) == len(lengths)
