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
TYPES_ONLY = {"Connection", "ColumnElement"}


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
