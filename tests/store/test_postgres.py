"""What only a PostgreSQL session has: the app's connections turn JIT compiling off.

The rest of what this file once ran on a server alone (the seed table and a second import, the register's
list and sorts, a long merge and its undoing, models against migrations) now runs on both engines in
tests/services (test_custody_import, test_register, test_people_merge) and
tests/store/test_migrations.py. Runs when MSHTDESK_TEST_PG_URL names a scratch database.
"""

from tests.postgres import PG_URL, needs_postgres

pytestmark = needs_postgres


def test_the_apps_sessions_run_without_jit() -> None:
    """JIT compiling cost ~580 ms a disposal table at 100,000 arrests (estimates count subplans that
    never run): the app's connections turn it off, after any options the address gives."""
    from mshtdesk.store.engine import make_engine

    assert PG_URL
    for url in (PG_URL, f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-c%20work_mem%3D8MB"):
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                assert conn.exec_driver_sql("SHOW jit").scalar_one() == "off"
                if "work_mem" in url:
                    assert conn.exec_driver_sql("SHOW work_mem").scalar_one() == "8MB"
        finally:
            engine.dispose()
