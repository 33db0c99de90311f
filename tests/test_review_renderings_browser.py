"""The review app's "names rendered two ways" list in headless Chromium.

The planted build of ``tests/test_glossary_consistency.py`` (Tashkent
rendered *Toshkent* twice, a glossary entry as *Kazakhstani* once), its
``consistency.json`` written as ``build`` writes it: the browser follows the
header link and sees exactly the three pairs with a minority form, and the
filter bar counts them. Skipped like the other browser tests when Chromium
is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from renderings_corpus import MINORITY, planted_pairs
from test_review_browser import CHROMIUM, REQUIRED, _serve

from kzparallel.glossary.consistency import write_consistency
from kzparallel.pairs_file import write_pairs

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists() and not REQUIRED,
        reason="/usr/bin/chromium is missing (apt-get install chromium chromium-driver)",
    ),
]


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("renderings") / "out"
    write_pairs(planted_pairs(), out / "pairs.jsonl")
    write_consistency(out, None)
    return out


@pytest.fixture(scope="module")
def server(build_dir: Path) -> Iterator[str]:
    with _serve(build_dir) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        yield b
        b.close()


def test_the_header_link_lists_the_pairs_with_a_minority_form(
    build_dir: Path, server: str, browser: Any
) -> None:
    from playwright.sync_api import expect

    page = browser.new_page()
    page.goto(server)
    page.get_by_role("link", name="names rendered two ways").click()
    expect(page.locator("tr.pair")).to_have_count(len(MINORITY))
    ids = [p.id for p in planted_pairs()]
    assert [r.get_attribute("data-id") for r in page.locator("tr.pair").all()] == [
        ids[i] for i in sorted(MINORITY)
    ]
    option = page.locator('select[name="show"] option[value="renderings"]')
    expect(option).to_have_text("renderings (3)")
    page.close()
