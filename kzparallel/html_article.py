"""The article text of an HTML page: trafilatura, deeply nested markup included.

:func:`extract_html` runs trafilatura's extraction (text, title, date, url) as
it is. When it finds no text and libxml2 stopped building the tree at its
nesting limit (255 levels: the rest of the page, the article with it, is
dropped), the page is parsed again with ``huge_tree`` (2048 levels) and the
tree handed to trafilatura; a page deeper than that is an
:class:`~kzparallel.errors.InputError` that says so, never "no article text".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kzparallel.errors import InputError

if TYPE_CHECKING:
    from lxml.html import HtmlElement

__all__ = ["HUGE_DEPTH", "extract_html"]

HUGE_DEPTH = 2048  # libxml2's nesting limit with huge_tree (255 without)


def _trafilatura(html: str | HtmlElement) -> dict[str, Any] | None:
    import trafilatura

    extracted = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False
    )
    result = extracted.as_dict() if hasattr(extracted, "as_dict") else extracted
    if not isinstance(result, dict) or not (result.get("text") or "").strip():
        return None
    return result


def _too_deep(data: bytes, huge: bool) -> tuple[bool, HtmlElement | None]:
    """Did libxml2 stop at its nesting limit (255 levels, ``huge``: 2048)? And the tree."""
    from lxml import html as lxml_html

    parser = lxml_html.HTMLParser(
        collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True,
        remove_pis=True, huge_tree=huge,
    )  # fmt: skip
    tree = lxml_html.fromstring(data, parser=parser)
    deep = any("Excessive depth" in e.message for e in parser.error_log)
    return deep, tree


def extract_html(html: str, source: str) -> dict[str, Any] | None:
    """trafilatura's article text and metadata (``text``, ``title``, ``date``,
    ``url``, ...) of a page, ``None`` when it finds no text.

    A page nested deeper than libxml2's default limit (255 levels: the tree, and
    with it the article, ends there) is parsed again with ``huge_tree`` (2048
    levels); deeper still is an :class:`InputError` that says so."""
    try:
        result = _trafilatura(html)
        if result is None:
            data = html.encode("utf-8", errors="replace")
            if _too_deep(data, huge=False)[0]:
                deep, tree = _too_deep(data, huge=True)
                if deep:
                    raise InputError(
                        source,
                        f"HTML nested more than {HUGE_DEPTH} levels deep (the parser's "
                        "limit): its article text cannot be found",
                    )
                result = _trafilatura(tree) if tree is not None else None
    except InputError:
        raise
    except Exception as exc:  # trafilatura and lxml raise several parser errors
        raise InputError(source, f"cannot parse HTML ({type(exc).__name__})") from None
    return result
