"""Review decisions: the SQLite log, apply_review, and the web app (Starlette TestClient)."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from kzparallel.cleaning import clean_document
from kzparallel.ingest import read_documents
from kzparallel.pairs_file import read_pairs, write_pairs
from kzparallel.records import Pair, pair_id
from kzparallel.review.app import create_app
from kzparallel.review.decisions import apply_review, merge_changes, split_change
from kzparallel.review.store import Change, ReviewStore, StaleDecision
from kzparallel.segmentation import segment_document

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "003_a7048d873e8d821e.txt"
DOC = "003_a7048d873e8d821e"
PLANTED = "<script>document.title='pwned'</script>"


def seed_pairs() -> list[Pair]:
    """Paragraphs 11-13 of a seed: 12 has two sentences (merge), the others one."""
    doc = clean_document(next(read_documents([SEED])))
    segs = [s for s in segment_document(doc) if s.para in (11, 12, 13)]
    return [
        Pair.from_segment(s, en=f"English {s.para}.{s.sent}", en_mt=f"MT {s.para}.{s.sent}")
        for s in segs
    ]


@pytest.fixture()
def pairs() -> list[Pair]:
    return seed_pairs()


@pytest.fixture()
def build_dir(tmp_path: Path, pairs: list[Pair]) -> Path:
    out = tmp_path / "build"
    out.mkdir()
    planted = Pair.from_segment(
        segment_document(clean_document(next(read_documents([SEED]))))[-1],
        en=f"English {PLANTED} & more",
    )
    planted.ar = f"{planted.ar} {PLANTED}"
    write_pairs([*pairs, planted], out / "pairs.jsonl")
    return out


def test_seed_pairs_are_what_the_tests_assume(pairs: list[Pair]) -> None:
    assert [(p.para, p.sent) for p in pairs] == [(11, 0), (12, 0), (12, 1), (13, 0)]
    assert pairs[1].ar == (
        "وعلقت وزارة الخارجية الروسية على الأحداث والاحتجاجات المندلعة في مدينة ألما آتا "
        "في كازاخستان."
    )
    assert pairs[2].ar.startswith('وقالت إنّ "روسيا تؤيد')
    assert (pairs[1].start, pairs[1].end, pairs[2].start) == (0, 93, 94)


# -- the log ------------------------------------------------------------------


def test_store_is_wal_and_refuses_a_stale_decision(tmp_path: Path, pairs: list[Pair]) -> None:
    store = ReviewStore(tmp_path)
    pid = pairs[0].id
    [d] = store.record([Change(pid, 0, "edit", "English 11.0", "First edit.")], who="ann")
    assert (d.pair_id, d.version, d.who, d.action, d.after) == (
        pid,
        1,
        "ann",
        "edit",
        "First edit.",
    )
    with pytest.raises(StaleDecision) as err:
        store.record([Change(pid, 0, "edit", "English 11.0", "Second tab.")], who="bob")
    assert err.value.message == (
        f"pair {pid} was changed since you loaded it (edit by ann at {d.at}, version 1, "
        "yours was based on version 0); nothing was saved: reload to see the current text"
    )
    # all-or-nothing: a merge whose second pair is stale writes neither row
    with pytest.raises(StaleDecision):
        store.record(merge_changes(pairs[0], 1, pairs[1], 5, "Both."), who="bob")
    assert [x.after for x in store.history(pid)] == ["First edit."]
    assert store.history(pairs[1].id) == []
    conn = sqlite3.connect(tmp_path / "review.sqlite")
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    with pytest.raises(sqlite3.IntegrityError):  # one row per (pair, version)
        conn.execute(
            "INSERT INTO decisions (pair_id, version, who, at, action) VALUES (?, 1, 'x', 't', 'accept')",
            (pid,),
        )


# -- apply_review ---------------------------------------------------------------


def test_apply_review_without_review_db_passes_pairs_through(
    tmp_path: Path, pairs: list[Pair]
) -> None:
    assert list(apply_review(tmp_path, iter(pairs))) == pairs


def test_apply_review_accept_edit_reject(tmp_path: Path, pairs: list[Pair]) -> None:
    store = ReviewStore(tmp_path)
    store.record([Change(pairs[0].id, 0, "accept")], who="ann")
    store.record([Change(pairs[1].id, 0, "edit", "English 12.0", "The Russian ministry.")], "ann")
    store.record([Change(pairs[2].id, 0, "reject")], who="ann")
    store.record([Change(pairs[3].id, 0, "note", None, "check the name")], who="ann")
    store.record([Change("0123456789abcdef", 0, "reject")], who="ann")  # not in this build
    out = list(apply_review(tmp_path, pairs))
    assert [(p.id, p.review_status, p.en, p.en_mt) for p in out] == [
        (pairs[0].id, "accepted", "English 11.0", "MT 11.0"),
        (pairs[1].id, "edited", "The Russian ministry.", "MT 12.0"),
        (pairs[3].id, "unreviewed", "English 13.0", "MT 13.0"),
    ]


def test_apply_review_reject_then_accept_keeps_the_pair(tmp_path: Path, pairs: list[Pair]) -> None:
    store = ReviewStore(tmp_path)
    store.record([Change(pairs[0].id, 0, "reject")], who="ann")
    store.record([Change(pairs[0].id, 1, "accept")], who="ann")
    assert [p.review_status for p in apply_review(tmp_path, pairs)][:1] == ["accepted"]


def test_apply_review_merge(tmp_path: Path, pairs: list[Pair]) -> None:
    a, b = pairs[1], pairs[2]
    ReviewStore(tmp_path).record(merge_changes(a, 0, b, 0, "Russia commented."), who="ann")
    out = list(apply_review(tmp_path, pairs))
    assert (out[0].id, out[2].id) == (pairs[0].id, pairs[3].id)
    merged = out[1]
    ar = f"{a.ar} {b.ar}"
    assert (merged.id, merged.ar, merged.en, merged.en_mt) == (
        pair_id(DOC, 12, 0, ar),
        ar,
        "Russia commented.",
        "MT 12.0 MT 12.1",
    )
    assert (merged.para, merged.sent, merged.start, merged.end) == (12, 0, 0, 185)
    assert merged.review_status == "edited" and len(out) == 3


def test_apply_review_merge_then_edit(tmp_path: Path, pairs: list[Pair]) -> None:
    store = ReviewStore(tmp_path)
    store.record(merge_changes(pairs[1], 0, pairs[2], 0, "Both."), who="ann")
    store.record([Change(pairs[1].id, 1, "edit", "Both.", "Both, better.")], who="ann")
    merged = list(apply_review(tmp_path, pairs))[1]
    assert (merged.ar, merged.en, merged.en_mt) == (
        f"{pairs[1].ar} {pairs[2].ar}",
        "Both, better.",
        "MT 12.0 MT 12.1",
    )


def test_apply_review_merge_rejected_drops_both(tmp_path: Path, pairs: list[Pair]) -> None:
    store = ReviewStore(tmp_path)
    store.record(merge_changes(pairs[1], 0, pairs[2], 0, "Both."), who="ann")
    store.record([Change(pairs[1].id, 1, "reject")], who="ann")
    assert [p.id for p in apply_review(tmp_path, pairs)] == [pairs[0].id, pairs[3].id]


def test_apply_review_merge_partner_gone(tmp_path: Path, pairs: list[Pair]) -> None:
    ReviewStore(tmp_path).record(merge_changes(pairs[1], 0, pairs[2], 0, "Both."), who="ann")
    rebuilt = [pairs[0], pairs[1], pairs[3]]  # a re-build no longer makes pair 12.1
    out = list(apply_review(tmp_path, rebuilt))
    assert [(p.id, p.en, p.review_status) for p in out] == [
        (p.id, p.en, "unreviewed") for p in rebuilt
    ]


def test_apply_review_split(tmp_path: Path, pairs: list[Pair]) -> None:
    p = pairs[1]
    at = p.ar.index("والاحتجاجات")  # after "... على الأحداث "
    parts = [{"en": "The Russian foreign ministry commented on the events", "en_mt": ""},
             {"en": "and protests in Almaty in Kazakhstan.", "en_mt": ""}]  # fmt: skip
    ReviewStore(tmp_path).record([split_change(p, 0, at, parts)], who="ann")
    out = list(apply_review(tmp_path, pairs))
    assert len(out) == 5
    first, second = out[1], out[2]
    assert first.ar == "وعلقت وزارة الخارجية الروسية على الأحداث"
    assert second.ar == "والاحتجاجات المندلعة في مدينة ألما آتا في كازاخستان."
    assert (first.start, first.end, second.start, second.end) == (0, at - 1, at, 93)
    assert [x.en for x in (first, second)] == [parts[0]["en"], parts[1]["en"]]
    assert [x.en_mt for x in (first, second)] == ["", ""]
    assert [x.id for x in (first, second)] == [
        pair_id(DOC, 12, 0, first.ar),
        pair_id(DOC, 12, 0, second.ar),
    ]
    assert {x.review_status for x in (first, second)} == {"edited"}


@pytest.mark.parametrize("at", [0, 93, 200])
def test_split_point_must_be_inside_the_sentence(pairs: list[Pair], at: int) -> None:
    with pytest.raises(ValueError, match=f"split point {at} is not inside the sentence"):
        split_change(pairs[1], 0, at, [])


def test_split_point_may_fall_inside_a_word(pairs: list[Pair]) -> None:
    assert split_change(pairs[1], 0, 2, []).data == {"at": 2, "parts": []}


# -- the web app ----------------------------------------------------------------


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf" value="([0-9a-f]{64})"', html)
    assert m, "no CSRF field on the page"
    return m.group(1)


def _form(html: str, pair: str, action: str) -> dict[str, str]:
    """The hidden fields of a pair's form, as the browser would send them."""
    m = re.search(
        rf'<form method="post" action="/pair/{pair}/{action}"[^>]*>(.*?)</form>', html, re.S
    )
    assert m, f"no {action} form for {pair}"
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', m.group(1)))


