"""The package's layers, read from the source (ast): imports point only downward, no cycles,
and no module reaches a name through the top package or its own subpackage's __init__.

Imports inside functions count: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "okanalysis"
#: Bottom to top. A module may import its own layer and the layers below it.
LAYERS = (
    "core",  # errors, paths, labels, thai, parameter files, components and grades
    "contract",  # schema, dataset, hierarchy, fingerprint, data dictionary, workbook
    "loading",  # parsing, reading files, validation
    "topics",  # ledger, potential, people, plans, centres, finance, standards, budget, privacy
    "charts",  # plotly figures and maps over the topics' tables
    "circles",  # the learning-circle store
    "grading",  # indicators, rubric, grades, change
    "results",  # the one owner of computed results
    "pack",  # a district pack for a laptop with no network
    "report",  # district reports, province summary, the batch
    "dashboard",  # the Voila circle dashboards
    "demo",  # the synthetic demo province
    "",  # the top: okanalysis/__init__, __main__, cli and the public aliases
)


def _modules() -> dict[str, Path]:
    found = {}
    for f in PACKAGE.rglob("*.py"):
        parts = f.relative_to(PACKAGE.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = f
    return found


MODULES = _modules()


def _layer(module: str) -> int:
    parts = module.split(".")
    sub = parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in LAYERS) else ""
    return LAYERS.index(sub)


def _imports(module: str, path: Path) -> list[tuple[int, str, str | None]]:
    """(line, imported module, name taken from it or None) for every okanalysis import."""
    is_package = path.name == "__init__.py"
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name, None) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                here = module.split(".") if is_package else module.split(".")[:-1]
                here = here[: len(here) - (node.level - 1)]
                base = ".".join([*here, *([base] if base else [])])
            found += [(node.lineno, base, a.name) for a in node.names]
    return [f for f in found if f[1] == "okanalysis" or f[1].startswith("okanalysis.")]


def _target(base: str, name: str | None) -> str:
    """The module an import depends on: the submodule when `name` is one, else `base`."""
    if name and f"{base}.{name}" in MODULES:
        return f"{base}.{name}"
    while base not in MODULES:
        base = base.rpartition(".")[0]
    return base


def _edges() -> dict[str, set[str]]:
    return {m: {_target(b, n) for _, b, n in _imports(m, p)} - {m} for m, p in MODULES.items()}


def test_the_package_has_its_layers():
    for layer in LAYERS[:-1]:
        assert (PACKAGE / layer / "__init__.py").is_file(), layer


def test_no_import_cycles():
    edges = _edges()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    assert cycles == []


def test_imports_point_down_the_layers():
    upward = [
        f"{m} ({LAYERS[_layer(m)] or 'top'}) imports {t} ({LAYERS[_layer(t)] or 'top'})"
        for m, targets in _edges().items()
        for t in targets
        if _layer(t) > _layer(m)
    ]
    assert upward == []


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.count(".") >= 2))
def test_no_name_is_reached_through_the_top_package_or_its_own_subpackage(module):
    own = module.rpartition(".")[0]
    bad = []
    for line, base, name in _imports(module, MODULES[module]):
        through = base in ("okanalysis", own) and not (name and f"{base}.{name}" in MODULES)
        if through:
            bad.append(f"line {line}: {'import ' + base if name is None else base + ' -> ' + name}")
    assert bad == []


def test_the_public_module_names_are_the_real_modules():
    import importlib

    for name, real in (
        ("finance", "okanalysis.topics.finance"),
        ("people", "okanalysis.topics.people"),
        ("ledger", "okanalysis.topics.ledger"),
        ("potential", "okanalysis.topics.potential"),
        ("plans", "okanalysis.topics.plans"),
        ("centres", "okanalysis.topics.centres"),
        ("standards", "okanalysis.topics.standards"),
        ("budget", "okanalysis.topics.budget"),
        ("privacy", "okanalysis.topics.privacy"),
        ("components", "okanalysis.core.components"),
        ("batch", "okanalysis.report.batch"),
    ):
        assert importlib.import_module(f"okanalysis.{name}") is importlib.import_module(real)
