"""The review app's Host and Origin checks, on every address ``kzparallel review`` binds.

Each case starts the real command (``uvicorn.run`` replaced by a recorder),
takes the app it would have served and sends it requests with a chosen
``Host`` (and ``Origin``) header through Starlette's test client: a page or a
POST under a name that is not the server's (DNS rebinding) is refused and
nothing is saved.
"""

from __future__ import annotations

import re
import socket
from pathlib import Path
from typing import Any

import pytest
from conftest import Cli
from starlette.applications import Starlette
from starlette.testclient import TestClient

from kzparallel.pairs_file import write_pairs
from kzparallel.records import Pair
from kzparallel.review.guard import Hosts, split_host
from kzparallel.review.store import read_decisions

PAIR = Pair("0" * 16, "d", 0, 0, "مرحبا بكم", "Hello", "Hello")
TOKEN = "t0k"


@pytest.fixture()
def build_dir(tmp_path: Path) -> Path:
    out = tmp_path / "b"
    out.mkdir()
    write_pairs([PAIR], out / "pairs.jsonl")
    return out


@pytest.fixture()
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    return calls


def serve(cli: Cli, build_dir: Path, served: list[dict[str, Any]], bind: str) -> Starlette:
    """The app ``kzparallel review DIR --host BIND --reviewer guard`` serves (with
    --token off loopback)."""
    token = () if bind in ("127.0.0.1", "localhost", "::1") else ("--token", TOKEN)
    code, _, err = cli("review", str(build_dir), "--host", bind, *token, "--reviewer", "guard")
    assert code == 0, err
    assert served[-1]["host"] == bind.strip("[]")
    return served[-1]["app"]  # type: ignore[no-any-return]


def auth(bind: str) -> dict[str, str]:
    return {} if bind in ("127.0.0.1", "localhost", "::1") else {"authorization": f"Bearer {TOKEN}"}


HOSTNAME = socket.gethostname().lower()

# bind -> (Host header, answered?)
HOST_CASES: list[tuple[str, str, bool]] = [
    *[
        (bind, host, ok)
        for bind in ("127.0.0.1", "localhost", "::1")
        for host, ok in [
            ("127.0.0.1:8000", True),
            ("127.0.0.1", True),
            ("localhost:8000", True),
            ("LOCALHOST:8000", True),
            ("[::1]:8000", True),
            ("[::1]", True),
            ("evil.example", False),
            ("evil.example:8000", False),
            ("127.0.0.1.evil.example:8000", False),
            ("localhost.evil.example", False),
            ("::1", False),  # an IPv6 address without its brackets is no Host
            ("[::1]:80x", False),
            ("", False),
            ("192.168.0.7:8000", False),  # not the address it is bound to
        ]
    ],
    ("10.1.2.3", "10.1.2.3:8000", True),
    ("10.1.2.3", "127.0.0.1:8000", True),
    ("10.1.2.3", "10.1.2.4:8000", False),
    ("10.1.2.3", "evil.example:8000", False),
    ("fd00::5", "[fd00::5]:8000", True),
    ("fd00::5", "[fd00::6]:8000", False),
    ("review.example", "review.example:8000", True),
    ("review.example", "evil.example:8000", False),
    *[
        (bind, host, ok)
        for bind in ("0.0.0.0", "::")
        for host, ok in [
            ("192.168.0.7:8000", True),  # any address written as an IP: no name to rebind
            ("[fe80::1]:8000", True),
            ("127.0.0.1:8000", True),
            (f"{HOSTNAME}:8000", True),
            ("evil.example:8000", False),
            ("192.168.0.7.nip.io:8000", False),
        ]
    ],
]


@pytest.mark.parametrize(("bind", "host", "ok"), HOST_CASES)
def test_host_check_on_every_address(
    cli: Cli, build_dir: Path, served: list[dict[str, Any]], bind: str, host: str, ok: bool
) -> None:
    client = TestClient(serve(cli, build_dir, served, bind))
    r = client.get("/", headers={"host": host, **auth(bind)})
    if ok:
        assert r.status_code == 200, r.text
    else:
        assert (r.status_code, r.text) == (
            400,
            f"refused: Host {host.strip()!r} is not this review server's address",
        )