@pytest.fixture()
def client(build_dir: Path) -> TestClient:
    return TestClient(create_app(build_dir, who="tester"))


def test_documents_list(client: TestClient, build_dir: Path) -> None:
    html = client.get("/").text
    assert f'<a href="/doc/{DOC}">{DOC}</a>' in html
    assert re.search(r'<td class="num">5</td>', html)
    assert '<td class="num">0 (0%)</td>' in html


def test_post_without_valid_csrf_is_refused(client: TestClient, pairs: list[Pair]) -> None:
    url = f"/pair/{pairs[0].id}/accept"
    html = client.get(f"/doc/{DOC}").text
    fields = _form(html, pairs[0].id, "accept")
    for data in ({"version": "0"}, {**fields, "csrf": "0" * 64}):
        r = client.post(url, data=data, follow_redirects=False)
        assert (r.status_code, r.text) == (
            403,
            "refused: missing or invalid CSRF token (reload the page and try again)",
        )
    other = TestClient(client.app)  # another browser: its own session cookie
    assert other.post(url, data=fields, follow_redirects=False).status_code == 403
    assert not (Path(client.app.state.config.out_dir) / "review.sqlite").exists()
    r = client.post(url, data=fields, follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, f"/doc/{DOC}#p-{pairs[0].id}")


