"""The review app at scale: the SQLite pairs index, keyset pages, search, migration.

A synthetic build (documents of different sizes, every third pair with a QA
flag, every fifth with a glossary violation, every fourth naming Kazakhstan
as *Kazakh*, every twelfth as *Kazakhstani*: a name rendered two ways) is
walked page by page, forward and backward, for every filter; the expected
lists are computed here from the pairs themselves.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from kzparallel.errors import InputError, KzError
from kzparallel.glossary.consistency import write_consistency
from kzparallel.pairs_file import write_pairs
from kzparallel.records import Pair, pair_id
from kzparallel.review import state as state_module
from kzparallel.review.app import create_app
from kzparallel.review.decisions import apply_review, merge_changes, split_change
from kzparallel.review.state import fold
from kzparallel.review.store import SCHEMA_VERSION, Change, ReviewStore, read_decisions

DATA = Path(__file__).parent / "data"
ROW = re.compile(r'<tr id="p-(\w+)"')


def synthetic(docs: int = 12) -> list[Pair]:
    """Document d has 5 + 6*d pairs, two sentences per paragraph."""
    out = []
    for d in range(docs):
        doc = f"doc{d:02d}"
        for i in range(5 + 6 * d):
            para, sent = i // 2, i % 2
            ar = f"هذه الجملة رقم {i} من الوثيقة {d}"
            violations = ["Tokayev"] if i % 5 == 0 else []
            qa = (["length-ratio"] if i % 3 == 0 else []) + (["glossary"] if violations else [])
            found = "Kazakhstani" if i % 12 == 0 else "Kazakh"
            terms = [{"term": "kazakhstan", "en": "Kazakh", "ok": True, "found": found}]
            out.append(
                Pair(
                    pair_id(doc, para, sent, ar),
                    doc,
                    para,
                    sent,
                    ar,
                    f"Sentence {i} of document {d}.",
                    f"MT {i}",
                    qa=qa,
                    violations=violations,
                    terms=terms if i % 4 == 0 else [],
                    signature="sig-1",
                )
            )
    return out


@pytest.fixture()
def build_dir(tmp_path: Path) -> Path:
    out = tmp_path / "build"
    write_pairs(synthetic(), out / "pairs.jsonl")
    write_consistency(out, None)
    return out


def _two_ways(p: Pair) -> bool:
    return any(t["found"] == "Kazakhstani" for t in p.terms)


@pytest.fixture()
def client(build_dir: Path) -> TestClient:
    return TestClient(create_app(build_dir, who="tester"))


def _ids(html: str) -> list[str]:
    return ROW.findall(html)


def _link(html: str, name: str) -> str | None:
    m = re.search(rf'<a href="([^"]+)" class="page-{name}"', html)
    return m.group(1).replace("&amp;", "&") if m else None


def walk(client: TestClient, url: str) -> tuple[list[str], list[str], str]:
    """Every id of a list following the next links, then the prev links from the last page."""
    forward: list[str] = []
    html = client.get(url).text
    first_html = html
    while True:
        forward.extend(_ids(html))
        nxt = _link(html, "next")
        if nxt is None:
            break
        html = client.get(nxt).text
    backward: list[str] = []
    last = _link(first_html, "last")
    html = client.get(last).text if last else first_html
    while True:
        backward[:0] = _ids(html)
        prev = _link(html, "prev")
        if prev is None:
            break
        html = client.get(prev).text
    return forward, backward, first_html


def _accept(client: TestClient, pair: Pair) -> None:
    html = client.get(f"/doc/{pair.doc_id}?n=100").text
    m = re.search(
        rf'<form method="post" action="/pair/{pair.id}/accept"[^>]*>(.*?)</form>', html, re.S
    )
    assert m
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', m.group(1)))
    r = client.post(f"/pair/{pair.id}/accept", data=fields, follow_redirects=False)
    assert r.status_code == 303


ACCEPTED = {0, 4, 9, 30, 31, 77}  # positions in the synthetic list


@pytest.mark.parametrize(
    ("url", "keep"),
    [
        ("/pairs?n=50", lambda i, p: True),
        ("/pairs?n=50&show=flagged", lambda i, p: bool(p.qa or p.violations)),
        ("/pairs?n=20&show=glossary", lambda i, p: bool(p.violations)),
        ("/pairs?n=20&show=renderings", lambda i, p: _two_ways(p)),
        ("/pairs?n=50&show=unreviewed", lambda i, p: i not in ACCEPTED),
        ("/doc/doc11?n=20", lambda i, p: p.doc_id == "doc11"),
        ("/pairs?n=20&doc=doc11&show=flagged", lambda i, p: p.doc_id == "doc11" and p.qa),
        ("/pairs?n=20&q=الوثيقة+11", lambda i, p: "11" in p.ar.split()),
        ("/pairs?n=20&q=رقم&show=glossary", lambda i, p: bool(p.violations)),
        ("/doc/doc10?n=20&q=الجملة", lambda i, p: p.doc_id == "doc10"),
    ],
)
def test_every_list_walks_page_by_page_both_ways(
    client: TestClient, url: str, keep: Callable[[int, Pair], bool]
) -> None:
    pairs = synthetic()
    for i in sorted(ACCEPTED):
        _accept(client, pairs[i])
    expected = [p.id for i, p in enumerate(pairs) if keep(i, p)]
    assert len(expected) > 20  # more than one page
    forward, backward, html = walk(client, url)
    assert forward == expected
    assert backward == expected
    assert f"{len(expected)} pair(s)" in html


def test_counts_of_each_filter_in_the_filter_bar(client: TestClient) -> None:
    pairs = synthetic()
    _accept(client, pairs[0])
    html = client.get("/pairs").text
    options = re.findall(r'<option value="(\w+)"[^>]*>\w+ \(([\d,]+)\)</option>', html)
    flagged = sum(1 for p in pairs if p.qa or p.violations)
    glossary = sum(1 for p in pairs if p.violations)
    assert options == [
        ("all", str(len(pairs))),
        ("unreviewed", str(len(pairs) - 1)),
        ("flagged", str(flagged)),
        ("glossary", str(glossary)),
        ("renderings", str(sum(1 for p in pairs if _two_ways(p)))),
    ]


def _doc_rows(html: str) -> list[str]:
    return re.findall(r'<td><a href="/doc/[^"]+">(doc\d+)</a></td>', html)


def _walk_docs(client: TestClient, url: str) -> list[str]:
    out: list[str] = []
    while url:
        html = client.get(url).text
        out.extend(_doc_rows(html))
        url = _link(html, "next") or ""
    return out


@pytest.mark.parametrize(
    ("sort", "key", "desc"),
    [
        ("doc", lambda d: (d,), False),
        ("flagged", lambda d: (FLAGGED[d] / SIZES[d], d), True),
        ("glossary", lambda d: (GLOSSARY[d], d), True),
        ("progress", lambda d: (REVIEWED.get(d, 0) / SIZES[d], d), False),
    ],
)
def test_documents_list_sorts(
    client: TestClient, sort: str, key: Callable[[int], tuple[float, ...]], desc: bool
) -> None:
    pairs = synthetic()
    for i in sorted(ACCEPTED):
        _accept(client, pairs[i])
    expected = [f"doc{d:02d}" for d in sorted(range(12), key=key, reverse=desc)]
    assert _doc_rows(client.get(f"/?sort={sort}").text) == expected
    other = "asc" if desc else "desc"
    assert _doc_rows(client.get(f"/?sort={sort}&order={other}").text) == expected[::-1]


SIZES = {d: 5 + 6 * d for d in range(12)}
FLAGGED = {d: sum(1 for i in range(SIZES[d]) if i % 3 == 0 or i % 5 == 0) for d in range(12)}
GLOSSARY = {d: sum(1 for i in range(SIZES[d]) if i % 5 == 0) for d in range(12)}
REVIEWED = {0: 2, 1: 1, 2: 2, 4: 1}  # documents of the ACCEPTED positions: 0, 4 | 9 | 30, 31 | 77


def test_accepted_positions_are_in_the_documents_assumed() -> None:
    pairs = synthetic()
    by_doc: dict[int, int] = {}
    for i in ACCEPTED:
        d = int(pairs[i].doc_id[3:])
        by_doc[d] = by_doc.get(d, 0) + 1
    assert by_doc == REVIEWED


def test_documents_list_pages_with_keys(tmp_path: Path) -> None:
    """45 documents of 4 pairs, document k with k % 5 flagged pairs (ties in the share)."""
    out = tmp_path / "many"
    pairs = []
    for k in range(45):
        for i in range(4):
            ar = f"نص {i}"
            qa = ["empty"] if i < k % 5 else []
            pairs.append(
                Pair(pair_id(f"d{k:03d}", i, 0, ar), f"d{k:03d}", i, 0, ar, "t", "t", qa=qa)
            )
    write_pairs(pairs, out / "pairs.jsonl")
    client = TestClient(create_app(out))
    names = [f"d{k:03d}" for k in range(45)]
    html = client.get("/?n=20").text
    assert "45 document(s)" in html
    assert _doc_rows_any(html) == names[:20]
    assert _walk_docs_any(client, "/?n=20") == names
    last = client.get(_link(html, "last") or "").text
    assert _doc_rows_any(last) == names[25:]
    assert _doc_rows_any(client.get(_link(last, "prev") or "").text) == names[5:25]
    by_share = sorted(names, key=lambda n: (min(int(n[1:]) % 5, 4), n), reverse=True)
    assert _walk_docs_any(client, "/?sort=flagged&n=20") == by_share
    html = client.get("/?sort=flagged&n=20&last=1").text
    backward = []
    while True:
        backward[:0] = _doc_rows_any(html)
        prev = _link(html, "prev")
        if prev is None:
            break
        html = client.get(prev).text
    assert backward == by_share


def _doc_rows_any(html: str) -> list[str]:
    return re.findall(r'<td><a href="/doc/[^"]+">(d\d+)</a></td>', html)


def _walk_docs_any(client: TestClient, url: str) -> list[str]:
    out: list[str] = []
    while url:
        html = client.get(url).text
        out.extend(_doc_rows_any(html))
        url = _link(html, "next") or ""
    return out


# -- search ---------------------------------------------------------------------

SEARCH_PAIRS = {
    "A": ("وصل الرئيس إلى كازاخستان أمس.", "The president arrived in Kazakhstan yesterday."),
    "B": ("قالت وزارة الخارجية الكازاخستانية إن الوضع مستقر.", "The ministry said it was calm."),
    "C": ("وكازاخستان دولة كبيرة.", "And Kazakhstan is a big country."),
    "D": ("التقى بوتين بالرئيس توكاييف.", "Putin met President Tokayev."),
    "E": ("للرئيس صلاحيات واسعة.", "The president has wide powers."),
    "F": ("رئيس الوزراء استقال.", "The prime minister resigned."),
    "G": ("قالَ الرَّئِيسُ إِنَّ الأمنَ عادَ.", "The president said security is back."),
    "H": ("مرسوم قاسم جومارت توكاييف", "Kassym-Jomart Tokayev's decree."),
    "I": ("وصلت القوات إلى ألما آتا", "Troops reached Almaty, Kazakhstán's city."),
}


@pytest.fixture()
def search_client(tmp_path: Path) -> tuple[TestClient, dict[str, str]]:
    out = tmp_path / "search"
    pairs = [
        Pair(pair_id("news", k, 0, ar), "news", k, 0, ar, en, en)
        for k, (ar, en) in enumerate(SEARCH_PAIRS.values())
    ]
    write_pairs(pairs, out / "pairs.jsonl")
    return TestClient(create_app(out)), {p.id: k for k, p in zip(SEARCH_PAIRS, pairs, strict=True)}


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("كازاخستان", "ABC"),  # with و in front, and الـ ... ية around it
        ("الرئيس", "ADEG"),  # بالرئيس, للرئيس, الرَّئِيسُ (diacritics)
        ("رئيس", "ADEFG"),  # the bare word finds every form
        ("توكاييف", "DH"),
        ("Tokayev", "DH"),  # English; Tokayev's
        ("tokayev بوتين", "D"),  # every word must occur, either language
        ("إن", "BG"),  # short: whole words only (إِنَّ has diacritics)
        ("أمن", "G"),  # alef with hamza folded: الأمنَ
        ("Kazakhstan", "ACI"),  # Kazakhstán: accents folded
        ("kazakh", "ACI"),  # three letters or more: words that start with it
        ("ثقوب", ""),
        ('"الرئيس"* ) (', "ADEG"),  # FTS5 syntax is never interpreted
        ("بوتين OR الرئيس", ""),  # OR is a word to find, not an operator
        ("***", "ABCDEFGHI"),  # no words: no search
    ],
)
def test_search(search_client: tuple[TestClient, dict[str, str]], query: str, found: str) -> None:
    client, names = search_client
    r = client.get("/pairs", params={"q": query})
    assert r.status_code == 200
    assert "".join(names[i] for i in _ids(r.text)) == found


@pytest.mark.parametrize(
    ("query", "expanded", "expected"),
    [
        ("Kazakh", ["kazakh", "kazakhs"], '{arx en} : ("kazakh" OR "kazakhs")'),
        ("Kazakh", None, '{arx en} : "kazakh"*'),  # too many words: a prefix query
        ("Kazakh", [], '{arx en} : "kazakh"'),  # no word starts with it
        ("UN", ["un", "unit"], '{arx en} : "un"'),  # short: the whole word only
        ("الرئيسُ", ["الرييس", "الرييسي"], 'arx : ("الرييس" OR "الرييسي")'),  # folded
    ],
)
def test_search_words_are_expanded_into_indexed_words(
    query: str, expanded: list[str] | None, expected: str
) -> None:
    from kzparallel.review.search import fts_query

    assert fts_query(query, lambda w: expanded) == expected


def test_search_word_with_many_continuations_is_a_prefix_query(
    monkeypatch: pytest.MonkeyPatch, search_client: tuple[TestClient, dict[str, str]]
) -> None:
    from kzparallel.review import queries

    client, names = search_client
    monkeypatch.setattr(queries, "MAX_EXPANSION", 0)
    for query, found in (("kazakh", "ACI"), ("كازاخستان", "ABC")):
        r = client.get("/pairs", params={"q": query})
        assert "".join(names[i] for i in _ids(r.text)) == found


def test_search_count_is_capped(monkeypatch: pytest.MonkeyPatch, build_dir: Path) -> None:
    from kzparallel.review import queries

    monkeypatch.setattr(queries, "COUNT_CAP", 30)
    client = TestClient(create_app(build_dir))
    assert "more than 30 pair(s) matching “الجملة”" in client.get("/pairs?q=الجملة").text
    # up to the cap they are counted exactly: pair 50 of documents 8-11
    assert "4 pair(s) matching “50”" in client.get("/pairs?q=50").text


# -- the index follows pairs.jsonl ------------------------------------------------


def test_second_start_reuses_the_index_and_a_rebuild_is_imported_again(
    build_dir: Path,
) -> None:
    first = create_app(build_dir, who="tester")
    assert first.state.index.imported is not None
    assert create_app(build_dir).state.index.imported is None  # up to date
    client = TestClient(first)
    pairs = synthetic()
    _accept(client, pairs[0])
    old = list((build_dir / "review-index").glob("pairs-*.sqlite"))
    # a re-build: fewer documents, the same first pairs
    write_pairs(synthetic(3), build_dir / "pairs.jsonl")
    html = client.get("/pairs?show=unreviewed").text
    assert f"{len(synthetic(3)) - 1} pair(s)" in html
    new = list((build_dir / "review-index").glob("pairs-*.sqlite"))
    assert len(old) == len(new) == 1 and old != new
    assert '<td class="num">1 (20%)</td>' in client.get("/").text  # the decision kept


def test_touching_pairs_jsonl_imports_it_again(build_dir: Path) -> None:
    create_app(build_dir)
    st = (build_dir / "pairs.jsonl").stat()
    os.utime(build_dir / "pairs.jsonl", ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert create_app(build_dir).state.index.imported is not None


def test_bad_pairs_file(tmp_path: Path, build_dir: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "pairs.jsonl").write_text('{"id": "a", "doc_id": "d"}\nnot json\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        create_app(bad)
    assert str(err.value) == (
        f"{bad / 'pairs.jsonl'}:2: not a pair record (Expecting value: line 1 column 1 (char 0))"
    )
    # a broken re-build while the server runs: the last import is still shown
    client = TestClient(create_app(build_dir))
    with (build_dir / "pairs.jsonl").open("a", encoding="utf-8") as fh:
        fh.write('{"doc_id": "x"}\n')
    html = client.get("/pairs").text
    assert (
        "the new pairs.jsonl could not be imported "
        f"({build_dir / 'pairs.jsonl'}:{len(synthetic()) + 1}: not a pair record "
        "(no id or doc_id)); showing the last import"
    ) in html.replace("&#39;", "'")
    assert f"{len(synthetic())} pair(s)" in html


def test_pairs_jsonl_rewritten_in_place_is_not_misread(build_dir: Path) -> None:
    client = TestClient(create_app(build_dir, reimport_wait=0))
    path = build_dir / "pairs.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    with path.open("r+b") as fh:  # same size, other pairs: the offsets now point elsewhere
        fh.write(b"".join(lines[1:] + lines[:1]))
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, client.app.state.index.gen.stamp.mtime_ns))
    r = client.get("/pairs")
    assert r.status_code == 503
    assert "pairs.jsonl was rewritten while the review server ran" in r.text


def test_decisions_of_another_process_show_on_the_next_page(
    client: TestClient, build_dir: Path
) -> None:
    pairs = synthetic()
    assert f"{len(pairs)} pair(s)" in client.get("/pairs?show=unreviewed").text
    ReviewStore(build_dir).record([Change(pairs[3].id, 0, "reject")], who="other")
    assert f"{len(pairs) - 1} pair(s)" in client.get("/pairs?show=unreviewed").text


def test_pages_never_fold_the_whole_log(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the whole decision log was read")

    pairs = synthetic()
    _accept(client, pairs[1])
    monkeypatch.setattr(state_module, "fold", refuse)
    monkeypatch.setattr("kzparallel.review.decisions.fold", refuse)
    monkeypatch.setattr("kzparallel.review.decisions.read_decisions", refuse)
    monkeypatch.setattr("kzparallel.review.store.read_decisions", refuse)
    monkeypatch.setattr(ReviewStore, "decisions", refuse)
    for url in ("/", "/pairs", "/pairs?show=unreviewed", "/doc/doc01", "/pairs?q=رقم"):
        assert client.get(url).status_code == 200
    _accept(client, pairs[2])
    assert 'class="pair status-accepted"' in client.get("/doc/doc00").text


def test_pair_state_is_the_fold_of_the_log(tmp_path: Path) -> None:
    pairs = synthetic()[:6]
    store = ReviewStore(tmp_path)
    store.record([Change(pairs[0].id, 0, "reject")], who="a")
    store.record([Change(pairs[0].id, 1, "accept")], who="b")
    store.record(merge_changes(pairs[2], 0, pairs[3], 0, "Both."), who="a")
    store.record([Change(pairs[2].id, 1, "edit", "Both.", "Both, edited.")], who="a")
    at = pairs[4].ar.index(" ") + 1
    parts = [{"en": "One.", "en_mt": ""}, {"en": "Two.", "en_mt": ""}]
    store.record([split_change(pairs[4], 0, at, parts)], who="a")
    store.record([Change(pairs[4].id, 1, "edit", "Two.", "Two, edited.", {"part": 1})], who="a")
    store.record([Change(pairs[5].id, 0, "note", None, "a note")], who="a")
    ids = [p.id for p in pairs]
    assert store.states(ids) == fold(store.decisions())
    conn = sqlite3.connect(store.path)
    rows = conn.execute("SELECT pair_id, version, status, reviewed FROM pair_state").fetchall()
    assert sorted(rows) == sorted(
        [
            (pairs[0].id, 2, "accepted", 1),
            (pairs[2].id, 2, "edited", 1),
            (pairs[3].id, 1, "merged", 1),
            (pairs[4].id, 2, "edited", 1),
            (pairs[5].id, 1, "unreviewed", 0),
        ]
    )


# -- decisions of the first format are kept ------------------------------------------


def test_review_database_of_the_first_format_is_migrated(tmp_path: Path) -> None:
    """tests/data/review-v0.sqlite was written by kzparallel's ReviewStore at commit
    b06601c (decisions table only, user_version 0) about the pairs of paragraphs
    11-13 of seed 003 (those of tests/test_review.py): pair 11.0 accepted by ann,
    12.0 + 12.1 merged by bob, 13.0 noted then rejected, and a pair not in the build."""
    from test_review import seed_pairs

    out = tmp_path / "build"
    out.mkdir()
    pairs = seed_pairs()
    write_pairs(pairs, out / "pairs.jsonl")
    shutil.copy(DATA / "review-v0.sqlite", out / "review.sqlite")
    before = read_decisions(out)
    assert [(d.seq, d.pair_id, d.version, d.who, d.action) for d in before] == [
        (1, pairs[0].id, 1, "ann", "accept"),
        (2, pairs[1].id, 1, "bob", "merge"),
        (3, pairs[2].id, 1, "bob", "merge"),
        (4, pairs[3].id, 1, "ann", "note"),
        (5, pairs[3].id, 2, "ann", "reject"),
        (6, "0123456789abcdef", 1, "ann", "accept"),
    ]
    applied = [p.to_dict() for p in apply_review(out, pairs)]
    client = TestClient(create_app(out, who="tester"))
    conn = sqlite3.connect(out / "review.sqlite")
    assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    assert read_decisions(out) == before  # the log is kept as it was
    html = client.get("/doc/003_a7048d873e8d821e").text
    statuses = dict(re.findall(r'<tr id="p-(\w+)" class="pair status-(\w+)"', html))
    assert statuses == {
        pairs[0].id: "accepted",
        pairs[1].id: "edited",
        pairs[2].id: "merged",
        pairs[3].id: "rejected",
    }
    assert "0 pair(s) (unreviewed)" in client.get("/pairs?show=unreviewed").text
    assert [p.to_dict() for p in apply_review(out, pairs)] == applied
    # versions go on from the old log: pair 11.0 is at version 1
    fields = re.search(
        rf'action="/pair/{pairs[0].id}/reject"[^>]*><input type="hidden" name="csrf" '
        r'value="(\w+)"><input type="hidden" name="version" value="(\d+)">',
        html,
    )
    assert fields and fields.group(2) == "1"
    r = client.post(
        f"/pair/{pairs[0].id}/reject",
        data={"csrf": fields.group(1), "version": "1", "back": "/"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert [d.version for d in ReviewStore(out).history(pairs[0].id)] == [1, 2]


def test_review_database_of_a_newer_format_is_refused(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "review.sqlite")
    conn.execute("PRAGMA user_version = 7")
    conn.close()
    with pytest.raises(KzError) as err:
        ReviewStore(tmp_path).record([Change("p", 0, "accept")], who="a")
    assert err.value.message == (
        f"{tmp_path / 'review.sqlite'}: review database schema version 7 is newer than "
        "this kzparallel understands (2): upgrade kzparallel"
    )


def test_review_database_of_version_1_accepts_relink(tmp_path: Path) -> None:
    """A version-1 database (its CHECK knows no ``relink``) is migrated: the log is
    kept, and a relink decision can be recorded."""
    from kzparallel.review.store import _SCHEMA_V1

    conn = sqlite3.connect(tmp_path / "review.sqlite")
    for statement in _SCHEMA_V1:
        conn.execute(statement.replace(", 'relink'", ""))
    conn.execute(
        "INSERT INTO decisions (pair_id, version, who, at, action) "
        "VALUES ('p', 1, 'ann', '2026-01-01T00:00:00Z', 'accept')"
    )
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    with pytest.raises(sqlite3.IntegrityError):  # the old CHECK
        conn.execute(
            "INSERT INTO decisions (pair_id, version, who, at, action) "
            "VALUES ('links:d', 1, 'ann', '2026-01-01T00:00:00Z', 'relink')"
        )
    conn.close()
    ReviewStore(tmp_path).record([Change("links:d", 0, "relink", data={"links": []})], who="b")
    assert [(d.seq, d.pair_id, d.version, d.who, d.action) for d in read_decisions(tmp_path)] == [
        (1, "p", 1, "ann", "accept"),
        (2, "links:d", 1, "b", "relink"),
    ]
    conn = sqlite3.connect(tmp_path / "review.sqlite")
    assert conn.execute("PRAGMA user_version").fetchone() == (2,)


def test_index_columns_and_rows(build_dir: Path) -> None:
    create_app(build_dir)
    [db] = (build_dir / "review-index").glob("pairs-*.sqlite")
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    pairs = synthetic()
    rows = conn.execute(
        "SELECT pos, id, flagged, glossary, flags, offset, length FROM pairs ORDER BY pos"
    ).fetchall()
    lines = (build_dir / "pairs.jsonl").read_bytes().splitlines(keepends=True)
    offsets = [sum(len(x) for x in lines[:i]) for i in range(len(lines))]
    assert rows == [
        (
            i + 1,
            p.id,
            int(bool(p.qa or p.violations)),
            int(bool(p.violations)),
            " ".join(sorted(p.qa)),
            offsets[i],
            len(lines[i]),
        )
        for i, p in enumerate(pairs)
    ]
