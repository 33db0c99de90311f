"""The documentation is executed: README.md and every folder's README.md.

Every fenced block tagged ``console`` in these pages is a session: lines starting
with ``$ `` are shell commands, run with bash in a scratch directory holding a
copy of ``seeds/``; the lines after a command, up to the next ``$ ``, are its
expected output (stdout and stderr together, in order). ``$ cat FILE`` of a file
that does not exist yet creates it from the lines shown, so an example can show
its input. Blocks tagged ``bash`` are not run (they need a model or the Hub).

Every ``python`` block is run too, page by page in file order, each in a fresh
interpreter in one scratch directory where ``kzparallel build seeds/ --out
outputs/seeds`` (the main job) was first run with the tiny test model; the model
names of the examples (``DIR``, ``opus-mt-ar-en``) stand for that model.

And the pages hold together: every relative link points to a file that exists
(and a heading of it, for ``#anchor`` links); README.md is at most 800 lines, its
first ``kzparallel build`` is within its first 120 lines, it has a section per
command, and its layout block matches the tree; tests/README.md names every test
file.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from kzparallel.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
FENCED = re.compile(r"^```(\w*)\n(.*?)^```$", re.M | re.S)
MODEL_NAMES = re.compile(r"\"(DIR|opus-mt-ar-en)\"")
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^(#{1,6}) +(.+?) *#*$")
SKIPPED_PARTS = {"__pycache__", "node_modules", "build", "dist"}
README_LINES = 800  # the whole README
FIRST_SCREEN = 120  # lines from the top to the first `kzparallel build` example
SET_UP = (
    "apt-get update && apt-get install -y chromium chromium-driver"
    ' && pip install torch==2.13.0 -e ".[dev]"'
)
# the pages that must exist (every README.md of the tree is tested, these at least)
PAGES = {
    "README.md",
    "glossary/README.md",
    "outputs/README.md",
    "seeds/README.md",
    "tests/README.md",
    "tests/benchmarks/README.md",
    "kzparallel/alignment/README.md",
    "kzparallel/demo/README.md",
    "kzparallel/engines/README.md",
    "kzparallel/review/README.md",
    "kzparallel/translation/README.md",
}


def doc_pages() -> list[str]:
    """Every README.md of the repository (not in hidden folders, nor what a build wrote
    under outputs/), as paths relative to the root."""
    pages = []
    for path in sorted(ROOT.rglob("README.md")):
        rel = path.relative_to(ROOT)
        if any(p.startswith(".") or p in SKIPPED_PARTS for p in rel.parts[:-1]):
            continue
        if rel.parts[0] == "outputs" and len(rel.parts) > 2:
            continue  # a build's dataset card
        if "site-packages" in rel.parts:
            continue
        pages.append(rel.as_posix())
    return pages


DOCS = doc_pages()


def fenced(page: str, tag: str) -> list[tuple[int, str]]:
    """(line number, body) of every fenced block of ``page`` tagged ``tag``."""
    text = (ROOT / page).read_text(encoding="utf-8")
    return [
        (text.count("\n", 0, m.start()) + 1, m.group(2))
        for m in FENCED.finditer(text)
        if m.group(1) == tag
    ]


def console_blocks() -> list[tuple[str, int, list[tuple[str, list[str]]]]]:
    """(page, line number, [(command, expected output lines)]) of every console block."""
    blocks = []
    for page in DOCS:
        for line, body in fenced(page, "console"):
            session: list[tuple[str, list[str]]] = []
            for raw in body.splitlines():
                if raw.startswith("$ "):
                    session.append((raw[2:], []))
                elif session:
                    session[-1][1].append(raw)
                else:
                    raise AssertionError(f"{page}:{line}: console block must start with '$ '")
            blocks.append((page, line, session))
    return blocks


def python_blocks() -> list[tuple[str, int, str]]:
    return [(page, line, code) for page in DOCS for line, code in fenced(page, "python")]


def test_the_pages_are_found() -> None:
    assert set(DOCS) >= PAGES, sorted(PAGES - set(DOCS))


def test_the_pages_have_examples() -> None:
    # the sections on cleaning, segmentation, the glossary and alignment are tested here
    assert len(fenced("README.md", "console")) >= 3
    assert len(fenced("README.md", "python")) >= 2
    assert len(console_blocks()) >= 12
    assert len(python_blocks()) >= 13


def _env(tmp: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "KZPARALLEL_CACHE_DIR": str(tmp / "cache"),
        "PYTHONUNBUFFERED": "1",  # stdout and stderr interleave as written
        "COLUMNS": "100",
        "NO_COLOR": "1",
    }


@pytest.mark.parametrize(
    ("page", "line", "session"),
    console_blocks(),
    ids=[f"{page}:{line}" for page, line, _ in console_blocks()],
)
def test_console_example(
    page: str, line: int, session: list[tuple[str, list[str]]], tmp_path: Path
) -> None:
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    env = _env(tmp_path)
    for command, expected in session:
        target = re.fullmatch(r"cat (\S+)", command)
        if target and not (tmp_path / target.group(1)).exists():
            (tmp_path / target.group(1)).write_text("\n".join(expected) + "\n", encoding="utf-8")
            continue
        run = subprocess.run(
            ["bash", "-c", command],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=300,
        )
        assert "Traceback" not in run.stdout, f"{page}:{line}: $ {command}\n{run.stdout}"
        assert run.stdout.splitlines() == expected, f"{page}:{line}: $ {command}"


@pytest.fixture(scope="module")
def built_workdir(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch directory with seeds/ and the main job's outputs/ (tiny model)."""
    work = tmp_path_factory.mktemp("readme-python")
    shutil.copytree(ROOT / "seeds", work / "seeds")
    run = subprocess.run(
        ["kzparallel", "build", "seeds/", "--out", "outputs/seeds", "--model", str(tiny_model)],
        cwd=work,
        env=_env(work),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("5 documents, "), run.stdout
    return work


@pytest.mark.parametrize(
    ("page", "line", "code"),
    python_blocks(),
    ids=[f"{page}:{line}" for page, line, _ in python_blocks()],
)
def test_python_example(
    page: str, line: int, code: str, built_workdir: Path, tiny_model: Path
) -> None:
    code = MODEL_NAMES.sub(repr(str(tiny_model)), code)
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=built_workdir,
        env=_env(built_workdir),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, f"{page}:{line}:\n{run.stderr[-3000:]}"


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: markup dropped, lower case, punctuation
    removed (letters, digits, ``-`` and ``_`` kept), spaces made ``-``."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link: its text
    text = re.sub(r"[^\w\- ]", "", text.lower())
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """The anchors of a page's headings (repeats get GitHub's -1, -2 ...)."""
    text = FENCED.sub("", page.read_text(encoding="utf-8"))
    seen: dict[str, int] = {}
    for line in text.splitlines():
        m = HEADING.match(line)
        if m:
            base = slug(m.group(2))
            n = seen.get(base, 0)
            seen[base] = n + 1
            if n:
                seen[f"{base}-{n}"] = 1
    return set(seen)


def links(page: str) -> list[str]:
    """The targets of a page's links and images, code left out."""
    text = FENCED.sub("", (ROOT / page).read_text(encoding="utf-8"))
    text = re.sub(r"`[^`\n]*`", "", text)
    return LINK.findall(text)


@pytest.mark.parametrize("page", DOCS)
def test_relative_links_point_to_files_and_headings(page: str) -> None:
    broken = []
    for target in links(page):
        if re.match(r"[a-z]+:", target):  # https:, mailto:
            continue
        path, _, anchor = target.partition("#")
        dest = (ROOT / page).parent / path if path else ROOT / page
        if not dest.exists():
            broken.append(f"{target}: no such file")
        elif anchor and (dest.suffix != ".md" or anchor not in anchors(dest)):
            broken.append(f"{target}: no such heading")
    assert not broken, f"{page}: " + "; ".join(broken)


def test_the_readme_is_short_and_builds_on_its_first_screen() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= README_LINES
    first = next(
        text.count("\n", 0, m.start()) + 1
        for m in FENCED.finditer(text)
        if m.group(1) in ("console", "bash") and "kzparallel build" in m.group(2)
    )
    assert first <= FIRST_SCREEN
    # the one set-up command and the one test command come first (.ci/run copies them)
    line, body = fenced("README.md", "bash")[0]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert [c for c in body.splitlines() if c.strip()] == [SET_UP, "python -m pytest"]
    assert all(c in ci.splitlines() for c in body.splitlines() if c.strip()), line
    # then the dataset and the review page, still on the first screen
    screen = "\n".join(text.splitlines()[:FIRST_SCREEN])
    assert 'load_dataset("outputs/seeds/dataset")' in screen
    assert "kzparallel review outputs/seeds" in screen


def test_the_readme_has_a_section_per_command() -> None:
    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    text = README.read_text(encoding="utf-8")
    missing = [c for c in commands if f"### `kzparallel {c}`" not in text]
    assert not missing


def layout_block() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### Layout") :]
    return next(m.group(2) for m in FENCED.finditer(section) if m.group(1) == "text").splitlines()


def listed_layout() -> tuple[list[str], dict[str, set[str]]]:
    """The block's top-level entries, and per package folder the names listed in it
    (module stems, and ``name/`` for a data folder): ``#`` starts a comment; a line
    at indent 0 is a top-level entry, at indent 2 modules of ``kzparallel/`` or a
    ``sub/`` folder of it, at indent 4 that folder's modules."""
    top: list[str] = []
    folders: dict[str, set[str]] = {}
    current = "kzparallel"
    for raw in layout_block():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        words = line.split()
        if indent == 0:
            top.append(words[0])
        elif indent == 2 and words[0].endswith("/"):
            current = f"kzparallel/{words[0].rstrip('/')}"
            folders[current] = set(words[1:])
        else:
            folder = "kzparallel" if indent == 2 else current
            folders.setdefault(folder, set()).update(words)
    return top, folders


def tree_names(folder: Path) -> set[str]:
    """Module stems of a package folder and its data folders (``name/``)."""
    names = {p.stem for p in folder.glob("*.py") if p.stem not in ("__init__", "__main__")}
    for d in folder.iterdir():
        if d.is_dir() and d.name != "__pycache__" and not (d / "__init__.py").exists():
            names.add(d.name + "/")
    return names


def test_the_readme_layout_is_the_tree() -> None:
    top, folders = listed_layout()
    package = ROOT / "kzparallel"
    packages = {f"kzparallel/{d.name}" for d in package.iterdir() if (d / "__init__.py").exists()}
    assert set(folders) == {"kzparallel"} | packages
    for folder, names in folders.items():
        assert names == tree_names(ROOT / folder), folder
    for entry in top:
        assert (ROOT / entry).exists(), entry
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if tracked.returncode == 0 and tracked.stdout:  # a git checkout: every tracked entry listed
        entries = set()
        for path in tracked.stdout.splitlines():
            head, sep, _ = path.partition("/")
            if head == ".gitignore":
                continue
            entries.add(path if head.startswith(".") else head + ("/" if sep else ""))
        assert entries == set(top)


def test_the_tests_readme_names_every_test_file() -> None:
    text = (ROOT / "tests" / "README.md").read_text(encoding="utf-8")
    missing = [p.name for p in sorted((ROOT / "tests").glob("test_*.py")) if p.name not in text]
    assert not missing