def test_stale_edit_is_refused(client: TestClient, pairs: list[Pair], build_dir: Path) -> None:
    pid = pairs[0].id
    tab1 = _form(client.get(f"/doc/{DOC}").text, pid, "edit")
    tab2 = dict(tab1)
    r = client.post(f"/pair/{pid}/edit", data={**tab1, "en": "Tab one."}, follow_redirects=False)
    assert r.status_code == 303
    r = client.post(f"/pair/{pid}/edit", data={**tab2, "en": "Tab two."})
    assert r.status_code == 409
    assert "Not saved: the pair has changed" in r.text
    assert f"pair {pid} was changed since you loaded it (edit by tester at " in r.text
    assert next(apply_review(build_dir, pairs)).en == "Tab one."
    # the page now shows version 1, and an edit based on it is saved
    fresh = _form(client.get(f"/doc/{DOC}").text, pid, "edit")
    assert fresh["version"] == "1"
    client.post(f"/pair/{pid}/edit", data={**fresh, "en": "Tab two, reloaded."})
    assert next(apply_review(build_dir, pairs)).en == "Tab two, reloaded."


def test_untrusted_text_is_escaped(client: TestClient) -> None:
    r = client.get(f"/doc/{DOC}")
    assert PLANTED not in r.text
    assert "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;" in r.text
    assert "&amp; more" in r.text
    assert r.headers["content-security-policy"].startswith("default-src 'none'; script-src 'self'")


