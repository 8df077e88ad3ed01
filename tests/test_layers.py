"""The shape of the code: layers import one way, no import cycles, no long functions in the
answering layer. Static, from the source (every import, including those inside functions)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("corpus", "embeddings", "index", "app", "eval")
# What each layer may import of ours: corpus → embeddings → index → app (answering, drafting,
# page, CLI); eval uses the public APIs of all of them.
ALLOWED = {
    "corpus": {"corpus"},
    "embeddings": {"embeddings", "corpus"},
    "index": {"index", "embeddings", "corpus"},
    "app": {"app", "index", "embeddings", "corpus"},
    "eval": {"eval", "app", "index", "embeddings", "corpus"},
}
ANSWERING = ("answer.py", "answer_model.py", "understand.py", "handlers.py", "render.py", "identify.py",
             "indicators.py", "vocabulary.py", "grounding.py")
MAX_FUNCTION_LINES = 60


def _modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            yield name, path


def _imports(path: Path) -> set[str]:
    """Modules of ours a file imports; "from corpus import labels" is corpus.labels, not corpus."""
    modules = {name for name, _ in _modules()}
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            submodules = {f"{node.module}.{a.name}" for a in node.names} & modules
            found |= submodules or {node.module}
            if len(submodules) < len(node.names):
                found.add(node.module)
    return {m for m in found if m.split(".")[0] in PACKAGES}


def _graph() -> dict[str, set[str]]:
    names = {name for name, _ in _modules()}
    return {name: {m for m in _imports(path) if m in names} for name, path in _modules()}


def test_layers_import_one_way():
    wrong = [(name, m) for name, path in _modules() for m in _imports(path)
             if m.split(".")[0] not in ALLOWED[name.split(".")[0]]]
    assert wrong == []


def test_no_import_cycle_between_modules():
    graph = _graph()
    state: dict[str, int] = {}
    cycles = []

    def visit(node, stack):
        state[node] = 1
        for nxt in graph.get(node, ()):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for node in graph:
        if node not in state:
            visit(node, [node])
    assert cycles == []


@pytest.mark.parametrize("module", ANSWERING)
def test_answering_functions_are_short(module):
    tree = ast.parse((ROOT / "app" / module).read_text(encoding="utf-8"))
    long = [(n.name, n.end_lineno - n.lineno + 1) for n in ast.walk(tree)
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.end_lineno - n.lineno + 1 > MAX_FUNCTION_LINES]
    assert long == []
