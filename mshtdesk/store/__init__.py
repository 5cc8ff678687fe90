"""Storage: engine, tables, migrations and the SQL behind each list and report."""