@pytest.mark.parametrize("bind", ["0.0.0.0", "::", "10.1.2.3", "[::]"])
def test_other_interfaces_still_need_a_token(
    cli: Cli, build_dir: Path, served: list[dict[str, Any]], bind: str
) -> None:
    assert cli("review", str(build_dir), "--host", bind) == (
        1,
        "",
        f"error: --host {bind.strip('[]')}: other machines could reach the review server; "
        "give --token TOKEN to require a bearer token\n",
    )
    assert served == []


def _accept_form(client: TestClient, host: str, bind: str) -> dict[str, str]:
    html = client.get(f"/doc/{PAIR.doc_id}", headers={"host": host, **auth(bind)}).text
    m = re.search(
        rf'<form method="post" action="/pair/{PAIR.id}/accept"[^>]*>(.*?)</form>', html, re.S
    )
    assert m, html
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', m.group(1)))


# (bind, Host of the POST, Origin of the POST or None, status)
POST_CASES: list[tuple[str, str, str | None, int]] = [
    ("127.0.0.1", "127.0.0.1:8000", None, 303),  # no Origin (not a browser): CSRF decides
    ("127.0.0.1", "127.0.0.1:8000", "http://127.0.0.1:8000", 303),
    ("::1", "[::1]:8000", "http://[::1]:8000", 303),
    ("0.0.0.0", "192.168.0.7:8000", "http://192.168.0.7:8000", 303),
    ("127.0.0.1", "127.0.0.1:8000", "http://evil.example", 403),  # another site's form
    ("127.0.0.1", "127.0.0.1:8000", "http://127.0.0.1:9999", 403),  # another port
    ("127.0.0.1", "127.0.0.1:8000", "https://127.0.0.1:8000", 403),
    ("127.0.0.1", "127.0.0.1:8000", "null", 403),  # a sandboxed or file: page
    ("::1", "evil.example:8000", "http://evil.example:8000", 400),  # DNS rebinding
    ("127.0.0.1", "evil.example:8000", "http://evil.example:8000", 400),
    ("0.0.0.0", "evil.example:8000", "http://evil.example:8000", 400),
]


@pytest.mark.parametrize(("bind", "host", "origin", "status"), POST_CASES)
def test_post_host_and_origin(
    cli: Cli,
    build_dir: Path,
    served: list[dict[str, Any]],
    bind: str,
    host: str,
    origin: str | None,
    status: int,
) -> None:
    """The form as the page gave it (valid CSRF field), posted under ``host``/``origin``."""
    client = TestClient(serve(cli, build_dir, served, bind))
    page_host = "127.0.0.1:8000" if bind != "0.0.0.0" else "192.168.0.7:8000"
    if bind == "::1":
        page_host = "[::1]:8000"
    fields = _accept_form(client, page_host, bind)
    headers = {"host": host, **auth(bind), **({"origin": origin} if origin else {})}
    r = client.post(f"/pair/{PAIR.id}/accept", data=fields, headers=headers, follow_redirects=False)
    assert r.status_code == status, r.text
    saved = [(d.pair_id, d.action) for d in read_decisions(build_dir)]
    assert saved == ([(PAIR.id, "accept")] if status == 303 else [])
    if status == 403:
        assert r.text == f"refused: a form of another site ({origin}) cannot post here"


@pytest.mark.parametrize(
    ("header", "host"),
    [
        ("127.0.0.1:8000", "127.0.0.1"),
        ("[::1]:8000", "::1"),
        ("[::1]", "::1"),
        ("Example.COM", "example.com"),
        ("::1", None),
        ("[::1", None),
        ("a:b:c", None),
        ("host:123456", None),
        ("", None),
        ("a b", "a b"),  # a name never in the allowed set
    ],
)
def test_split_host(header: str, host: str | None) -> None:
    assert split_host(header) == host


def test_hosts_for_bind() -> None:
    assert Hosts.for_bind("127.0.0.1") == Hosts(frozenset({"127.0.0.1", "localhost", "::1"}))
    assert Hosts.for_bind("[::1]") == Hosts(frozenset({"127.0.0.1", "localhost", "::1"}))
    assert Hosts.for_bind("10.1.2.3").names == {"127.0.0.1", "localhost", "::1", "10.1.2.3"}
    wide = Hosts.for_bind("::")
    assert wide.any_ip and {"127.0.0.1", "localhost", "::1", HOSTNAME} <= wide.names
