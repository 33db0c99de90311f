"""Which code makes the demo corpus, and its digest (part of the demo recipe's hash).

:func:`generator_hash` hashes the code of :data:`GENERATOR_MODULES` (the
corpus generator: names, templates, corpus), so that a change to how the
corpus is made gives the demo model a new recipe hash and it is trained again.
What is hashed is the code, not where it lives: every line of an import of a
``kzparallel`` module (or a relative import) is left out, and so are blank
lines, so that moving the modules to another package, or an import from a
function body to the module top, does not change the digest.

The digest was once taken over the files' raw bytes, in ``kzparallel/testing/``;
:data:`EARLIER_DIGESTS` maps the digest of that same code taken this way to the
one the demo model was trained and cached with, so the model stays valid. A
change to the generator's code gives a digest that is not in the table: the
table entry is then dead and can go.
"""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path

# The modules whose code makes the corpus (in this package), in hashing order.
GENERATOR_MODULES = ("names.py", "templates.py", "corpus.py")

# digest of the code (this module's way) -> the digest the same code had when
# it was hashed as the raw files of kzparallel/testing/ (demo model be6e4b9fd9d1)
EARLIER_DIGESTS = {"8211eabee45be254": "e4207c4153ee6cba"}


def _package_import(node: ast.AST) -> bool:
    if isinstance(node, ast.ImportFrom):
        module = node.module or ""
        return node.level > 0 or module == "kzparallel" or module.startswith("kzparallel.")
    if isinstance(node, ast.Import):
        return any(a.name == "kzparallel" or a.name.startswith("kzparallel.") for a in node.names)
    return False


def module_code(text: str) -> str:
    """``text`` (a module's source) without its ``kzparallel`` and relative
    import lines and without blank lines; the lines joined with ``\\n``."""
    skip: set[int] = set()
    for node in ast.walk(ast.parse(text)):
        if _package_import(node):
            skip.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    lines = text.splitlines()
    return "\n".join(line for n, line in enumerate(lines, 1) if n not in skip and line.strip())


def generator_hash() -> str:
    """16 hex digits of SHA-256 over :func:`module_code` of each of
    :data:`GENERATOR_MODULES` (each followed by a NUL byte); a digest listed in
    :data:`EARLIER_DIGESTS` is given as the earlier digest of the same code."""
    h = hashlib.sha256()
    for name in GENERATOR_MODULES:
        code = module_code((Path(__file__).parent / name).read_text(encoding="utf-8"))
        h.update(code.encode("utf-8") + b"\0")
    digest = h.hexdigest()[:16]
    return EARLIER_DIGESTS.get(digest, digest)
