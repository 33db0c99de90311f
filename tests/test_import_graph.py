"""The import graph keeps its shape: the contracts in ``pyproject.toml``
(``[tool.importlinter]``: no circles between sibling modules, layers from the
apps down to the helpers) hold with no import ignored, and the package's own
modules are imported at module top, where the graph can be read, except where
a function needs one of the heavy optional libraries first."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "kzparallel"

# Package modules still imported inside a function body, per file (the most
# allowed; each entry goes when its imports move to the module's top).
FUNCTION_IMPORTS: dict[str, int] = {
    "kzparallel/alignment/build.py": 8,
    "kzparallel/alignment/english.py": 2,
    "kzparallel/alignment/similarity.py": 1,
    "kzparallel/builder.py": 1,
    "kzparallel/build_bench.py": 1,
    "kzparallel/cli/align.py": 2,
    "kzparallel/cli/app.py": 1,
    "kzparallel/cli/build.py": 11,
    "kzparallel/cli/glossary.py": 18,
    "kzparallel/cli/review.py": 1,
    "kzparallel/cli/text.py": 4,
    "kzparallel/cli/translate.py": 15,
    "kzparallel/corpus.py": 5,
    "kzparallel/evaluation.py": 1,
    "kzparallel/exports.py": 3,
    "kzparallel/glossary/consistency.py": 6,
    "kzparallel/glossary/enforce.py": 1,
    "kzparallel/glossary/namespans.py": 1,
    "kzparallel/incremental.py": 2,
    "kzparallel/langid.py": 1,
    "kzparallel/outputs.py": 14,
    "kzparallel/provenance.py": 1,
    "kzparallel/publish.py": 1,
    "kzparallel/review/actions.py": 2,
    "kzparallel/review/decisions.py": 2,
    "kzparallel/review/relink.py": 4,
    "kzparallel/review/server.py": 2,
    "kzparallel/shards.py": 1,
    "kzparallel/sinks/card.py": 2,
    "kzparallel/sinks/report.py": 1,
    "kzparallel/stages.py": 9,
    "kzparallel/testing/bitext.py": 13,
    "kzparallel/testing/perturbed.py": 1,
    "kzparallel/translation/__init__.py": 1,
    "kzparallel/translation/base.py": 2,
    "kzparallel/translation/bench.py": 7,
    "kzparallel/translation/ctranslate2.py": 2,
    "kzparallel/translation/model.py": 2,
    "kzparallel/translation/pipeline.py": 1,
}


def _function_imports(path: Path) -> int:
    """How many ``kzparallel`` imports sit inside function bodies of ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for sub in ast.walk(node):
            if isinstance(sub, ast.ImportFrom):
                names = [sub.module or ""]
            elif isinstance(sub, ast.Import):
                names = [a.name for a in sub.names]
            else:
                continue
            if any(n == "kzparallel" or n.startswith("kzparallel.") for n in names):
                found.add(id(sub))
    return len(found)


def test_import_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    run = subprocess.run(
        [str(lint), "--no-cache", "--config", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Contracts: 2 kept, 0 broken." in run.stdout
    assert "ignored imports" not in run.stdout, run.stdout  # none listed as exceptions


def test_package_imports_at_module_top() -> None:
    counts = {
        str(path.relative_to(ROOT)): n
        for path in sorted(PACKAGE.rglob("*.py"))
        if (n := _function_imports(path))
    }
    grown = {k: n for k, n in counts.items() if n > FUNCTION_IMPORTS.get(k, 0)}
    assert not grown, f"package imports inside functions (move them to the top): {grown}"
