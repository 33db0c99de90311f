"""Which forbidden variants the decoder suppresses: one rule for every backend.

A :class:`TermHints` names English strings that must not appear (``forbid``)
and English forms that must stay writable (``prefer`` and ``keep``). Each
backend tokenises them with its own target tokenizer and hands the forbidden
token sequences to its decoder (transformers: ``NoBadWordsLogitsProcessor``,
CTranslate2: ``suppress_sequences``). Suppressing a sequence bans its last
token wherever the sequence's other tokens were just produced, so a forbidden
variant whose tokens are the beginning of an accepted form's tokens (a wrong
singular of a plural name, a name without its last letter, the capital's
misspelling *Nursultan* beside the person *Nursultan Nazarbayev*) would make
that form impossible to write, and the decoder wanders off into broken
words. :func:`suppressible` therefore drops every forbidden sequence found as
a contiguous run inside the tokens of a kept form (a prefix is one such run);
the glossary's repair layer still replaces those variants after decoding.

**The plain decode as a fallback.** Suppression says what the decoder must not
write, not what it should write instead: where the model has learnt a wrong
spelling and gives the right one little weight, the beam that loses the wrong
spelling takes whatever comes next (CTranslate2, which has no soft bias for
``prefer``, wrote *West Bank* for a suppressed *Peking*, *Beltx* for *Belta*,
*Tokokayev* for the suppressed *Kassym-Zhomart Tokayev*), and that English is
beyond repair. :func:`translate_with_fallback` therefore decodes a sentence a
second time without hints when the translator has no soft bias
(``Translator.soft_bias``), an n-best list is asked for and none of its hinted
hypotheses has every preferred form; the plain hypotheses are appended after
the hinted ones (``hypotheses[0]`` stays the hinted best), so the n-best rerank
can take a plain hypothesis whose wrong spelling the repair layer fixes. A
translator with a soft bias steers its beams towards the preferred form as it
suppresses the wrong one; there the second decode changed no sentence of the
demo model's held-out set and is not made. A build gives no decoder hints by
default (:data:`kzparallel.glossary.layers.DEFAULT_LAYERS`): for CTranslate2 the
second decode cost up to twice the translation time for no better term success.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Generic, TypeVar

from kzparallel.translation.base import DecodingConfig, TermHints, Translation, Translator

T = TypeVar("T", bound=Hashable)

# names the rule below in cache keys: a change of rule changes what the decoder gets
SUPPRESSION_RULE = "not-inside-kept-forms;plain-fallback-without-soft-bias"
_MEMO_LIMIT = 256  # distinct hint sets remembered per backend (bounded memory)


def occurs_in(needle: Sequence[T], haystack: Sequence[T]) -> bool:
    """Whether ``needle`` is a contiguous run of ``haystack`` (a prefix included)."""
    n = len(needle)
    if n == 0 or n > len(haystack):
        return False
    first = needle[0]
    return any(
        haystack[i] == first and tuple(haystack[i : i + n]) == tuple(needle)
        for i in range(len(haystack) - n + 1)
    )


def suppressible(
    forbidden: Iterable[Sequence[T]], kept: Iterable[Sequence[T]]
) -> tuple[tuple[T, ...], ...]:
    """The forbidden token sequences a decoder may suppress, in input order.

    Empty and repeated sequences are dropped, and so is every sequence that
    occurs inside the tokens of a kept form: suppressing it would block that
    form (see the module docstring)."""
    todo = list(dict.fromkeys(s for seq in forbidden if (s := tuple(seq))))
    longest = max((len(s) for s in todo), default=0)
    runs: set[tuple[T, ...]] = set()  # every run of a kept form, up to the longest forbidden
    for k in kept:
        form = tuple(k)
        for i in range(len(form)):
            runs.update(form[i:j] for j in range(i + 1, min(len(form), i + longest) + 1))
    return tuple(s for s in todo if s not in runs)


class Suppressions(Generic[T]):
    """The suppression list of a :class:`TermHints` for one backend's tokenizer.

    ``tokenize`` turns an English string into the target tokens the decoder
    produces; ``usable`` says whether a forbidden sequence can be given to the
    decoder at all (a piece outside the vocabulary cannot be generated, so
    there is nothing to suppress). Lists are remembered per distinct ``forbid``
    and ``keep``: a glossary build gives every sentence the same two, so the
    tokenising and filtering is done once, not once per sentence.
    """

    def __init__(
        self,
        tokenize: Callable[[str], Sequence[T]],
        usable: Callable[[tuple[T, ...]], bool] = lambda seq: True,
    ) -> None:
        self._tokenize = tokenize
        self._usable = usable
        self._tokens: dict[str, tuple[T, ...]] = {}
        self._lists: dict[tuple[tuple[str, ...], ...], tuple[tuple[T, ...], ...]] = {}

    def tokens(self, text: str) -> tuple[T, ...]:
        found = self._tokens.get(text)
        if found is None:
            if len(self._tokens) >= 16 * _MEMO_LIMIT:
                self._tokens.clear()
            found = self._tokens[text] = tuple(self._tokenize(text))
        return found

    def __call__(self, hint: TermHints | None) -> tuple[tuple[T, ...], ...]:
        """The forbidden token sequences to suppress for ``hint`` (may be empty)."""
        if hint is None or not hint.forbid:
            return ()
        found = self._shared(tuple(hint.forbid), tuple(hint.keep))
        extra = [p for p in hint.prefer if p not in hint.keep]  # none for glossary hints
        if extra and found:
            found = suppressible(found, [self.tokens(p) for p in extra])
        return found

    def _shared(self, forbid: tuple[str, ...], keep: tuple[str, ...]) -> tuple[tuple[T, ...], ...]:
        """The list for ``forbid`` and ``keep`` (remembered: a glossary gives every
        sentence the same two, so this runs once per build, not per sentence)."""
        key = (forbid, keep)
        found = self._lists.get(key)
        if found is None:
            forbidden = (s for f in forbid if (s := self.tokens(f)) and self._usable(s))
            if len(self._lists) >= _MEMO_LIMIT:
                self._lists.clear()
            found = self._lists[key] = suppressible(forbidden, [self.tokens(k) for k in keep])
        return found


def has_form(text: str, form: str) -> bool:
    """Whether ``form`` (or its capitals) is in ``text`` as whole words."""
    return any(re.search(r"(?<!\w)" + re.escape(f) + r"(?!\w)", text) for f in {form, form.upper()})


def misses_preferred(hint: TermHints | None, translation: Translation) -> bool:
    """Whether no hypothesis of ``translation`` has every preferred form of ``hint``."""
    if hint is None or not hint.prefer:
        return False
    return not any(all(has_form(h.text, p) for p in hint.prefer) for h in translation.hypotheses)


def translate_with_fallback(
    translator: Translator,
    texts: list[str],
    config: DecodingConfig,
    hints: list[TermHints | None] | None,
    pad_to: int | None = None,
) -> list[Translation]:
    """``translator.translate``, and for a translator without a soft bias with
    an n-best list (``config.nbest > 1``) the plain decode's hypotheses appended
    to those of every sentence whose hinted hypotheses miss a preferred form
    (see the module docstring). The
    second decode pads to the same ``pad_to``, so a sentence's result still does
    not depend on its batch."""
    out = translator.translate(texts, config, hints, pad_to=pad_to)
    if config.nbest <= 1 or hints is None or translator.soft_bias:
        return out
    todo = [i for i, (h, t) in enumerate(zip(hints, out, strict=True)) if misses_preferred(h, t)]
    if not todo:
        return out
    plain = translator.translate([texts[i] for i in todo], config, None, pad_to=pad_to)
    for i, p in zip(todo, plain, strict=True):
        seen = {h.text for h in out[i].hypotheses}
        extra = [h for h in p.hypotheses if h.text not in seen]
        out[i] = Translation(
            hypotheses=[*out[i].hypotheses, *extra],
            src_tokens=out[i].src_tokens,
            attention=out[i].attention,
        )
    return out
