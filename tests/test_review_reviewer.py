"""Who reviewed: the name a browser gives (a cookie) or ``--reviewer``, recorded
with every decision and named in a conflict; never the server's OS user.

Each browser is its own ``TestClient`` (its own cookie jar) over one app.
"""

from __future__ import annotations

import getpass
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import Cli
from starlette.applications import Starlette
from starlette.testclient import TestClient

from kzparallel.pairs_file import write_pairs
from kzparallel.records import Pair
from kzparallel.review.app import create_app
from kzparallel.review.reviewer import MAX_NAME, REVIEWER_COOKIE, check_name
from kzparallel.review.sampling import sample_info
from kzparallel.review.store import ReviewStore, read_decisions

DOC = "d"
PAIRS = [
    Pair(f"{k:016x}", DOC, k, 0, f"جملة رقم {k} هنا", f"Sentence {k}.", f"Sentence {k}.")
    for k in range(4)
]


@pytest.fixture()
def build_dir(tmp_path: Path) -> Path:
    out = tmp_path / "build"
    out.mkdir()
    write_pairs(PAIRS, out / "pairs.jsonl")
    return out


def _hidden(form: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))


def _form(client: TestClient, pair: Pair, action: str) -> dict[str, str]:
    """The hidden fields of a pair's form on its document page, as a browser sends them."""
    html = client.get(f"/doc/{DOC}").text
    m = re.search(
        rf'<form method="post" action="/pair/{pair.id}/{action}"[^>]*>(.*?)</form>', html, re.S
    )
    assert m, html
    return _hidden(m.group(1))


def _name_box(html: str) -> tuple[dict[str, str], str]:
    """The reviewer box of a page: its hidden fields and the name it shows."""
    m = re.search(r'<form method="post" action="/reviewer" class="who">(.*?)</form>', html, re.S)
    assert m, html
    shown = re.search(r'<input name="name" value="([^"]*)"', m.group(1))
    assert shown
    return _hidden(m.group(1)), shown.group(1)


def set_name(client: TestClient, name: str, page: str = f"/doc/{DOC}") -> Any:
    fields, _ = _name_box(client.get(page).text)
    return client.post("/reviewer", data={**fields, "name": name}, follow_redirects=False)


def decide(client: TestClient, pair: Pair, action: str, **extra: str) -> Any:
    fields = _form(client, pair, action)
    return client.post(
        f"/pair/{pair.id}/{action}", data={**fields, **extra}, follow_redirects=False
    )


def who_decided(build_dir: Path) -> list[tuple[str, str, str]]:
    return [(d.pair_id, d.action, d.who) for d in read_decisions(build_dir)]


NAME_CASES = [
    ("Ann", "Ann"),
    ("  Ann   Lee \t", "Ann Lee"),  # spaces collapsed
    ("أحمد بن علي", "أحمد بن علي"),
    ("Zoë O'Brien", "Zoë O'Brien"),
    ("می\u200cخواهم", "می\u200cخواهم"),  # a zero-width non-joiner is spelling
    ("x" * MAX_NAME, "x" * MAX_NAME),
    ("", "type your name: it is recorded with each of your decisions"),
    ("   ", "type your name: it is recorded with each of your decisions"),
    ("x" * (MAX_NAME + 1), f"a reviewer name has at most {MAX_NAME} characters"),
    ("Ann\x00", "a reviewer name has no control characters (U+0000)"),
    ("Ann\x1b[31m", "a reviewer name has no control characters (U+001B)"),
    ("\u202eAnn", "a reviewer name has no control characters (U+202E)"),  # bidi override
]


@pytest.mark.parametrize(("text", "expected"), NAME_CASES)
def test_check_name(text: str, expected: str) -> None:
    if expected.startswith(("type your name", "a reviewer name")):
        with pytest.raises(ValueError) as err:
            check_name(text)
        assert str(err.value) == expected
    else:
        assert check_name(text) == expected


