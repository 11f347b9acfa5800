"""The layout the README draws: dependencies point one way, from the site down to `common`.

`website` may use every domain app; `budgets` may use `programs`; `subscriptions` (following
by e-mail) may use `programs` and `budgets`; no domain app imports `website` or the project
package `limburg_maak`; every app may use `common`, which uses none of them. Migrations are
history and are left out.
"""

import ast
import importlib
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
# What each package may not import.
FORBIDDEN = {
    "common": {"limburg_maak", "programs", "budgets", "website"},
    "programs": {"limburg_maak", "budgets", "website"},
    "budgets": {"limburg_maak", "website"},
    "subscriptions": {"limburg_maak", "website"},
    "website": {"limburg_maak"},
}


def modules():
    """Every module of our packages (migrations left out), as `(package, dotted name, path)`."""
    for package in [*FORBIDDEN, "limburg_maak"]:
        for path in sorted((BASE / package).rglob("*.py")):
            parts = path.relative_to(BASE).with_suffix("").parts
            if "migrations" not in parts:
                name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
                yield package, name, path


def imported_packages(path, module):
    """The top-level packages `path` imports, relative imports resolved against `module`."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            found.add(module.split(".")[0] if node.level else node.module.split(".")[0])
    return found


@pytest.mark.parametrize(
    ("package", "module", "path"),
    [pytest.param(*found, id=found[1]) for found in modules()],
)
def test_every_module_imports_and_keeps_the_dependency_rule(package, module, path):
    importlib.import_module(module)

    forbidden = imported_packages(path, module) & FORBIDDEN.get(package, set())

    assert not forbidden, f"{module} imports {', '.join(sorted(forbidden))}"


def test_the_rule_finds_a_forbidden_import(tmp_path):
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text("from website.views import home\nfrom . import models\n")

    assert imported_packages(sneaky, "programs.sneaky") == {"website", "programs"}
