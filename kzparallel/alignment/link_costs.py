"""What a one-sided link (1-0, 0-1) is worth in one document pair, estimated from
the document.

The aligner's costs were measured on close translations, where an Arabic sentence
without English is rare (a sentence or a paragraph left out: at most
:data:`REFERENCE_SHARE` of a document's characters): there a 1-0 link earns
nothing and a pair of sentences is linked when its similarity clears the
threshold. In an English version that leaves out whole passages, half of the Arabic
can be without English, and a sentence of such a passage that happens to fit its
neighbour's length is pulled into a link (a 2-1, or a 1-1 with the next English
sentence, which shifts the links after it). So the document's own shares are
estimated from its totals and its length model (:mod:`.length_model`): the English
that the whole Arabic would give is ``c × (Arabic characters)``; what the English
lacks of it is the share of the Arabic without English
(``1 − english / (c × arabic)``), what it has beyond it the share of the English
without Arabic. A share above the reference gives that side a gain, its excess log-odds
``SKIP_SCALE × (logit(share) − logit(REFERENCE_SHARE))``: a sentence of that side
left on its own (a 1-0 or 0-1 link) earns it, and a link pays it for each sentence
of that side beyond the first (:mod:`kzparallel.alignment.align`). A link must then
be clearly better than leaving its sentences unlinked, a merge clearly better than
the link without the extra sentence, and more so the more of the document has no
counterpart. At or below the reference nothing changes (0): the gold sets' costs.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

REFERENCE_SHARE = 0.15  # the most the gold sets' close translations leave out, by characters
SKIP_SCALE = 0.06  # gain per unit of log-odds above the reference
MAX_SHARE = 0.9


@dataclass(frozen=True)
class LinkCosts:
    """The gains of a 1-0 link (``arabic_only``) and a 0-1 link (``english_only``)
    of one document, the estimated shares of each side without a counterpart (by
    characters) and why."""

    arabic_only: float = 0.0
    english_only: float = 0.0
    ar_share: float = 0.0
    en_share: float = 0.0
    reason: str = "the gold sets' costs"

    def to_dict(self) -> dict[str, float | str]:
        out = asdict(self)
        for key in ("arabic_only", "english_only", "ar_share", "en_share"):
            out[key] = round(out[key], 4)
        return out


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def _gain(share: float) -> float:
    if share <= REFERENCE_SHARE:
        return 0.0
    return SKIP_SCALE * (_logit(min(share, MAX_SHARE)) - _logit(REFERENCE_SHARE))


def estimate_link_costs(arabic_chars: int, english_chars: int, ratio: float) -> LinkCosts:
    """The costs of a document of ``arabic_chars`` and ``english_chars`` characters
    whose length model expects ``ratio`` English characters per Arabic one."""
    if arabic_chars <= 0 or english_chars <= 0:
        return LinkCosts(reason="one side is empty")
    expected = ratio * arabic_chars
    ar_share = max(0.0, 1 - english_chars / expected)
    en_share = max(0.0, 1 - expected / english_chars)
    costs = LinkCosts(_gain(ar_share), _gain(en_share), ar_share, en_share)
    if not costs.arabic_only and not costs.english_only:
        reason = f"at most {REFERENCE_SHARE:.0%} of either side without a counterpart"
        return LinkCosts(0.0, 0.0, ar_share, en_share, reason)
    side = "Arabic" if costs.arabic_only else "English"
    share = ar_share if costs.arabic_only else en_share
    reason = f"about {share:.0%} of the {side} without a counterpart"
    return LinkCosts(costs.arabic_only, costs.english_only, ar_share, en_share, reason)