def test_each_browser_is_recorded_under_the_name_it_gave(build_dir: Path) -> None:
    app = create_app(build_dir)
    ann, bob = TestClient(app), TestClient(app)
    r = set_name(ann, "Ann Lee")
    assert (r.status_code, r.headers["location"]) == (303, f"/doc/{DOC}")  # back to the page
    assert set_name(bob, "بوب").status_code == 303
    assert _name_box(ann.get("/").text)[1] == "Ann Lee"
    assert _name_box(bob.get("/").text)[1] == "بوب"
    assert decide(ann, PAIRS[0], "accept").status_code == 303
    assert decide(bob, PAIRS[1], "reject").status_code == 303
    assert decide(ann, PAIRS[2], "edit", en="Sentence two, edited.").status_code == 303
    assert decide(bob, PAIRS[3], "note", note="check the number").status_code == 303
    assert who_decided(build_dir) == [
        (PAIRS[0].id, "accept", "Ann Lee"),
        (PAIRS[1].id, "reject", "بوب"),
        (PAIRS[2].id, "edit", "Ann Lee"),
        (PAIRS[3].id, "note", "بوب"),
    ]
    assert "note (بوب, " in ann.get(f"/doc/{DOC}").text  # the note says whose it is
    # a sample is drawn by a reviewer too
    fields, _ = _name_box(bob.get("/sample").text)
    r = bob.post("/sample", data={"csrf": fields["csrf"], "size": "2", "seed": "1",
                                   "strata": "none"}, follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    info = sample_info(ReviewStore(build_dir), 1)
    assert info is not None and info["who"] == "بوب"


def test_a_conflict_names_who_changed_the_pair(build_dir: Path) -> None:
    app = create_app(build_dir)
    ann, bob = TestClient(app), TestClient(app)
    set_name(ann, "Ann")
    set_name(bob, "Bob")
    seen_by_bob = _form(bob, PAIRS[0], "edit")  # Bob loads the page first
    assert decide(ann, PAIRS[0], "edit", en="Ann's English.").status_code == 303
    r = bob.post(f"/pair/{PAIRS[0].id}/edit", data={**seen_by_bob, "en": "Bob's English."})
    assert r.status_code == 409
    text = r.text.replace("&#39;", "'")
    assert re.search(
        rf"pair {PAIRS[0].id} was changed since you loaded it \(edit by Ann at "
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ, version 1, yours was based on version 0\); "
        "nothing was saved",
        text,
    ), text
    assert who_decided(build_dir) == [(PAIRS[0].id, "edit", "Ann")]


def test_without_a_name_the_page_asks_and_nothing_is_saved(build_dir: Path) -> None:
    client = TestClient(create_app(build_dir))
    html = client.get(f"/doc/{DOC}").text
    fields, shown = _name_box(html)
    assert shown == ""
    assert "Type your name in the reviewer box above before your first decision" in html
    assert f'value="{getpass.getuser()}"' not in html  # never the OS user
    for action, extra in [("accept", {}), ("edit", {"en": "New."}), ("note", {"note": "n"})]:
        r = decide(client, PAIRS[0], action, **extra)
        assert r.status_code == 400
        assert "Not saved: who are you?" in r.text
        assert "type your name in the reviewer box at the top of the page first" in r.text
    r = client.post("/sample", data={"csrf": fields["csrf"], "size": "2", "seed": "1",
                                      "strata": "none"}, follow_redirects=False)  # fmt: skip
    assert r.status_code == 400
    assert who_decided(build_dir) == []
    assert sample_info(ReviewStore(build_dir), 1) is None
    # once named, the same browser's decisions go through
    assert set_name(client, "Cleo").status_code == 303
    assert "Type your name in the reviewer box" not in client.get(f"/doc/{DOC}").text
    assert decide(client, PAIRS[0], "accept").status_code == 303
    assert who_decided(build_dir) == [(PAIRS[0].id, "accept", "Cleo")]


