"""The package's layering: no import cycles, and stand-ins never import the layers above them."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "llmbook_utils"
# what each stand-in module may import from the package (besides other stand-ins)
STANDIN_MAY_IMPORT = {
    "llmbook_utils.cache",
    "llmbook_utils.errors",
    "llmbook_utils.log",
    "llmbook_utils.datafiles",
    "llmbook_utils.shapes",
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def internal_imports(path: Path) -> set[str]:
    """Modules of llmbook_utils that ``path`` imports, at any depth of the file (functions included)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("llmbook_utils")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("llmbook_utils"):
                continue
            for alias in node.names:  # `from . import minilm` imports a module, not a name
                candidate = f"{target}.{alias.name}"
                found.add(candidate if candidate in MODULES else target)
    return {m for m in found if m in MODULES and m != name}


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}
GRAPH = {name: internal_imports(path) for name, path in MODULES.items()}


def test_no_import_cycles():
    state: dict[str, str] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(GRAPH[node]):
            if nxt.startswith(node + "."):
                continue  # a package importing its own submodules (its __init__) is not a cycle
            if state.get(nxt) == "open":
                raise AssertionError("import cycle: " + " -> ".join([*trail, node, nxt]))
            if nxt not in state:
                visit(nxt, [*trail, node])
        state[node] = "done"

    for name in sorted(GRAPH):
        if name not in state:
            visit(name, [])


def test_standins_import_only_the_bottom_layer():
    for name, imports in GRAPH.items():
        if not name.startswith("llmbook_utils.standins"):
            continue
        above = {m for m in imports if not m.startswith("llmbook_utils.standins") and m not in STANDIN_MAY_IMPORT}
        assert not above, f"{name} imports {sorted(above)}: stand-ins may import only {sorted(STANDIN_MAY_IMPORT)}"


def test_models_does_not_pull_in_the_data_layer():
    seen, todo = set(), ["llmbook_utils.models"]
    while todo:
        for nxt in GRAPH[todo.pop()] - seen:
            seen.add(nxt)
            todo.append(nxt)
    assert "llmbook_utils.datasets" not in seen and "llmbook_utils.playlists" not in seen


def test_the_cycle_check_can_fail(monkeypatch):
    """Guard against a checker that passes everything: a planted cycle must be found."""
    import pytest

    monkeypatch.setitem(GRAPH, "llmbook_utils.cache", GRAPH["llmbook_utils.cache"] | {"llmbook_utils.models"})
    with pytest.raises(AssertionError, match="import cycle"):
        test_no_import_cycles()
