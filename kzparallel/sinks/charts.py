"""Figures of the report pages (``report.html``): matplotlib with the Agg
backend (no display needed), and a figure as a ``data:`` URI of its PNG,
written without the software metadata so that the same figure gives the same
bytes. matplotlib is imported when the first figure is made (a build without
a report never loads it)."""

from __future__ import annotations

import base64
import io
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def pyplot() -> ModuleType:
    """``matplotlib.pyplot`` on the Agg backend."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def png_uri(fig: Figure) -> str:
    """``fig`` as a ``data:image/png;base64,…`` URI (90 dpi, tight box); the figure is closed."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight", metadata={"Software": None})
    pyplot().close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
