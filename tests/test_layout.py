"""The layout the code keeps: which package may import which (read from the source, not run).

- the domain (`pwa/domain/`) holds the rules: it knows nothing of HTTP (Starlette, `pwa.web`,
  `pwa.routes`), of sending reminders (`pwa.reminders`) or of the demo data (`pwa.demo`);
- a route module never imports another route module: what two features share lives in the
  frame (`pwa.web`) or the domain; `pwa/routes/__init__.py`, which collects them, is the exception;
- the demo data sets (`pwa/demo/`) are loaded by the command line only (and by tests and
  benchmarks, which live outside `pwa/`).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PWA = Path(__file__).resolve().parent.parent / "pwa"


def module_name(path: Path) -> str:
    parts = path.relative_to(PWA.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, as absolute dotted names (relative imports resolved;
    `from pwa import routes` counts as importing `pwa.routes`)."""
    package = (
        module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    )
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            found.add(source)
            found.update(f"{source}.{alias.name}" for alias in node.names)
    return found


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def report(path: Path, names: set[str]) -> list[str]:
    """`module imports name` lines, one per imported module (`from a.b import c` gives `a.b`,
    not also `a.b.c`)."""
    return [
        f"{module_name(path)} imports {name}"
        for name in sorted(names)
        if not any(name.startswith(other + ".") for other in names)
    ]


def offences(paths: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    return [
        line
        for path in paths
        for line in report(
            path,
            {
                name
                for name in imported_modules(path)
                if any(within(name, package) for package in forbidden)
            },
        )
    ]


def modules_under(folder: str) -> list[Path]:
    return sorted((PWA / folder).rglob("*.py"))


def test_the_import_reader_sees_what_a_module_imports() -> None:
    sample = PWA / "routes" / "__init__.py"
    assert "pwa.routes.families" in imported_modules(sample)
    assert module_name(PWA / "domain" / "plans" / "__init__.py") == "pwa.domain.plans"


@pytest.mark.parametrize(
    "forbidden", ["starlette", "pwa.web", "pwa.routes", "pwa.reminders", "pwa.demo"]
)
def test_the_domain_imports_no_http_no_reminder_sending_and_no_demo(forbidden: str) -> None:
    assert modules_under("domain"), "pwa/domain/ has no modules: has the domain moved?"
    assert offences(modules_under("domain"), (forbidden,)) == []


def test_no_route_module_imports_another() -> None:
    routes = [path for path in modules_under("routes") if path.name != "__init__.py"]
    assert len(routes) > 10
    found = [
        line
        for path in routes
        for line in report(
            path,
            {
                name
                for name in imported_modules(path)
                if within(name, "pwa.routes") and not within(name, module_name(path))
            },
        )
    ]
    assert found == []


def test_only_the_command_line_loads_the_demo_data() -> None:
    importers = sorted(
        module_name(path)
        for path in PWA.rglob("*.py")
        if not within(module_name(path), "pwa.demo")
        and any(within(name, "pwa.demo") for name in imported_modules(path))
    )
    assert importers == ["pwa.cli"]
