"""Guards of the code's structure (docs/architecture.md): the import contract holds, files keep
to one concern, and imports sit at the top of modules."""

import ast
import io
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest

ESSAIM = Path(__file__).resolve().parents[2]
ROOT = ESSAIM.parent
MAX_LOGIC_LINES = 500

# Imports inside a function, each with the reason it cannot sit at the top of its module.
# (module, imported module): reason
FUNCTION_IMPORTS_ALLOWED: dict[tuple[str, str], str] = {
    ("essaim.cli", "essaim.demo"): (
        "the command line sets ESSAIM_MODE and DJANGO_SETTINGS_MODULE, then django.setup(), "
        "before anything that imports models can be imported"
    ),
    ("essaim.cli", "essaim.demo.synthetic.command"): (
        "the command line sets DJANGO_SETTINGS_MODULE, then django.setup(), before anything "
        "that imports models can be imported"
    ),
    ("essaim.cli", "essaim.core.schedule"): (
        "the command line sets DJANGO_SETTINGS_MODULE, then django.setup(), before anything "
        "that imports models can be imported"
    ),
}


def _modules(*, tests: bool = False):
    for path in sorted(ESSAIM.rglob("*.py")):
        parts = path.relative_to(ESSAIM).parts
        if "migrations" in parts:
            continue
        if ("tests" in parts or path.name == "conftest.py") != tests:
            continue
        yield path


def _dotted(path: Path) -> str:
    relative = path.relative_to(ROOT).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def logic_lines(source: str) -> int:
    """Lines holding code: not blank, not comments, not docstrings."""
    tree = ast.parse(source)
    docstrings: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            first = node.body[0] if node.body else None
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                docstrings.update(range(first.lineno, first.end_lineno + 1))
    skipped = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}
    lines: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in skipped or token.type == tokenize.ENDMARKER:
            continue
        lines.update(n for n in range(token.start[0], token.end[0] + 1) if n not in docstrings)
    return len(lines)


def test_no_file_holds_more_than_500_lines_of_logic():
    """Demo data (essaim/demo) is data, not logic: exempt."""
    too_long = {
        path.relative_to(ESSAIM).as_posix(): count
        for path in [*_modules(), *_modules(tests=True)]
        if "demo" not in path.relative_to(ESSAIM).parts[:1]
        and (count := logic_lines(path.read_text())) > MAX_LOGIC_LINES
    }
    assert too_long == {}


def _function_imports(path: Path) -> set[tuple[str, str]]:
    """Imports of essaim modules inside functions. ``AppConfig.ready`` is exempt: Django loads
    the apps' models only after every ``apps.py`` is imported, so what an app registers with
    ``core`` (history, hooks, periodic jobs) is imported there, as Django documents."""
    found = set()
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if path.name == "apps.py" and node.name == "ready":
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.ImportFrom) and (inner.module or "").startswith("essaim"):
                found.add((_dotted(path), inner.module))
            elif isinstance(inner, ast.Import):
                found.update(
                    (_dotted(path), alias.name)
                    for alias in inner.names
                    if alias.name.startswith("essaim")
                )
    return found


def test_no_import_inside_a_function_unless_documented():
    found = set().union(*(_function_imports(path) for path in _modules()))
    undocumented = sorted(found - set(FUNCTION_IMPORTS_ALLOWED))
    assert undocumented == [], "Import at the top, or document why in FUNCTION_IMPORTS_ALLOWED"
    stale = sorted(set(FUNCTION_IMPORTS_ALLOWED) - found)
    assert stale == [], "Remove the allowances nothing needs any more"


@pytest.mark.slow
def test_import_contract_holds():
    """The layers in flow order and no module cycle (pyproject.toml, [tool.importlinter])."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(  # noqa: S603 - our own tool, fixed arguments
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout[-4000:]
