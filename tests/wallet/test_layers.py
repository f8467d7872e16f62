"""The audience packages stand side by side: none imports another, and nothing below them imports any.

Read from the source (ast), so an import inside a function counts as much as one at the top.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

WALLET = Path(__file__).resolve().parents[2] / "wallet"
AUDIENCES = ("resident", "unit", "finance", "api", "public")
SHARED = ("presenters", "services", "models", "policy.py")


def modules(entry: str) -> list[Path]:
    path = WALLET / entry
    return sorted(path.rglob("*.py")) if path.is_dir() else [path]


def module_name(path: Path) -> str:
    parts = path.relative_to(WALLET.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_of(path: Path) -> str:
    return module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]


def imported(source: str, package: str) -> set[str]:
    """Every module ``source`` imports, relative imports resolved against ``package``."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.update(f"{base}.{alias.name}" for alias in node.names)
            names.add(base)
    return names


def audience_of(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "wallet" and parts[1] in AUDIENCES else None


def crossings(entries: tuple[str, ...], allowed: str | None = None) -> list[str]:
    found = []
    for entry in entries:
        for path in modules(entry):
            for name in sorted(imported(path.read_text(encoding="utf-8"), package_of(path))):
                audience = audience_of(name)
                if audience is not None and audience != allowed:
                    found.append(f"{module_name(path)} imports {name}")
    return sorted(set(found))


@pytest.mark.parametrize("audience", AUDIENCES)
def test_audience_package_imports_no_other_audience(audience: str) -> None:
    assert modules(audience), f"wallet/{audience} has no modules: the check would pass on nothing"
    assert crossings((audience,), allowed=audience) == []


def test_presenters_services_policy_and_models_import_no_audience() -> None:
    assert crossings(SHARED) == []


def test_the_check_sees_every_form_of_import() -> None:
    """The walk above would pass on anything if it missed imports: absolute, from, relative, nested."""
    source = (
        "import wallet.unit.access\nfrom wallet.finance import admin\nfrom ..api import replies\n"
        "def view():\n    from . import views\n"
    )
    names = imported(source, package="wallet.public")
    assert {audience_of(name) for name in names} >= {"unit", "finance", "api", "public"}
    assert audience_of("wallet.presenters.bill") is None
