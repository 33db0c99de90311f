"""Banded dynamic programming over sentence links (1-1, 1-2, 2-1, 1-3, 3-1, 2-2, 1-0, 0-1).

The table has a cell ``(i, j)`` for "the first ``i`` Arabic and the first ``j``
English sentences are aligned"; a link of kind ``a-b`` moves from ``(i - a, j - b)``
to ``(i, j)`` and earns ``gain(i - a, a, j - b, b)``; the best path from ``(0, 0)``
to ``(n, m)`` maximises the total gain. Only the cells of a band are filled, so
memory and time grow with ``n × band width``, not ``n × m``:

1. a first pass with only 1-1, 1-0 and 0-1 links in a band of ±``wide``
   sentences around the diagonal scaled to the two lengths (an English version
   half as long as the Arabic has its diagonal at half the slope);
2. a second pass with every link kind in a band of ±``narrow`` sentences around
   the first pass's path.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

Kind = tuple[int, int]
Gain = Callable[[int, int, int, int], float]
Band = list[tuple[int, int]]  # per row i: the first and last column filled (inclusive)

ALL_KINDS: tuple[Kind, ...] = ((1, 1), (1, 0), (0, 1), (2, 1), (1, 2), (2, 2), (3, 1), (1, 3))
SIMPLE_KINDS: tuple[Kind, ...] = ((1, 1), (1, 0), (0, 1))
NEG = float("-inf")


def diagonal_band(n: int, m: int, width: int) -> Band:
    """±``width`` columns around the scaled diagonal ``j = i·m/n``, each row reaching
    to the next row's centre + ``width``: where the English has many more sentences
    than the Arabic (1 against 300) the diagonal climbs more than the band is wide
    from one row to the next, and the rows must still overlap for a path to exist
    (0-1 links walk along a row). The cells stay about ``m + 2·width·n``."""
    band = []
    for i in range(n + 1):
        centre = round(i * m / n) if n else m
        following = round((i + 1) * m / n) if n and i < n else m
        band.append((max(0, centre - width), min(m, max(centre, following) + width)))
    band[0] = (0, band[0][1])
    band[n] = (band[n][0], m)
    return band


def path_band(path: Sequence[tuple[int, int]], n: int, m: int, width: int) -> Band:
    """±``width`` rows and columns around a path of cells."""
    lo = [m + 1] * (n + 1)
    hi = [-1] * (n + 1)
    for i, j in path:
        lo[i] = min(lo[i], j)
        hi[i] = max(hi[i], j)
    band = []
    for i in range(n + 1):
        rows = range(max(0, i - width), min(n, i + width) + 1)
        low = min(lo[r] for r in rows)
        high = max(hi[r] for r in rows)
        band.append((max(0, low - width), min(m, high + width)))
    return band


def best_path(
    n: int, m: int, gain: Gain, band: Band, kinds: Sequence[Kind]
) -> list[tuple[int, int, int, int]]:
    """The links ``(i, a, j, b)`` (Arabic ``[i, i+a)``, English ``[j, j+b)``) of the
    best path through the band, in document order."""
    score: list[list[float]] = []
    back: list[list[int]] = []
    for i in range(n + 1):
        lo, hi = band[i]
        row = [NEG] * (hi - lo + 1)
        ptr = [-1] * (hi - lo + 1)
        for j in range(lo, hi + 1):
            if i == 0 and j == 0:
                row[0] = 0.0
                continue
            best, arg = NEG, -1
            for k, (a, b) in enumerate(kinds):
                pi, pj = i - a, j - b
                if pi < 0 or pj < 0:
                    continue
                plo, phi = band[pi]
                if not plo <= pj <= phi:
                    continue
                prev = score[pi][pj - plo] if pi < i else row[pj - lo]
                if prev == NEG:
                    continue
                value = prev + gain(pi, a, pj, b)
                if value > best:
                    best, arg = value, k
            row[j - lo], ptr[j - lo] = best, arg
        score.append(row)
        back.append(ptr)
    lo, hi = band[n]
    if not lo <= m <= hi or score[n][m - lo] == NEG:
        raise ValueError("the band does not reach the end of both documents")
    links = []
    i, j = n, m
    while i or j:
        a, b = kinds[back[i][j - band[i][0]]]
        i, j = i - a, j - b
        links.append((i, a, j, b))
    links.reverse()
    return links


def first_width(n: int, m: int, minimum: int = 15, maximum: int = 40) -> int:
    """The first pass's band: ``minimum`` sentences each side of the diagonal, more
    for long documents (an eighth of the longer one) and for documents of very
    different lengths (half the difference: an English version covering only part
    of the Arabic), but at most ``maximum``, so that the work stays linear in the
    length. A counterpart further than that from the scaled diagonal is missed."""
    return max(minimum, min(max(n, m) // 8 + abs(n - m) // 2, maximum))


def align_banded(
    n: int,
    m: int,
    gain: Gain,
    *,
    wide: int | None = None,
    narrow: int = 4,
    kinds: Sequence[Kind] = ALL_KINDS,
) -> list[tuple[int, int, int, int]]:
    """Two passes (see the module docstring); ``wide`` defaults to :func:`first_width`."""
    if n == 0 or m == 0:
        return [(i, 1, 0, 0) for i in range(n)] + [(n, 0, j, 1) for j in range(m)]
    width = first_width(n, m) if wide is None else wide
    first = best_path(n, m, gain, diagonal_band(n, m, width), SIMPLE_KINDS)
    cells = [(0, 0)] + [(i + a, j + b) for i, a, j, b in first]
    # the path's cells plus the cells a skipped sentence passes through
    return best_path(n, m, gain, path_band(cells, n, m, narrow), kinds)
