"""The house keeps its shape (docs/architecture.md): imports point down the layers, no
feature imports another feature's views, one blueprint per package named as the package,
modules of about 400 lines at most. Read from the source with ``ast``; nothing is
imported. ``python -m tests.unit.test_architecture`` prints the figures."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "portfolio"

# Shared by every feature and importing none: configuration, the database, extensions,
# the web helpers, i18n, templates, the crypto core, the upload pipeline, the blob store.
CORE = frozenset(
    {
        "blobs",
        "config",
        "db",
        "extensions",
        "forms",
        "http",
        "i18n",
        "icons",
        "static_files",
        "templating",
        "uploads",
        "vault",
        "web",
    }
)
# Features, bottom to top: each may import those before it, never those after.
FEATURES = (
    "accounts",
    "entries",
    "sharing",
    "progress",  # presents its kinds to recipients through sharing's registry
    "pip",
    "workspace",
    "export",
    "verify",
    "admin",
    "pages",
    "pwa",
)
# The composition root: it wires the features together and may import any of them.
ROOT = frozenset({"__init__", "models", "cli", "demo"})
NO_FLASK = frozenset({"vault", "uploads", "blobs"})
MAX_LINES = 400
LONGER = {
    # The whole key hierarchy of crypto.md, from the passphrase down to grant keys, in
    # one file that a security reviewer reads top to bottom.
    "vault/keys.py": 450,
}


@dataclass(frozen=True)
class Import:
    module: str  # importing module, dotted, without "portfolio."
    target: str  # imported module, dotted, without "portfolio."
    line: int


def _modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).with_suffix("")
        yield ".".join(relative.parts), path


def _imports(module: str, path: Path) -> Iterator[Import]:
    """Every import of the package, also inside functions, with ``from x import y``
    read as importing ``x.y`` when ``y`` is a module."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("portfolio."):
                    yield Import(module, alias.name.removeprefix("portfolio."), node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module != "portfolio" and not node.module.startswith("portfolio."):
                continue
            base = node.module.removeprefix("portfolio").lstrip(".")
            for alias in node.names:
                dotted = f"{base}.{alias.name}" if base else alias.name
                is_module = (PACKAGE / Path(*dotted.split("."))).with_suffix(".py").exists() or (
                    PACKAGE / Path(*dotted.split(".")) / "__init__.py"
                ).exists()
                yield Import(module, dotted if is_module else base, node.lineno)


def all_imports() -> list[Import]:
    return [found for module, path in _modules() for found in _imports(module, path)]


def top(dotted: str) -> str:
    return dotted.split(".")[0]


def rank(package: str) -> int | None:
    return FEATURES.index(package) if package in FEATURES else None


def upward(found: Import) -> bool:
    """An import from a lower layer into a higher one (the root may import anything)."""
    source, target = top(found.module), top(found.target)
    if source in ROOT or source == target or not target:
        return False
    if source in CORE:
        return target not in CORE
    source_rank, target_rank = rank(source), rank(target)
    return source_rank is not None and target_rank is not None and target_rank > source_rank


def is_views(dotted: str) -> bool:
    return dotted.rsplit(".", 1)[-1].endswith("views")


def test_every_package_has_a_place_in_the_layers() -> None:
    packages = {top(module) for module, _path in _modules()}
    assert packages <= CORE | set(FEATURES) | ROOT


def test_imports_point_down_the_layers() -> None:
    found = [f"{i.module}:{i.line} -> {i.target}" for i in all_imports() if upward(i)]
    assert found == []


def test_no_feature_imports_another_features_views() -> None:
    found = [
        f"{i.module}:{i.line} -> {i.target}"
        for i in all_imports()
        if is_views(i.target) and top(i.module) != top(i.target) and top(i.module) not in ROOT
    ]
    assert found == []


def test_the_crypto_core_and_the_upload_pipeline_know_no_flask() -> None:
    found = []
    for module, path in _modules():
        if top(module) not in NO_FLASK:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            found += [f"{module}: {n}" for n in names if top(n) in {"flask", "flask_babel"}]
    assert found == []


def _blueprints() -> Iterator[tuple[str, str | None]]:
    """(module, name) of every ``Blueprint(...)`` made in the package."""
    for module, path in _modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "Blueprint"
            ):
                first = node.args[0] if node.args else None
                name = first.value if isinstance(first, ast.Constant) else None
                yield module, name if isinstance(name, str) else None


def test_one_blueprint_per_package_named_as_the_package() -> None:
    made = list(_blueprints())
    assert all(module.endswith(".__init__") for module, _ in made), made
    assert all(name == top(module) for module, name in made), made
    assert len({module for module, _ in made}) == len(made)


def line_counts() -> dict[str, int]:
    return {
        str(path.relative_to(PACKAGE)): len(path.read_text().splitlines())
        for _module, path in _modules()
    }


def test_modules_stay_about_400_lines() -> None:
    too_long = {
        name: lines for name, lines in line_counts().items() if lines > LONGER.get(name, MAX_LINES)
    }
    assert too_long == {}


def function_lengths() -> list[tuple[int, str]]:
    found = []
    for module, path in _modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                found.append((length, f"{module}.{node.name}"))
    return sorted(found, reverse=True)


def report() -> str:
    counts = line_counts()
    longest = sorted(counts.items(), key=lambda kv: -kv[1])[:8]
    lines = [
        f"modules: {len(counts)} ({sum(counts.values())} lines)",
        "longest modules: " + ", ".join(f"{name} {n}" for name, n in longest),
        "longest functions: " + ", ".join(f"{name} {n}" for n, name in function_lengths()[:8]),
        "upward imports between packages: "
        + str(len({(i.module, i.target) for i in all_imports() if upward(i)})),
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(report())
