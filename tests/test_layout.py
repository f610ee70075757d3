"""The source tree keeps its private names private.

A name starting with `_` belongs to its module: no other module of `tracker`, `roadmaps` or
`notifications` imports it (`from tracker.x import _name`) or reaches for it through the
module (`x._name`). One exception: a package's private submodule (`roadmaps._dateforms`)
is private to its package, so modules of that package may import it. gettext's `_` is a
public name. The tests themselves may look inside modules (they are not scanned).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("tracker", "roadmaps", "notifications")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(dotted: str) -> bool:
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and name != "_"


def _allowed(importer: str, package: str, name: str) -> bool:
    """A private submodule `package.name`, imported from inside `package`."""
    return _is_module(f"{package}.{name}") and (importer + ".").startswith(package + ".")


def _sources():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.relative_to(ROOT).parts:
                yield path


def _violations(source: str, importer: str, where: str) -> list[str]:
    """What `source`, the module `importer` (shown as `where`), uses of other's privates."""
    tree = ast.parse(source, where)
    found: list[str] = []
    modules: dict[str, str] = {}  # local name -> project module it is bound to
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in PACKAGES:
                    modules[alias.asname or alias.name.split(".")[0]] = alias.name
                    parent, _, last = alias.name.rpartition(".")
                    if _private(last) and not _allowed(importer, parent, last):
                        found.append(f"{where}:{node.lineno}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] not in PACKAGES:
                continue
            for alias in node.names:
                if _is_module(f"{node.module}.{alias.name}"):
                    modules[alias.asname or alias.name] = f"{node.module}.{alias.name}"
                if _private(alias.name) and not _allowed(importer, node.module, alias.name):
                    found.append(f"{where}:{node.lineno}: from {node.module} import {alias.name}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            value = node.value
            if isinstance(value, ast.Name) and value.id in modules:
                module = modules[value.id]
                if module != importer and not _allowed(importer, module, node.attr):
                    found.append(f"{where}:{node.lineno}: {module}.{node.attr}")
    return found


def test_no_private_name_is_used_outside_its_module():
    found = [line for path in _sources()
             for line in _violations(path.read_text(encoding="utf-8"), _module_name(path),
                                     str(path.relative_to(ROOT)))]
    assert found == [], "private names used outside their module:\n" + "\n".join(found)


def test_the_check_sees_a_private_import():
    """The scanner itself: it reports each form and lets the allowed ones pass."""
    source = ("from tracker.core.db import _sqlite_engine\n"
              "from tracker.core import db\n"
              "from roadmaps import _dateforms\n"
              "from tracker.core.i18n import _\n"
              "import roadmaps._placing\n"
              "db._sqlite_is_file('x')\n")
    assert _violations(source.replace("_placing", "deadlines"), "roadmaps.probe", "p") == [
        "p:1: from tracker.core.db import _sqlite_engine",
        "p:6: tracker.core.db._sqlite_is_file",
    ]
    found = _violations(source, "tracker.probe", "p")
    assert [line.split(": ", 1)[1] for line in found] == [
        "from tracker.core.db import _sqlite_engine",
        "from roadmaps import _dateforms",
        "import roadmaps._placing",
        "tracker.core.db._sqlite_is_file",
    ]
