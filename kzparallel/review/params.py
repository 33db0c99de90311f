"""The review app's numeric parameters, range-checked.

Every number the app reads from a URL or a form goes through :func:`whole`: a
value that is not a whole number, or is outside its range, raises
:class:`BadParameter`, which the app answers with ``400`` and a page saying
which parameter and why — never a ``500`` (SQLite's integers stop at
``2**63 - 1``: a larger key would overflow in the query). The ranges:

=================  ===========================  ===================================
parameter          range                        what
=================  ===========================  ===================================
``after``          0 … 2**63-1                  keyset key: a position or a rank
``before``         0 … 2**63-1                  keyset key
``last``           0 or 1                       the final page
``n``              20, 50 or 100                page size (:data:`PAGE_SIZES`)
``size`` (form)    1 … ``MAX_SAMPLE``           sample size
``seed`` (form)    0 … 2**63-1                  sample seed
``version`` (form) 0 … 2**63-1                  the pair version the reviewer saw
=================  ===========================  ===================================
"""

from __future__ import annotations

from collections.abc import Mapping

from kzparallel.errors import KzError
from kzparallel.review.queries import DEFAULT_PAGE, PAGE_SIZES, Window

MAX_KEY = 2**63 - 1  # SQLite's largest INTEGER

__all__ = ["MAX_KEY", "BadParameter", "page_size", "whole", "window"]


class BadParameter(KzError):
    """A URL or form parameter that is not a number in its range (the app answers 400)."""


def _shown(value: str) -> str:
    return repr(value if len(value) <= 24 else value[:21] + "...")


def whole(name: str, value: str | None, lo: int = 0, hi: int = MAX_KEY) -> int | None:
    """``value`` as a whole number in ``lo..hi``; ``None`` when it is absent or empty."""
    if value is None or value.strip() == "":
        return None
    text = value.strip()
    if not (text.isascii() and text.lstrip("+-").isdigit()):
        raise BadParameter(f"{name}={_shown(value)}: not a whole number")
    if len(text.lstrip("+-0")) > len(str(hi)):  # too many digits: out of range, unparsed
        raise BadParameter(f"{name}={_shown(value)}: must be between {lo} and {hi}")
    n = int(text)
    if not lo <= n <= hi:
        raise BadParameter(f"{name}={_shown(value)}: must be between {lo} and {hi}")
    return n


def window(q: Mapping[str, str]) -> Window:
    """The keyset window of a list page (``after``, ``before``, ``last``)."""
    last = whole("last", q.get("last"), 0, 1)
    return Window(whole("after", q.get("after")), whole("before", q.get("before")), last == 1)


def page_size(q: Mapping[str, str]) -> int:
    n = whole("n", q.get("n"), 1, MAX_KEY)
    if n is None:
        return DEFAULT_PAGE
    if n not in PAGE_SIZES:
        sizes = ", ".join(str(s) for s in PAGE_SIZES)
        raise BadParameter(f"n={n}: the page size is one of {sizes}")
    return n
