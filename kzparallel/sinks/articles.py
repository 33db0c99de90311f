"""English articles: ``en/<doc_id>.txt`` and ``en/<doc_id>.md``.

Rebuilt from the pairs (ordered by document, paragraph, sentence): the
sentences of a paragraph are joined with a space, paragraphs with a blank
line, so each article has exactly the paragraphs of its cleaned source. The
``.md`` file puts the title (paragraph 0, ``is_title``) as a ``#`` heading.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from pathlib import Path

from kzparallel.atomic import atomic_directory
from kzparallel.records import Pair


def _paragraphs(pairs: Iterable[Pair]) -> Iterator[tuple[int, bool, str]]:
    for para, group in itertools.groupby(pairs, key=lambda p: p.para):
        items = list(group)
        text = " ".join(p.en.strip() for p in items if p.en.strip())
        yield para, any(p.is_title for p in items), text


def article_texts(pairs: Iterable[Pair]) -> tuple[str, str]:
    """(plain text, Markdown) of one document's pairs."""
    txt: list[str] = []
    md: list[str] = []
    for _, is_title, text in _paragraphs(pairs):
        txt.append(text)
        md.append(f"# {text}" if is_title else text)
    return "\n\n".join(txt) + "\n", "\n\n".join(md) + "\n"


def write_articles(pairs: Iterable[Pair], en_dir: str | Path) -> list[str]:
    """Write one ``.txt`` and ``.md`` per document into ``en_dir`` (replaced
    atomically as a whole); return the document ids in order."""
    ids: list[str] = []
    with atomic_directory(en_dir) as tmp:
        for doc_id, group in itertools.groupby(pairs, key=lambda p: p.doc_id):
            txt, md = article_texts(group)
            (tmp / f"{doc_id}.txt").write_text(txt, encoding="utf-8")
            (tmp / f"{doc_id}.md").write_text(md, encoding="utf-8")
            ids.append(doc_id)
    return ids
