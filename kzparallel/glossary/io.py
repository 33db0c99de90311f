"""Load and save glossaries; find the shipped default.

The native format is YAML (:mod:`.yaml_format`, see ``glossary/README.md``);
:func:`load_glossary` also reads the exchange formats of :mod:`.formats`
(``.csv``/``.tsv`` tables, ``.tbx`` TBX-Basic or TBX v2 ``martif``) and a
directory (every ``*.yaml`` in it, merged).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from kzparallel.errors import InputError
from kzparallel.glossary import formats
from kzparallel.glossary.entries import Entry
from kzparallel.glossary.model import Glossary
from kzparallel.glossary.yaml_format import (
    RawEntry,
    RawGlossary,
    build_entry,
    dump_yaml,
    glossary_from_raw,
    load_yaml,
    parse_day,
    parse_yaml_text,
    read_text,
    save_yaml,
)

# the YAML readers and writers, importable from here as before
__all__ = [
    "YAML_SUFFIXES",
    "RawEntry",
    "RawGlossary",
    "build_entry",
    "default_glossary_dir",
    "dump_yaml",
    "glossary_from_raw",
    "load_glossary",
    "load_yaml",
    "parse_day",
    "parse_yaml_text",
    "read_text",
    "save_yaml",
]

YAML_SUFFIXES = (".yaml", ".yml")


def default_glossary_dir() -> Path:
    """The shipped glossary folder: ``kzparallel/data/glossary`` in an installed
    wheel, else the repository's top-level ``glossary/``."""
    packaged = Path(str(resources.files("kzparallel"))) / "data" / "glossary"
    if packaged.is_dir() and any(packaged.glob("*.yaml")):
        return packaged
    return Path(__file__).resolve().parents[2] / "glossary"


def _merge(glossaries: list[Glossary], path: str) -> Glossary:
    if len(glossaries) == 1:
        return glossaries[0]
    entries: list[Entry] = []
    seen: dict[str, str] = {}
    for g in glossaries:
        for e in g.entries:
            if e.id in seen:
                raise InputError(g.path or path, f"entry id '{e.id}' is also in {seen[e.id]}")
            seen[e.id] = g.path or path
            entries.append(e)
    version = "+".join(g.version for g in glossaries if g.version)
    return Glossary(entries, version=version, name=Path(path).name, path=path)


def load_glossary(path: str | Path | None = None) -> Glossary:
    """Load a glossary file or folder; ``None`` loads the shipped default.

    Accepted: ``.yaml``/``.yml`` (native), ``.csv``/``.tsv`` (DeepL or
    Google/Amazon shape), ``.tbx``/``.xml`` (TBX-Basic, TBX v2 ``martif``), or
    a directory of ``.yaml`` files.
    """
    p = Path(path) if path is not None else default_glossary_dir()
    if p.is_dir():
        files = sorted(f for f in p.iterdir() if f.suffix.lower() in YAML_SUFFIXES)
        if not files:
            raise InputError(str(p), "no .yaml glossary file in this folder")
        return _merge([load_yaml(f) for f in files], str(p))
    if not p.exists():
        raise InputError(str(p), "no such file")
    suffix = p.suffix.lower()
    if suffix in YAML_SUFFIXES:
        return load_yaml(p)
    if suffix in (".csv", ".tsv"):
        return formats.import_table(p)
    if suffix in (".tbx", ".xml"):
        return formats.read_tbx(p)
    raise InputError(str(p), f"unknown glossary format '{suffix}' (use .yaml, .csv, .tsv or .tbx)")
