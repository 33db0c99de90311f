"""Re-linking in headless Chromium (the issue's Done-when): open an aligned build
(the gold set ``001-p1`` built with ``--english`` and the trained demo model), move
English sentence 3 (a 0-1 link) into the previous link, reload, export, and see the
new link in the TMX. Skipped like the other browser tests when Chromium is missing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from relink_build import DOC, aligned_build
from test_review_browser import CHROMIUM, LAUNCH_ARGS, REQUIRED, _serve

from kzparallel.demo import TrainedModel
from kzparallel.pairs_file import read_pairs

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists() and not REQUIRED,
        reason="/usr/bin/chromium is missing (apt-get install chromium chromium-driver); "
        "set KZPARALLEL_REQUIRE_BROWSER=1 to make this an error",
    ),
]


@pytest.fixture(scope="module")
def built(
    trained_model: TrainedModel, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, list[str]]:
    base = tmp_path_factory.mktemp("relink-browser")
    return aligned_build(trained_model.path, base, tmp_path_factory.getbasetemp() / "relink-cache")


@pytest.fixture()
def page(built: tuple[Path, list[str]]) -> Iterator[tuple[Any, str]]:
    from playwright.sync_api import sync_playwright

    with _serve(built[0]) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        yield context.new_page(), url
        context.close()
        browser.close()


def test_relink_one_sentence_reload_export(
    built: tuple[Path, list[str]], page: tuple[Any, str], tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    from kzparallel.exports import export

    out, english = built
    pairs = list(read_pairs(out / "pairs.jsonl"))
    second = pairs[1]  # Arabic sentence 1 with English 1 and 2 (a 1-2 link)
    tab, server = page
    tab.goto(server + "/")
    tab.get_by_role("link", name=DOC, exact=True).click()
    expect(tab).to_have_url(f"{server}/doc/{DOC}")
    lonely = tab.locator("#link-2")
    expect(lonely.locator("td.kind")).to_have_text("0-1")
    expect(lonely.locator("td.en")).to_have_text(f"3 {english[3]}")
    expect(tab.locator("#link-1 td.kind")).to_have_text("1-2")

    lonely.get_by_role("button", name="English ↑").click()  # into link 1
    expect(tab.locator("#link-1 td.kind")).to_have_text("1-3")
    expect(tab.locator("#link-2 td.kind")).to_have_text("2-1")
    tab.reload()
    link = tab.locator("#link-1")
    expect(link.locator("td.kind")).to_have_text("1-3")
    expect(link.locator("td.en .sent")).to_have_text([f"{j} {english[j]}" for j in (1, 2, 3)])
    expect(link.locator("td.ar .sent")).to_have_text([f"1 {second.ar}"])
    expect(tab.locator("section.links p.count")).to_contain_text("re-linked by browser at ")

    tmx = tmp_path / "relinked.tmx"
    assert export(out, "tmx", tmx) == len(pairs)
    tus = list(etree.parse(str(tmx)).getroot().iter("tu"))
    by_ar = {tu.findall("tuv")[0].findtext("seg"): tu for tu in tus}
    tu = by_ar[second.ar]
    assert tu.findall("tuv")[1].findtext("seg") == " ".join(english[1:4])
    assert tu.findtext("prop[@type='x-review_status']") == "edited"
    assert english[3] not in [t.findall("tuv")[1].findtext("seg") for t in tus if t is not tu]


def test_split_a_link_where_the_reviewer_chooses(
    built: tuple[Path, list[str]], tmp_path: Path
) -> None:
    """The split button cuts where the two selectors say: here the 1-2 link
    (Arabic 1; English 1 and 2) split after no Arabic sentence and after English
    sentence 1 gives a 0-1 link and a 1-1 link (the default cut, after the first
    sentence of each side, would give 1-1 and 0-1)."""
    import shutil

    from playwright.sync_api import expect, sync_playwright

    out, english = built
    fresh = tmp_path / "out"
    shutil.copytree(out, fresh, ignore=shutil.ignore_patterns("review.sqlite*"))
    second = next(p for i, p in enumerate(read_pairs(fresh / "pairs.jsonl")) if i == 1)
    with _serve(fresh) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        tab = browser.new_page(viewport={"width": 1400, "height": 900})
        tab.goto(f"{url}/doc/{DOC}")
        link = tab.locator("#link-1")
        expect(link.locator("td.kind")).to_have_text("1-2")
        assert link.locator("select[name=ar_at] option").all_inner_texts() == [
            "none",
            "sentence 1",
        ]
        assert link.locator("select[name=en_at] option").all_inner_texts() == [
            "none",
            "sentence 1",
            "sentence 2",
        ]
        link.locator("select[name=ar_at]").select_option(label="none")
        link.locator("select[name=en_at]").select_option(label="sentence 1")
        link.get_by_role("button", name="split").click()
        expect(tab.locator("#link-1 td.kind")).to_have_text("0-1")
        expect(tab.locator("#link-1 td.en .sent")).to_have_text([f"1 {english[1]}"])
        expect(tab.locator("#link-2 td.kind")).to_have_text("1-1")
        expect(tab.locator("#link-2 td.ar .sent")).to_have_text([f"1 {second.ar}"])
        expect(tab.locator("#link-2 td.en .sent")).to_have_text([f"2 {english[2]}"])
        browser.close()
