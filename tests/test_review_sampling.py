"""Sampled review: the Wilson interval, the seeded (stratified) sample, the estimate
in the app, the dataset card and the report."""

from __future__ import annotations

import json
import random
import re
import shutil
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from kzparallel.pairs_file import write_pairs
from kzparallel.records import Pair, pair_id
from kzparallel.review.app import create_app
from kzparallel.review.sampling import (
    SampleEstimate,
    allocate,
    draw,
    read_estimate,
    sample_key,
    wilson_interval,
)
from kzparallel.sinks.card import quality_section as card_section
from kzparallel.sinks.report import quality_section as report_section

DATA = Path(__file__).parent / "data"
SIG = "model:m@r|backend:transformers-fp32|glossary:none|kzparallel:0.1.0"


# Newcombe (1998), "Two-sided confidence intervals for the single proportion",
# Statistics in Medicine 17:857-872, Table I, method 3 (Wilson score, no continuity
# correction), 95%.
@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
        (29, 29, 0.8830, 1.0),
    ],
)
def test_wilson_interval_matches_published_values(
    successes: int, n: int, low: float, high: float
) -> None:
    got = wilson_interval(successes, n)
    assert (round(got[0], 4), round(got[1], 4)) == (low, high)


@pytest.mark.parametrize(("successes", "n"), [(0, 0), (3, 2), (-1, 5)])
def test_wilson_interval_needs_a_proportion(successes: int, n: int) -> None:
    with pytest.raises(ValueError, match=f"no interval for {successes} of {n}"):
        wilson_interval(successes, n)


@pytest.mark.parametrize(
    ("size", "strata", "expected"),
    [
        (10, {"a": 50, "b": 30, "c": 20}, {"a": 5, "b": 3, "c": 2}),
        (7, {"a": 50, "b": 30, "c": 20}, {"a": 4, "b": 2, "c": 1}),  # 3.5 2.1 1.4
        (3, {"b": 1, "a": 1, "c": 1, "d": 1}, {"a": 1, "b": 1, "c": 1, "d": 0}),  # ties: names
        (200, {"a": 5, "b": 7}, {"a": 5, "b": 7}),  # more than there are: all
    ],
)
def test_proportional_allocation(
    size: int, strata: dict[str, int], expected: dict[str, int]
) -> None:
    assert allocate(size, strata) == expected


def corpus(docs: int = 20, per_doc: int = 15) -> list[Pair]:
    out = []
    for d in range(docs):
        for i in range(per_doc):
            ar = f"جملة {i} في الخبر {d}"
            qa = ["length-ratio"] if (i + d) % 4 == 0 else []
            out.append(
                Pair(
                    pair_id(f"n{d:02d}", i, 0, ar),
                    f"n{d:02d}",
                    i,
                    0,
                    ar,
                    f"Sentence {i}.",
                    "mt",
                    qa=qa,
                    signature=SIG,
                )
            )
    return out


def _index(tmp_path: Path, pairs: list[Pair], name: str = "b") -> TestClient:
    out = tmp_path / name
    write_pairs(pairs, out / "pairs.jsonl")
    (out / "manifest.json").write_text(json.dumps({"signature": SIG}), encoding="utf-8")
    return TestClient(create_app(out, who="sampler"))


def _draw(client: TestClient, size: int, seed: int, strata: str) -> list[tuple[str, str]]:
    with client.app.state.index.connection() as (conn, _):
        return draw(conn, size, seed, strata)


def test_sample_is_reproducible_and_depends_on_the_seed_only(tmp_path: Path) -> None:
    pairs = corpus()
    client = _index(tmp_path, pairs)
    first = _draw(client, 40, 7, "none")
    assert first == _draw(client, 40, 7, "none")
    assert first != _draw(client, 40, 8, "none")
    # the 40 smallest keys, in key order
    ranked = sorted(pairs, key=lambda p: sample_key(7, p.id))[:40]
    assert first == [(p.id, "all") for p in ranked]
    # the order of pairs.jsonl does not matter
    shuffled = list(pairs)
    random.Random(1).shuffle(shuffled)
    assert _draw(_index(tmp_path, shuffled, "shuffled"), 40, 7, "none") == first


