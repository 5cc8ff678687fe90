"""Every test here runs on both engines (tests/both_engines.py)."""

from tests.both_engines import database, db_address

__all__ = ["database", "db_address"]
