"""The review app's numeric parameters: range-checked, a 400 with a message, never a 500.

A case table of exact answers (``kzparallel.review.params``), then a
``hypothesis`` fuzz test over every route and every parameter it reads — query
strings, path parameters and POST forms with a valid CSRF field — asserting
that no answer is a server error.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from kzparallel.pairs_file import write_pairs
from kzparallel.records import Pair, pair_id
from kzparallel.review.app import create_app
from kzparallel.review.params import MAX_KEY, BadParameter, whole


def _pairs() -> list[Pair]:
    out = []
    for d in range(3):
        for s in range(4):
            ar = f"هذه الجملة رقم {s} من الوثيقة {d} ."
            out.append(
                Pair(
                    pair_id(f"doc{d}", 1, s, ar), f"doc{d}", 1, s, ar, f"Sentence {s}.", f"MT {s}."
                )
            )
    return out


PAIRS = _pairs()


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    out = tmp_path_factory.mktemp("review-params")
    write_pairs(PAIRS, out / "pairs.jsonl")
    c = TestClient(create_app(out, who="fuzz"), raise_server_exceptions=False)
    csrf = _csrf(c.get("/sample").text)
    r = c.post("/sample", data={"csrf": csrf, "size": "5", "seed": "1", "strata": "none"},
               follow_redirects=False)  # fmt: skip
    assert (r.status_code, r.headers["location"]) == (303, "/sample/1")
    return c


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf" value="([0-9a-f]{64})"', html)
    assert m
    return m.group(1)


BIG = "99999999999999999999999"


@pytest.mark.parametrize(
    ("url", "status", "text"),
    [
        (f"/pairs?after={BIG}", 400, f"after='{BIG}': must be between 0 and {MAX_KEY}"),
        (f"/pairs?before={BIG}", 400, f"before='{BIG}': must be between 0 and {MAX_KEY}"),
        (f"/pairs?after={MAX_KEY + 1}", 400, f"after='{MAX_KEY + 1}': must be between 0 and"),
        ("/pairs?after=-1", 400, f"after='-1': must be between 0 and {MAX_KEY}"),
        ("/pairs?after=abc", 400, "after='abc': not a whole number"),
        ("/pairs?after=1e3", 400, "after='1e3': not a whole number"),
        ("/pairs?after=%D9%A3", 400, "after='٣': not a whole number"),  # Arabic-Indic 3
        ("/?before=0x10", 400, "before='0x10': not a whole number"),
        ("/?last=2", 400, "last='2': must be between 0 and 1"),
        ("/pairs?n=30", 400, "n=30: the page size is one of 20, 50, 100"),
        ("/pairs?n=" + "9" * 5000, 400, "n='" + "9" * 21 + "...': must be between 1 and"),
        ("/sample/1?after=" + BIG, 400, f"after='{BIG}': must be between 0 and"),
        (f"/doc/doc1?before={BIG}", 400, f"before='{BIG}': must be between 0 and"),
        (f"/sample/{BIG}", 404, "there is no such sample"),
        ("/sample/-3", 404, "there is no such sample"),
        (f"/pairs?after={MAX_KEY}", 200, ""),
        ("/pairs?after=0&n=20", 200, ""),
        ("/pairs?after=", 200, ""),  # empty: absent
        ("/?last=1", 200, ""),
    ],
)
def test_query_ranges(client: TestClient, url: str, status: int, text: str) -> None:
    r = client.get(url)
    assert r.status_code == status, r.text[:300]
    assert text in r.text.replace("&#39;", "'")


@pytest.mark.parametrize(
    ("field", "value", "text"),
    [
        ("seed", BIG, f"seed='{BIG}': must be between 0 and {MAX_KEY}"),
        ("seed", "-1", f"seed='-1': must be between 0 and {MAX_KEY}"),
        ("size", "10001", "the sample size must be between 1 and 10000"),
        ("size", BIG, "give a size, a seed (0 or more) and strata"),
        ("size", "five", "give a size, a seed (0 or more) and strata"),
    ],
)
def test_sample_form_ranges(client: TestClient, field: str, value: str, text: str) -> None:
    data = {"csrf": _csrf(client.get("/sample").text), "size": "3", "seed": "2",
            "strata": "none", field: value}  # fmt: skip
    r = client.post("/sample", data=data, follow_redirects=False)
    assert r.status_code == 400
    assert text in r.text.replace("&#39;", "'")


def test_pair_version_out_of_range(client: TestClient) -> None:
    pid = PAIRS[0].id
    data = {"csrf": _csrf(client.get("/sample").text), "version": BIG, "back": "/"}
    r = client.post(f"/pair/{pid}/accept", data=data, follow_redirects=False)
    assert r.status_code == 400
    assert f"version='{BIG}': must be between 0 and {MAX_KEY}" in r.text.replace("&#39;", "'")


@pytest.mark.parametrize(
    ("value", "lo", "hi", "result"),
    [(None, 0, 9, None), ("", 0, 9, None), (" 7 ", 0, 9, 7), ("+3", 0, 9, 3), ("007", 0, 9, 7),
     ("9", 0, 9, 9), ("10", 0, 9, "must be between 0 and 9"), ("-0", 0, 9, 0),
     ("1_0", 0, 99, "not a whole number"), ("٣", 0, 9, "not a whole number"),
     ("1.0", 0, 9, "not a whole number"), ("0" * 40 + "5", 0, 9, 5)],
)  # fmt: skip
def test_whole(value: str | None, lo: int, hi: int, result: int | str | None) -> None:
    if isinstance(result, str):
        with pytest.raises(BadParameter, match=result):
            whole("x", value, lo, hi)
    else:
        assert whole("x", value, lo, hi) == result


# -- fuzz: every route, every parameter ---------------------------------------------

NUMBERS = st.one_of(
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.sampled_from(["", " ", "-0", "+1", "1e9", "0x1F", "NaN", "inf", "٣", "9" * 400,
                     str(MAX_KEY), str(MAX_KEY + 1), "1.5", "1_000", "\x00", "١٢"]),
)  # fmt: skip
VALUES = st.one_of(NUMBERS, st.text(max_size=30))
QUERY_KEYS = ("after", "before", "last", "n", "sort", "order", "show", "q", "doc", "token")
FORM_KEYS = ("version", "next_version", "size", "seed", "strata", "at", "part", "en", "en1",
             "en2", "next", "note", "back", "op", "link", "ar_at", "en_at", "before")  # fmt: skip
PAIR_IDS = st.one_of(st.sampled_from([p.id for p in PAIRS]), st.text(min_size=1, max_size=20))
DOC_IDS = st.one_of(st.sampled_from(["doc0", "doc1", "doc2"]), st.text(min_size=1, max_size=20))
ACTIONS = st.one_of(
    st.sampled_from(["accept", "reject", "edit", "merge", "split", "note", "relink"]),
    st.text(min_size=1, max_size=10),
)
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _path(segment: str) -> str:
    return quote(segment, safe="")


@FUZZ
@given(
    route=st.sampled_from(["/", "/pairs", "/doc/{}", "/sample", "/sample/{}"]),
    segment=st.one_of(DOC_IDS, NUMBERS.filter(bool)),
    query=st.dictionaries(st.sampled_from(QUERY_KEYS), VALUES, max_size=5),
)
def test_fuzz_get_routes(
    client: TestClient, route: str, segment: str, query: dict[str, str]
) -> None:
    url = route.format(_path(segment)) + ("?" + urlencode(query) if query else "")
    r = client.get(url, follow_redirects=False)
    assert r.status_code < 500, (url, r.status_code, r.text[:300])


@FUZZ
@given(
    route=st.sampled_from(["/sample", "/pair/{}/{}", "/relink/{}"]),
    pair=PAIR_IDS,
    doc=DOC_IDS,
    action=ACTIONS,
    form=st.dictionaries(st.sampled_from(FORM_KEYS), VALUES, max_size=7),
)
def test_fuzz_post_routes(
    client: TestClient, route: str, pair: str, doc: str, action: str, form: dict[str, str]
) -> None:
    if route == "/pair/{}/{}":
        url = route.format(_path(pair), _path(action))
    elif route == "/relink/{}":
        url = route.format(_path(doc))
    else:
        url = route
    data = {**form, "csrf": _csrf(client.get("/sample").text)}
    r = client.post(url, data=data, follow_redirects=False)
    assert r.status_code < 500, (url, form, r.status_code, r.text[:300])