@pytest.mark.parametrize("strata", ["doc", "flag"])
def test_stratified_sample_is_proportional(tmp_path: Path, strata: str) -> None:
    pairs = corpus()
    client = _index(tmp_path, pairs)
    chosen = _draw(client, 50, 3, strata)
    by_id = {p.id: p for p in pairs}

    def stratum(p: Pair) -> str:
        return p.doc_id if strata == "doc" else (" ".join(p.qa) or "no flag")

    sizes = Counter(stratum(p) for p in pairs)
    assert Counter(h for _, h in chosen) == Counter(
        {h: n for h, n in allocate(50, dict(sizes)).items() if n}
    )
    assert all(stratum(by_id[pid]) == h for pid, h in chosen)
    # within a stratum: its smallest keys; overall: key order
    for h in sizes:
        members = sorted((p for p in pairs if stratum(p) == h), key=lambda p: sample_key(3, p.id))
        picked = [pid for pid, s in chosen if s == h]
        assert sorted(picked) == sorted(p.id for p in members[: len(picked)])
    keys = [sample_key(3, pid) for pid, _ in chosen]
    assert keys == sorted(keys)


@pytest.mark.parametrize(("size", "message"), [(0, "between 1 and 10000"), (10_001, "10000")])
def test_sample_size_is_checked(tmp_path: Path, size: int, message: str) -> None:
    client = _index(tmp_path, corpus(2, 3))
    with pytest.raises(ValueError, match=message):
        _draw(client, size, 1, "none")


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf" value="([0-9a-f]{64})"', html)
    assert m
    return m.group(1)


def _act(client: TestClient, html: str, pid: str, action: str, **extra: str) -> None:
    m = re.search(rf'action="/pair/{pid}/{action}"[^>]*>(.*?)</form>', html, re.S)
    assert m, f"no {action} form for {pid}"
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', m.group(1)))
    r = client.post(f"/pair/{pid}/{action}", data={**fields, **extra}, follow_redirects=False)
    assert r.status_code == 303


def test_review_a_sample_in_the_app(tmp_path: Path) -> None:
    pairs = corpus()
    client = _index(tmp_path, pairs)
    page = client.get("/sample").text
    assert "estimates the share in all 300 pairs" in page
    r = client.post(
        "/sample",
        data={"csrf": _csrf(page), "size": "30", "seed": "11", "strata": "doc"},
        follow_redirects=False,
    )
    assert (r.status_code, r.headers["location"]) == (303, "/sample/1")
    html = client.get("/sample/1?n=20").text
    expected = [pid for pid, _ in _draw(client, 30, 11, "doc")]
    ids = re.findall(r'<tr id="p-(\w+)"', html)
    assert ids == expected[:20]
    assert re.findall(r'<span class="rank">sample #(\d+)</span>', html) == [
        str(k) for k in range(1, 21)
    ]
    assert (
        "no pair of the sample is reviewed yet (sample 1: 30 pairs drawn with seed 11 from 300 (stratified by document))"
        in html
    )
    # review five: three accepted, one rejected, one edited; a note alone is not a judgement
    for pid in ids[:3]:
        _act(client, html, pid, "accept")
    _act(client, html, ids[3], "reject")
    _act(client, html, ids[4], "edit", en="Better.")
    _act(client, html, ids[5], "note", note="unsure")
    low, high = wilson_interval(3, 5)
    assert (round(100 * low, 1), round(100 * high, 1)) == (23.1, 88.2)
    summary = (
        "60.0% of the pairs are acceptable (95% Wilson interval 23.1–88.2%, about 69–265 "
        "of 300 pairs), from 3 acceptable of 5 reviewed (sample 1: 30 pairs drawn with seed "
        "11 from 300 (stratified by document))"
    )
    html = client.get("/sample/1?show=unreviewed").text
    assert f'<p class="estimate" id="estimate">{summary}.</p>' in html
    assert re.findall(r'<tr id="p-(\w+)"', html) == expected[5:30]  # the note left one
    assert f"Quality estimate: {summary}." in client.get("/").text
    assert summary in client.get("/sample").text
    out = tmp_path / "b"
    assert read_estimate(out, SIG) == SampleEstimate(1, 11, 30, "doc", 300, 5, 3)
    assert read_estimate(out, "another build") is None


