"""The layers of ARCHITECTURE.md, read from the imports: a layer never reaches up.

Every ``import`` in the package counts, including the lazy ones inside functions.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "commresp"

OPERATIONS = {
    "answers",
    "catalog",
    "clearance",
    "communications",
    "demo",
    "drafting",
    "enquiries",
    "intake",
    "letterhead",
    "mail",
    "redaction",
    "rendering",
    "search",
    "server",
}

# What each layer may import from commresp, besides itself and ``commresp.errors``.
BELOW = {
    "rules": set(),
    "store": {"rules"},
    "workspace": {"store", "rules"},
    "documents": {"workspace", "rules"},
    "reporting": {"documents", "workspace", "store", "rules"},
    "maintenance": {"documents", "workspace", "store", "rules"},
    "operations": {"reporting", "maintenance", "documents", "workspace", "store", "rules"},
    "commands": {
        "operations",
        "reporting",
        "maintenance",
        "documents",
        "workspace",
        "store",
        "rules",
    },
}

# Pure rules do no I/O: no files, processes, databases, documents or terminals.
IO_MODULES = {
    "click",
    "docx",
    "glob",
    "io",
    "lxml",
    "os",
    "pathlib",
    "pypdf",
    "rich",
    "shutil",
    "socket",
    "sqlite3",
    "sqlite_utils",
    "subprocess",
    "tempfile",
    "zipfile",
}


def layer_of(module: str) -> str:
    """``commresp.store.queries`` → ``store``; ``commresp.drafting`` → ``operations``."""
    parts = module.split(".")
    if len(parts) == 1:
        return "package"
    head = parts[1]
    if head in OPERATIONS:
        return "operations"
    if head in ("cli", "__main__"):
        return "cli"
    return head


def modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        found.append((".".join(parts), path))
    return found


def imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, imported module, names imported from it) for every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module, [alias.name for alias in node.names]))
    return found


def commresp_target(module: str, names: list[str]) -> list[str]:
    """The commresp modules an import reaches: ``from commresp import store`` → store."""
    if module == "commresp":
        return [f"commresp.{name}" for name in names]
    if module.startswith("commresp."):
        return [module]
    return []


def test_the_layout_is_as_documented():
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert {"rules", "store", "workspace", "documents", "reporting", "maintenance"} <= folders
    assert OPERATIONS <= {p.stem for p in PACKAGE.glob("*.py")}


@pytest.mark.parametrize("name,path", modules(), ids=[m for m, _ in modules()])
def test_no_layer_reaches_up(name, path):
    layer = layer_of(name)
    if layer in ("package", "cli", "errors"):
        return
    allowed = BELOW[layer] | {layer}
    wrong = []
    for line, module, names in imports(path):
        for target in commresp_target(module, names):
            target_layer = layer_of(target)
            if target_layer in ("errors", "package") or target == "commresp.__version__":
                continue
            if target_layer not in allowed:
                wrong.append(f"line {line}: {layer} imports {target} ({target_layer})")
    assert not wrong, f"{name} reaches up: " + "; ".join(wrong)


@pytest.mark.parametrize(
    "name,path",
    [(m, p) for m, p in modules() if layer_of(m) == "rules"],
    ids=[m for m, _ in modules() if layer_of(m) == "rules"],
)
def test_rules_do_no_io(name, path):
    wrong = [
        f"line {line}: {module}"
        for line, module, _ in imports(path)
        if module.split(".")[0] in IO_MODULES
    ]
    assert not wrong, f"{name} is a pure rule module but imports " + ", ".join(wrong)


def test_no_private_name_crosses_a_module():
    wrong = []
    for name, path in modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        commresp_aliases = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if node.module == "commresp" or node.module.startswith("commresp."):
                    for alias in node.names:
                        if alias.name.startswith("_") and not alias.name.startswith("__"):
                            wrong.append(f"{name} line {node.lineno}: imports {alias.name}")
                        commresp_aliases.add(alias.asname or alias.name)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in commresp_aliases
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                wrong.append(f"{name} line {node.lineno}: uses {node.value.id}.{node.attr}")
    assert not wrong, "; ".join(wrong)


def test_sql_lives_in_the_store():
    keywords = ("select ", "insert into ", "delete from ", "create table ", "create index ")
    wrong = []
    for name, path in modules():
        if layer_of(name) == "store":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = " ".join(node.value.lower().split())
                if any(k in text for k in keywords) and (" from " in text or "into" in text):
                    wrong.append(f"{name} line {node.lineno}")
    assert not wrong, "SQL outside store/: " + ", ".join(wrong)
