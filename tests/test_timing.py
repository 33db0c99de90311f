"""StageTimer: exclusive seconds per stage of a chain of generators (a fake clock)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kzparallel.timing import StageTimer, iterate, stage, timed


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def spend(self, seconds: float) -> None:
        self.now += seconds


def test_each_second_is_counted_once_for_the_stage_that_spent_it() -> None:
    clock = Clock()
    timer = StageTimer(clock)

    def read() -> Iterator[int]:
        for i in range(3):
            clock.spend(1)  # 1 s to read each item
            yield i

    def translate(items: Iterator[int]) -> Iterator[int]:
        for i in items:
            clock.spend(10)  # 10 s to translate each
            with stage("enforce"):
                clock.spend(2)  # of which 2 s are glossary work
            yield i

    with timer.active():
        # the engine's stages use the module-level helpers, the writer its timer
        pairs = timer.iterate("translate", translate(iterate("read", read())))
        with timer.stage("write"):
            for _ in pairs:
                clock.spend(0.5)  # writing each
            clock.spend(4)  # the dataset at the end
    assert timer.seconds == {"write": 5.5, "translate": 30.0, "read": 3.0, "enforce": 6.0}
    assert timer.timings(["read", "translate", "enforce", "qa", "write"]) == {
        "read": 3.0,
        "translate": 30.0,
        "enforce": 6.0,
        "write": 5.5,
        "total": 44.5,
    }


def test_stage_without_an_active_timer_does_nothing() -> None:
    clock = Clock()
    timer = StageTimer(clock)
    with stage("enforce"):
        clock.spend(1)
    assert timer.seconds == {}


def test_elapsed_counts_the_running_stage_and_timed_times_a_call() -> None:
    clock = Clock()
    timer = StageTimer(clock)
    load = timed("load", lambda: clock.spend(7) or "model")
    with timer.active(), timer.stage("translate"):
        clock.spend(1)
        assert load() == "model"
        clock.spend(2)
        assert timer.elapsed() == {"translate": 3.0, "load": 7.0}
        assert timer.seconds == {"translate": 1.0, "load": 7.0}  # booked at the last switch
    assert timer.seconds == {"translate": 3.0, "load": 7.0}


def test_a_failing_stage_is_closed() -> None:
    clock = Clock()
    timer = StageTimer(clock)
    with pytest.raises(ValueError), timer.stage("read"):
        clock.spend(1)
        raise ValueError
    clock.spend(5)  # outside every stage: not counted
    with timer.stage("write"):
        clock.spend(1)
    assert timer.seconds == {"read": 1.0, "write": 1.0}
