"""Loading a glossary for a command: one that ``glossary lint`` rejects is refused.

:func:`load_checked_glossary` loads a glossary as :func:`kzparallel.glossary.load_glossary`
does, then lints its YAML files (:mod:`kzparallel.glossary.lint`; a CSV or TBX
file has no lint). A problem — an empty Arabic form, one spelling mapped to two
English forms, a duplicate id, a bad period, mis-decoded text, ... — makes it a
:class:`~kzparallel.errors.KzError` of one line: the first problem as
``FILE:LINE: reason``, how many there are, and the way out. With ``lenient``
(``--glossary-lenient``) the glossary is used anyway and ``on_warning`` hears
the same line. Every command that loads a glossary goes through here: ``build``,
``translate``, ``align``, ``eval``, ``glossary find|check|fix|suggest|export``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kzparallel.errors import KzError
from kzparallel.glossary import Glossary, default_glossary_dir, load_glossary
from kzparallel.glossary.lint import Problem, lint_file

__all__ = ["LENIENT_OPTION", "glossary_problems", "load_checked_glossary"]

LENIENT_OPTION = "--glossary-lenient"
YAML_SUFFIXES = (".yaml", ".yml")  # the files lint reads (as load_glossary does)


def glossary_problems(path: str | Path | None) -> list[Problem]:
    """The lint problems of the YAML files of glossary ``path`` (None: the shipped one)."""
    p = Path(path) if path is not None else default_glossary_dir()
    if p.is_dir():
        files = sorted(f for f in p.iterdir() if f.suffix.lower() in YAML_SUFFIXES)
    elif p.suffix.lower() in YAML_SUFFIXES:
        files = [p]
    else:
        files = []  # CSV, TSV, TBX: read by their importers, no lint
    return [problem for f in files for problem in lint_file(f)]


def _line(problems: list[Problem], lenient: bool) -> str:
    first = problems[0]
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    if lenient:
        return f"{first}{more}: glossary lint rejects it, used anyway ({LENIENT_OPTION})"
    return (
        f"{first}{more}: glossary lint rejects this glossary; fix it "
        f"(kzparallel glossary lint {first.path}) or give {LENIENT_OPTION} to use it anyway"
    )


def load_checked_glossary(
    path: str | Path | None,
    *,
    lenient: bool = False,
    on_warning: Callable[[str], None] | None = None,
) -> Glossary:
    """The glossary at ``path`` (None: the shipped one), refused when lint finds a problem."""
    glossary = load_glossary(path)  # a file that does not load is its own one-line error
    problems = glossary_problems(path)
    if problems and not lenient:
        raise KzError(_line(problems, lenient=False))
    if problems and on_warning is not None:
        on_warning(_line(problems, lenient=True))
    return glossary
