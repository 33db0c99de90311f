"""kzparallel: Arabic news articles to English articles and an Arabic-English parallel corpus."""

from __future__ import annotations

__version__ = "0.1.0"

from kzparallel.errors import InputError, KzError
from kzparallel.records import Decision, Document, Pair, Segment

__all__ = [
    "Decision",
    "Document",
    "InputError",
    "KzError",
    "Pair",
    "Segment",
    "__version__",
]