def test_sample_pages_cross_with_keys(tmp_path: Path) -> None:
    client = _index(tmp_path, corpus())
    page = client.get("/sample").text
    client.post("/sample", data={"csrf": _csrf(page), "size": "45", "seed": "2", "strata": "none"})
    expected = [pid for pid, _ in _draw(client, 45, 2, "none")]
    html = client.get("/sample/1?n=20").text
    seen = []
    while True:
        seen.extend(re.findall(r'<tr id="p-(\w+)"', html))
        m = re.search(r'<a href="([^"]+)" class="page-next"', html)
        if not m:
            break
        html = client.get(m.group(1).replace("&amp;", "&")).text
    assert seen == expected


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (
            {"size": "x", "seed": "1", "strata": "none"},
            "give a size, a seed (0 or more) and strata",
        ),
        (
            {"size": "5", "seed": "1", "strata": "topic"},
            "give a size, a seed (0 or more) and strata",
        ),
        (
            {"size": "0", "seed": "1", "strata": "none"},
            "the sample size must be between 1 and 10000",
        ),
    ],
)
def test_bad_sample_form(tmp_path: Path, form: dict[str, str], message: str) -> None:
    client = _index(tmp_path, corpus(2, 3))
    page = client.get("/sample").text
    r = client.post("/sample", data={"csrf": _csrf(page), **form})
    assert r.status_code == 400 and message in r.text
    assert client.post("/sample", data=form).status_code == 403  # no CSRF field


def test_no_estimate_without_samples(tmp_path: Path) -> None:
    assert read_estimate(tmp_path, SIG) is None  # no review.sqlite
    shutil.copy(DATA / "review-v0.sqlite", tmp_path / "review.sqlite")
    assert read_estimate(tmp_path, SIG) is None  # the first format has no samples
    conn = sqlite3.connect(tmp_path / "review.sqlite")
    assert conn.execute("PRAGMA user_version").fetchone() == (0,)  # read-only: not migrated


ESTIMATE = SampleEstimate(2, 5, 200, "flag", 100_045, 150, 120)


def test_card_and_report_sections() -> None:
    text = (
        "80.0% of the pairs are acceptable (95% Wilson interval 72.9–85.6%, about "
        "72,919–85,654 of 100,045 pairs), from 120 acceptable of 150 reviewed (sample 2: "
        "200 pairs drawn with seed 5 from 100,045 (stratified by flags))"
    )
    assert ESTIMATE.summary() == text
    assert card_section(None) == ""
    assert card_section(ESTIMATE) == (
        "\n## Quality estimate\n\n"
        f"From a sampled review: {text}. A pair is acceptable when the reviewer\n"
        "accepted it as it was built; rejected, edited, merged or split pairs count against.\n"
        "The sample is a seeded random sample of the corpus, so the share estimates the\n"
        "share in all pairs.\n"
    )
    assert str(report_section(None)) == ""
    assert str(report_section(ESTIMATE)) == (
        f"<h2>Quality estimate</h2>\n<p>From a sampled review: {text}. A pair is acceptable "
        "when the reviewer accepted it as it was built; rejected, edited, merged or split "
        "pairs count against.</p>\n"
    )


def test_published_card_has_the_estimate(tmp_path: Path) -> None:
    from kzparallel.refresh import rewrite_dataset

    client = _index(tmp_path, corpus(4, 5))
    page = client.get("/sample").text
    client.post("/sample", data={"csrf": _csrf(page), "size": "4", "seed": "9", "strata": "none"})
    html = client.get("/sample/1").text
    for pid in re.findall(r'<tr id="p-(\w+)"', html)[:2]:
        _act(client, html, pid, "accept")
    out = tmp_path / "b"
    rewrite_dataset(out)
    card = (out / "dataset" / "README.md").read_text(encoding="utf-8")
    assert card_section(read_estimate(out, SIG)) in card
    assert "100.0% of the pairs are acceptable" in card
