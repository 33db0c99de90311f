"""The review app in headless Chromium (Playwright) against a real uvicorn server.

A build of the seeds (plus a planted article with a ``<script>`` in it) made
with the tiny model is reviewed in the browser: accept, edit, reject, merge;
the decisions survive a reload and come out in a TMX export.

Skipped only when /usr/bin/chromium is missing and KZPARALLEL_REQUIRE_BROWSER
is not set (CI sets it). The document view of a build made with the trained
demo model is checked too; ``KZPARALLEL_SCREENSHOT=PATH`` saves a screenshot of
it (the README's).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from kzparallel.pairs_file import read_pairs
from kzparallel.records import Pair

CHROMIUM = Path("/usr/bin/chromium")
REQUIRED = bool(os.environ.get("KZPARALLEL_REQUIRE_BROWSER"))
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists() and not REQUIRED,
        reason="/usr/bin/chromium is missing (apt-get install chromium chromium-driver); "
        "set KZPARALLEL_REQUIRE_BROWSER=1 to make this an error",
    ),
]
DOC = "003_a7048d873e8d821e"
PLANTED_TEXT = (
    'قالت الحكومة في بيان اليوم إن الوضع مستقر <script>document.title="pwned"</script> في العاصمة.'
)
PLANTED = f"خبر تجريبي عن كازاخستان\n\n{PLANTED_TEXT}\n\nوأضاف البيان أن الاحتجاجات انتهت.\n"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _settings(tiny_model: Path, cache: Path) -> Any:
    from kzparallel.builder import BuildSettings

    return BuildSettings(
        model=str(tiny_model),
        backend="transformers",
        max_new_tokens=12,
        beam=1,
        cache_dir=str(cache),
        alignment=True,
    )


@pytest.fixture(scope="module")
def build_dir(tiny_model: Path, seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kzparallel.builder import build

    base = tmp_path_factory.mktemp("review-build")
    inputs = base / "in"
    inputs.mkdir()
    for seed in sorted(seeds_dir.glob("*.txt")):
        shutil.copy(seed, inputs / seed.name)
    (inputs / "planted.txt").write_text(PLANTED, encoding="utf-8")
    build([inputs], base / "out", _settings(tiny_model, base / "cache"))
    return base / "out"


@contextlib.contextmanager
def _serve(build_dir: Path) -> Iterator[str]:
    """The review app of ``build_dir`` on a real uvicorn server (loopback, any port)."""
    import uvicorn

    from kzparallel.review.app import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(build_dir, who="browser", allowed_hosts=["127.0.0.1", "localhost"])
    srv = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="module")
def server(build_dir: Path) -> Iterator[str]:
    with _serve(build_dir) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture()
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    yield ctx
    ctx.close()


def _pairs(build_dir: Path) -> dict[tuple[str, int, int], Pair]:
    return {(p.doc_id, p.para, p.sent): p for p in read_pairs(build_dir / "pairs.jsonl")}


def test_review_session_persists_and_exports(
    build_dir: Path, server: str, context: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    from kzparallel.exports import export

    pairs = _pairs(build_dir)
    accepted, edited, rejected = pairs[(DOC, 0, 0)], pairs[(DOC, 1, 0)], pairs[(DOC, 2, 0)]
    first, second = pairs[(DOC, 12, 0)], pairs[(DOC, 12, 1)]
    page = context.new_page()
    page.goto(server + "/")
    page.get_by_role("link", name=DOC, exact=True).click()
    expect(page).to_have_url(f"{server}/doc/{DOC}")
    row = page.locator(f"#p-{accepted.id}")
    expect(row.locator("td.ar")).to_have_attribute("dir", "rtl")
    expect(row.locator("td.ar")).to_have_attribute("lang", "ar")

    # accept with the button
    row.locator("form.act-accept button").click()
    expect(page.locator(f"#p-{accepted.id} .status")).to_have_text("accepted")
    # edit with the keyboard: select the row, "e" opens the editor
    page.locator(f"#p-{edited.id} td.ar").click()
    page.keyboard.press("e")
    area = page.locator(f"#p-{edited.id} details.edit textarea")
    expect(area).to_be_focused()
    area.fill("The US State Department said <b>today</b>.")
    page.locator(f"#p-{edited.id} details.edit button").click()
    expect(page.locator(f"#p-{edited.id} .status")).to_have_text("edited")
    # reject with the keyboard: j moves to the next row
    page.locator(f"#p-{edited.id} td.ar").click()
    page.keyboard.press("j")
    expect(page.locator(f"#p-{rejected.id}")).to_have_class("pair status-unreviewed current")
    page.keyboard.press("r")
    expect(page.locator(f"#p-{rejected.id} .status")).to_have_text("rejected")
    # merge 12.0 with 12.1, typing the English
    merge = page.locator(f"#p-{first.id} details.merge")
    merge.locator("summary").click()
    merge.locator("textarea").fill("Russia commented on the protests in Almaty.")
    merge.get_by_role("button", name="merge", exact=True).click()
    expect(page.locator(f"#p-{first.id} .status")).to_have_text("edited")

    page.reload()
    for pair, status in ((accepted, "accepted"), (edited, "edited"), (rejected, "rejected")):
        expect(page.locator(f"#p-{pair.id} .status")).to_have_text(status)
    expect(page.locator(f"#p-{edited.id} .en-text")).to_have_text(
        "The US State Department said <b>today</b>."
    )
    expect(page.locator(f"#p-{first.id} td.ar")).to_have_text(f"{first.ar} {second.ar}")
    expect(page.locator(f"#p-{second.id} td.en")).to_have_text("merged into the previous pair")
    page.goto(server + "/")
    expect(page.locator("tr", has_text=DOC).locator("td").nth(4)).to_have_text(
        f"5 ({500 // sum(1 for k in pairs if k[0] == DOC)}%)"
    )

    tmx = tmp_path / "reviewed.tmx"
    n = export(build_dir, "tmx", tmx)
    assert n == len(pairs) - 2  # one rejected, two merged into one
    tus = {tu.get("tuid"): tu for tu in etree.parse(str(tmx)).getroot().iter("tu")}
    assert rejected.id not in tus and first.id not in tus and second.id not in tus

    def status_and_en(tuid: str) -> tuple[str | None, str | None]:
        tu = tus[tuid]
        return tu.findtext("prop[@type='x-review_status']"), tu.findall("tuv")[1].findtext("seg")

    assert status_and_en(accepted.id) == ("accepted", accepted.en)
    assert status_and_en(edited.id) == ("edited", "The US State Department said <b>today</b>.")
    [merged] = [
        tu
        for tu in tus.values()
        if tu.findall("tuv")[0].findtext("seg") == f"{first.ar} {second.ar}"
    ]
    assert status_and_en(merged.get("tuid")) == (
        "edited",
        "Russia commented on the protests in Almaty.",
    )


def test_planted_script_renders_as_text(build_dir: Path, server: str, context: Any) -> None:
    from playwright.sync_api import expect

    dialogs: list[str] = []
    page = context.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{server}/doc/planted")
    expect(page).to_have_title("planted · kzparallel review")
    expect(page.locator("td.ar", has_text="<script>")).to_have_text(PLANTED_TEXT)
    assert page.locator("td.ar script").count() == 0
    assert dialogs == []


def test_post_without_csrf_is_refused(build_dir: Path, server: str, context: Any) -> None:
    pair = _pairs(build_dir)[(DOC, 3, 0)]
    page = context.new_page()
    page.goto(f"{server}/doc/{DOC}")  # the browser has a session cookie now
    r = page.request.post(f"{server}/pair/{pair.id}/accept", form={"version": "0"})
    assert (r.status, r.text()) == (
        403,
        "refused: missing or invalid CSRF token (reload the page and try again)",
    )
    page.reload()
    expect_status = page.locator(f"#p-{pair.id} .status")
    assert expect_status.inner_text() == "unreviewed"


def test_stale_edit_from_a_second_tab_is_refused(
    build_dir: Path, server: str, context: Any
) -> None:
    from playwright.sync_api import expect

    pair = _pairs(build_dir)[(DOC, 4, 0)]
    tabs = [context.new_page(), context.new_page()]
    for tab in tabs:
        tab.goto(f"{server}/doc/{DOC}")
    for tab, text in zip(tabs, ("First tab's English.", "Second tab's English."), strict=True):
        box = tab.locator(f"#p-{pair.id} details.edit")
        box.locator("summary").click()
        box.locator("textarea").fill(text)
        box.get_by_role("button", name="save").click()
    expect(tabs[1].locator("h1")).to_have_text("Not saved: the pair has changed")
    expect(tabs[1].locator(".message")).to_contain_text(
        f"pair {pair.id} was changed since you loaded it (edit by browser at "
    )
    tabs[0].reload()
    expect(tabs[0].locator(f"#p-{pair.id} .en-text")).to_have_text("First tab's English.")


def test_hovering_an_arabic_word_highlights_its_english_words(
    build_dir: Path, server: str, context: Any
) -> None:
    from playwright.sync_api import expect

    pair = _pairs(build_dir)[(DOC, 5, 0)]
    assert pair.alignment, "the build kept no alignment"
    page = context.new_page()
    page.goto(f"{server}/doc/{DOC}")
    box = page.locator(f"#p-{pair.id} .align")
    box.locator("summary").click()
    word = box.locator(".src span:not([data-links=''])").first
    links = (word.get_attribute("data-links") or "").split()
    assert links
    word.hover()
    highlighted = box.locator(".tgt span.hl")
    expect(highlighted).to_have_count(len(links))
    assert [s.get_attribute("data-i") for s in highlighted.all()] == links
    page.mouse.move(0, 0)
    expect(highlighted).to_have_count(0)


def test_k_moves_up_and_a_accepts(build_dir: Path, server: str, context: Any) -> None:
    from playwright.sync_api import expect

    pairs = _pairs(build_dir)
    upper, lower = pairs[(DOC, 6, 0)], pairs[(DOC, 7, 0)]
    page = context.new_page()
    page.goto(f"{server}/doc/{DOC}")
    page.locator(f"#p-{lower.id} td.ar").click()
    page.keyboard.press("k")
    expect(page.locator("tr.pair.current")).to_have_id(f"p-{upper.id}")
    page.keyboard.press("a")
    expect(page.locator(f"#p-{upper.id} .status")).to_have_text("accepted")
    expect(page.locator(f"#p-{lower.id} .status")).to_have_text("unreviewed")
    # after the redirect the accepted row is selected again (#p-<id>)
    expect(page.locator("tr.pair.current")).to_have_id(f"p-{upper.id}")


def _flagged(build_dir: Path) -> list[Pair]:
    return [p for p in read_pairs(build_dir / "pairs.jsonl") if p.qa or p.violations]


def test_keys_cross_the_pages_of_a_long_filtered_list(
    build_dir: Path, server: str, context: Any
) -> None:
    from playwright.sync_api import expect

    flagged = _flagged(build_dir)
    assert len(flagged) > 40, "the build has too few flagged pairs for three pages"
    page = context.new_page()
    page.goto(f"{server}/pairs?show=flagged&n=20")
    expect(page.locator("tr.pair")).to_have_count(20)
    assert [r.get_attribute("data-id") for r in page.locator("tr.pair").all()] == [
        p.id for p in flagged[:20]
    ]
    current = page.locator("tr.pair.current")
    page.locator(f"#p-{flagged[18].id} td.ar").click()
    page.keyboard.press("j")  # the last row of the page
    expect(current).to_have_id(f"p-{flagged[19].id}")
    page.keyboard.press("j")  # on to the first row of the next page
    expect(page).to_have_url(re.compile(r"/pairs\?show=flagged&n=20&after=\d+#first$"))
    expect(current).to_have_id(f"p-{flagged[20].id}")
    page.wait_for_load_state("load")
    assert [r.get_attribute("data-id") for r in page.locator("tr.pair").all()] == [
        p.id for p in flagged[20:40]
    ]
    page.keyboard.press("k")  # back to the last row of the previous page
    expect(page).to_have_url(re.compile(r"/pairs\?show=flagged&n=20&before=\d+#last$"))
    expect(current).to_have_id(f"p-{flagged[19].id}")
    page.keyboard.press("j")
    expect(current).to_have_id(f"p-{flagged[20].id}")
    # a decision by key on the second page comes back to the second page
    row = page.locator(f"#p-{flagged[21].id}")
    page.keyboard.press("j")
    expect(row).to_have_class("pair status-unreviewed current")
    page.keyboard.press("a")
    expect(row.locator(".status")).to_have_text("accepted")
    expect(page).to_have_url(re.compile(rf"after=\d+#p-{flagged[21].id}$"))
    expect(current).to_have_id(f"p-{flagged[21].id}")


def test_search_finds_every_pair_that_mentions_a_name(
    build_dir: Path, server: str, context: Any
) -> None:
    from playwright.sync_api import expect

    from kzparallel.review.state import fold
    from kzparallel.review.store import read_decisions

    pairs = list(read_pairs(build_dir / "pairs.jsonl"))
    name = "كازاخستان"  # also written وكازاخستان, بكازاخستان, الكازاخستانية ...
    mentions = [p.id for p in pairs if name in p.ar]
    assert 50 < len(mentions) < len(pairs)
    page = context.new_page()
    page.goto(f"{server}/pairs")
    page.locator("input[name=q]").fill(name)
    page.locator("input[name=q]").press("Enter")
    expect(page.locator("p.count")).to_have_text(
        f"{len(mentions)} pair(s) matching “{name}”, showing 50"
    )
    page.wait_for_load_state("load")  # every row parsed
    found = [r.get_attribute("data-id") for r in page.locator("tr.pair").all()]
    page.locator("a.page-next").first.click()
    expect(page.locator("tr.pair").first).to_have_attribute("data-id", mentions[50])
    page.wait_for_load_state("load")
    found += [r.get_attribute("data-id") for r in page.locator("tr.pair").all()]
    assert found == mentions
    # the search combined with a filter, from the same form
    reviewed = {pid for pid, st in fold(read_decisions(build_dir)).items() if st.reviewed}
    page.locator("select[name=show]").select_option("unreviewed")
    page.get_by_role("button", name="filter").click()
    unreviewed = [pid for pid in mentions if pid not in reviewed]
    expect(page.locator("p.count")).to_contain_text(
        f"{len(unreviewed)} pair(s) matching “{name}” (unreviewed)"
    )
    page.wait_for_load_state("load")
    found = [r.get_attribute("data-id") for r in page.locator("tr.pair").all()]
    assert found == unreviewed[:50]


def test_review_a_sample_by_keys_and_see_the_estimate(
    build_dir: Path, server: str, context: Any
) -> None:
    from playwright.sync_api import expect

    from kzparallel.review.store import ReviewStore

    page = context.new_page()
    page.goto(f"{server}/sample")
    page.locator("input[name=size]").fill("12")
    page.locator("input[name=seed]").fill("4")
    page.locator("select[name=strata]").select_option("doc")
    page.get_by_role("button", name="draw a sample").click()
    expect(page).to_have_url(f"{server}/sample/1")
    expect(page.locator("tr.pair")).to_have_count(12)
    ids = [r.get_attribute("data-id") or "" for r in page.locator("tr.pair").all()]
    states = ReviewStore(build_dir).states(ids)
    judged = [st.shown_status for st in states.values() if st.reviewed]
    acceptable = judged.count("accepted")
    page.goto(f"{server}/sample/1?show=unreviewed")
    first = page.locator("tr.pair").first.get_attribute("data-id")
    page.locator("tr.pair td.ar").first.click()
    page.keyboard.press("a")
    expect(page.locator(f"#p-{first}")).to_have_count(0)  # reviewed: off the unreviewed list
    page.wait_for_load_state("load")  # the page's script listens for keys again
    page.keyboard.press("j")  # no row selected: j selects the first, the next unreviewed pair
    expect(page.locator("tr.pair.current")).to_have_count(1)
    page.keyboard.press("r")
    expect(page.locator("#estimate")).to_contain_text(
        f"from {acceptable + 1} acceptable of {len(judged) + 2} reviewed (sample 1: 12 pairs "
        "drawn with seed 4 from "
    )


def test_a_long_english_line_without_spaces_wraps(
    build_dir: Path, server: str, context: Any
) -> None:
    """400 characters with no space (a URL, a run-on token) wrap inside the English
    cell: the table stays within the window and the Arabic column keeps its width."""
    from playwright.sync_api import expect

    pair = _pairs(build_dir)[(DOC, 8, 0)]
    page = context.new_page()
    page.goto(f"{server}/doc/{DOC}")
    ar_cell = page.locator(f"#p-{pair.id} td.ar")
    width_before = ar_cell.bounding_box()["width"]
    long_line = "https://example.org/" + "kazakhstan" * 38
    assert len(long_line) == 400 and " " not in long_line
    box = page.locator(f"#p-{pair.id} details.edit")
    box.locator("summary").click()
    box.locator("textarea").fill(long_line)
    box.get_by_role("button", name="save").click()
    expect(page.locator(f"#p-{pair.id} .en-text")).to_have_text(long_line)
    page.wait_for_load_state("load")  # the stylesheet applied before anything is measured
    viewport = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport
    table = page.locator("table.pairs").bounding_box()
    assert table["x"] + table["width"] <= viewport
    assert abs(ar_cell.bounding_box()["width"] - width_before) <= 1


def test_rebuild_keeps_the_decisions(build_dir: Path, tiny_model: Path) -> None:
    """Runs last: a re-build over the same inputs leaves review.sqlite and its decisions."""
    from kzparallel.builder import build
    from kzparallel.review.decisions import apply_review
    from kzparallel.review.store import read_decisions

    before = read_decisions(build_dir)
    assert before, "the browser tests above recorded no decision"
    applied = [p.to_dict() for p in apply_review(build_dir, read_pairs(build_dir / "pairs.jsonl"))]
    build([build_dir.parent / "in"], build_dir, _settings(tiny_model, build_dir.parent / "cache"))
    assert read_decisions(build_dir) == before
    again = [p.to_dict() for p in apply_review(build_dir, read_pairs(build_dir / "pairs.jsonl"))]
    assert again == applied
    # the report of the re-build states the sampled estimate (same model and settings)
    from kzparallel.review.sampling import read_estimate

    estimate = read_estimate(build_dir, next(read_pairs(build_dir / "pairs.jsonl")).signature)
    assert estimate is not None and estimate.judged >= 2
    report = (build_dir / "report.html").read_text(encoding="utf-8")
    assert f"<h2>Quality estimate</h2>\n<p>From a sampled review: {estimate.summary()}." in report
    card = build_dir / "dataset" / "README.md"
    assert "## Quality estimate" not in card.read_text(encoding="utf-8")  # review not applied
    from dataclasses import replace

    settings = replace(_settings(tiny_model, build_dir.parent / "cache"), apply_review=True)
    build([build_dir.parent / "in"], build_dir, settings)
    card_text = card.read_text(encoding="utf-8")
    assert f"## Quality estimate\n\nFrom a sampled review: {estimate.summary()}." in card_text


def test_the_document_view_of_a_demo_model_build_shows_its_english_and_terms(
    trained_model: Any, seeds_dir: Path, tmp_path: Path, context: Any
) -> None:
    """A build with the trained demo model (the README's screenshot): every row of
    the document shows the pair's Arabic and English, and the glossary's English
    forms are marked."""
    from playwright.sync_api import expect

    from kzparallel.builder import BuildSettings, build

    out = tmp_path / "out"
    settings = BuildSettings(model=os.fspath(trained_model), cache_dir=str(tmp_path / "cache"))
    build([seeds_dir], out, settings)
    doc = [p for p in read_pairs(out / "pairs.jsonl") if p.doc_id == DOC]
    with _serve(out) as url:
        page = context.new_page()
        page.goto(f"{url}/doc/{DOC}")
        for pair in doc[:8]:
            row = page.locator(f"#p-{pair.id}")
            expect(row.locator("td.ar")).to_have_text(pair.ar)
            expect(row.locator(".en-text")).to_have_text(pair.en)
        # a sentence whose English has the glossary's forms: each one is marked
        termed = next(p for p in doc if any(t.get("en") and t["en"] in p.en for t in p.terms))
        forms = {t["en"] for t in termed.terms if t.get("en") and t["en"] in termed.en}
        marks = page.locator(f"#p-{termed.id} .en-text mark.term")
        assert forms <= set(marks.all_inner_texts())
        if os.environ.get("KZPARALLEL_SCREENSHOT"):
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=os.environ["KZPARALLEL_SCREENSHOT"])