def test_merge_and_split_through_forms(
    client: TestClient, pairs: list[Pair], build_dir: Path
) -> None:
    html = client.get(f"/doc/{DOC}").text
    a, b = pairs[1], pairs[2]
    merge = _form(html, a.id, "merge")
    assert (merge["next"], merge["next_version"]) == (b.id, "0")
    r = client.post(f"/pair/{a.id}/merge", data={**merge, "en": "Merged."}, follow_redirects=False)
    assert r.status_code == 303
    split = _form(html, pairs[3].id, "split")
    at = str(pairs[3].ar.index(" ") + 1)
    r = client.post(f"/pair/{pairs[3].id}/split", data={**split, "at": at, "en1": "One."})
    assert (r.status_code, "type the English of both parts" in r.text) == (400, True)
    r = client.post(
        f"/pair/{pairs[3].id}/split", data={**split, "at": at, "en1": "One.", "en2": "Two."}
    )
    assert r.status_code == 200  # followed the redirect
    out = list(apply_review(build_dir, read_pairs(build_dir / "pairs.jsonl")))
    assert [p.en for p in out][:5] == ["English 11.0", "Merged.", "One.", "Two.", out[4].en]
    assert "merged into the previous pair" in r.text
    r = client.post(f"/pair/{a.id}/merge", data={**merge, "en": "x", "retranslate": "1"})
    assert r.status_code == 400
    assert "this pair was already merged or split" in r.text
    r = client.post(f"/pair/{pairs[0].id}/note", data={**_form(html, pairs[0].id, "note")})
    assert (r.status_code, "the note is empty" in r.text) == (400, True)


def test_merge_retranslates_with_a_model(build_dir: Path, pairs: list[Pair]) -> None:
    seen: list[list[str]] = []

    def fake(texts: list[str]) -> list[str]:
        seen.append(texts)
        return [f"MT of {len(t)} chars" for t in texts]

    client = TestClient(create_app(build_dir, model="m", retranslate=fake, who="t"))
    a, b = pairs[1], pairs[2]
    merge = _form(client.get(f"/doc/{DOC}").text, a.id, "merge")
    client.post(f"/pair/{a.id}/merge", data={**merge, "en": "", "retranslate": "1"})
    assert seen == [[f"{a.ar} {b.ar}"]]
    plain = TestClient(create_app(build_dir, who="t"))  # no --model
    split = _form(plain.get(f"/doc/{DOC}").text, pairs[0].id, "split")
    r = plain.post(f"/pair/{pairs[0].id}/split", data={**split, "at": "6", "retranslate": "1"})
    assert r.status_code == 400
    assert "no model is configured: type the English of both parts" in r.text
    merged = list(apply_review(build_dir, pairs))[1]
    assert (merged.en, merged.en_mt) == ("MT of 185 chars", "MT of 185 chars")


def test_filters(client: TestClient, build_dir: Path, pairs: list[Pair]) -> None:
    fields = _form(client.get(f"/doc/{DOC}").text, pairs[0].id, "accept")
    client.post(f"/pair/{pairs[0].id}/accept", data=fields)
    ids = re.findall(r'<tr id="p-(\w+)"', client.get(f"/pairs?doc={DOC}&show=unreviewed").text)
    assert pairs[0].id not in ids and pairs[1].id in ids and len(ids) == 4
    assert re.findall(r'<tr id="p-(\w+)"', client.get("/pairs?show=glossary").text) == []


def test_token_required_when_configured(build_dir: Path) -> None:
    client = TestClient(create_app(build_dir, token="s3cret"))
    assert client.get("/").status_code == 401
    assert client.get("/", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    r = client.get(f"/doc/{DOC}?token=s3cret&show=flagged", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, f"/doc/{DOC}?show=flagged")
    assert client.get("/").status_code == 200  # the cookie set from ?token=


@pytest.mark.parametrize(
    "path",
    ["/static/../pairs.jsonl", "/static/%2e%2e/pairs.jsonl", "/pairs.jsonl", "/review.sqlite"],
)
def test_no_build_file_is_served(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_static_files_come_from_the_package(client: TestClient) -> None:
    r = client.get("/static/review.js")
    assert r.status_code == 200 and "keydown" in r.text


def test_split_retranslates_with_the_tiny_model(
    build_dir: Path, pairs: list[Pair], tiny_model: Path
) -> None:
    from kzparallel.translation import load_translator
    from kzparallel.translation.base import DecodingConfig

    client = TestClient(create_app(build_dir, model=str(tiny_model), who="t"))
    p = pairs[1]
    at = p.ar.index("والاحتجاجات")
    split = _form(client.get(f"/doc/{DOC}").text, p.id, "split")
    r = client.post(f"/pair/{p.id}/split", data={**split, "at": str(at), "retranslate": "1"})
    assert r.status_code == 200
    first, second = list(apply_review(build_dir, pairs))[1:3]
    expected = load_translator(str(tiny_model)).translate([first.ar, second.ar], DecodingConfig())
    assert [(x.en, x.en_mt) for x in (first, second)] == [(t.text, t.text) for t in expected]
    assert first.ar == "وعلقت وزارة الخارجية الروسية على الأحداث"
