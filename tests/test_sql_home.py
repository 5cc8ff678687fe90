"""SQL has one home: the services named here hold none of it; their queries are in mshtdesk/store/queries.

A service may name SQLAlchemy types (a ``Connection`` it passes on) but neither builds a statement nor
runs one. Add a service to ``MOVED`` once its queries have moved.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SERVICES = Path(__file__).parent.parent / "mshtdesk" / "services"
MOVED = (
    "audit",
    "calendar",
    "com_report",
    "contacts",
    "haven",
    "navigator",
    "nrm",
    "nrm_rules",
    "nrm_types",
    "pathway",
    "people",
    "reference",
    "register",
    "support_scope",
    "today",
    "users",
)
# IntegrityError: a service maps a constraint the database enforced to a message (a bed taken meanwhile).
TYPES_ONLY = {"Connection", "ColumnElement", "IntegrityError"}


@pytest.mark.parametrize("name", MOVED)
def test_service_holds_no_sql(name: str) -> None:
    tree = ast.parse((SERVICES / f"{name}.py").read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
            found += [f"imports {a.name}" for a in node.names if a.name not in TYPES_ONLY]
        elif isinstance(node, ast.Import):
            found += [f"imports {a.name}" for a in node.names if a.name.startswith(("sqlalchemy", "sqlite3"))]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "execute"
        ):
            found.append(f"runs a statement on line {node.lineno}")
    assert not found, f"services/{name}.py: {', '.join(found)}; move the query to mshtdesk/store/queries/"


def test_the_com_summary_assembles_without_sql() -> None:
    """``reports/com.py`` builds the tables from ``store/queries/com.py``'s rows and imports no SQLAlchemy."""
    path = SERVICES.parent / "reports" / "com.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    modules += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert not [m for m in modules if m.startswith("sqlalchemy")]
