"""Where the quotations of a paragraph open and close, for the sentence segmenter.

A quotation is a pair of marks in one line of text: ``«…»``, ``“…”``, ``‹…›``,
``„…“``, straight ``"…"``, and the reversed pairs that right-to-left typing
produces (``»…«``, ``”…“``, ``“…“``). The apostrophe is no quotation mark: it is
too often a letter in transliterations. Quotations nest (``«قال "كفى" ثم غادر»``).

A mark that does not close is no quotation: an opening mark with no partner
within the line, or none within :data:`MAX_QUOTE` characters, holds nothing
together, so one stray ``"`` never swallows the rest of a paragraph.

A straight ``"`` (and a reversed closing mark) opens when the text before it is a
space, the start of the line, an opening bracket, a colon, a stop or a one-letter
Arabic proclitic (``و"`` ``ب"``) and the text after it is not a space; a ``"`` closes the
innermost open ``"`` otherwise.
"""

from __future__ import annotations

MAX_QUOTE = 600  # characters; a longer "quotation" is an unclosed mark, not a quote

# opening mark -> the marks that close it
_PAIRS: dict[str, str] = {
    "«": "»",
    "“": "”“",  # “…” and, in Arabic typing, “…“
    "‹": "›",
    "„": "“”",
    '"': '"',
}
# closing marks that open a quotation when nothing is open for them (reversed pairs)
_REVERSED: dict[str, str] = {"»": "«»", "”": "“”", "›": "‹›"}
_PROCLITICS = "وفبلك"
_LINE_END = "\n\r\u2028\u2029"


def _opens(text: str, i: int) -> bool:
    """Does the mark at ``text[i]`` stand where a quotation opens: after a space, the
    start of the line, an opening bracket, a colon, a stop (``انتهى."سنعود``) or a
    one-letter Arabic proclitic (``و"نحن``), and before a non-space?"""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if after.isspace():
        return False
    if before.isspace() or before in "([{«“‹\"':،,؛;—–-.!?؟…":
        return True
    return before in _PROCLITICS and (i < 2 or text[i - 2].isspace())


def quotation_spans(text: str) -> list[tuple[int, int]]:
    """``(open, close)`` offsets of the opening and closing mark of each quotation."""
    spans: list[tuple[int, int]] = []
    stack: list[tuple[int, str]] = []  # (offset of the opening mark, its closers)
    for i, ch in enumerate(text):
        if ch in _LINE_END:
            stack.clear()
            continue
        while stack and i - stack[0][0] > MAX_QUOTE:
            stack.pop(0)  # open too long: a stray mark, not a quotation
        k = next((k for k in range(len(stack) - 1, -1, -1) if ch in stack[k][1]), None)
        if ch == '"' and k is not None and text[i - 1].isspace() and _opens(text, i):
            # between a space and a word a straight quote opens: the one still open
            # before it never closed ("قال "كذا ثم "كذا" وانتهى")
            del stack[k:]
            k = None
        if k is not None:
            spans.append((stack[k][0], i))
            del stack[k:]  # marks opened inside it and never closed are no quotations
        elif ch in _PAIRS and (ch != '"' or _opens(text, i)):
            stack.append((i, _PAIRS[ch]))
        elif ch in _REVERSED and _opens(text, i):
            stack.append((i, _REVERSED[ch]))
    return sorted(spans)


def innermost(spans: list[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    """The innermost quotation that is open over ``text[start:end]`` (it opens before
    ``start`` and closes at or after ``end``), or None."""
    best = None
    for o, c in spans:
        if o < start and c >= end and (best is None or o > best[0]):
            best = (o, c)
    return best


__all__ = ["MAX_QUOTE", "innermost", "quotation_spans"]
