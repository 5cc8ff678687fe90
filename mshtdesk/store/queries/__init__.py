"""The SQL of the services, one module per area (register, people, nrm, navigator, users, ...), portable
to SQLite and PostgreSQL. Functions take a connection and plain values and return named tuples."""