def test_a_relinking_is_recorded_under_the_browser_s_name(
    build_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The re-linking form (an aligned build's: tests/test_review_relink.py) gets the
    same name as the pair forms."""
    import kzparallel.review.app

    seen: list[str] = []
    monkeypatch.setattr(
        kzparallel.review.app, "record_relink", lambda out, store, doc, form, who: seen.append(who)
    )
    client = TestClient(create_app(build_dir, who="Dana"))
    fields, _ = _name_box(client.get("/").text)
    data = {"csrf": fields["csrf"], "op": "en-prev", "link": "1", "version": "0"}
    assert client.post(f"/relink/{DOC}", data=data, follow_redirects=False).status_code == 303
    set_name(client, "Gil")
    assert client.post(f"/relink/{DOC}", data=data, follow_redirects=False).status_code == 303
    assert seen == ["Dana", "Gil"]
    nameless = TestClient(create_app(build_dir))
    fields, _ = _name_box(nameless.get("/").text)
    r = nameless.post(f"/relink/{DOC}", data={**data, "csrf": fields["csrf"]})
    assert r.status_code == 400 and "Not saved: who are you?" in r.text
    assert seen == ["Dana", "Gil"]


def test_reviewer_option_names_a_browser_that_gave_no_name(build_dir: Path) -> None:
    app = create_app(build_dir, who="Dana")
    plain, named = TestClient(app), TestClient(app)
    assert _name_box(plain.get("/").text)[1] == "Dana"
    assert decide(plain, PAIRS[0], "accept").status_code == 303
    set_name(named, "Eve")
    assert decide(named, PAIRS[1], "accept").status_code == 303
    assert [w for _, _, w in who_decided(build_dir)] == ["Dana", "Eve"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "type your name: it is recorded with each of your decisions"),
        ("x" * (MAX_NAME + 1), f"a reviewer name has at most {MAX_NAME} characters"),
        ("a\x07b", "a reviewer name has no control characters (U+0007)"),
    ],
)
def test_a_bad_name_is_refused(build_dir: Path, name: str, message: str) -> None:
    client = TestClient(create_app(build_dir))
    r = set_name(client, name)
    assert r.status_code == 400
    assert "Name not saved" in r.text and message in r.text
    assert REVIEWER_COOKIE not in r.headers.get("set-cookie", "")
    assert _name_box(client.get("/").text)[1] == ""


def test_the_name_form_needs_the_csrf_field_and_stays_on_this_site(build_dir: Path) -> None:
    client = TestClient(create_app(build_dir))
    client.get("/")  # a session cookie
    r = client.post("/reviewer", data={"name": "Mallory"}, follow_redirects=False)
    assert r.status_code == 403
    fields, _ = _name_box(client.get("/").text)
    r = client.post(
        "/reviewer",
        data={**fields, "name": "Mallory"},
        headers={"origin": "http://evil.example"},
        follow_redirects=False,
    )
    assert r.status_code == 403
    r = client.post(
        "/reviewer", data={**fields, "back": "//evil.example/", "name": "Ann"},
        follow_redirects=False,
    )  # fmt: skip
    assert (r.status_code, r.headers["location"]) == (303, "/")  # never another site
    assert _name_box(client.get("/").text)[1] == "Ann"


@pytest.mark.parametrize(
    ("cookie", "shown"),
    [
        ("Ann%20Lee", "Ann Lee"),
        ("%D8%A3%D8%AD%D9%85%D8%AF", "أحمد"),
        ("%00", ""),  # not a name this app would set: none
        ("%FF", ""),  # not UTF-8
        ("%E2%80%AEAnn", ""),
        ("x" * (MAX_NAME + 1), ""),
    ],
)
def test_the_cookie_is_read_back_as_a_name_or_not_at_all(
    build_dir: Path, cookie: str, shown: str
) -> None:
    client = TestClient(create_app(build_dir))
    client.cookies.set(REVIEWER_COOKIE, cookie)
    assert _name_box(client.get("/").text)[1] == shown
    r = decide(client, PAIRS[0], "accept")
    assert r.status_code == (303 if shown else 400)
    assert who_decided(build_dir) == ([(PAIRS[0].id, "accept", shown)] if shown else [])


def test_the_name_is_escaped_on_the_page(build_dir: Path) -> None:
    client = TestClient(create_app(build_dir))
    set_name(client, '<b x="1">Ann</b>')
    html = client.get("/").text
    assert "&lt;b x=&#34;1&#34;&gt;Ann&lt;/b&gt;" in html
    assert '<b x="1">' not in html


@pytest.fixture()
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    return calls


def test_review_command_takes_the_reviewer_option(
    cli: Cli, build_dir: Path, served: list[dict[str, Any]]
) -> None:
    code, _, err = cli("review", str(build_dir), "--reviewer", "  Fay  Wong ")
    assert code == 0, err
    app: Starlette = served[-1]["app"]
    client = TestClient(app, base_url="http://127.0.0.1:8000")  # the Host it answers to
    assert _name_box(client.get("/").text)[1] == "Fay Wong"
    assert decide(client, PAIRS[0], "accept").status_code == 303
    assert who_decided(build_dir) == [(PAIRS[0].id, "accept", "Fay Wong")]


def test_review_command_refuses_a_bad_reviewer_name(
    cli: Cli, build_dir: Path, served: list[dict[str, Any]]
) -> None:
    code, out, err = cli("review", str(build_dir), "--reviewer", "   ")
    assert (code, out) == (1, "")
    assert err == (
        "error: --reviewer: type your name: it is recorded with each of your decisions\n"
    )
    assert served == []
