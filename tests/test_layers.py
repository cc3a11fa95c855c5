"""The import direction of DESIGN.md section 2, enforced.

import-linter checks the package layers (app -> adapters -> edi; schemas below app and
adapters; edi imports nothing of ours). A second check walks the source for the rules
import-linter cannot express: only edi/edifact may import pydifact, only edi/xml lxml, and no
SQLAlchemy in routers.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_linter_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--config", str(ROOT / "pyproject.toml")],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken" in result.stdout


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def _offenders(package: str, module: str, allowed_under: str | None) -> list[str]:
    bad = []
    for path in (ROOT / package).rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if allowed_under and rel.startswith(allowed_under):
            continue
        if module in _imports(path):
            bad.append(rel)
    return bad


def test_only_edi_edifact_imports_pydifact() -> None:
    for package in ("app", "adapters", "schemas", "edi"):
        assert _offenders(package, "pydifact", "edi/edifact/") == []


def test_only_edi_xml_imports_lxml() -> None:
    # adapters read XML documents through the parsed lxml tree they are handed, never by
    # importing lxml themselves.
    for package in ("app", "adapters", "schemas", "edi"):
        assert _offenders(package, "lxml", "edi/xml/") == []


def test_routers_do_not_import_sqlalchemy() -> None:
    assert _offenders("app/api", "sqlalchemy", None) == []


def test_edi_and_adapters_do_not_touch_the_database_or_web() -> None:
    for package in ("edi", "adapters", "schemas"):
        for module in ("sqlalchemy", "fastapi", "starlette"):
            assert _offenders(package, module, None) == [], (package, module)
