"""Suggested concepts as glossary entries (:mod:`.suggest`): ``en`` the most
frequent rendering, ``forbidden`` the other renderings that are spellings of
it, a ``note`` with the counts and two example pairs."""

from __future__ import annotations

from kzparallel.glossary.concepts import Concept, Example
from kzparallel.glossary.demonyms import is_demonym_of
from kzparallel.glossary.entries import Entry, Form
from kzparallel.glossary.variants import distance, is_variant, same_units

NOTE_EXAMPLES = 2
SPELLING_SCORE = 0.5  # transliteration similarity above which a rendering is a spelling of en


def spellings(c: Concept) -> tuple[list[str], list[str]]:
    """(forbidden, unrelated): the other renderings that are spellings of ``en``
    (as the repair compares them, one change allowed since the span is
    aligned, or a similarity of 0.5 and more), and the ones that are not —
    alignment noise, another name, or a derived form of a place (*Russian*
    beside *Russia*), which a ``forbidden`` would let the repair overwrite."""
    forbidden, unrelated = [], []
    for r, _n in sorted(c.renderings.items(), key=lambda kv: (-kv[1], kv[0])):
        if r == c.en:
            continue
        if is_demonym_of(r, c.en) or is_demonym_of(c.en, r):
            unrelated.append(r)  # Russian beside Russia: a derived form, not a misspelling
            continue
        if (
            is_variant(r, c.en, aligned=True)
            or same_units(r, c.en)
            or distance(r, c.en).score >= SPELLING_SCORE
        ):
            forbidden.append(r)
        else:
            unrelated.append(r)
    return forbidden, unrelated


def counts(c: Concept) -> str:
    return ", ".join(
        f"{r} {n}" for r, n in sorted(c.renderings.items(), key=lambda kv: (-kv[1], kv[0]))
    )


def examples(c: Concept) -> list[Example]:
    """Two example pairs: one with ``en``, one with another rendering if any."""
    chosen = list(c.examples.get(c.en, [])[:1])
    for r, _n in sorted(c.renderings.items(), key=lambda kv: (-kv[1], kv[0])):
        for e in c.examples.get(r, []):
            if (
                len(chosen) < NOTE_EXAMPLES
                and e not in chosen
                and (r != c.en or len(c.renderings) == 1)
            ):
                chosen.append(e)
    for e in c.examples.get(c.en, []):
        if len(chosen) < NOTE_EXAMPLES and e not in chosen:
            chosen.append(e)
    return chosen


def note(c: Concept) -> str:
    """Counts per rendering (and per form) and two example pairs."""
    parts = [f"suggested from {c.count} mention(s): {counts(c)}"]
    _forbidden, unrelated = spellings(c)
    if unrelated:
        parts.append(f"not forbidden (not a spelling of '{c.en}'): {', '.join(unrelated)}")
    for role, f in c.forms.items():
        parts.append(f"{role}: {counts(f)}")
    for e in examples(c):
        parts.append(f"e.g. {e.pair}: {e.ar} = {e.en}")
    return "; ".join(parts)


def _form(role: str, f: Concept) -> Form:
    forbidden, _ = spellings(f)
    return Form(role, tuple(f.surfaces[k] for k in f.keys), f.en, forbidden=tuple(forbidden))


def entry(c: Concept) -> Entry:
    """The glossary entry for a suggested concept."""
    forbidden, _ = spellings(c)
    return Entry(
        id=c.id,
        type=c.type,
        ar=tuple(c.surfaces[k] for k in c.keys),
        en=c.en,
        forbidden=tuple(forbidden),
        forms=tuple(_form(role, f) for role, f in c.forms.items()),
        note=note(c),
    )
