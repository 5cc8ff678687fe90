"""One module per list or report: the SQL behind it, portable to SQLite and PostgreSQL."""
